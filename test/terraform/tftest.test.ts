import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeCatalog } from '../../lib/synth';
import { setUpTerraform } from '../../lib/terraform/cli';
import { readStacks, stackKind, type SynthesizedStack } from '../../lib/terraform/stacks';
import { renderTest, selectStacks } from '../../lib/terraform/tftest';
import { testStacks } from '../../lib/terraform/test-stacks';
import { EXAMPLE_STACKS, exampleCatalog, REPO_ROOT } from '../helpers';
import { describeWithTerraform } from './terraform-available';

const catalog = exampleCatalog();
let outDir: string;
let stacks: SynthesizedStack[];

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'tftest-'));
  await synthesizeCatalog(catalog, { outdir: outDir });
  stacks = readStacks(outDir);
});

describe('which stacks test:terraform plans', () => {
  test('kinds come from stack names; a new prefix is a new kind', () => {
    expect(['platform', 'bootstrap', 'service-payment-production', 'cluster-production'].map(stackKind)).toEqual(['platform', 'bootstrap', 'service', 'cluster']);
  });

  test('one stack per kind and shape, production preferred: platform, bootstrap, cluster, a plain, a Cloud SQL, a Spanner and a Redis/Pub/Sub/budget service', () => {
    // Each example stack has a shape of its own (development stacks differ since the tenant model: no lien, team database login; search has Pub/Sub subscriptions, payment Redis and a budget).
    expect(selectStacks(stacks, catalog).map((s) => s.name)).toEqual(EXAMPLE_STACKS);
  });

  test('a stack kind without expectations fails instead of going untested', () => {
    const widget = { ...stacks.find((s) => s.name === 'platform')!, name: 'widget-production', kind: 'widget' };
    expect(() => selectStacks([...stacks, widget], catalog)).toThrow(
      'No terraform test for the stack kind widget (e.g. widget-production): add its expectations to KIND_EXPECTATIONS in lib/terraform/tftest.ts',
    );
  });

  test('the generated test mocks every provider the stack uses and overrides only the network data source', () => {
    const recommend = stacks.find((s) => s.name === 'service-recommend-production')!;
    const { text } = renderTest(recommend, catalog);
    expect(text.match(/^mock_provider "[^"]+"/gm)).toEqual(['mock_provider "google"', 'mock_provider "google-beta"', 'mock_provider "kubernetes"']);
    expect(text.match(/^override_data \{\n {2}target = (.*)$/gm)).toEqual(['override_data {\n  target = data.google_compute_network.SharedNetwork']);
    expect(text).toContain('values = { id = "projects/acme-platform-prod/global/networks/platform" }');
    expect(text).toContain('error_message = "Cloud SQL has no public IPv4 address, only a private IP on projects/acme-platform-prod/global/networks/platform"');
    expect(text).toContain('error_message = "every Spanner database is encrypted with a key of the service (CMEK)"');
  });
});

describeWithTerraform('terraform test on mock providers', () => {
  /** Plans one stack after `edit` changed its JSON; resolves to terraform's output. */
  async function planEdited(name: string, edit: (json: any) => void): Promise<{ ok: boolean; message: string }> {
    const stack = stacks.find((s) => s.name === name)!;
    const dir = mkdtempSync(join(tmpdir(), 'tftest-edited-'));
    const json = JSON.parse(readFileSync(join(stack.dir, 'cdk.tf.json'), 'utf8'));
    edit(json);
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(json));
    const [result] = await testStacks(setUpTerraform(REPO_ROOT), [{ ...stack, dir, json }], catalog, { parallelism: 1 });
    // Terraform wraps long messages.
    return { ok: result.ok, message: result.message.replace(/\s+/g, ' ') };
  }

  test('the unchanged platform stack passes every assertion', async () => {
    expect(await planEdited('platform', () => undefined)).toMatchObject({ ok: true, message: '' });
  }, 120_000);

  test('an untainted highmem pool fails the plan with the expectation', async () => {
    const result = await planEdited('platform', (json) => {
      const pools = json.resource.google_container_node_pool;
      for (const pool of Object.values<any>(pools)) if (pool.name === 'highmem') delete pool.node_config.taint;
    });
    expect(result.ok).toBe(false);
    expect(result.message).toContain('node pool highmem: n1-highmem-8, 0-4 nodes per zone, taint platform/node-pool=highmem:NoSchedule');
  }, 120_000);

  test('a public IPv4 on Cloud SQL and an unencrypted Spanner database fail the plan', async () => {
    const result = await planEdited('service-recommend-production', (json) => {
      for (const instance of Object.values<any>(json.resource.google_sql_database_instance)) instance.settings.ip_configuration.ipv4_enabled = true;
      for (const database of Object.values<any>(json.resource.google_spanner_database)) delete database.encryption_config;
    });
    expect(result.ok).toBe(false);
    expect(result.message).toContain('Cloud SQL has no public IPv4 address');
    expect(result.message).toContain('every Spanner database is encrypted with a key of the service (CMEK)');
  }, 120_000);
});
