// Synth benchmark: `npm run bench [-- --with-tests] [-- --with-baseline]`.
// For synthetic catalogs of N services (BENCH_SIZES, default 10,100,1000) in
// a temporary directory (the real catalog is never touched), measures as
// whole processes: full synth (wall, CPU, peak RSS), time per stack, one
// changed service synthesized by name, a no-change re-synth, the full synth
// on cdktf's public path (SYNTH_PUBLIC_PATH=1: what synth falls back to when
// cdktf's internals change), and the floor of writing the same JSON with
// plain JSON.stringify. Prints a table and
// writes .bench/results.json. Nothing here asserts a time: it reports.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { syntheticServiceName, syntheticServiceYaml, writeSyntheticCatalog } from './bench-catalog.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const MAIN = join(ROOT, 'dist', 'bin', 'main.js');
const TIME = '/usr/bin/time';
const args = new Set(process.argv.slice(2));
const sizes = (process.env.BENCH_SIZES ?? '10,100,1000').split(',').map((s) => Number(s.trim()));
if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error(`BENCH_SIZES=${process.env.BENCH_SIZES}: expected whole numbers separated by commas, like BENCH_SIZES=10,100`);
  process.exit(1);
}

/** Runs `node <script> <argv>` and reports wall time, CPU time and peak RSS of the process. */
async function measure(script, argv, env) {
  const fullEnv = { ...process.env, ...env };
  const started = performance.now();
  if (existsSync(TIME)) {
    // GNU time: one process (worker threads share it), so %M is the peak of the whole synth.
    const report = join(env.BENCH_TMP, 'time.txt');
    const run = spawnSync(TIME, ['-o', report, '-f', '%U %S %M', process.execPath, script, ...argv], { env: fullEnv, encoding: 'utf8' });
    const wallS = (performance.now() - started) / 1000;
    if (run.status !== 0) throw new Error(`${script} ${argv.join(' ')} failed (exit ${run.status}):\n${run.stderr}`);
    const [user, sys, maxKb] = readFileSync(report, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    return { wallS, cpuS: user + sys, peakRssMb: maxKb / 1024, stdout: run.stdout };
  }
  // No GNU time: poll the child's high-water mark (VmHWM) from /proc.
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, ...argv], { env: fullEnv });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const poll = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // exited between polls
      }
    }, 20);
    child.on('close', (code) => {
      clearInterval(poll);
      const wallS = (performance.now() - started) / 1000;
      if (code !== 0) reject(new Error(`${script} failed (exit ${code}):\n${stderr}`));
      else resolvePromise({ wallS, cpuS: NaN, peakRssMb: peakKb / 1024, stdout });
    });
  });
}

function stackFiles(outdir) {
  const stacksDir = join(outdir, 'stacks');
  return readdirSync(stacksDir).map((name) => join(stacksDir, name, 'cdk.tf.json')).filter((file) => existsSync(file));
}

function mtimes(files) {
  return new Map(files.map((file) => [file, statSync(file).mtimeMs]));
}

function changedSince(before) {
  return [...before].filter(([file, mtime]) => statSync(file).mtimeMs !== mtime).map(([file]) => file);
}

/** JSON.stringify + write of the same documents: what synth costs at the very least. */
function jsonFloor(files, dir) {
  const documents = files.map((file) => JSON.parse(readFileSync(file, 'utf8')));
  const started = performance.now();
  documents.forEach((document, i) => {
    mkdirSync(join(dir, String(i)), { recursive: true });
    writeFileSync(join(dir, String(i), 'cdk.tf.json'), JSON.stringify(document, null, 2));
  });
  return (performance.now() - started) / 1000;
}

/** cdktf's own App.synth() with every stack constructed: the code before the fast path. */
const BASELINE = `
const { App } = require(${JSON.stringify(join(ROOT, 'node_modules', 'cdktf'))});
const { loadCatalog } = require(${JSON.stringify(join(ROOT, 'dist', 'lib', 'catalog', 'load'))});
const { buildStacks } = require(${JSON.stringify(join(ROOT, 'dist', 'lib', 'app'))});
const app = new App({ stackTraces: false });
buildStacks(app, loadCatalog(process.env.CATALOG_DIR));
app.synth();
`;

async function benchSize(count) {
  const tmp = mkdtempSync(join(tmpdir(), `synth-bench-${count}-`));
  try {
    const catalog = join(tmp, 'catalog');
    const outdir = join(tmp, 'cdktf.out');
    writeSyntheticCatalog(catalog, count, join(ROOT, 'platform.yaml'));
    // STACKS empty: a full synth even if the caller's shell sets it.
    const env = { CATALOG_DIR: catalog, CDKTF_OUTDIR: outdir, BENCH_TMP: tmp, STACKS: '' };

    const full = await measure(MAIN, [], env);
    const files = stackFiles(outdir);
    const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);

    // One service, changed, synthesized by name: only its stacks are built and written.
    const index = Math.floor(count / 2);
    const service = syntheticServiceName(index);
    writeFileSync(join(catalog, 'services', `${service}.yaml`), syntheticServiceYaml(index).replace(/retentionDays: \d+/, 'retentionDays: 7'));
    let before = mtimes(files);
    const one = await measure(MAIN, [], { ...env, STACKS: `service-${service}-*` });
    const oneRewritten = changedSince(before).length;

    // Nothing changed since: a full re-synth must rewrite nothing.
    before = mtimes(files);
    const again = await measure(MAIN, [], env);
    const againRewritten = changedSince(before).length;

    // The fallback: cdktf's public API only, into its own folder.
    const publicPath = await measure(MAIN, [], { ...env, CDKTF_OUTDIR: join(tmp, 'public.out'), SYNTH_PUBLIC_PATH: '1' });

    const floorS = jsonFloor(files, join(tmp, 'floor'));
    let baseline;
    if (args.has('--with-baseline')) {
      writeFileSync(join(tmp, 'baseline.js'), BASELINE);
      baseline = await measure(join(tmp, 'baseline.js'), [], { ...env, CDKTF_OUTDIR: join(tmp, 'baseline.out') });
    }
    return {
      services: count,
      stacks: files.length,
      outputMb: bytes / 1024 / 1024,
      full: { wallS: full.wallS, cpuS: full.cpuS, peakRssMb: full.peakRssMb, msPerStack: (full.wallS * 1000) / files.length, summary: full.stdout.trim() },
      oneService: { stacks: `service-${service}-*`, wallS: one.wallS, peakRssMb: one.peakRssMb, filesRewritten: oneRewritten },
      noChange: { wallS: again.wallS, filesRewritten: againRewritten },
      publicPath: { wallS: publicPath.wallS, cpuS: publicPath.cpuS, peakRssMb: publicPath.peakRssMb },
      jsonFloorS: floorS,
      synthOverFloor: full.wallS / floorS,
      baseline: baseline && { wallS: baseline.wallS, cpuS: baseline.cpuS, peakRssMb: baseline.peakRssMb },
    };
  } finally {
    if (process.env.BENCH_KEEP !== '1') rmSync(tmp, { recursive: true, force: true });
  }
}

function table(results) {
  const columns = [
    ['services', (r) => r.services],
    ['stacks', (r) => r.stacks],
    ['full synth s', (r) => r.full.wallS.toFixed(2)],
    ['CPU s', (r) => r.full.cpuS.toFixed(1)],
    ['ms/stack', (r) => r.full.msPerStack.toFixed(2)],
    ['peak RSS MB', (r) => r.full.peakRssMb.toFixed(0)],
    ['1 service s', (r) => r.oneService.wallS.toFixed(2)],
    ['files written', (r) => r.oneService.filesRewritten],
    ['no-change s', (r) => r.noChange.wallS.toFixed(2)],
    ['rewritten', (r) => r.noChange.filesRewritten],
    ['public path s', (r) => r.publicPath.wallS.toFixed(2)],
    ['public RSS MB', (r) => r.publicPath.peakRssMb.toFixed(0)],
    ['JSON floor s', (r) => r.jsonFloorS.toFixed(2)],
    ['synth/floor', (r) => `${r.synthOverFloor.toFixed(0)}x`],
    ...(results.some((r) => r.baseline) ? [['cdktf synth s', (r) => r.baseline?.wallS.toFixed(2) ?? '-'], ['cdktf RSS MB', (r) => r.baseline?.peakRssMb.toFixed(0) ?? '-']] : []),
  ];
  const rows = [columns.map(([title]) => title), ...results.map((r) => columns.map(([, value]) => String(value(r))))];
  const widths = columns.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((cell, i) => cell.padStart(widths[i])).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

console.log('Building dist/ ...');
const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const loadBefore = loadavg();
const results = [];
for (const count of sizes) {
  console.log(`Synthesizing ${count} services ...`);
  results.push(await benchSize(count));
}
let testsWallS;
if (args.has('--with-tests')) {
  console.log('Running npm test ...');
  const started = performance.now();
  const tests = spawnSync('npm', ['test', '--silent'], { cwd: ROOT, stdio: 'ignore' });
  testsWallS = (performance.now() - started) / 1000;
  if (tests.status !== 0) console.log(`npm test failed (exit ${tests.status}); its wall time is still reported`);
}

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  node: process.version,
  // Other processes on the machine slow every figure: the load average says how busy it was.
  loadAverageBefore: loadBefore[0],
  loadAverageAfter: loadavg()[0],
};
console.log(`\n${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, load average ${machine.loadAverageBefore.toFixed(1)} -> ${machine.loadAverageAfter.toFixed(1)}`);
console.log(table(results));
for (const r of results) console.log(`N=${r.services}: ${r.full.summary}`);
if (testsWallS !== undefined) console.log(`npm test: ${testsWallS.toFixed(1)} s`);

mkdirSync(join(ROOT, '.bench'), { recursive: true });
writeFileSync(join(ROOT, '.bench', 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), machine, results, npmTestWallS: testsWallS }, null, 2)}\n`);
console.log('Wrote .bench/results.json');
