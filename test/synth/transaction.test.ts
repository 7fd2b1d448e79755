// Transactional output (lib/synth/write.ts): a synth killed with SIGKILL at
// any point leaves cdktf.out entirely old or entirely new, manifest included;
// a concurrent synth is refused; a stale lock is taken over.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { loadCatalog } from '../../lib/catalog/load';
import { synthesizeCatalog } from '../../lib/synth';
import { KILL_POINTS, acquireLock, generations, lockPath } from '../../lib/synth/write';
import { REPO_ROOT, tempCatalog } from '../helpers';

jest.setTimeout(300_000);

const MAIN = join(REPO_ROOT, 'dist', 'bin', 'main.js');

function freshOutdir(): string {
  return join(mkdtempSync(join(tmpdir(), 'synth-tx-')), 'cdktf.out');
}

/** manifest.json and every stack file, read through cdktf.out as a reader would. */
function tree(outdir: string): Record<string, string> {
  const files: Record<string, string> = { 'manifest.json': readFileSync(join(outdir, 'manifest.json'), 'utf8') };
  for (const stack of readdirSync(join(outdir, 'stacks'))) {
    for (const file of readdirSync(join(outdir, 'stacks', stack))) files[`${stack}/${file}`] = readFileSync(join(outdir, 'stacks', stack, file), 'utf8');
  }
  return files;
}

// The old catalog, and a new one that changes a stack, removes a service and adds one.
const oldRoot = tempCatalog();
const newRoot = tempCatalog({
  'services/payment.yaml': readFileSync(join(REPO_ROOT, 'services', 'payment.yaml'), 'utf8').replace('retentionDays: 90', 'retentionDays: 120'),
  'services/search.yaml': null, // recommend's topic still lists search as a subscriber: harmless
  'services/orders.yaml': readFileSync(join(REPO_ROOT, 'services', 'payment.yaml'), 'utf8'),
});

async function waitFor(condition: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !condition(); ) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms: ${condition.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let oldTree: Record<string, string>;
let newTree: Record<string, string>;

/** Every child synth is bounded: one that does not end in time fails the test with this, instead of hanging jest. */
const CHILD_TIMEOUT_MS = 60_000;

function childEnv(outdir: string, env: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, CATALOG_DIR: newRoot, CDKTF_OUTDIR: outdir, STACKS: '', SYNTH_WORKERS: '', ...env };
}

function runMain(outdir: string, env: Record<string, string>) {
  const run = spawnSync(process.execPath, [MAIN], { env: childEnv(outdir, env), encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, killSignal: 'SIGKILL' });
  if (run.error) throw new Error(`child synth (${JSON.stringify(env)}) did not end within ${CHILD_TIMEOUT_MS / 1000} s: ${run.error.message}\n${run.stderr}`);
  return run;
}

/** How a child synth ended: on its own (`killed` false) or by our SIGKILL. */
interface Ending {
  readonly killed: boolean;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly ms: number;
}

/**
 * Starts a sharded child synth of the new catalog and kills it with SIGKILL
 * after `killAfterMs` (if given) unless it ended before. Its end is awaited from the
 * start (an 'exit' that came before the kill is not missed) and bounded.
 */
function synthKilledAfter(outdir: string, killAfterMs?: number): Promise<Ending> {
  const started = Date.now();
  const child = spawn(process.execPath, [MAIN], { env: childEnv(outdir, { SYNTH_WORKERS: '2' }), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let killed = false;
  const killer = killAfterMs === undefined ? undefined : setTimeout(() => (killed = child.kill('SIGKILL')), killAfterMs);
  return new Promise((resolve, reject) => {
    const bound = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child synth (pid ${child.pid}, kill after ${killAfterMs ?? 'none'} ms) did not end within ${CHILD_TIMEOUT_MS / 1000} s:\n${stderr}`));
    }, CHILD_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      clearTimeout(bound);
      resolve({ killed, code, signal, ms: Date.now() - started });
    });
  });
}

beforeAll(async () => {
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs')], { cwd: REPO_ROOT });
  const o = freshOutdir();
  await synthesizeCatalog(loadCatalog(oldRoot), { outdir: o, workers: 1 });
  oldTree = tree(o);
  const n = freshOutdir();
  await synthesizeCatalog(loadCatalog(newRoot), { outdir: n, workers: 1 });
  newTree = tree(n);
  expect(Object.keys(newTree)).toContain('service-orders-production/cdk.tf.json');
  expect(Object.keys(oldTree)).toContain('service-search-production/cdk.tf.json');
});

describe('a synth killed with SIGKILL', () => {
  it.each(KILL_POINTS.map((point) => [point]))('at "%s" leaves cdktf.out entirely old or entirely new, and the next synth recovers', async (point) => {
    const outdir = freshOutdir();
    await synthesizeCatalog(loadCatalog(oldRoot), { outdir, workers: 1 });
    const run = runMain(outdir, { SYNTH_KILL_AT: point });
    expect(run.signal).toBe('SIGKILL');
    // Up to the swap the old output is untouched; from the swap on it is the new one.
    expect(tree(outdir)).toEqual(point === 'swapped' ? newTree : oldTree);
    expect(existsSync(lockPath(outdir))).toBe(true); // left by the killed synth: stale

    const summary = await synthesizeCatalog(loadCatalog(newRoot), { outdir, workers: 1 });
    expect(tree(outdir)).toEqual(newTree);
    // Killed after the swap, the new output is complete: nothing is left to write.
    expect(summary.written.length > 0).toBe(point !== 'swapped');
    // One generation, the live one, and nothing else left behind (no lock, no half-made link).
    expect(generations(outdir)).toEqual([realpathSync(outdir)]);
    expect(readdirSync(dirname(outdir)).sort()).toEqual([basename(realpathSync(outdir)), 'cdktf.out']);
  });

  // Kills land anywhere in the run (loading, rendering in two shards,
  // writing, swapping): at fractions of a measured uninterrupted run, so they
  // stay spread over it on a quiet machine and a loaded one alike.
  it('at arbitrary moments (timed kills, sharded) leaves it old or new, and the next synth proceeds', async () => {
    const outdir = freshOutdir();
    // The faster of two uninterrupted runs: a slow one (a burst of load) would put the kills after the end.
    const runs: Ending[] = [];
    while (runs.length < 2) {
      await synthesizeCatalog(loadCatalog(oldRoot), { outdir, workers: 1 });
      runs.push(await synthKilledAfter(outdir));
      expect(runs.at(-1)).toMatchObject({ killed: false, code: 0 });
      expect(tree(outdir)).toEqual(newTree);
    }
    const full = { ms: Math.min(...runs.map((run) => run.ms)) };
    const endings: Ending[] = [];
    for (const fraction of [0.1, 0.25, 0.4, 0.55, 0.7, 0.8, 0.9, 0.97]) {
      // Back to the old output; this synth takes over the lock the killed one left.
      await synthesizeCatalog(loadCatalog(oldRoot), { outdir, workers: 1 });
      expect(tree(outdir)).toEqual(oldTree);
      expect(generations(outdir)).toEqual([realpathSync(outdir)]);
      const ending = await synthKilledAfter(outdir, Math.round(full.ms * fraction));
      endings.push(ending);
      if (ending.killed) expect(ending.signal).toBe('SIGKILL');
      else expect(ending.code).toBe(0);
      expect([oldTree, newTree]).toContainEqual(tree(outdir));
    }
    // Most kills must have landed, or this proves nothing.
    expect(endings.filter((e) => e.killed).length).toBeGreaterThanOrEqual(endings.length / 2);
    // The next synth, in a child like the killed ones, proceeds at once and ends new.
    const next = runMain(outdir, { SYNTH_WORKERS: '2' });
    expect(next.stderr).not.toContain('another synth is running');
    expect(next.status).toBe(0);
    expect(tree(outdir)).toEqual(newTree);
    expect(existsSync(lockPath(outdir))).toBe(false);
  });
});

describe('the lock', () => {
  let sleeper: ChildProcess | undefined;
  afterEach(() => {
    sleeper?.kill('SIGKILL');
    sleeper = undefined;
  });

  it('refuses a second synth while one runs, naming its pid, and changes nothing', async () => {
    const outdir = freshOutdir();
    await synthesizeCatalog(loadCatalog(oldRoot), { outdir, workers: 1 });
    sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    writeFileSync(lockPath(outdir), `${sleeper.pid}\n`);
    await expect(synthesizeCatalog(loadCatalog(newRoot), { outdir, workers: 1 })).rejects.toThrow(
      new RegExp(`another synth is running \\(pid ${sleeper.pid}\\)`),
    );
    expect(tree(outdir)).toEqual(oldTree);
    expect(readFileSync(lockPath(outdir), 'utf8')).toBe(`${sleeper.pid}\n`);

    const run = runMain(outdir, {});
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`another synth is running (pid ${sleeper.pid})`);
  });

  it('takes over a lock whose process is gone', async () => {
    const outdir = freshOutdir();
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    writeFileSync(lockPath(outdir), gone.stdout);
    await synthesizeCatalog(loadCatalog(newRoot), { outdir, workers: 1 });
    expect(tree(outdir)).toEqual(newTree);
    expect(existsSync(lockPath(outdir))).toBe(false);
  });

  it('takes over a lock whose process is a zombie (killed, not yet reaped)', async () => {
    const outdir = freshOutdir();
    await synthesizeCatalog(loadCatalog(oldRoot), { outdir, workers: 1 });
    // `sleep 0` ends at once and its parent, exec'd into `sleep 60`, never reaps it.
    sleeper = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const zombie = await new Promise<string>((resolve) => sleeper?.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
    await waitFor(() => readFileSync(`/proc/${zombie}/stat`, 'utf8').split(') ')[1].startsWith('Z'));
    writeFileSync(lockPath(outdir), `${zombie}\n`);
    await synthesizeCatalog(loadCatalog(newRoot), { outdir, workers: 1 });
    expect(tree(outdir)).toEqual(newTree);
    expect(existsSync(lockPath(outdir))).toBe(false);
  });

  it('takes over a lock whose pid now belongs to another process (reused pid)', async () => {
    const outdir = freshOutdir();
    await synthesizeCatalog(loadCatalog(oldRoot), { outdir, workers: 1 });
    sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    // With the sleep's own start time the lock is its: refused.
    const started = readFileSync(`/proc/${sleeper.pid}/stat`, 'utf8').split(') ')[1].split(' ')[19];
    writeFileSync(lockPath(outdir), `${sleeper.pid} ${started}\n`);
    await expect(synthesizeCatalog(loadCatalog(newRoot), { outdir, workers: 1 })).rejects.toThrow(`another synth is running (pid ${sleeper.pid})`);
    expect(tree(outdir)).toEqual(oldTree);
    // A holder that started at clock tick 1 since boot is not this sleep: its pid was reused.
    writeFileSync(lockPath(outdir), `${sleeper.pid} 1\n`);
    await synthesizeCatalog(loadCatalog(newRoot), { outdir, workers: 1 });
    expect(tree(outdir)).toEqual(newTree);
    expect(existsSync(lockPath(outdir))).toBe(false);
  });

  it('records its holder\'s pid and start time, and a synth holding it is refused', async () => {
    const outdir = freshOutdir();
    await synthesizeCatalog(loadCatalog(oldRoot), { outdir, workers: 1 });
    const release = acquireLock(outdir);
    try {
      const started = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[19];
      expect(readFileSync(lockPath(outdir), 'utf8')).toBe(`${process.pid} ${started}\n`);
      const run = runMain(outdir, {});
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`another synth is running (pid ${process.pid})`);
    } finally {
      release();
    }
    expect(existsSync(lockPath(outdir))).toBe(false);
  });

  it('is released when synth fails, and the output stays as it was', async () => {
    const outdir = freshOutdir();
    await synthesizeCatalog(loadCatalog(oldRoot), { outdir, workers: 1 });
    const broken = loadCatalog(newRoot);
    // A catalog that passed validation but breaks a stack: the error comes from rendering.
    const platform = { ...broken.platform, cluster: undefined } as unknown as typeof broken.platform;
    await expect(synthesizeCatalog({ ...broken, platform }, { outdir, workers: 1 })).rejects.toThrow();
    expect(tree(outdir)).toEqual(oldTree);
    expect(existsSync(lockPath(outdir))).toBe(false);
    expect(generations(outdir)).toEqual([realpathSync(outdir)]);
    rmSync(dirname(outdir), { recursive: true, force: true });
  });
});
