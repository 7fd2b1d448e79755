// bin/main.ts as a whole process: stack selection by argument and STACKS,
// CDKTF_OUTDIR, and the sharded full synth (worker threads need the
// transpiled dist/, so this suite builds it first).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers';

jest.setTimeout(120_000);

const MAIN = join(REPO_ROOT, 'dist', 'bin', 'main.js');

function synth(args: string[], env: Record<string, string> = {}) {
  const outdir = join(mkdtempSync(join(tmpdir(), 'synth-cli-')), 'cdktf.out');
  const run = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, CATALOG_DIR: REPO_ROOT, CDKTF_OUTDIR: outdir, STACKS: '', SYNTH_WORKERS: '', ...env },
    encoding: 'utf8',
  });
  return { ...run, outdir };
}

function tree(outdir: string): Record<string, string> {
  const files: Record<string, string> = { 'manifest.json': readFileSync(join(outdir, 'manifest.json'), 'utf8') };
  for (const stack of readdirSync(join(outdir, 'stacks'))) files[stack] = readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8');
  return files;
}

beforeAll(() => {
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs')], { cwd: REPO_ROOT });
});

describe('node dist/bin/main.js', () => {
  it('synthesizes only the stacks named by arguments and STACKS (globs, comma-separated)', () => {
    const run = synth(['service-payment-*'], { STACKS: 'platform, service-search-dev*' });
    expect(run.status).toBe(0);
    expect(readdirSync(join(run.outdir, 'stacks')).sort()).toEqual([
      'platform',
      'service-payment-development',
      'service-payment-production',
      'service-search-development',
    ]);
    expect(run.stdout).toMatch(/Synthesized 4 stacks into .*cdktf\.out: 4 written, 0 unchanged/);
  });

  it('fails, naming the pattern and the right form, when a pattern matches no stack', () => {
    const run = synth(['payment']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/No stack matches "payment" \(did you mean "service-payment-\*"\?\)/);
    expect(run.stderr).toMatch(/npm run synth -- 'service-payment-\*'/);
  });

  it('writes the same files with the full synth sharded over worker threads as in one thread', () => {
    const single = synth([], { SYNTH_WORKERS: '1' });
    const sharded = synth([], { SYNTH_WORKERS: '3' });
    expect(single.status).toBe(0);
    expect(sharded.status).toBe(0);
    expect(tree(sharded.outdir)).toEqual(tree(single.outdir));
  });

  it('rejects a SYNTH_WORKERS that is not a count', () => {
    const run = synth([], { SYNTH_WORKERS: 'many' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/SYNTH_WORKERS=many: expected a whole number of at least 1/);
  });
});

describe('npx cdktf synth (the cdktf CLI runs dist/bin/main.js)', () => {
  const CDKTF = join(REPO_ROOT, 'node_modules', '.bin', 'cdktf');

  /** A project folder with the example catalog and a cdktf.json whose app is our synth. */
  function project(): string {
    const dir = mkdtempSync(join(tmpdir(), 'synth-cdktf-cli-'));
    cpSync(join(REPO_ROOT, 'platform.yaml'), join(dir, 'platform.yaml'));
    cpSync(join(REPO_ROOT, 'services'), join(dir, 'services'), { recursive: true });
    const config = JSON.parse(readFileSync(join(REPO_ROOT, 'cdktf.json'), 'utf8'));
    writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ ...config, app: `node ${MAIN}` }));
    return dir;
  }

  function cdktfSynth(dir: string) {
    return spawnSync(CDKTF, ['synth'], {
      cwd: dir,
      env: { ...process.env, CATALOG_DIR: dir, CHECKPOINT_DISABLE: '1', STACKS: '', SYNTH_WORKERS: '', CDKTF_OUTDIR: '' },
      encoding: 'utf8',
    });
  }

  it('passes on a fresh checkout, on a re-run, and after a service is removed (the decommissioning flow)', () => {
    const dir = project();
    const first = cdktfSynth(dir);
    expect(first.status).toBe(0);
    expect(readdirSync(join(dir, 'cdktf.out', 'stacks'))).toContain('service-search-production');

    expect(cdktfSynth(dir).status).toBe(0);

    rmSync(join(dir, 'services', 'search.yaml')); // git rm services/search.yaml
    const removed = cdktfSynth(dir);
    expect(removed.stderr).not.toMatch(/ENOENT|Error/);
    expect(removed.status).toBe(0);
    expect(existsSync(join(dir, 'cdktf.out', 'stacks', 'service-search-production'))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(dir, 'cdktf.out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks)).not.toContain('service-search-production');
    expect(Object.keys(manifest.stacks)).toContain('service-payment-production');
  });
});
