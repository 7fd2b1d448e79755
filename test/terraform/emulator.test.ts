import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { synthesizeCatalog } from '../../lib/synth';
import { readStacks } from '../../lib/terraform/stacks';
import { kubernetesCopy } from '../../lib/terraform/emulator/kube-copy';
import { kubernetesStacks } from '../../lib/terraform/emulator/kube';
import { Servers, freePort, httpOk } from '../../lib/terraform/emulator/servers';
import { SpannerEmulatorStack, spannerService } from '../../lib/terraform/emulator/spanner';
import { EXAMPLE_STACKS, exampleCatalog } from '../helpers';

const catalog = exampleCatalog();

describe('the Kubernetes copy of a stack', () => {
  let outDir: string;
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'kube-copy-'));
    await synthesizeCatalog(catalog, { outdir: outDir });
  });

  test('keeps only kubernetes objects, points the provider at the local server and replaces references to what it left out', () => {
    const stack = readStacks(outDir).find((s) => s.name === 'service-payment-production')!;
    const copy = kubernetesCopy(stack.json, { host: 'https://127.0.0.1:6443', token: 'admin-token' });
    const json = copy.json as any;
    expect(Object.keys(json.resource).every((type) => type.startsWith('kubernetes_'))).toBe(true);
    // Namespace, RoleBinding, quota, limit range, ingress and egress policies, service account.
    expect(copy.kept).toBe(7);
    expect(copy.dropped.google_sql_database_instance).toBe(1);
    expect(json.data).toBeUndefined();
    expect(json.provider).toEqual({ kubernetes: [{ host: 'https://127.0.0.1:6443', token: 'admin-token', insecure: true }] });
    expect(Object.keys(json.terraform.required_providers)).toEqual(['kubernetes']);
    expect(json.terraform.backend).toBeUndefined();
    const account = Object.values<any>(json.resource.kubernetes_service_account_v1)[0];
    expect(account.metadata.annotations['iam.gke.io/gcp-service-account']).toMatch(/^placeholder:google_service_account\.ApplicationIdentity_ServiceAccount_\w+\.email$/);
    // References between kept objects stay references.
    expect(account.metadata.namespace).toMatch(/^\$\{kubernetes_namespace_v1\.Namespace_\w+\.metadata\[0\]\.name\}$/);
    expect(JSON.stringify(json)).not.toMatch(/\$\{(data\.)?google_/);
  });

  test('a depends_on on something left out is dropped, on a kept object kept', () => {
    const copy = kubernetesCopy(
      {
        terraform: { required_providers: { kubernetes: { source: 'kubernetes' } } },
        resource: {
          kubernetes_namespace_v1: { A: { metadata: { name: 'a' } } },
          kubernetes_service_account_v1: { B: { metadata: { name: 'b' }, depends_on: ['kubernetes_namespace_v1.A', 'google_service_account.C'] } },
          google_service_account: { C: { account_id: 'c' } },
        },
      },
      { host: 'h', token: 't' },
    );
    expect((copy.json.resource as any).kubernetes_service_account_v1.B.depends_on).toEqual(['kubernetes_namespace_v1.A']);
  });

  test('stacks with Kubernetes objects are applied cluster-wide kinds first, services after', () => {
    const stacks = readStacks(outDir).filter((s) => s.kind !== 'platform');
    // Every stack but platform and bootstrap has Kubernetes objects; sorted, the cluster's comes first.
    expect(kubernetesStacks([...stacks].reverse()).map((s) => s.name)).toEqual(EXAMPLE_STACKS.filter((name) => name !== 'platform' && name !== 'bootstrap'));
  });
});

describe('the Spanner stack for the emulator', () => {
  test('is the real SpannerInstance of a Spanner service, pointed at the emulator, without what the emulator lacks', () => {
    const service = spannerService(catalog)!;
    expect(service.stackName).toBe('service-recommend-production');
    const app = Testing.app();
    const stack = new SpannerEmulatorStack(app, 'spanner', { endpoint: 'http://127.0.0.1:9020/v1/', service });
    const json = JSON.parse(Testing.synth(stack));
    expect(json.terraform.backend).toEqual({ local: { path: 'terraform.tfstate' } });
    expect(json.provider.google[0]).toMatchObject({ spanner_custom_endpoint: 'http://127.0.0.1:9020/v1/', project: 'acme-recommend-prod' });
    expect(Object.values<any>(json.resource.google_spanner_instance)[0]).toMatchObject({ config: 'regional-asia-northeast1', processing_units: 300, force_destroy: false });
    const databases = Object.values<any>(json.resource.google_spanner_database);
    expect(databases.map((d) => d.name).sort()).toEqual(['embeddings', 'features']);
    for (const database of databases) {
      expect(database.deletion_protection).toBe(true);
      expect(database.enable_drop_protection).toBe(false);
      expect(database).not.toHaveProperty('encryption_config');
      expect(database).not.toHaveProperty('database_dialect');
    }
  });
});

describe('local servers', () => {
  test('are stopped with their children, by process group', async () => {
    const servers = new Servers();
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'servers-'));
    // A shell that starts a child server, like the emulator's gateway does.
    const server = servers.start('http', 'sh', ['-c', `python3 -m http.server ${port} --bind 127.0.0.1 & wait`], join(dir, 'log'));
    await servers.waitUntilReady(server, () => httpOk(`http://127.0.0.1:${port}/`), 30);
    await servers.stopAll();
    expect(await httpOk(`http://127.0.0.1:${port}/`)).toBe(false);
  }, 60_000);

  test('a server that exits before it is ready fails with its log', async () => {
    const servers = new Servers();
    const dir = mkdtempSync(join(tmpdir(), 'servers-'));
    const server = servers.start('broken', 'sh', ['-c', 'echo cannot bind; exit 3'], join(dir, 'log'));
    await expect(servers.waitUntilReady(server, async () => false, 30)).rejects.toThrow(/broken exited \(3\) before it was ready:\ncannot bind/);
    await servers.stopAll();
  });
});
