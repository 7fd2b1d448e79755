import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aspects, Testing, TerraformStack } from 'cdktf';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { type SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { OrganizationIamCustomRole } from '@cdktf/provider-google/lib/organization-iam-custom-role';
import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { podSecurityLabels } from '../../lib/pod-security';
import { applyPolicies, PolicyAspect, PolicyError } from '../../lib/policy/aspect';
import { RULE_IDS } from '../../lib/policy/rules';
import { waive, allWaivers } from '../../lib/policy/waivers';
import { buildStacks } from '../../lib/app';
import { CloudSqlInstance } from '../../constructs/cloud-sql-instance';
import { SpannerInstance } from '../../constructs/spanner-instance';
import { GkeCluster } from '../../constructs/gke-cluster';
import { DnsZone } from '../../constructs/dns-zone';
import { SecureBucket } from '../../constructs/secure-bucket';
import { exampleCatalog, testProject } from '../helpers';
import { binding, bucket, cluster, FIXTURES, LABELS, nodePool, sqlInstance } from './fixtures';

/** A stack under the policy; waiver lines go to `log` instead of stderr. */
function policyStack(log: string[] = []): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'fixture');
  applyPolicies(stack, { log: (line) => log.push(line) });
  return stack;
}

function policyError(stack: TerraformStack): PolicyError {
  try {
    Testing.synth(stack);
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('expected synth to fail with a PolicyError, but it succeeded');
}

describe('every policy rule', () => {
  it('has a fixture', () => {
    expect(Object.keys(FIXTURES).sort()).toEqual([...RULE_IDS].sort());
  });

  describe.each(RULE_IDS)('%s', (rule) => {
    const fixture = FIXTURES[rule];

    it('fails synth for a resource that violates it, naming the path, the rule and the fix', () => {
      const stack = policyStack();
      fixture.build(stack, true);
      const error = policyError(stack);
      expect(new Set(error.violations.map((v) => v.rule))).toEqual(new Set([rule]));
      expect(error.violations[0].problem).toMatch(fixture.problem);
      expect(error.message).toContain(`[fixture/${fixture.offender}] ${rule}: `);
      expect(error.message).toMatch(/Fix: \S/);
    });

    it('passes a resource that complies', () => {
      const stack = policyStack();
      fixture.build(stack, false);
      expect(() => Testing.synth(stack)).not.toThrow();
    });
  });
});

describe('the policy', () => {
  it('collects every violation of a stack and throws once', () => {
    const stack = policyStack();
    sqlInstance(stack, { deletionProtection: false, settings: { ipConfiguration: { ipv4Enabled: true } } });
    bucket(stack, { forceDestroy: true, labels: {} });
    const error = policyError(stack);
    expect(error.violations.map((v) => `${v.path} ${v.rule}`).sort()).toEqual([
      'fixture/Bucket bucket-deletion-protection',
      'fixture/Bucket required-labels',
      'fixture/Sql cloudsql-deletion-protection',
      'fixture/Sql cloudsql-no-public-ip',
    ]);
    expect(error.message).toMatch(/^Security policy: 4 violation\(s\) in stack "fixture":/);
  });

  it('fails the real synth (App.synth) when deletion protection is removed from a CloudSqlInstance', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'policy-')), skipValidation: true });
    const stack = new TerraformStack(app, 'service-payment-production');
    applyPolicies(app);
    new CloudSqlInstance(stack, 'CloudSql', {
      project: testProject(stack, ['sqladmin.googleapis.com']),
      region: 'asia-northeast1',
      engine: 'postgres',
      version: 'POSTGRES_16',
      tier: 'db-custom-2-7680',
      network: { id: 'projects/acme-platform-prod/global/networks/platform' },
      labels: LABELS,
      deletionProtection: false,
    });
    expect(() => app.synth()).toThrow(
      /\[service-payment-production\/CloudSql\/Instance\] cloudsql-deletion-protection: deletion_protection is false\. Fix: leave CloudSqlInstance deletionProtection at its default \(true\)/,
    );
  });

  it.each([
    ['SpannerInstance', 'spanner-deletion-protection', (s: TerraformStack) => new SpannerInstance(s, 'Spanner', { project: testProject(s, [], 'p-123456'), config: 'regional-asia-northeast1', databases: ['a'], labels: LABELS, deletionProtection: false })],
    ['DnsZone', 'dns-zone-prevent-destroy', (s: TerraformStack) => new DnsZone(s, 'Dns', { project: 'p-123456', domain: 'platform.example.com', labels: LABELS, deletionProtection: false })],
    ['SecureBucket', 'bucket-deletion-protection', (s: TerraformStack) => new SecureBucket(s, 'Backups', { project: 'p-123456', name: 'acme-backups', location: 'asia-northeast1', labels: LABELS, deletionProtection: false })],
  ])('fails synth when deletion protection is removed from a %s', (_construct, rule, build) => {
    const stack = policyStack();
    build(stack);
    expect(policyError(stack).violations.map((v) => v.rule)).toContain(rule);
  });

  it('fails synth when deletion protection is removed from a GkeCluster', () => {
    const stack = policyStack();
    new GkeCluster(stack, 'Cluster', {
      project: 'acme-platform-prod',
      region: 'asia-northeast1',
      name: 'production',
      network: 'n',
      subnetwork: 's',
      podsRangeName: 'pods',
      servicesRangeName: 'services',
      masterCidr: '172.16.0.0/28',
      securityGroup: 'gke-security-groups@example.com',
      labels: LABELS,
      deletionProtection: false,
    });
    expect(policyError(stack).violations.map((v) => `${v.path} ${v.rule}`)).toEqual(['fixture/Cluster/Cluster gke-deletion-protection']);
  });

  it('passes the example catalog (its waivers are listed in docs/SECURITY.md: docs.test.ts)', () => {
    const app = Testing.app();
    buildStacks(app, exampleCatalog());
    const stacks = app.node.children.filter(TerraformStack.isStack);
    expect(stacks.length).toBeGreaterThan(1);
    for (const stack of stacks) {
      expect(Aspects.of(stack).all.filter((a) => a instanceof PolicyAspect)).toHaveLength(1);
      expect(() => Testing.synth(stack)).not.toThrow();
    }
    expect(allWaivers(app).map((w) => `${w.path} ${w.rule}`)).toEqual(['cluster-production/Velero/Namespace pod-security-restricted', 'bootstrap/ApplierIam no-service-account-impersonation']);
  });

  it('is added once per stack however often applyPolicies runs', () => {
    const stack = policyStack();
    applyPolicies(stack);
    applyPolicies(stack.node.scope!);
    expect(Aspects.of(stack).all.filter((a) => a instanceof PolicyAspect)).toHaveLength(1);
  });

  it('checks the *_iam_binding shape too', () => {
    const stack = policyStack();
    binding(stack, 'roles/owner', ['serviceAccount:ci@acme.iam.gserviceaccount.com', 'user:alice@example.com', 'allAuthenticatedUsers']);
    expect(policyError(stack).violations.map((v) => `${v.rule}: ${v.problem}`)).toEqual([
      'no-basic-roles: roles/owner is granted to user:alice@example.com',
      'no-public-members: roles/owner is granted to allAuthenticatedUsers',
    ]);
  });

  it('allows basic roles for service accounts (the rule is about people and groups)', () => {
    const stack = policyStack();
    binding(stack, 'roles/viewer', ['serviceAccount:ci@acme.iam.gserviceaccount.com']);
    expect(() => Testing.synth(stack)).not.toThrow();
  });

  it('treats a node pool without a service account as running on the default one', () => {
    const stack = policyStack();
    nodePool(stack, { nodeConfig: { serviceAccount: undefined } });
    expect(policyError(stack).violations.map((v) => v.problem)).toEqual([expect.stringMatching(/service_account is not set/)]);
  });

  // The list is spelled out here so that dropping a permission from the rule fails a test.
  it.each([
    'iam.serviceAccounts.signBlob',
    'iam.serviceAccounts.signJwt',
    'iam.serviceAccounts.getAccessToken',
    'iam.serviceAccounts.actAs',
    'iam.serviceAccounts.implicitDelegation',
    'iam.serviceAccounts.getOpenIdToken',
    'iam.serviceAccounts.setIamPolicy',
    'iam.serviceAccountKeys.create',
    'resourcemanager.projects.setIamPolicy',
  ])('refuses %s in a project custom role', (permission) => {
    const stack = policyStack();
    new ProjectIamCustomRole(stack, 'Role', { project: 'acme-platform-prod', roleId: 'backups', title: 'Backups', permissions: ['compute.zones.get', permission] });
    expect(policyError(stack).violations.map((v) => `${v.rule}: ${v.problem}`)).toEqual([
      expect.stringMatching(new RegExp(`^custom-role-no-impersonation-permissions: custom role "backups" includes ${permission.replace(/\./g, '\\.')}, `)),
    ]);
  });

  it('refuses impersonation permissions in an organization custom role, one violation per permission', () => {
    const stack = policyStack();
    new OrganizationIamCustomRole(stack, 'Role', {
      orgId: '123456789012',
      roleId: 'deployer',
      title: 'Deployer',
      permissions: ['iam.serviceAccounts.actAs', 'resourcemanager.organizations.setIamPolicy', 'storage.buckets.get'],
    });
    expect(policyError(stack).violations.map((v) => v.problem)).toEqual([
      'custom role "deployer" includes iam.serviceAccounts.actAs, which acts as every service account in the organization, folder or project where the role is granted',
      'custom role "deployer" includes resourcemanager.organizations.setIamPolicy, which lets the holder grant itself any role in the organization, folder or project where the role is granted',
    ]);
  });

  it('requires private IP explicitly: the provider default for ipv4_enabled is a public IP', () => {
    const stack = policyStack();
    sqlInstance(stack, { settings: { ipConfiguration: { privateNetwork: 'n' } } });
    expect(policyError(stack).violations.map((v) => v.rule)).toEqual(['cloudsql-no-public-ip']);
  });
});

describe('required labels', () => {
  it.each([
    ['labels', (s: TerraformStack) => new ComputeGlobalAddress(s, 'R', { name: 'a', labels: { service: 'x' } }), 'labels lacks team, environment, managed-by'],
    ['settings.user_labels', (s: TerraformStack) => sqlInstance(s, { settings: { userLabels: undefined } }), 'settings.user_labels lacks service, team, environment, managed-by'],
    ['resource_labels', (s: TerraformStack) => cluster(s, { resourceLabels: { ...LABELS, environment: '' } }), 'resource_labels lacks environment'],
    ['node_config.resource_labels', (s: TerraformStack) => nodePool(s, { nodeConfig: { resourceLabels: undefined } }), 'node_config.resource_labels lacks service, team, environment, managed-by'],
  ])('are checked in %s', (_location, build, problem) => {
    const stack = policyStack();
    build(stack);
    expect(policyError(stack).violations.map((v) => `${v.rule}: ${v.problem}`)).toEqual([`required-labels: ${problem}`]);
  });

  it('are not required of resources that take no labels', () => {
    const stack = policyStack();
    new ServiceAccount(stack, 'Account', { project: 'acme-fixture-dev', accountId: 'fixture-app' });
    expect(() => Testing.synth(stack)).not.toThrow();
  });

  it('are not required in a nested block that is not configured (a cluster without node_config)', () => {
    const stack = policyStack();
    cluster(stack);
    const json = JSON.parse(Testing.synth(stack)) as { resource: { google_container_cluster: { Cluster: Record<string, unknown> } } };
    expect(json.resource.google_container_cluster.Cluster.node_config).toBeUndefined();
  });
});

describe('waivers', () => {
  it('exempt a construct and its children from one rule, and are printed on synth', () => {
    const log: string[] = [];
    const stack = policyStack(log);
    const instance: SqlDatabaseInstance = sqlInstance(stack, { deletionProtection: false, settings: { deletionProtectionEnabled: false } });
    waive(stack, 'cloudsql-deletion-protection', 'Scratch instance rebuilt from fixtures every night');
    expect(() => Testing.synth(stack)).not.toThrow();
    expect(log).toEqual(['policy waiver: [fixture] cloudsql-deletion-protection: Scratch instance rebuilt from fixtures every night']);
    expect(instance.node.path).toBe('fixture/Sql');
  });

  it('exempt only the rule they name', () => {
    const stack = policyStack();
    sqlInstance(stack, { deletionProtection: false, settings: { deletionProtectionEnabled: false, backupConfiguration: { enabled: false } } });
    waive(stack, 'cloudsql-deletion-protection', 'Scratch instance rebuilt from fixtures every night');
    expect(policyError(stack).violations.map((v) => v.rule)).toEqual(['cloudsql-backups']);
  });

  it('exempt only the construct they sit on (and its children)', () => {
    const stack = policyStack();
    const first = bucket(stack, { forceDestroy: true });
    cluster(stack, { deletionProtection: false });
    waive(first, 'bucket-deletion-protection', 'Holds build caches that are cheap to rebuild');
    expect(policyError(stack).violations.map((v) => `${v.path} ${v.rule}`)).toEqual(['fixture/Cluster gke-deletion-protection']);
  });

  it('that waive nothing are flagged in the synth output', () => {
    const log: string[] = [];
    const stack = policyStack(log);
    const compliant = bucket(stack);
    waive(compliant, 'bucket-uniform-access', 'Legacy ACL clients still read this bucket');
    Testing.synth(stack);
    expect(log).toEqual(['policy waiver: [fixture/Bucket] bucket-uniform-access: Legacy ACL clients still read this bucket (waives nothing: remove it)']);
  });

  it('need a known rule and a written reason', () => {
    const stack = policyStack();
    expect(() => waive(stack, 'no-such-rule', 'a reason that is long enough')).toThrow(/rule "no-such-rule" is not a policy rule; use one of: no-basic-roles, /);
    expect(() => waive(stack, 'required-labels', 'because')).toThrow(/reason "because" is too short; write at least 20 characters/);
  });
});

describe('Pod Security labels on namespaces', () => {
  const withPss = (enforce: string, version = 'v1.34') => ({ ...LABELS, ...podSecurityLabels('restricted', version), 'pod-security.kubernetes.io/enforce': enforce });

  it.each([
    ['privileged', withPss('privileged'), ['namespace-pod-security', 'pod-security-restricted']],
    ['an unpinned (latest) version', withPss('restricted', 'latest'), ['namespace-pod-security', 'namespace-pod-security', 'namespace-pod-security']],
    ['no Pod Security labels at all', LABELS, Array(6).fill('namespace-pod-security')],
  ])('fails synth for a namespace with %s', (_, labels, rules) => {
    const stack = policyStack();
    new NamespaceV1(stack, 'Namespace', { metadata: { name: 'fixture-dev', labels } });
    expect(policyError(stack).violations.map((v) => v.rule)).toEqual(rules);
  });

  it('checks a Namespace written as a kubernetes_manifest too, and no other manifest', () => {
    const stack = policyStack();
    new Manifest(stack, 'Namespace', { manifest: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'velero', labels: LABELS } } });
    new Manifest(stack, 'ConfigMap', { manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'velero' } } });
    const violations = policyError(stack).violations;
    expect(new Set(violations.map((v) => v.path))).toEqual(new Set(['fixture/Namespace']));
  });

  it('accepts baseline only under a waiver of pod-security-restricted, and prints it', () => {
    const log: string[] = [];
    const stack = policyStack(log);
    const namespace = new NamespaceV1(stack, 'Namespace', { metadata: { name: 'fixture-dev', labels: { ...LABELS, ...podSecurityLabels('baseline') } } });
    waive(namespace, 'pod-security-restricted', 'The log agent needs hostPath for its buffer');
    expect(() => Testing.synth(stack)).not.toThrow();
    expect(log).toEqual(['policy waiver: [fixture/Namespace] pod-security-restricted: The log agent needs hostPath for its buffer']);
  });
});
