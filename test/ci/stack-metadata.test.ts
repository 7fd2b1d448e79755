import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { buildStacks } from '../../lib/app';
import { loadCatalog } from '../../lib/catalog/load';
import { synthesizeCatalog } from '../../lib/synth';
import { STACK_METADATA_FILE, parseStackMetadata, readStackMetadata, stackMetadata } from '../../lib/stack-metadata';
import { REPO_ROOT, exampleCatalog, tempCatalog } from '../helpers';

const catalog = exampleCatalog();

describe('stack metadata: the facts CI reads instead of parsing names', () => {
  it('every stack buildStacks makes has facts (a new stack kind must add its own)', () => {
    const app = Testing.app();
    buildStacks(app, catalog);
    const built = app.node.findAll().filter((n): n is TerraformStack => TerraformStack.isStack(n)).map((s) => s.node.id);
    const facts = stackMetadata(catalog);
    expect(built.filter((name) => !facts.has(name))).toEqual([]);
  });

  it('synth writes delivery.json next to each stack', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'metadata-'));
    await synthesizeCatalog(catalog, { outdir, workers: 1 });
    expect(JSON.parse(readFileSync(join(outdir, 'stacks', 'service-payment-production', STACK_METADATA_FILE), 'utf8'))).toEqual({
      stack: 'service-payment-production',
      kind: 'service',
      environment: 'production',
      production: true,
    });
    expect(readStackMetadata(outdir, 'service-payment-development')).toEqual({ stack: 'service-payment-development', kind: 'service', environment: 'development', production: false });
    expect(readStackMetadata(outdir, 'platform')).toEqual({ stack: 'platform', kind: 'platform', environment: 'production', production: true });
  });

  it('takes the environment from the catalog, not the name: web-pre in production is production', () => {
    const platform = readFileSync(join(REPO_ROOT, 'platform.yaml'), 'utf8').replace(
      /environments:[\s\S]*?\nnetwork:/,
      'environments:\n  staging:\n    projectSuffix: stg\n  live:\n    projectSuffix: live\n    production: true\nnetwork:',
    );
    const custom = loadCatalog(tempCatalog({ 'platform.yaml': platform, 'services/web-pre.yaml': 'team: web\nownerGroup: web@example.com\n' }, { withExampleServices: false }));
    const facts = stackMetadata(custom);
    expect(facts.get('service-web-pre-live')).toEqual({ stack: 'service-web-pre-live', kind: 'service', environment: 'live', production: true });
    expect(facts.get('service-web-pre-staging')?.production).toBe(false);
    // The platform's environment is the first production one, whatever it is called.
    expect(facts.get('platform')).toEqual({ stack: 'platform', kind: 'platform', environment: 'live', production: true });
  });

  it('refuses metadata that is missing, malformed or about another stack', () => {
    expect(readStackMetadata(mkdtempSync(join(tmpdir(), 'empty-')), 'platform')).toMatch(/platform\/delivery.json: missing; re-run npm run synth/);
    expect(parseStackMetadata('platform', '{')).toMatch(/not valid JSON/);
    expect(parseStackMetadata('platform', JSON.stringify({ stack: 'other', kind: 'platform', environment: 'production', production: true }))).toMatch(/expected \{"stack":"platform"/);
    expect(parseStackMetadata('platform', JSON.stringify({ stack: 'platform', kind: 'platform', environment: 'production', production: 'yes' }))).toMatch(/expected/);
    expect(parseStackMetadata('platform', JSON.stringify({ stack: 'platform', kind: 'evil', environment: 'production', production: true }))).toMatch(/expected/);
  });
});
