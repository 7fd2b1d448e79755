import { Testing } from 'cdktf';
import { GkeCluster, type GkeClusterProps } from '../../constructs/gke-cluster';
import { GkeNodePool, NODE_POOL_LABEL } from '../../constructs/gke-node-pool';
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
