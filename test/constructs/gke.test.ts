import { Testing } from 'cdktf';
import { GkeCluster, type GkeClusterProps } from '../../constructs/gke-cluster';
import { GkeNodePool, NODE_POOL_LABEL, type GkeNodePoolProps } from '../../constructs/gke-node-pool';
import { NODE_ROLES } from '../../lib/iam-roles';
import { onlyResource, resourcesOf, synthScopeJson } from '../helpers';

const labels = { service: 'platform', team: 'platform', environment: 'production', 'managed-by': 'cdktf' };
const clusterProps: GkeClusterProps = {
  project: 'acme-platform',
  region: 'asia-northeast1',
  name: 'production',
  network: 'projects/acme-platform/global/networks/platform',
  subnetwork: 'projects/acme-platform/regions/asia-northeast1/subnetworks/platform',
  podsRangeName: 'pods',
  servicesRangeName: 'services',
  masterCidr: '172.16.0.0/28',
  authorizedNetworks: { office: '203.0.113.0/24' },
  securityGroup: 'gke-security-groups@example.com',
  labels,
};

describe('GkeCluster', () => {
  const json = synthScopeJson((scope) => new GkeCluster(scope, 'Cluster', clusterProps));
  const cluster = onlyResource(json, 'google_container_cluster');

  it('is regional with private nodes and a private control plane range', () => {
    expect(cluster.location).toBe('asia-northeast1');
    expect(cluster.private_cluster_config).toMatchObject({ enable_private_nodes: true, master_ipv4_cidr_block: '172.16.0.0/28' });
  });

  it('uses Workload Identity with the project pool', () => {
    expect(cluster.workload_identity_config).toEqual({ workload_pool: 'acme-platform.svc.id.goog' });
  });

  it('has deletion protection, shielded nodes, Dataplane V2, no legacy ABAC or client certificate', () => {
    expect(cluster).toMatchObject({
      deletion_protection: true,
      enable_shielded_nodes: true,
      datapath_provider: 'ADVANCED_DATAPATH',
      enable_legacy_abac: false,
      master_auth: { client_certificate_config: { issue_client_certificate: false } },
    });
  });

  it('removes the default node pool and ignores its node_config (no forced replacement)', () => {
    expect(cluster.remove_default_node_pool).toBe(true);
    expect(cluster.lifecycle.ignore_changes).toContain('node_config');
  });

  it('uses Google Groups for RBAC, the release channel and the authorized networks', () => {
    expect(cluster.authenticator_groups_config).toEqual({ security_group: 'gke-security-groups@example.com' });
    expect(cluster.release_channel).toEqual({ channel: 'REGULAR' });
    expect(cluster.master_authorized_networks_config.cidr_blocks).toEqual([{ cidr_block: '203.0.113.0/24', display_name: 'office' }]);
  });

  it('fails if the control plane would be open to the internet or the range is not /28', () => {
    expect(() =>
      Testing.synthScope((scope) => new GkeCluster(scope, 'Cluster', { ...clusterProps, masterCidr: '172.16.0.0/24', authorizedNetworks: { all: '0.0.0.0/0' } })),
    ).toThrow(/masterCidr "172.16.0.0\/24" must be a \/28 range[\s\S]*authorizedNetworks.all is 0.0.0.0\/0/);
  });
});

describe('GkeNodePool', () => {
  const json = synthScopeJson((scope) => {
    const cluster = new GkeCluster(scope, 'Cluster', clusterProps);
    new GkeNodePool(scope, 'standard', { cluster, name: 'standard', machineType: 'n1-standard-4', minNodes: 1, maxNodes: 10, labels });
    new GkeNodePool(scope, 'highmem', { cluster, name: 'highmem', machineType: 'n1-highmem-8', minNodes: 0, maxNodes: 4, dedicated: true, labels });
  });
  const pools = Object.values(resourcesOf(json, 'google_container_node_pool')) as Record<string, any>[];
  const pool = (name: string) => pools.find((p) => p.name === name)!;

  it('sets the machine types', () => {
    expect(pool('standard').node_config.machine_type).toBe('n1-standard-4');
    expect(pool('highmem').node_config.machine_type).toBe('n1-highmem-8');
  });

  it('taints and labels only the dedicated highmem pool', () => {
    expect(pool('highmem').node_config.taint).toEqual([{ key: NODE_POOL_LABEL, value: 'highmem', effect: 'NO_SCHEDULE' }]);
    expect(pool('highmem').node_config.labels).toEqual({ [NODE_POOL_LABEL]: 'highmem' });
    expect(pool('standard').node_config.taint).toBeUndefined();
  });

  it('autoscales, repairs and upgrades itself', () => {
    expect(pool('standard').autoscaling).toEqual({ min_node_count: 1, max_node_count: 10 });
    expect(pool('highmem').management).toEqual({ auto_repair: true, auto_upgrade: true });
  });

  it('runs as its own service account with the GKE metadata server and shielded nodes', () => {
    const sa = Object.values(resourcesOf(json, 'google_service_account')).map((s) => s.account_id).sort();
    expect(sa).toEqual(['gke-highmem-nodes', 'gke-standard-nodes']);
    expect(pool('standard').node_config.service_account).toMatch(/google_service_account\..*standard.*\.email/);
    expect(pool('standard').node_config.workload_metadata_config).toEqual({ mode: 'GKE_METADATA' });
    expect(pool('standard').node_config.shielded_instance_config).toEqual({ enable_secure_boot: true, enable_integrity_monitoring: true });
  });

  it('grants the node accounts only the node roles', () => {
    const roles = Object.values(resourcesOf(json, 'google_project_iam_member')).map((m) => m.role);
    expect(new Set(roles)).toEqual(new Set(NODE_ROLES));
    expect(roles).toHaveLength(NODE_ROLES.length * 2);
  });

  it('fails if minNodes exceeds maxNodes', () => {
    expect(() =>
      Testing.synthScope((scope) => {
        const cluster = new GkeCluster(scope, 'Cluster', clusterProps);
        new GkeNodePool(scope, 'p', { cluster, name: 'standard', machineType: 'n1-standard-4', minNodes: 5, maxNodes: 2, labels });
      }),
    ).toThrow(/minNodes 5 and maxNodes 2 must satisfy/);
  });
});

describe('GkeCluster operations and hardening', () => {
  const json = synthScopeJson((scope) => new GkeCluster(scope, 'Cluster', clusterProps));
  const cluster = onlyResource(json, 'google_container_cluster');

  it('scales down sooner by default, without node auto-provisioning', () => {
    expect(cluster.cluster_autoscaling).toEqual({ enabled: false, autoscaling_profile: 'OPTIMIZE_UTILIZATION' });
  });

  it('keeps the daily 17:00 window by default', () => {
    expect(cluster.maintenance_policy).toEqual({ daily_maintenance_window: { start_time: '17:00' } });
  });

  it('encrypts Secrets with its own KMS key, granted to the GKE service agent before the cluster exists', () => {
    const key = onlyResource(json, 'google_kms_crypto_key');
    expect(key).toMatchObject({ name: 'secrets', purpose: 'ENCRYPT_DECRYPT', lifecycle: { prevent_destroy: true } });
    expect(onlyResource(json, 'google_kms_key_ring')).toMatchObject({ name: 'gke-production', location: 'asia-northeast1', project: 'acme-platform' });
    expect(cluster.database_encryption).toEqual({ state: 'ENCRYPTED', key_name: expect.stringMatching(/^\$\{google_kms_crypto_key\.\w+\.id\}$/) });
    const [grantId, grant] = Object.entries(resourcesOf(json, 'google_kms_crypto_key_iam_member'))[0];
    expect(grant).toMatchObject({ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', member: expect.stringMatching(/^serviceAccount:service-\$\{data\.google_project\.\w+\.number\}@container-engine-robot\.iam\.gserviceaccount\.com$/) });
    expect(cluster.depends_on).toContain(`google_kms_crypto_key_iam_member.${grantId}`);
  });

  it('has security posture with vulnerability scanning, cost allocation and the Gateway API', () => {
    expect(cluster.security_posture_config).toEqual({ mode: 'BASIC', vulnerability_mode: 'VULNERABILITY_BASIC' });
    expect(cluster.cost_management_config).toEqual({ enabled: true });
    expect(cluster.gateway_api_config).toEqual({ channel: 'CHANNEL_STANDARD' });
  });

  it('takes a recurring window and exclusions sorted by name', () => {
    const custom = onlyResource(
      synthScopeJson(
        (scope) =>
          new GkeCluster(scope, 'Cluster', {
            ...clusterProps,
            autoscalingProfile: 'BALANCED',
            maintenance: {
              recurringWindow: { startTime: '2026-01-03T15:00:00Z', endTime: '2026-01-03T23:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=SA,SU' },
              exclusions: {
                'year-end': { startTime: '2026-12-20T00:00:00Z', endTime: '2027-01-05T00:00:00Z', scope: 'NO_UPGRADES' },
                campaign: { startTime: '2026-06-01T00:00:00Z', endTime: '2026-08-01T00:00:00Z', scope: 'NO_MINOR_UPGRADES' },
              },
            },
          }),
      ),
      'google_container_cluster',
    );
    expect(custom.cluster_autoscaling.autoscaling_profile).toBe('BALANCED');
    expect(custom.maintenance_policy).toEqual({
      recurring_window: { start_time: '2026-01-03T15:00:00Z', end_time: '2026-01-03T23:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=SA,SU' },
      maintenance_exclusion: [
        { exclusion_name: 'campaign', start_time: '2026-06-01T00:00:00Z', end_time: '2026-08-01T00:00:00Z', exclusion_options: { scope: 'NO_MINOR_UPGRADES' } },
        { exclusion_name: 'year-end', start_time: '2026-12-20T00:00:00Z', end_time: '2027-01-05T00:00:00Z', exclusion_options: { scope: 'NO_UPGRADES' } },
      ],
    });
  });

  it('fails if the maintenance settings are ones GKE refuses', () => {
    expect(() =>
      Testing.synthScope(
        (scope) =>
          new GkeCluster(scope, 'Cluster', {
            ...clusterProps,
            maintenance: { exclusions: { freeze: { startTime: '2026-12-01T00:00:00Z', endTime: '2027-02-01T00:00:00Z', scope: 'NO_UPGRADES' } } },
          }),
      ),
    ).toThrow(/maintenance\.exclusions\.freeze\.endTime: a NO_UPGRADES exclusion lasts at most 30 days/);
  });
});

describe('GkeNodePool upgrades', () => {
  const poolOf = (upgrade: GkeNodePoolProps['upgrade']) =>
    onlyResource(
      synthScopeJson((scope) => {
        const cluster = new GkeCluster(scope, 'Cluster', clusterProps);
        new GkeNodePool(scope, 'Pool', { cluster, name: 'highmem', machineType: 'n1-highmem-8', minNodes: 0, maxNodes: 4, labels, upgrade });
      }),
      'google_container_node_pool',
    );

  it('surges one node at a time by default, and streams images', () => {
    const pool = poolOf(undefined);
    expect(pool.upgrade_settings).toEqual({ strategy: 'SURGE', max_surge: 1, max_unavailable: 0 });
    expect(pool.node_config.gcfs_config).toEqual({ enabled: true });
  });

  it('does blue-green with a pool soak and batches', () => {
    expect(poolOf({ strategy: 'BLUE_GREEN' }).upgrade_settings).toEqual({
      strategy: 'BLUE_GREEN',
      blue_green_settings: { node_pool_soak_duration: '3600s', standard_rollout_policy: { batch_node_count: 1, batch_soak_duration: '300s' } },
    });
    expect(poolOf({ strategy: 'BLUE_GREEN', nodePoolSoakMinutes: 120, batchPercentage: 0.5, batchSoakMinutes: 10 }).upgrade_settings.blue_green_settings).toEqual({
      node_pool_soak_duration: '7200s',
      standard_rollout_policy: { batch_percentage: 0.5, batch_soak_duration: '600s' },
    });
  });

  it('fails if the settings of the other strategy are given', () => {
    expect(() => poolOf({ strategy: 'BLUE_GREEN', maxSurge: 2 })).toThrow(/upgrade\.maxSurge: applies to strategy SURGE only/);
  });
});
