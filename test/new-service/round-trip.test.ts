// A generated service loads through the catalog loader and synthesizes into
// its stacks with the database and node pool that were asked for.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing, type TerraformStack } from 'cdktf';
import { loadCatalog } from '../../lib/catalog/load';
import { buildStacks, stackNames } from '../../lib/app';
import { CODEOWNERS_MARKER, renderCodeowners } from '../../lib/codeowners';
import { copyCatalog, removeCatalog, REQUIRED, run } from './helpers';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** The synthesized resources of each of `names`, built from the catalog under `root`. */
function synthesize(root: string, names: readonly string[]): Record<string, Resources> {
  const catalog = loadCatalog(root);
  const app = Testing.app();
  buildStacks(app, catalog, { include: (name) => names.includes(name) });
  const out: Record<string, Resources> = {};
  for (const name of names) {
    const stack = app.node.findChild(name) as TerraformStack;
    out[name] = JSON.parse(Testing.synth(stack)).resource as Resources;
  }
  return out;
}

function only<T>(values: Record<string, T> | undefined): T {
  const all = Object.values(values ?? {});
  expect(all).toHaveLength(1);
  return all[0];
}

describe('new-service round trip', () => {
  let root: string;
  beforeEach(() => {
    root = copyCatalog();
  });
  afterEach(() => removeCatalog(root));

  test('checkout with Cloud SQL (postgres) on the highmem pool loads and synthesizes both environments', async () => {
    const result = await run(root, ['checkout', ...REQUIRED, '--cloudsql', 'postgres', '--node-pool', 'highmem']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const catalog = loadCatalog(root);
    const checkout = catalog.services.find((s) => s.name === 'checkout');
    expect(checkout).toMatchObject({ file: 'services/checkout.yaml', team: 'commerce', ownerGroup: 'commerce@example.com' });
    expect(stackNames(catalog)).toEqual(expect.arrayContaining(['service-checkout-development', 'service-checkout-production']));

    const stacks = synthesize(root, ['service-checkout-development', 'service-checkout-production']);
    for (const [name, resources] of Object.entries(stacks)) {
      const sql = only(resources.google_sql_database_instance);
      expect(sql).toMatchObject({ database_version: 'POSTGRES_16', settings: expect.objectContaining({ tier: 'db-custom-1-3840' }) });
      const namespace = only(resources.kubernetes_namespace_v1) as { metadata: { labels: Record<string, string> } };
      expect(namespace.metadata.labels).toMatchObject({ 'platform/node-pool': 'highmem', team: 'commerce', service: 'checkout' });
      expect(resources.google_spanner_instance).toBeUndefined();
      expect(only(resources.google_project)).toMatchObject({ project_id: name.endsWith('production') ? 'acme-checkout-prod' : 'acme-checkout-dev' });
    }
    // Production defaults to a highly available instance; development does not.
    const availability = (stack: string) =>
      (only(stacks[stack].google_sql_database_instance) as { settings: { availability_type: string } }).settings.availability_type;
    expect(availability('service-checkout-production')).toBe('REGIONAL');
    expect(availability('service-checkout-development')).toBe('ZONAL');

    expect(result.stdout).toContain('These stacks will appear: service-checkout-development, service-checkout-production');
    expect(result.stdout).toContain('Open a pull request; the plan is posted on it; merging applies it.');
  });

  test('MySQL and Spanner in development only: one stack, both databases, standard pool', async () => {
    const result = await run(root, ['ledger', ...REQUIRED, '--cloudsql', 'mysql', '--spanner', '--environments', 'development']);
    expect(result.code).toBe(0);
    const catalog = loadCatalog(root);
    const names = stackNames(catalog).filter((n) => n.startsWith('service-ledger-'));
    expect(names).toEqual(['service-ledger-development']);
    const resources = synthesize(root, names)['service-ledger-development'];
    expect(only(resources.google_sql_database_instance)).toMatchObject({ database_version: 'MYSQL_8_0' });
    expect(only(resources.google_spanner_instance)).toMatchObject({ processing_units: 100, config: 'regional-asia-northeast1' });
    const namespace = only(resources.kubernetes_namespace_v1) as { metadata: { labels: Record<string, string> } };
    expect(namespace.metadata.labels['platform/node-pool']).toBe('standard');
  });

  test('the CODEOWNERS line is added in order and nothing else in the file changes', async () => {
    const before = readFileSync(join(root, '.github', 'CODEOWNERS'), 'utf8');
    const result = await run(root, ['query', ...REQUIRED]);
    expect(result.code).toBe(0);
    const after = readFileSync(join(root, '.github', 'CODEOWNERS'), 'utf8');
    const header = before.slice(0, before.indexOf(CODEOWNERS_MARKER));
    expect(after.startsWith(header)).toBe(true);
    const added = after.split('\n').filter((line) => !before.split('\n').includes(line));
    expect(added).toEqual(['/services/query.yaml @acme/commerce']);
    expect(after.split('\n').filter((line) => !added.includes(line))).toEqual(before.split('\n'));
    const generated = after.slice(after.indexOf(CODEOWNERS_MARKER)).split('\n').slice(1, -1);
    expect(generated).toEqual([...generated].sort());
    expect(generated.indexOf('/services/query.yaml @acme/commerce')).toBeGreaterThan(generated.indexOf('/services/payment.yaml @acme/payments'));
  });

  test('the reviewer is the GitHub team named like --team, and the output and the file say so', async () => {
    const result = await run(root, ['query', ...REQUIRED]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Updated .github/CODEOWNERS: /services/query.yaml @acme/commerce');
    expect(result.stdout).toContain('Code review: the GitHub team @acme/commerce (slug "commerce") must exist with write access to acme/platform');
    expect(readFileSync(join(root, 'services', 'query.yaml'), 'utf8')).toContain('# @acme/commerce reviews changes to this file (.github/CODEOWNERS).\nteam: commerce\n');
  });

  test('without github.repository in platform.yaml, the reviewer is the group email and the output says what that needs', async () => {
    const platformFile = join(root, 'platform.yaml');
    writeFileSync(platformFile, readFileSync(platformFile, 'utf8').replace(/^github:\n {2}repository: .*\n/m, ''));
    const catalog = loadCatalog(root);
    expect(catalog.platform.github).toBeUndefined();
    const codeownersFile = join(root, '.github', 'CODEOWNERS');
    writeFileSync(codeownersFile, renderCodeowners(catalog.services, undefined));
    const result = await run(root, ['query', ...REQUIRED]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Updated .github/CODEOWNERS: /services/query.yaml commerce@example.com');
    expect(result.stdout).toContain('commerce@example.com must be the email of a GitHub user account');
    expect(result.stdout).not.toContain('Note:');
    expect(readFileSync(codeownersFile, 'utf8')).toContain('/services/payment.yaml payments@example.com\n/services/query.yaml commerce@example.com\n');
    expect(readFileSync(join(root, 'services', 'query.yaml'), 'utf8')).toContain('# and review of this file (.github/CODEOWNERS).\nownerGroup: commerce@example.com\n');
  });

  test('the written file carries a comment for each field and leaves no temporary files behind', async () => {
    await run(root, ['checkout', ...REQUIRED, '--cloudsql', 'postgres', '--spanner']);
    const text = readFileSync(join(root, 'services', 'checkout.yaml'), 'utf8');
    const lines = text.split('\n');
    // Every top-level field is preceded by a comment line explaining it.
    for (const field of ['team', 'ownerGroup', 'nodePool', 'apis', 'teamRoles', 'environments']) {
      const at = lines.findIndex((line) => line.startsWith(`${field}:`));
      expect(at).toBeGreaterThan(0);
      expect(lines[at - 1]).toMatch(/^# /);
    }
    expect(lines).toContain('  cloudsql:');
    expect(lines).toContain('  spanner:');
    expect(readdirSync(join(root, 'services')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(join(root, '.github'))).toEqual(['CODEOWNERS']);
  });
});
