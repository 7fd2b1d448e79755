import { Testing } from 'cdktf';
import { ClusterStack } from '../../stacks/cluster-stack';
import { clusterStackName } from '../../lib/catalog/names';
import { buildStacks, stackNames } from '../../lib/app';
import { ALL_NODE_POOLS, NODE_POOL_FACTS, NODE_POOL_LABEL } from '../../lib/domain/node-pools';
import { placementValidations, toleratesTaintExpression } from '../../constructs/node-pool-placement-policy';
import { TEAM_CLUSTER_ROLE, TEAM_READ_ONLY_RESOURCES, TEAM_ROLE_RULES } from '../../constructs/team-cluster-role';
import { applyPolicies } from '../../lib/policy/aspect';
import { exampleCatalog, onlyResource, resourcesOf, synthJson } from '../helpers';

// The stack's snapshot is in example-catalog.test.ts with every other stack's.

const catalog = exampleCatalog();
const stack = new ClusterStack(Testing.app(), { platform: catalog.platform });
applyPolicies(stack, { log: () => undefined });
const json = synthJson(stack);
const manifests = Object.values(resourcesOf(json, 'kubernetes_manifest')).map((r) => r.manifest as Record<string, any>);
const policy = manifests.find((m) => m.kind === 'ValidatingAdmissionPolicy') as Record<string, any>;
const binding = manifests.find((m) => m.kind === 'ValidatingAdmissionPolicyBinding') as Record<string, any>;

/**
 * Evaluates the policy's CEL on a pod the way the API server would, for the
 * subset of CEL the policy uses (has(), in, ==, &&, ||, !, ?:, exists()),
 * by translating it to JavaScript. Only a unit check: the real API server
 * (test harness of the Terraform-proof issue) is the proof.
 */
function admit(namespacePool: string, spec: Record<string, unknown>): string[] {
  const toJs = (cel: string) => cel.replace(/has\(([\w.]+)\)/g, '($1 !== undefined)').replace(/==/g, '===').replace(/!===/g, '!==').replace(/\.exists\(t, /g, '.some((t) => ');
  const object = { spec };
  const namespaceObject = { metadata: { labels: { [NODE_POOL_LABEL]: namespacePool } } };
  const variables: Record<string, unknown> = {};
  for (const variable of policy.spec.variables as { name: string; expression: string }[]) {
    variables[variable.name] = new Function('object', 'namespaceObject', 'variables', `return ${toJs(variable.expression)};`)(object, namespaceObject, variables);
  }
  return (policy.spec.validations as { expression: string; message: string }[])
    .filter((v) => !new Function('object', 'namespaceObject', 'variables', `return ${toJs(v.expression)};`)(object, namespaceObject, variables))
    .map((v) => v.message);
}

const HIGHMEM_TOLERATION = { key: NODE_POOL_LABEL, operator: 'Equal', value: 'highmem', effect: 'NoSchedule' };
const onHighmem = { nodeSelector: { [NODE_POOL_LABEL]: 'highmem' }, tolerations: [HIGHMEM_TOLERATION] };

describe('the cluster stack', () => {
  it('is named after its cluster and applied between the platform and the services', () => {
    expect(stack.node.id).toBe('cluster-production');
    expect(clusterStackName('production')).toBe('cluster-production');
    const names = stackNames(catalog);
    expect(names.slice(0, 2)).toEqual(['platform', 'cluster-production']);
    expect(names.indexOf('cluster-production')).toBeLessThan(names.findIndex((n) => n.startsWith('service-')));
    const app = Testing.app();
    buildStacks(app, catalog, { include: (name) => name === 'cluster-production' });
    expect(app.node.children.map((c) => c.node.id)).toEqual(['cluster-production']);
  });

  it('keeps its own state and finds the cluster by name (never the platform stack state)', () => {
    expect(json.terraform.backend).toEqual({ gcs: { bucket: 'acme-terraform-state', prefix: 'stacks/cluster-production' } });
    expect(json.data?.google_container_cluster?.Cluster).toMatchObject({ project: 'acme-platform-prod', name: 'production', location: 'asia-northeast1' });
    expect(json.data?.terraform_remote_state).toBeUndefined();
    const kubernetes = json.provider?.kubernetes?.[0] as Record<string, string>;
    expect(kubernetes.host).toBe('https://${data.google_container_cluster.Cluster.control_plane_endpoints_config[0].dns_endpoint_config[0].endpoint}');
  });

  it('holds the node pool placement ValidatingAdmissionPolicy and its Deny binding', () => {
    expect(manifests).toHaveLength(2);
    expect(policy).toMatchObject({ apiVersion: 'admissionregistration.k8s.io/v1', metadata: { name: 'platform-node-pool-placement' } });
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(policy.spec.matchConstraints.namespaceSelector).toEqual({ matchExpressions: [{ key: NODE_POOL_LABEL, operator: 'Exists' }] });
    expect(policy.spec.matchConstraints.resourceRules).toEqual([{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }]);
    expect(binding).toMatchObject({ apiVersion: 'admissionregistration.k8s.io/v1', spec: { policyName: 'platform-node-pool-placement', validationActions: ['Deny'] } });
    const [bindingResource] = Object.values(resourcesOf(json, 'kubernetes_manifest')).filter((r) => (r.manifest as { kind: string }).kind.endsWith('Binding'));
    expect(bindingResource.depends_on).toEqual([expect.stringMatching(/^kubernetes_manifest\.NodePoolPlacement_Policy_/)]);
  });

  it('derives the policy from the node pool facts the platform stack taints its pools with', () => {
    expect(policy.spec.validations).toEqual(placementValidations(ALL_NODE_POOLS));
    const dedicated = ALL_NODE_POOLS.filter((p) => p.dedicated).map((p) => p.name);
    expect(dedicated).toEqual(['highmem']);
    expect(policy.spec.validations).toHaveLength(3 * dedicated.length);
    expect(toleratesTaintExpression(NODE_POOL_FACTS.highmem)).toContain("t.value == 'highmem'");
  });

  describe('admits (CEL evaluated on sample pods; unit check only)', () => {
    it('a highmem pod that selects the pool and tolerates its taint', () => {
      expect(admit('highmem', onHighmem)).toEqual([]);
    });
    it('a standard pod with no toleration, or with unrelated ones', () => {
      expect(admit('standard', {})).toEqual([]);
      expect(admit('standard', { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }] })).toEqual([]);
      expect(admit('standard', { tolerations: [{ key: NODE_POOL_LABEL, operator: 'Equal', value: 'standard', effect: 'NoSchedule' }] })).toEqual([]);
    });
  });

  describe('refuses', () => {
    it('a highmem pod without the node selector', () => {
      expect(admit('highmem', { tolerations: [HIGHMEM_TOLERATION] })).toEqual([expect.stringMatching(/must run on the highmem pool: set spec.nodeSelector platform\/node-pool: highmem/)]);
      expect(admit('highmem', { nodeSelector: { [NODE_POOL_LABEL]: 'standard' }, tolerations: [HIGHMEM_TOLERATION] })).toHaveLength(1);
    });
    it('a highmem pod without the toleration', () => {
      expect(admit('highmem', { nodeSelector: { [NODE_POOL_LABEL]: 'highmem' } })).toEqual([expect.stringMatching(/must tolerate the highmem pool's taint/)]);
      expect(admit('highmem', { nodeSelector: { [NODE_POOL_LABEL]: 'highmem' }, tolerations: [{ ...HIGHMEM_TOLERATION, effect: 'NoExecute' }] })).toHaveLength(1);
    });
    it.each([
      ['the exact toleration', HIGHMEM_TOLERATION],
      ['the key with Exists', { key: NODE_POOL_LABEL, operator: 'Exists' }],
      ['a key-less Exists (tolerates every taint)', { operator: 'Exists' }],
      ['an empty key with Exists and no effect', { key: '', operator: 'Exists', effect: '' }],
      ['the key and value with no effect', { key: NODE_POOL_LABEL, value: 'highmem' }],
    ])('a pod outside highmem namespaces that tolerates the highmem taint: %s', (_, toleration) => {
      expect(admit('standard', { tolerations: [toleration] })).toEqual([expect.stringMatching(/only pods in highmem namespaces may tolerate/)]);
    });
  });

  it('defines the team ClusterRole: edit without writing NetworkPolicies, quotas, limit ranges or the namespace', () => {
    const role = onlyResource(json, 'kubernetes_cluster_role_v1');
    expect(role.metadata.name).toBe(TEAM_CLUSTER_ROLE);
    const writes = (resource: string) =>
      (role.rule as { resources: string[]; verbs: string[] }[]).some((r) => r.resources.includes(resource) && r.verbs.some((v) => !['get', 'list', 'watch'].includes(v)));
    const reads = (resource: string) => (role.rule as { resources: string[]; verbs: string[] }[]).some((r) => r.resources.includes(resource) && r.verbs.includes('get'));
    for (const resource of TEAM_READ_ONLY_RESOURCES) {
      expect([resource, writes(resource)]).toEqual([resource, false]);
      expect([resource, reads(resource)]).toEqual([resource, true]);
    }
    for (const resource of ['pods', 'deployments', 'statefulsets', 'jobs', 'cronjobs', 'services', 'ingresses', 'configmaps', 'secrets', 'horizontalpodautoscalers']) {
      expect([resource, writes(resource)]).toEqual([resource, true]);
    }
    expect(TEAM_ROLE_RULES.flatMap((r) => r.resources)).not.toContain('roles');
    expect(TEAM_ROLE_RULES.flatMap((r) => r.resources)).not.toContain('rolebindings');
    expect(TEAM_ROLE_RULES.flatMap((r) => r.verbs)).not.toContain('escalate');
    expect(TEAM_ROLE_RULES.flatMap((r) => r.verbs)).not.toContain('bind');
  });
});
