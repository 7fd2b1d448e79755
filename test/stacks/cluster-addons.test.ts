import { Testing, TerraformStack } from 'cdktf';
import { buildStacks, stackNames } from '../../lib/app';
import { loadCatalog } from '../../lib/catalog/load';
import { ClusterAddon } from '../../constructs/cluster-addon';
import { ADDON_IMAGES, imageName } from '../../lib/cluster-addons';
import { onlyResource, resourcesOf, synthJson, tempCatalog, type TerraformJson } from '../helpers';
import { platformWithUs } from '../fixtures/countries';

function synthAll(catalogRoot: string): Record<string, TerraformJson> {
  const app = Testing.app();
  buildStacks(app, loadCatalog(catalogRoot));
  return Object.fromEntries(
    app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack).map((stack) => [stack.node.id, synthJson(stack)]),
  );
}

const example = synthAll(tempCatalog());
const countries = synthAll(tempCatalog({ 'platform.yaml': platformWithUs() }));

type Release = { name: string; chart: string; version: string; repository: string; namespace: string; values: string[]; atomic: boolean; wait: boolean };
function releases(json: TerraformJson): Record<string, Release & { parsed: Record<string, any> }> {
  return Object.fromEntries(
    Object.values(resourcesOf(json, 'helm_release')).map((r) => {
      const release = r as unknown as Release;
      return [release.name, { ...release, parsed: JSON.parse(release.values[0]) as Record<string, any> }];
    }),
  );
}

describe('the cluster stacks', () => {
  it('are one per cluster, applied after the platform and before the services', () => {
    expect(Object.keys(countries).filter((name) => name.startsWith('cluster-')).sort()).toEqual(['cluster-production', 'cluster-production-us']);
    const names = stackNames(loadCatalog(tempCatalog({ 'platform.yaml': platformWithUs() })));
    expect(names.slice(0, 3)).toEqual(['platform', 'cluster-production', 'cluster-production-us']);
  });

  it('find their own cluster by name and region', () => {
    expect(onlyResource({ resource: countries['cluster-production-us'].data ?? {} } as TerraformJson, 'google_container_cluster')).toMatchObject({
      name: 'production-us',
      location: 'us-central1',
      project: 'acme-platform-prod',
    });
  });

  it('configure the helm provider exactly like the kubernetes one (same DNS endpoint, same exec credential)', () => {
    const providers = example['cluster-production'].provider as Record<string, Record<string, unknown>[]>;
    const kubernetes = providers.kubernetes[0] as { host: string; exec: unknown[] };
    // helm 3 takes exec as one object where the kubernetes provider takes a list of one.
    expect(providers.helm).toEqual([{ kubernetes: { host: kubernetes.host, exec: kubernetes.exec[0] } }]);
    expect(kubernetes.exec).toEqual([{ api_version: 'client.authentication.k8s.io/v1beta1', command: 'gke-gcloud-auth-plugin' }]);
  });
});

describe('ExternalDNS', () => {
  const release = releases(example['cluster-production'])['external-dns'];

  it('comes from the official chart at a pinned version, atomically', () => {
    expect(release).toMatchObject({ repository: 'https://kubernetes-sigs.github.io/external-dns/', chart: 'external-dns', version: '1.15.0', atomic: true, wait: true });
  });

  it('writes only into the platform zone, as its Workload Identity service account', () => {
    expect(release.parsed.provider).toEqual({ name: 'google' });
    expect(release.parsed.domainFilters).toEqual(['platform.example.com']);
    expect(release.parsed.extraArgs).toEqual(['--google-project=acme-platform-prod', '--google-zone-visibility=public']);
    expect(release.parsed.serviceAccount).toEqual({ create: true, name: 'external-dns', annotations: { 'iam.gke.io/gcp-service-account': 'external-dns@acme-platform-prod.iam.gserviceaccount.com' } });
  });

  it('owns its records by the cluster name, so clusters never delete each other\'s', () => {
    expect(release.parsed).toMatchObject({ registry: 'txt', txtOwnerId: 'production', policy: 'sync' });
    expect(releases(countries['cluster-production-us'])['external-dns'].parsed.txtOwnerId).toBe('production-us');
  });
});

describe('Velero', () => {
  const release = releases(example['cluster-production']).velero;

  it('comes from the official chart at a pinned version with the GCP plugin', () => {
    expect(release).toMatchObject({ repository: 'https://vmware-tanzu.github.io/helm-charts', chart: 'velero', version: '8.0.0', atomic: true });
    expect(release.parsed.initContainers.map((c: { image: string }) => c.image)).toEqual(['docker.io/velero/velero-plugin-for-gcp:v1.11.0']);
  });

  it('backs up into the platform bucket under the cluster name, with Workload Identity and no key', () => {
    expect(release.parsed.credentials).toEqual({ useSecret: false });
    expect(release.parsed.serviceAccount.server.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'velero@acme-platform-prod.iam.gserviceaccount.com' });
    expect(release.parsed.configuration.backupStorageLocation).toEqual([
      { name: 'default', provider: 'gcp', default: true, bucket: 'acme-platform-prod-velero-backups', prefix: 'production', config: { serviceAccount: 'velero@acme-platform-prod.iam.gserviceaccount.com' } },
    ]);
    const us = releases(countries['cluster-production-us']).velero.parsed.configuration;
    expect(us.backupStorageLocation[0].prefix).toBe('production-us');
    expect(us.volumeSnapshotLocation[0].config).toEqual({ project: 'acme-platform-prod', snapshotLocation: 'us-central1' });
  });

  it('backs up every namespace daily and keeps each backup 30 days', () => {
    expect(release.parsed.schedules.daily).toMatchObject({ disabled: false, schedule: '0 15 * * *', template: { ttl: '720h0m0s', includedNamespaces: ['*'], snapshotVolumes: true } });
  });
});

describe('the add-on namespaces', () => {
  const namespaces = Object.fromEntries(
    Object.values(resourcesOf(example['cluster-production'], 'kubernetes_namespace_v1')).map((n) => {
      const metadata = n.metadata as { name: string; labels: Record<string, string> };
      return [metadata.name, metadata.labels];
    }),
  );

  it('are their own, with Pod Security enforced (restricted for ExternalDNS, baseline for Velero) and restricted warned and audited', () => {
    expect(namespaces['external-dns']).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted' });
    expect(namespaces.velero).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted' });
  });

  it('hold the releases', () => {
    for (const release of Object.values(releases(example['cluster-production']))) expect(release.namespace).toMatch(/^\$\{kubernetes_namespace_v1\.\w+\.metadata\[0\]\.name\}$/);
  });
});

describe('the Binary Authorization policy', () => {
  const policy = onlyResource(example.platform, 'google_binary_authorization_policy');
  const patterns = (policy.admission_whitelist_patterns as { name_pattern: string }[]).map((p) => p.name_pattern);

  it('admits exactly the images the add-on releases run', () => {
    const running = Object.values(releases(example['cluster-production'])).flatMap((r) => [
      `${r.parsed.image.repository}:${r.parsed.image.tag}`,
      ...((r.parsed.initContainers ?? []) as { image: string }[]).map((c) => c.image),
    ]);
    expect(running.sort()).toEqual(ADDON_IMAGES.map(imageName).sort());
    for (const image of running) expect(patterns).toContain(image);
  });

  it("admits every service project's repository, GKE's system images, and refuses the rest", () => {
    expect(patterns.filter((p) => p.endsWith('/**'))).toEqual(
      ['gateway', 'payment', 'recommend', 'search'].flatMap((s) => ['dev', 'prod'].map((e) => `asia-northeast1-docker.pkg.dev/acme-${s}-${e}/images/**`)).sort(),
    );
    expect(policy.global_policy_evaluation_mode).toBe('ENABLE');
    expect(policy.default_admission_rule).toEqual({ evaluation_mode: 'ALWAYS_DENY', enforcement_mode: 'ENFORCED_BLOCK_AND_AUDIT_LOG' });
  });
});

describe('ClusterAddon', () => {
  it('fails if the chart version is a range or the repository is not https', () => {
    expect(() =>
      Testing.synthScope(
        (scope) => new ClusterAddon(scope, 'Addon', { name: 'x', chart: { repository: 'http://charts.example.com', chart: 'x', version: '^1.0' }, values: {}, labels: exampleLabels() }),
      ),
    ).toThrow(/chart\.version "\^1\.0" must be an exact version[\s\S]*chart\.repository "http:\/\/charts\.example\.com" must be an https:\/\/ URL/);
  });
});

function exampleLabels() {
  return { service: 'platform', team: 'platform', environment: 'production', 'managed-by': 'cdktf' };
}

