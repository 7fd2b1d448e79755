import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Aspects, Testing, TerraformStack, type App } from 'cdktf';
import { PolicyAspect } from '../../lib/policy/aspect';
import { buildStacks, stackNames } from '../../lib/app';
import { loadCatalog, type Catalog } from '../../lib/catalog/load';
import { NODE_POOL_LABEL } from '../../constructs/gke-node-pool';
import { REQUIRED_LABELS } from '../../lib/labels';
import { DEFAULT_TEAM_ROLES } from '../../lib/catalog/team-roles';
import { EXAMPLE_STACKS, exampleCatalog, onlyResource, REPO_ROOT, resourcesOf, synthJson, tempCatalog, withoutMetadata, type TerraformJson } from '../helpers';

function synthAll(catalog: Catalog): Record<string, TerraformJson> {
  const app: App = Testing.app();
  buildStacks(app, catalog);
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
  return Object.fromEntries(stacks.map((stack) => [stack.node.id, synthJson(stack)]));
}

const catalog = exampleCatalog();
const stacks = synthAll(catalog);
const platform = stacks.platform;
const service = (name: string) => stacks[name];

describe('the example catalog', () => {
  it('synthesizes one platform stack and one stack per service and environment', () => {
    expect(Object.keys(stacks).sort()).toEqual(EXAMPLE_STACKS);
    expect(stackNames(catalog).sort()).toEqual(EXAMPLE_STACKS);
  });

  it.each(Object.keys(stacks))('%s matches its snapshot (configuration only)', (name) => {
    expect(withoutMetadata(stacks[name])).toMatchSnapshot();
  });

  const remoteState = Object.keys(stacks).filter((name) => name !== 'bootstrap');

  it.each(remoteState)('%s keeps its own state under its own GCS prefix', (name) => {
    expect(stacks[name].terraform.backend).toEqual({ gcs: { bucket: 'acme-terraform-state', prefix: `stacks/${name}` } });
  });

  it('keeps the bootstrap state local, outside cdktf.out (it creates the state bucket)', () => {
    expect(stacks.bootstrap.terraform.backend).toEqual({ local: { path: '../../../terraform.bootstrap.tfstate' } });
  });

  it.each(Object.keys(stacks))('%s labels every labelable resource with service, team, environment and managed-by', (name) => {
    const labelled: string[] = [];
    for (const [type, resources] of Object.entries(stacks[name].resource)) {
      for (const [id, config] of Object.entries(resources)) {
        const settings = config.settings as { user_labels?: unknown } | undefined;
        const nodeConfig = config.node_config as { resource_labels?: unknown } | undefined;
        const metadata = (type === 'kubernetes_manifest' ? (config.manifest as { metadata?: unknown }).metadata : config.metadata) as { labels?: unknown } | undefined;
        const labels = ((type === 'google_monitoring_notification_channel' ? config.user_labels : config.labels) ?? config.resource_labels ?? settings?.user_labels ?? nodeConfig?.resource_labels ?? (type.startsWith('kubernetes_') ? metadata?.labels : undefined)) as Record<string, string> | undefined;
        if (labels === undefined) continue;
        labelled.push(`${type}.${id}`);
        expect(Object.keys(labels)).toEqual(expect.arrayContaining([...REQUIRED_LABELS]));
      }
    }
    expect(labelled.length).toBeGreaterThan(1);
  });
});

describe('buildStacks', () => {
  it('puts the security policy on every stack it builds', () => {
    const app = Testing.app();
    buildStacks(app, catalog);
    const built = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
    expect(built).toHaveLength(11);
    for (const stack of built) expect(Aspects.of(stack).all.filter((a) => a instanceof PolicyAspect)).toHaveLength(1);
  });
});

describe('the platform stack', () => {
  it('has the single production cluster: private nodes, Workload Identity, deletion protection', () => {
    const cluster = onlyResource(platform, 'google_container_cluster');
    expect(cluster).toMatchObject({
      name: 'production',
      location: 'asia-northeast1',
      deletion_protection: true,
      private_cluster_config: { enable_private_nodes: true, master_ipv4_cidr_block: '172.16.0.0/28' },
      workload_identity_config: { workload_pool: 'acme-platform-prod.svc.id.goog' },
      authenticator_groups_config: { security_group: 'gke-security-groups@example.com' },
    });
  });

  it('has an n1-standard pool and a tainted n1-highmem pool', () => {
    const pools = Object.values(resourcesOf(platform, 'google_container_node_pool')) as Record<string, any>[];
    const byName = Object.fromEntries(pools.map((p) => [p.name, p]));
    expect(Object.keys(byName).sort()).toEqual(['highmem', 'standard']);
    expect(byName.standard.node_config.machine_type).toBe('n1-standard-4');
    expect(byName.highmem.node_config.machine_type).toBe('n1-highmem-8');
    expect(byName.highmem.node_config.taint).toEqual([{ key: NODE_POOL_LABEL, value: 'highmem', effect: 'NO_SCHEDULE' }]);
    expect(byName.standard.autoscaling).toEqual({ min_node_count: 1, max_node_count: 10 });
  });

  it('has the DNS zone with DNSSEC and ExternalDNS bound through Workload Identity', () => {
    expect(onlyResource(platform, 'google_dns_managed_zone')).toMatchObject({ dns_name: 'platform.example.com.', dnssec_config: { state: 'on' } });
    const workloadIdentity = Object.values(resourcesOf(platform, 'google_service_account_iam_member')).filter((m) => m.role === 'roles/iam.workloadIdentityUser');
    expect(workloadIdentity.map((m) => m.member).sort()).toEqual([
      'serviceAccount:acme-platform-prod.svc.id.goog[external-dns/external-dns]',
      'serviceAccount:acme-platform-prod.svc.id.goog[velero/velero]',
    ]);
  });

  it('gives ExternalDNS DNS admin on the zone only and DNS reader on the project', () => {
    const zoneAdmin = onlyResource(platform, 'google_dns_managed_zone_iam_member');
    expect(zoneAdmin).toMatchObject({ project: 'acme-platform-prod', role: 'roles/dns.admin', managed_zone: expect.stringMatching(/^\$\{google_dns_managed_zone\.DnsZone_\w+\.name\}$/) });
    expect(zoneAdmin.member).toMatch(/google_service_account\.ExternalDnsIdentity/);
    const projectDns = Object.values(resourcesOf(platform, 'google_project_iam_member')).filter((m) => /^roles\/dns\./.test(m.role as string));
    expect(projectDns.map((m) => m.role)).toEqual(['roles/dns.reader']);
    expect(projectDns[0].member).toMatch(/google_service_account\.ExternalDnsIdentity/);
  });

  it('lets the team groups (nested in the GKE security group) get the cluster, so RBAC can apply', () => {
    const viewers = Object.values(resourcesOf(platform, 'google_project_iam_member')).filter((m) => m.role === 'roles/container.clusterViewer');
    expect(viewers).toEqual([{ project: 'acme-platform-prod', role: 'roles/container.clusterViewer', member: 'group:gke-security-groups@example.com' }]);
  });

  it('lets Velero snapshot disks project-wide but sign blobs only as itself', () => {
    const role = onlyResource(platform, 'google_project_iam_custom_role');
    expect(role.permissions).toEqual(expect.arrayContaining(['compute.disks.createSnapshot', 'compute.projects.get']));
    expect((role.permissions as string[]).filter((p) => p.startsWith('iam.'))).toEqual([]);
    const signers = Object.values(resourcesOf(platform, 'google_service_account_iam_member')).filter((m) => m.role === 'roles/iam.serviceAccountTokenCreator');
    expect(signers).toHaveLength(1);
    expect(signers[0].service_account_id).toMatch(/^\$\{google_service_account\.BackupIdentity_ServiceAccount_\w+\.name\}$/);
    expect(signers[0].member).toMatch(/^serviceAccount:\$\{google_service_account\.BackupIdentity_ServiceAccount_\w+\.email\}$/);
    const projectWide = Object.values(resourcesOf(platform, 'google_project_iam_member')).map((m) => m.role);
    expect(projectWide).not.toContain('roles/iam.serviceAccountTokenCreator');
  });

  it('has a versioned backup bucket that Velero may write to', () => {
    expect(onlyResource(platform, 'google_storage_bucket')).toMatchObject({ name: 'acme-platform-prod-velero-backups', versioning: { enabled: true } });
    expect(onlyResource(platform, 'google_storage_bucket_iam_member')).toMatchObject({ role: 'roles/storage.objectAdmin' });
  });

  it('configures no kubernetes provider (the cluster is created here)', () => {
    expect(platform.provider?.kubernetes).toBeUndefined();
  });
});

describe('service stacks', () => {
  it('create the project in the services folder with the service labels', () => {
    expect(onlyResource(service('service-payment-production'), 'google_project')).toMatchObject({
      project_id: 'acme-payment-prod',
      folder_id: 'folders/234567890123',
      labels: { service: 'payment', team: 'payments', environment: 'production', 'managed-by': 'cdktf' },
    });
  });

  it('grant the team roles to the owner group, additively', () => {
    const grants = Object.values(resourcesOf(service('service-payment-production'), 'google_project_iam_member'))
      .filter((m) => (m.member as string).startsWith('group:'))
      .map((m) => `${m.member} ${m.role}`);
    const baseline = DEFAULT_TEAM_ROLES.production.map((role) => `group:payments@example.com ${role}`);
    // Job User: queries of the log dataset need it.
    expect(grants.sort()).toEqual(
      [...baseline, 'group:payments@example.com roles/bigquery.jobUser', 'group:payments@example.com roles/pubsub.editor', 'group:payments@example.com roles/secretmanager.secretAccessor'].sort(),
    );
  });

  it('give Cloud SQL a private IP only, HA in production and not in development', () => {
    const prod = onlyResource(service('service-payment-production'), 'google_sql_database_instance');
    const dev = onlyResource(service('service-payment-development'), 'google_sql_database_instance');
    expect(prod.settings.ip_configuration.ipv4_enabled).toBe(false);
    expect(prod.settings.ip_configuration.private_network).toBe('${data.google_compute_network.SharedNetwork.id}');
    expect([prod.settings.availability_type, dev.settings.availability_type]).toEqual(['REGIONAL', 'ZONAL']);
    expect([prod.settings.tier, dev.settings.tier]).toEqual(['db-custom-2-7680', 'db-custom-1-3840']);
    expect(prod.deletion_protection).toBe(true);
  });

  it('give the ML service Spanner and a highmem namespace', () => {
    const stack = service('service-recommend-production');
    expect(onlyResource(stack, 'google_spanner_instance').processing_units).toBe(300);
    expect(onlyResource(stack, 'kubernetes_namespace_v1').metadata.labels[NODE_POOL_LABEL]).toBe('highmem');
  });

  it('give a plain service no database', () => {
    const stack = service('service-search-production');
    expect(stack.resource.google_sql_database_instance).toBeUndefined();
    expect(stack.resource.google_spanner_instance).toBeUndefined();
  });

  it('bind the team group in the namespace and the app through Workload Identity', () => {
    const stack = service('service-payment-production');
    expect(onlyResource(stack, 'kubernetes_role_binding_v1').subject).toEqual([{ api_group: 'rbac.authorization.k8s.io', kind: 'Group', name: 'payments@example.com' }]);
    expect(onlyResource(stack, 'google_service_account_iam_member').member).toBe('serviceAccount:acme-platform-prod.svc.id.goog[payment-prod/payment]');
  });

  it('sink logs into the service dataset', () => {
    // Two sinks since pod logs are routed too (next test): pick the project's own.
    const sinks = Object.values(resourcesOf(service('service-payment-production'), 'google_logging_project_sink'));
    const sink = sinks.find((s) => s.project === 'acme-payment-prod');
    expect(sink?.destination).toMatch(/^bigquery\.googleapis\.com\/projects\/acme-payment-prod\/datasets\//);
  });

  it("route the namespace's pod logs from the cluster's project into the same dataset", () => {
    const stack = service('service-payment-production');
    const sinks = Object.entries(resourcesOf(stack, 'google_logging_project_sink'));
    const own = sinks.find(([, s]) => s.project === 'acme-payment-prod')?.[1];
    const [workloadsName, workloads] = sinks.find(([, s]) => s.project === 'acme-platform-prod') ?? [];
    expect(sinks).toHaveLength(2);
    expect(workloads).toMatchObject({
      name: 'payment-prod-workloads',
      filter: 'resource.type="k8s_container" AND resource.labels.cluster_name="production" AND resource.labels.namespace_name="payment-prod"',
      unique_writer_identity: true,
      bigquery_options: { use_partitioned_tables: true },
      destination: own?.destination,
    });
    const writers = Object.values(resourcesOf(stack, 'google_bigquery_dataset_iam_member')).map((g) => `${g.role} ${g.member}`);
    expect(writers).toContain(`roles/bigquery.dataEditor \${google_logging_project_sink.${workloadsName}.writer_identity}`);
    // Sink names are unique per project: one per service and environment.
    const dev = Object.values(resourcesOf(service('service-payment-development'), 'google_logging_project_sink')).find((s) => s.project === 'acme-platform-prod');
    expect(dev?.name).not.toBe(workloads?.name);
  });

  it('create Cloud SQL only after the project is attached to the Shared VPC', () => {
    const stack = service('service-payment-production');
    const [attachment] = Object.keys(resourcesOf(stack, 'google_compute_shared_vpc_service_project'));
    expect(onlyResource(stack, 'google_sql_database_instance').depends_on).toContain(`google_compute_shared_vpc_service_project.${attachment}`);
  });

  it("grant Spanner's key to its service agent only after creating the agent through google-beta", () => {
    const stack = service('service-recommend-production');
    const [agentName, agent] = Object.entries(resourcesOf(stack, 'google_project_service_identity')).find(([, a]) => a.service === 'spanner.googleapis.com') ?? [];
    expect(agent).toMatchObject({ service: 'spanner.googleapis.com', provider: 'google-beta' });
    const keyGrant = Object.values(resourcesOf(stack, 'google_kms_crypto_key_iam_member')).find((g) => /gcp-sa-spanner/.test(g.member as string));
    expect(keyGrant?.depends_on).toContain(`google_project_service_identity.${agentName}`);
    expect(stack.provider?.['google-beta']).toEqual([{ region: 'asia-northeast1' }]);
    // Stacks without a capability's agent (Spanner, Redis, Pub/Sub) create only the Artifact Registry one.
    const plain = synthAll(loadCatalog(tempCatalog({ 'services/plain.yaml': 'team: plain\nownerGroup: plain@example.com\n' })))['service-plain-production'];
    expect(Object.values(resourcesOf(plain, 'google_project_service_identity')).map((a) => a.service)).toEqual(['artifactregistry.googleapis.com']);
  });

  it("encrypt the image repository with the service's key, granted to the Artifact Registry agent first", () => {
    for (const name of ['service-search-production', 'service-payment-development']) {
      const stack = service(name);
      const repository = onlyResource(stack, 'google_artifact_registry_repository');
      const [[keyName]] = Object.entries(resourcesOf(stack, 'google_kms_crypto_key'));
      expect(repository.kms_key_name).toBe(`\${google_kms_crypto_key.${keyName}.id}`);
      const [agentName] = Object.entries(resourcesOf(stack, 'google_project_service_identity')).find(([, a]) => a.service === 'artifactregistry.googleapis.com') ?? [];
      const [grantName, grant] = Object.entries(resourcesOf(stack, 'google_kms_crypto_key_iam_member')).find(([, g]) => /gcp-sa-artifactregistry\.iam\.gserviceaccount\.com$/.test(g.member as string)) ?? [];
      expect(grant).toMatchObject({ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter' });
      expect(grant?.depends_on).toContain(`google_project_service_identity.${agentName}`);
      expect(repository.depends_on).toContain(`google_kms_crypto_key_iam_member.${grantName}`);
    }
  });

  it('find the cluster and network by name from platform.yaml, never through remote state', () => {
    const stack = service('service-payment-production');
    expect(Object.values(stack.data?.google_container_cluster ?? {})[0]).toMatchObject({ name: 'production', project: 'acme-platform-prod', location: 'asia-northeast1' });
    expect(Object.values(stack.data?.google_compute_network ?? {})[0]).toMatchObject({ name: 'platform', project: 'acme-platform-prod' });
    expect(stack.data?.terraform_remote_state).toBeUndefined();
  });
});

/** The admitted image patterns of the platform's Binary Authorization policy. */
function admitted(json: TerraformJson): string[] {
  const policy = onlyResource(json, 'google_binary_authorization_policy') as { admission_whitelist_patterns: { name_pattern: string }[] };
  return policy.admission_whitelist_patterns.map((p) => p.name_pattern);
}

/** The stack with the admitted patterns masked: the one place a service's existence shows in the platform stack. */
function withoutAdmitted(json: TerraformJson): TerraformJson {
  const copy = JSON.parse(JSON.stringify(json)) as TerraformJson;
  for (const policy of Object.values(copy.resource.google_binary_authorization_policy ?? {})) delete policy.admission_whitelist_patterns;
  return copy;
}

describe('address stability', () => {
  it('adding a service changes no other stack, except that the platform admits its images', () => {
    const extended = synthAll(loadCatalog(tempCatalog({ 'services/checkout.yaml': 'team: commerce\nownerGroup: commerce@example.com\ndatabases:\n  cloudsql:\n    engine: postgres\n' })));
    expect(Object.keys(extended)).toEqual(expect.arrayContaining(['service-checkout-development', 'service-checkout-production']));
    for (const name of Object.keys(stacks)) expect(withoutAdmitted(extended[name])).toEqual(withoutAdmitted(stacks[name]));
    expect(admitted(extended.platform).filter((p) => !admitted(platform).includes(p))).toEqual([
      'asia-northeast1-docker.pkg.dev/acme-checkout-dev/images/**',
      'asia-northeast1-docker.pkg.dev/acme-checkout-prod/images/**',
    ]);
  });

  it('removing a service changes no other stack, except the egress of its callers and the images the platform admits', () => {
    // search: recommend's topic lists it as a subscriber, which removing search leaves harmless.
    const reduced = synthAll(loadCatalog(tempCatalog({ 'services/search.yaml': null })));
    expect(reduced['service-search-production']).toBeUndefined();
    const callers = ['service-gateway-development', 'service-gateway-production'];
    for (const name of Object.keys(reduced).filter((n) => !callers.includes(n))) expect(withoutAdmitted(reduced[name])).toEqual(withoutAdmitted(stacks[name]));
    expect(admitted(platform).filter((p) => !admitted(reduced.platform).includes(p))).toEqual([
      'asia-northeast1-docker.pkg.dev/acme-search-dev/images/**',
      'asia-northeast1-docker.pkg.dev/acme-search-prod/images/**',
    ]);
    for (const name of callers) {
      const egress = (json: TerraformJson) => Object.entries(resourcesOf(json, 'kubernetes_network_policy_v1')).find(([id]) => id.startsWith('Namespace_DefaultEgressPolicy_'))!;
      const [before, after] = [egress(stacks[name]), egress(reduced[name])];
      expect(after[0]).toBe(before[0]);
      expect(JSON.stringify(after[1])).not.toContain('search-');
      expect(JSON.stringify(before[1])).toContain('search-');
      // Everything else of the caller's stack is unchanged.
      const rest = (json: TerraformJson) => ({ ...json, resource: { ...json.resource, kubernetes_network_policy_v1: { ...json.resource.kubernetes_network_policy_v1, [before[0]]: null } } });
      expect(rest(reduced[name])).toEqual(rest(stacks[name]));
    }
  });

  it('adding a database to one service leaves the other addresses of that stack in place', () => {
    const before = service('service-search-production');
    const search = readFileSync(join(REPO_ROOT, 'services', 'search.yaml'), 'utf8');
    const after = synthAll(loadCatalog(tempCatalog({ 'services/search.yaml': `${search}databases:\n  spanner: {}\n` })))['service-search-production'];
    for (const [type, resources] of Object.entries(before.resource)) {
      expect(Object.keys(after.resource[type])).toEqual(expect.arrayContaining(Object.keys(resources)));
    }
  });
});

describe('the tenant model, in every service stack', () => {
  const serviceStacks = catalog.services.flatMap((s) => s.environments);
  const byName = (namespace: string) => ({ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': namespace } } });

  it.each(serviceStacks.map((e) => [e.stackName, e] as const))('%s: baseline roles, teamRoles and read access to its own log dataset', (name, env) => {
    const json = stacks[name];
    const group = `group:${env.ownerGroup}`;
    const projectRoles = Object.values(resourcesOf(json, 'google_project_iam_member'))
      .filter((m) => m.member === group)
      .map((m) => m.role as string);
    const baseline = env.production ? DEFAULT_TEAM_ROLES.production : DEFAULT_TEAM_ROLES.development;
    const login = env.cloudsql && env.teamDatabaseLogin ? ['roles/cloudsql.client', 'roles/cloudsql.instanceUser'] : [];
    expect(projectRoles.sort()).toEqual([...new Set([...baseline, ...env.teamRoles, 'roles/bigquery.jobUser', ...login])].sort());
    // Only in its own project.
    const ownProject = [env.projectId, '${google_project.Project_3096086A.project_id}'];
    for (const member of Object.values(resourcesOf(json, 'google_project_iam_member')).filter((m) => m.member === group)) expect(ownProject).toContain(member.project);
    const viewer = Object.values(resourcesOf(json, 'google_bigquery_dataset_iam_member')).filter((m) => m.member === group);
    expect(viewer).toEqual([{ project: env.projectId, dataset_id: expect.stringMatching(/^\$\{google_bigquery_dataset\.LogSink_Dataset_\w+\.dataset_id\}$/), role: 'roles/bigquery.dataViewer', member: group }]);
  });

  it.each(serviceStacks.map((e) => [e.stackName, e] as const))('%s: Pod Security labels, the team ClusterRole binding, ingress from callers and default-deny egress', (name, env) => {
    const json = stacks[name];
    const namespace = onlyResource(json, 'kubernetes_namespace_v1');
    expect(namespace.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted' });
    expect(onlyResource(json, 'kubernetes_role_binding_v1').role_ref).toEqual({ api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'platform-team' });
    const policies = Object.values(resourcesOf(json, 'kubernetes_network_policy_v1')) as Record<string, any>[];
    const ingress = policies.find((p) => p.spec.policy_types[0] === 'Ingress')!;
    const egress = policies.find((p) => p.spec.policy_types[0] === 'Egress')!;
    expect(ingress.spec.ingress[0].from).toEqual(expect.arrayContaining([byName(env.namespace), ...env.callerNamespaces.map(byName)]));
    expect(egress.spec.egress[0].to).toEqual([env.namespace, ...env.calleeNamespaces].map(byName));
    expect(egress.spec.egress.at(-1)).toEqual({ to: [{ ip_block: { cidr: '0.0.0.0/0', except: expect.arrayContaining(['10.0.0.0/8']) } }] });
  });

  it('lets the gateway call every other service, and only the gateway', () => {
    for (const environment of ['development', 'production']) {
      const suffix = environment === 'production' ? 'prod' : 'dev';
      const gateway = serviceStacks.find((e) => e.service === 'gateway' && e.environment === environment)!;
      expect(gateway.calleeNamespaces).toEqual(['payment', 'recommend', 'search'].map((s) => `${s}-${suffix}`));
      for (const env of serviceStacks.filter((e) => e.service !== 'gateway' && e.environment === environment)) expect(env.callerNamespaces).toEqual([`gateway-${suffix}`]);
    }
  });

  it.each(serviceStacks.filter((e) => e.cloudsql).map((e) => [e.stackName, e] as const))('%s: a Cloud SQL IAM user for the application (and the team group outside production)', (name, env) => {
    const users = Object.values(resourcesOf(stacks[name], 'google_sql_user'));
    const application = `application@${env.projectId}.iam.gserviceaccount.com`;
    const expected = [{ name: env.cloudsql!.engine === 'postgres' ? `application@${env.projectId}.iam` : application, type: 'CLOUD_IAM_SERVICE_ACCOUNT' }];
    if (!env.production) expected.push({ name: env.ownerGroup, type: 'CLOUD_IAM_GROUP' });
    expect(users.map((u) => ({ name: u.name, type: u.type }))).toEqual(expect.arrayContaining(expected));
    expect(users).toHaveLength(expected.length);
    for (const user of users) expect(user.password).toBeUndefined();
    // The connectors reach the instance on 3307 through the egress policy.
    const egress = (Object.values(resourcesOf(stacks[name], 'kubernetes_network_policy_v1')) as Record<string, any>[]).find((p) => p.spec.policy_types[0] === 'Egress')!;
    expect(egress.spec.egress).toContainEqual({ to: [{ ip_block: { cidr: '10.100.0.0/16' } }], ports: [{ protocol: 'TCP', port: '3307' }] });
  });

  it.each(serviceStacks.map((e) => [e.stackName, e] as const))('%s: default compute account deprivileged, team group as essential contact, lien only in production', (name, env) => {
    const json = stacks[name];
    expect(onlyResource(json, 'google_project_default_service_accounts').action).toBe('DEPRIVILEGE');
    expect(onlyResource(json, 'google_essential_contacts_contact')).toMatchObject({ parent: `projects/${env.projectId}`, email: env.ownerGroup });
    expect(Object.keys(resourcesOf(json, 'google_resource_manager_lien'))).toHaveLength(env.production ? 1 : 0);
  });

  it('holds the node pool placement policy in the cluster stack, not in the platform stack', () => {
    const kinds = Object.values(resourcesOf(stacks['cluster-production'], 'kubernetes_manifest')).map((r) => (r.manifest as { kind: string }).kind);
    expect(kinds.sort()).toEqual(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
    expect(resourcesOf(platform, 'kubernetes_manifest')).toEqual({});
  });
});
