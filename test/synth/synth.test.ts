// The fast synth path (lib/synth.ts): same bytes as cdktf, incremental
// writes, a correct manifest, subset and full synth.
import { existsSync, lstatSync, mkdtempSync, realpathSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { BOOTSTRAP_STATE_FILE } from '../../stacks/bootstrap-stack';
import { generations } from '../../lib/synth/write';
import { AnnotationMetadataEntryType, Annotations, App, TerraformStack, ref } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { stackNames } from '../../lib/app';
import { loadCatalog } from '../../lib/catalog/load';
import { STACK_METADATA_FILE } from '../../lib/stack-metadata';
import {
  SynthError,
  renderStacks,
  shardOf,
  renderShard,
  stableStringify,
  synthesizeCatalog,
  useFastTokens,
} from '../../lib/synth';
import { exampleCatalog, tempCatalog } from '../helpers';
import type * as Cdktf from 'cdktf';
import type * as AppModule from '../../lib/app';

jest.setTimeout(60_000);

/** A fresh `<tmp>/cdktf.out` path; every output dir sits at the same depth so relative paths compare. */
function freshOutdir(): string {
  return join(mkdtempSync(join(tmpdir(), 'synth-')), 'cdktf.out');
}

/** Every file under `dir`, relative path -> content. */
function readTree(dir: string, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = join(prefix, entry.name);
    if (entry.isDirectory()) Object.assign(files, readTree(dir, path));
    else files[path] = readFileSync(join(dir, path), 'utf8');
  }
  return files;
}

function manifestOf(outdir: string): { version: string; stacks: Record<string, { synthesizedStackPath: string }> } {
  return JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
}

const catalog = exampleCatalog();
const allStacks = stackNames(catalog);

describe('synthesizeCatalog', () => {
  it("writes byte for byte what cdktf's own app.synth() writes, manifest included", async () => {
    // cdktf untouched by our token changes: a fresh module registry.
    const reference = freshOutdir();
    jest.isolateModules(() => {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const cdktf = require('cdktf') as typeof Cdktf;
      const app = new cdktf.App({ outdir: reference, stackTraces: false });
      (require('../../lib/app') as typeof AppModule).buildStacks(app, catalog);
      /* eslint-enable @typescript-eslint/no-require-imports */
      app.synth();
    });

    const ours = freshOutdir();
    const summary = await synthesizeCatalog(catalog, { outdir: ours, workers: 1 });

    const expected = readTree(reference);
    expect(Object.keys(expected)).toContain('manifest.json');
    expect(Object.keys(expected)).toContain(join('stacks', 'platform', 'cdk.tf.json'));
    // Ours adds CI's facts next to each stack (lib/stack-metadata.ts); the rest is cdktf's bytes.
    const oursFiles = readTree(ours);
    const metadataFiles = Object.keys(oursFiles).filter((path) => path.endsWith(STACK_METADATA_FILE));
    for (const path of metadataFiles) delete oursFiles[path];
    expect(oursFiles).toEqual(expected);
    expect(metadataFiles).toHaveLength(allStacks.length);
    expect([...summary.written].sort()).toEqual([...allStacks].sort());
  });

  it('rewrites only the stacks whose JSON changed (unchanged files keep inode and mtime)', async () => {
    const root = tempCatalog();
    const outdir = freshOutdir();
    await synthesizeCatalog(loadCatalog(root), { outdir, workers: 1 });
    const before = new Map(allStacks.map((name) => [name, statSync(join(outdir, 'stacks', name, 'cdk.tf.json'))]));
    const manifestBefore = statSync(join(outdir, 'manifest.json'));

    const payment = readFileSync(join(root, 'services', 'payment.yaml'), 'utf8');
    writeFileSync(join(root, 'services', 'payment.yaml'), payment.replace('retentionDays: 90', 'retentionDays: 120'));
    const summary = await synthesizeCatalog(loadCatalog(root), { outdir, workers: 1 });

    expect(summary.written).toEqual(['service-payment-production']);
    for (const [name, stat] of before) {
      const after = statSync(join(outdir, 'stacks', name, 'cdk.tf.json'));
      if (name === 'service-payment-production') {
        expect(after.ino).not.toBe(stat.ino); // replaced by rename: a new file
        expect(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')).toContain(`"default_partition_expiration_ms": ${120 * 24 * 3600 * 1000}`);
      } else {
        expect({ name, ino: after.ino, mtime: after.mtimeMs }).toEqual({ name, ino: stat.ino, mtime: stat.mtimeMs });
      }
    }
    expect(statSync(join(outdir, 'manifest.json')).ino).toBe(manifestBefore.ino);
  });

  it('with a filter constructs and writes only the matching stacks, keeping the others and their manifest entries', async () => {
    const outdir = freshOutdir();
    await synthesizeCatalog(catalog, { outdir, workers: 1 });
    const manifestBefore = readFileSync(join(outdir, 'manifest.json'), 'utf8');
    const platformBefore = statSync(join(outdir, 'stacks', 'platform', 'cdk.tf.json'));

    const summary = await synthesizeCatalog(catalog, { outdir, include: (name) => name.startsWith('service-payment-') });

    expect([...summary.written, ...summary.unchanged].sort()).toEqual(['service-payment-development', 'service-payment-production']);
    expect(readFileSync(join(outdir, 'manifest.json'), 'utf8')).toBe(manifestBefore);
    expect(statSync(join(outdir, 'stacks', 'platform', 'cdk.tf.json')).mtimeMs).toBe(platformBefore.mtimeMs);
  });

  it('a subset synth into an empty folder writes a manifest of just that subset', async () => {
    const outdir = freshOutdir();
    await synthesizeCatalog(catalog, { outdir, include: (name) => name === 'service-search-production' });
    expect(readdirSync(join(outdir, 'stacks'))).toEqual(['service-search-production']);
    const manifest = manifestOf(outdir);
    expect(Object.keys(manifest.stacks)).toEqual(['service-search-production']);
    expect(manifest.stacks['service-search-production'].synthesizedStackPath).toBe(join('stacks', 'service-search-production', 'cdk.tf.json'));
    expect(manifest.version).toBe(JSON.parse(readFileSync(require.resolve('cdktf/package.json'), 'utf8')).version);
  });

  it('removes the folders and manifest entries of stacks that no longer exist on a full synth only', async () => {
    const root = tempCatalog({ 'services/retired.yaml': readFileSync(join(root0(), 'services', 'payment.yaml'), 'utf8') });
    const outdir = freshOutdir();
    await synthesizeCatalog(loadCatalog(root), { outdir, workers: 1 });
    const gone = join(outdir, 'stacks', 'service-retired-production');
    expect(existsSync(gone)).toBe(true);
    rmSync(join(root, 'services', 'retired.yaml'));

    await synthesizeCatalog(loadCatalog(root), { outdir, include: (name) => name === 'platform' });
    expect(existsSync(gone)).toBe(true);
    expect(Object.keys(manifestOf(outdir).stacks)).toContain('service-retired-production');

    const summary = await synthesizeCatalog(loadCatalog(root), { outdir, workers: 1 });
    expect([...summary.removed].sort()).toEqual(['service-retired-development', 'service-retired-production']);
    expect(existsSync(gone)).toBe(false);
    expect(Object.keys(manifestOf(outdir).stacks).sort()).toEqual([...allStacks].sort());
  });

  it('is a link to one complete generation; a no-change synth creates none', async () => {
    const outdir = freshOutdir();
    await synthesizeCatalog(catalog, { outdir, workers: 1 });
    expect(lstatSync(outdir).isSymbolicLink()).toBe(true);
    const first = generations(outdir);
    expect(first).toEqual([realpathSync(outdir)]);
    expect(basename(first[0])).toMatch(/^\.cdktf\.out\.gen-/);
    expect(dirname(first[0])).toBe(realpathSync(dirname(outdir))); // a sibling: relative paths out of it land where they would from cdktf.out
    // Terraform runs in the physical folder: the bootstrap state still lands beside cdktf.out.
    expect(resolve(realpathSync(join(outdir, 'stacks', 'bootstrap')), BOOTSTRAP_STATE_FILE)).toBe(join(realpathSync(dirname(outdir)), 'terraform.bootstrap.tfstate'));
    await synthesizeCatalog(catalog, { outdir, workers: 1 });
    expect(generations(outdir)).toEqual(first);
    expect(existsSync(`${outdir}.lock`)).toBe(false);
  });
});

/** The repository root, where the example services are. */
function root0(): string {
  return join(__dirname, '..', '..');
}

describe('renderShard', () => {
  it('constructs only the stacks its filter accepts, and writes nothing', () => {
    const outdir = freshOutdir();
    const asked: string[] = [];
    const result = renderShard(catalog, {
      outdir,
      include: (name) => {
        asked.push(name);
        return name === 'service-recommend-development';
      },
    });
    expect(result.stacks.map((s) => s.manifest.name)).toEqual(['service-recommend-development']);
    expect(JSON.parse(result.stacks[0].json)['//'].metadata.stackName).toBe('service-recommend-development');
    expect([...asked].sort()).toEqual([...allStacks].sort());
    expect(readdirSync(join(outdir, 'stacks'))).toEqual([]);
  });

  it('renders in batches (each its own App, its tokens forgotten after) to the same bytes as in one App', () => {
    const whole = renderShard(catalog, { outdir: freshOutdir(), chunkStacks: 1_000 });
    const batched = renderShard(catalog, { outdir: freshOutdir(), chunkStacks: 2 });
    expect(whole.stacks.length).toBeGreaterThan(4); // several batches of two
    expect(batched.stacks.map((s) => s.name)).toEqual(whole.stacks.map((s) => s.name));
    expect(batched.stacks.map((s) => s.json)).toEqual(whole.stacks.map((s) => s.json));
    expect(batched.stacks.map((s) => s.manifest)).toEqual(whole.stacks.map((s) => s.manifest));
    expect(batched.version).toBe(whole.version);
  });

  it('shards split every stack between them, each stack to exactly one', () => {
    const names = allStacks.concat(Array.from({ length: 200 }, (_, i) => `service-s${i}-production`));
    const counts = [0, 0, 0];
    for (const name of names) counts[shardOf(name, 3)]++;
    expect(counts.reduce((a, b) => a + b)).toBe(names.length);
    for (const count of counts) expect(count).toBeGreaterThan(names.length / 6); // roughly balanced
  });
});

describe('stableStringify', () => {
  // The package cdktf writes with; resolved from cdktf's own dependencies.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const reference = require(require.resolve('json-stable-stringify', { paths: [dirname(require.resolve('cdktf'))] })) as (
    value: unknown,
    options: { space: number },
  ) => string;

  it.each([
    ['nested empty containers', { b: [], a: {}, c: [{}, [], [[]]], d: { e: { f: [] } } }],
    ['undefined in objects and arrays, functions, null', { a: undefined, b: [undefined, null, 1], c: null, d: () => 1 }],
    ['key order by code unit, unicode and escapes', { b: 1, B: 2, 'ä': 3, '10': 4, '9': 5, 'quote"d': 'line\nbreak', '': 'empty key' }],
    ['numbers and booleans', { n: [0, -1.5, 1e21, 2 ** 64, Number.MAX_SAFE_INTEGER], t: true, f: false }],
    ['toJSON', { when: new Date(0), custom: { toJSON: () => ({ z: 1, a: 2 }) } }],
    ['top-level array', [{ b: 1, a: [] }, 'x']],
  ])('matches json-stable-stringify(value, { space: 2 }): %s', (_, value) => {
    expect(stableStringify(value)).toBe(reference(value, { space: 2 }));
  });
});

describe('useFastTokens', () => {
  it('reaches cdktf: a new reference carries no creation stack', () => {
    expect(useFastTokens()).toEqual({ stackTraces: true });
    expect((ref('google_project.x.id') as unknown as { creationStack: string[] }).creationStack).toEqual([]);
  });
});

describe('renderStacks', () => {
  function appWith(annotate: (stack: TerraformStack) => void): App {
    const app = new App({ outdir: freshOutdir(), stackTraces: false });
    const stack = new TerraformStack(app, 'annotated');
    new GoogleProvider(stack, 'google', { project: 'p' });
    annotate(stack);
    return app;
  }

  it('stops on an error annotation, naming the construct path, as cdktf does', () => {
    const app = appWith((stack) => Annotations.of(stack).addError('no public buckets'));
    expect(() => renderStacks(app)).toThrow(SynthError);
    expect(() => renderStacks(appWith((stack) => Annotations.of(stack).addError('no public buckets')))).toThrow(
      /Synth failed: stack annotated has errors:\n\[annotated\] no public buckets/,
    );
  });

  it('hands warnings back and records them in the manifest entry', () => {
    const [rendered] = renderStacks(appWith((stack) => Annotations.of(stack).addWarning('consider a CMEK')));
    expect(rendered.warnings).toEqual(['[annotated] consider a CMEK']);
    expect(rendered.manifest.annotations).toEqual([
      expect.objectContaining({ constructPath: 'annotated', level: AnnotationMetadataEntryType.WARN, message: 'consider a CMEK' }),
    ]);
  });
});
