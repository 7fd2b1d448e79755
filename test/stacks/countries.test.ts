import { Testing, TerraformStack, type App } from 'cdktf';
import { buildStacks } from '../../lib/app';
import { CatalogError, loadCatalog, type Catalog } from '../../lib/catalog/load';
import { platformClusters } from '../../lib/catalog/clusters';
import { resourcesOf, synthJson, tempCatalog, type TerraformJson } from '../helpers';
import { US_ONLY_SERVICE, platformWithUs } from '../fixtures/countries';

function synthAll(catalog: Catalog): Record<string, TerraformJson> {
  const app: App = Testing.app();
  buildStacks(app, catalog);
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
  return Object.fromEntries(stacks.map((stack) => [stack.node.id, synthJson(stack)]));
}

function problemsOf(files: Record<string, string>): string[] {
  try {
    loadCatalog(tempCatalog(files));
  } catch (error) {
    if (error instanceof CatalogError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the catalog to be rejected');
}

const catalog = loadCatalog(tempCatalog({ 'platform.yaml': platformWithUs(), 'services/growth.yaml': US_ONLY_SERVICE }));
const stacks = synthAll(catalog);
const platform = stacks['platform'];
const byName = <T extends Record<string, unknown>>(json: TerraformJson, type: string) =>
  Object.fromEntries(Object.values(resourcesOf(json, type)).map((r) => [(r as { name: string }).name, r as T]));

describe('a platform with a second country', () => {
  it('lists the home cluster first, then the country', () => {
    expect(platformClusters(catalog.platform).map((c) => [c.country, c.name, c.region])).toEqual([
      [undefined, 'production', 'asia-northeast1'],
      ['us', 'production-us', 'us-central1'],
    ]);
  });

  it('creates one cluster per country, each in its region on its own subnet', () => {
    const clusters = byName<{ location: string; subnetwork: string; private_cluster_config: { master_ipv4_cidr_block: string } }>(platform, 'google_container_cluster');
    expect(Object.keys(clusters).sort()).toEqual(['production', 'production-us']);
    expect(clusters['production-us'].location).toBe('us-central1');
    expect(clusters['production-us'].private_cluster_config.master_ipv4_cidr_block).toBe('172.16.0.16/28');
    expect(clusters['production-us'].subnetwork).toMatch(/google_compute_subnetwork\.Network_us_Subnetwork_\w+\.id/);
    const subnets = byName<{ region: string; ip_cidr_range: string }>(platform, 'google_compute_subnetwork');
    expect(subnets['platform-us-central1']).toMatchObject({ region: 'us-central1', ip_cidr_range: '10.32.0.0/20' });
    expect(byName(platform, 'google_compute_router_nat')['platform-us-central1']).toMatchObject({ region: 'us-central1' });
  });

  it('keeps the home cluster at its original addresses and groups the country under its key', () => {
    const clusterIds = Object.keys(resourcesOf(platform, 'google_container_cluster'));
    expect(clusterIds).toEqual(expect.arrayContaining([expect.stringMatching(/^Cluster_[0-9A-F]{8}$/), expect.stringMatching(/^Countries_us_Cluster_[0-9A-F]{8}$/)]));
    const poolIds = Object.keys(resourcesOf(platform, 'google_container_node_pool')).sort();
    expect(poolIds.map((id) => id.replace(/_[0-9A-F]{8}$/, ''))).toEqual([
      'Countries_us_NodePools_highmem_NodePool',
      'Countries_us_NodePools_standard_NodePool',
      'NodePools_highmem_NodePool',
      'NodePools_standard_NodePool',
    ]);
  });

  it('gives every pool of every country its own node service account', () => {
    const accounts = Object.values(resourcesOf(platform, 'google_service_account')).map((a) => a.account_id);
    expect(accounts).toEqual(expect.arrayContaining(['gke-standard-nodes', 'gke-highmem-nodes', 'gke-us-standard-nodes', 'gke-us-highmem-nodes']));
  });

  it('puts a service in every cluster by default: the home one at its old addresses, the other through an aliased provider', () => {
    const payment = stacks['service-payment-production'];
    const providers = payment.provider?.kubernetes as { alias?: string }[];
    expect(providers.map((p) => p.alias ?? null)).toEqual([null, 'production-us']);
    const clusters = Object.values(payment.data?.google_container_cluster ?? {})
      .map((c) => [c.name, c.location])
      .sort();
    expect(clusters).toEqual([
      ['production', 'asia-northeast1'],
      ['production-us', 'us-central1'],
    ]);
    const namespaces = resourcesOf(payment, 'kubernetes_namespace_v1');
    const ids = Object.keys(namespaces);
    expect(ids).toHaveLength(2);
    expect(ids.some((id) => /^Namespace_[0-9A-F]{8}$/.test(id))).toBe(true);
    const us = ids.find((id) => id.startsWith('Clusters_production-us_Namespace_')) as string;
    expect(namespaces[us].provider).toBe('kubernetes.production-us');
    // Every in-cluster object of the US namespace goes to the US cluster, none to the default provider.
    for (const [type, resources] of Object.entries(payment.resource).filter(([type]) => type.startsWith('kubernetes_'))) {
      for (const [id, config] of Object.entries(resources)) {
        expect([type, id, config.provider]).toEqual([type, id, id.startsWith('Clusters_production-us_') ? 'kubernetes.production-us' : undefined]);
      }
    }
  });

  it("routes the pod logs of every cluster the service runs in", () => {
    const payment = stacks['service-payment-production'];
    const sinks = Object.values(resourcesOf(payment, 'google_logging_project_sink')).map((s) => s.filter as string | undefined);
    expect(sinks).toContain(
      'resource.type="k8s_container" AND (resource.labels.cluster_name="production" OR resource.labels.cluster_name="production-us") AND resource.labels.namespace_name="payment-prod"',
    );
  });

  it('puts a service that chose one country in that cluster only, with its data still in its project', () => {
    const growth = stacks['service-growth-production'];
    expect((growth.provider?.kubernetes as { alias?: string }[]).map((p) => p.alias)).toEqual(['production-us']);
    expect(Object.keys(resourcesOf(growth, 'kubernetes_namespace_v1'))).toEqual([expect.stringMatching(/^Clusters_production-us_Namespace_/)]);
    expect(Object.values(growth.data?.google_container_cluster ?? {}).map((c) => c.name)).toEqual(['production-us']);
    expect(Object.values(resourcesOf(growth, 'google_project')).map((p) => p.project_id)).toEqual(['acme-growth-prod']);
  });
});

describe('platform.yaml countries fail if', () => {
  it('their ranges overlap another range of the VPC', () => {
    const problems = problemsOf({ 'platform.yaml': platformWithUs().replace('podsCidr: 10.48.0.0/14', 'podsCidr: 10.16.0.0/14') });
    expect(problems).toContainEqual(expect.stringMatching(/^platform\.yaml: countries\.us\.podsCidr: 10\.16\.0\.0\/14 overlaps network\.podsCidr 10\.16\.0\.0\/14/));
  });

  it('two clusters share a name or a region', () => {
    const problems = problemsOf({ 'platform.yaml': platformWithUs().replace('name: production-us', 'name: production').replace('region: us-central1', 'region: asia-northeast1') });
    expect(problems).toContainEqual(expect.stringMatching(/countries\.us\.name: "production" is already the name of cluster/));
    expect(problems).toContainEqual(expect.stringMatching(/countries\.us\.region: asia-northeast1 already has cluster; one cluster per country/));
  });

  it('the country key is long enough to overflow node service account ids', () => {
    const problems = problemsOf({ 'platform.yaml': platformWithUs().replace('  us:\n', '  unitedstates:\n') });
    expect(problems).toContainEqual(expect.stringMatching(/countries\.unitedstates: .*a short country key like us/));
  });

  it('a service names a cluster the platform does not have, or none', () => {
    expect(problemsOf({ 'platform.yaml': platformWithUs(), 'services/growth.yaml': US_ONLY_SERVICE.replace('production-us', 'production-eu') })).toContainEqual(
      'services/growth.yaml: clusters: "production-eu" is not a cluster of platform.yaml; use production, production-us',
    );
    expect(problemsOf({ 'services/growth.yaml': US_ONLY_SERVICE.replace('[production-us]', '[]') })).toContainEqual(
      'services/growth.yaml: clusters: lists no cluster; list at least one of production, or remove clusters to run in every cluster',
    );
  });
});
