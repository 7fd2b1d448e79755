// Quiet by default: waivers once, as notices on stdout (the cdktf CLI shows
// stderr lines as [ERROR]) with a count in the summary; long lists end in
// "and N more"; progress only on a terminal outside CI.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cappedLines, createProgress, progressWanted, summarizeList } from '../../lib/cli-output';
import { REPO_ROOT } from '../helpers';

jest.setTimeout(120_000);

describe('summaries', () => {
  it('name at most ten items, then count the rest', () => {
    const names = Array.from({ length: 1000 }, (_, i) => `service-s${i}-production`);
    const text = summarizeList(names);
    expect(text).toBe(`${names.slice(0, 10).join(', ')} and 990 more`);
    expect(summarizeList(names.slice(0, 3))).toBe('service-s0-production, service-s1-production, service-s2-production');
  });

  it('print each line once and count what is left out', () => {
    expect(cappedLines(['a', 'b', 'a', 'c', 'd'], 2, 'waivers')).toEqual(['a', 'b', '... and 2 more waivers']);
    expect(cappedLines(['a', 'a'], 2, 'waivers')).toEqual(['a']);
  });
});

describe('the progress line', () => {
  function fakeTerminal() {
    const written: string[] = [];
    let time = 0;
    return { stream: { isTTY: true, write: (text: string) => written.push(text) > 0 }, written, tick: (ms: number) => (time += ms), now: () => time };
  }

  it('stays silent for a quick synth, then shows stacks done, the total and the time, and clears itself', () => {
    const term = fakeTerminal();
    const progress = createProgress(term.stream, { now: term.now, delayMs: 2000, intervalMs: 100 });
    progress.update(1, 2002);
    term.tick(1999);
    progress.update(2, 2002);
    expect(term.written).toEqual([]);
    term.tick(1);
    progress.update(3, 2002);
    term.tick(50);
    progress.update(4, 2002); // within the redraw interval: skipped
    term.tick(1450);
    progress.update(2002, 2002);
    progress.clear();
    expect(term.written).toEqual(['\r\x1b[2KSynthesizing: 3/2002 stacks, 2.0 s', '\r\x1b[2KSynthesizing: 2002/2002 stacks, 3.5 s', '\r\x1b[2K']);
  });

  it('is wanted on a terminal only, never in CI or a pipe', () => {
    expect(progressWanted({ isTTY: true, write: () => true }, {})).toBe(true);
    expect(progressWanted({ isTTY: true, write: () => true }, { CI: 'true' })).toBe(false);
    expect(progressWanted({ isTTY: false, write: () => true }, {})).toBe(false);
    expect(progressWanted({ write: () => true }, {})).toBe(false);
  });
});

describe('node dist/bin/main.js output', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs')], { cwd: REPO_ROOT });
  });

  it('lists the waiver once as a notice on stdout, counts it in the summary, and writes nothing to stderr', () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'synth-output-')), 'cdktf.out');
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'bin', 'main.js')], {
      cwd: REPO_ROOT,
      env: { ...process.env, CATALOG_DIR: REPO_ROOT, CDKTF_OUTDIR: outdir, STACKS: '', SYNTH_WORKERS: '' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trim().split('\n');
    const notices = lines.filter((line) => line.startsWith('notice: policy waiver: '));
    expect(notices).toEqual([
      expect.stringMatching(/^notice: policy waiver: \[cluster-production\/Velero\/Namespace\] pod-security-restricted: baseline enforced: /),
      expect.stringMatching(/^notice: policy waiver: \[bootstrap\/ApplierIam\] no-service-account-impersonation: /),
    ]);
    expect(lines.at(-1)).toMatch(/^Synthesized \d+ stacks into .*: \d+ written, \d+ unchanged, 2 policy waivers \(\d+\.\d\d s\)$/);
    expect(lines).toHaveLength(3);
  });
});

describe('synthesizeCatalog progress', () => {
  it('reports every stack it renders against the total it will render', async () => {
    const { exampleCatalog } = await import('../helpers');
    const { synthesizeCatalog } = await import('../../lib/synth');
    const calls: [number, number][] = [];
    const outdir = join(mkdtempSync(join(tmpdir(), 'synth-progress-')), 'cdktf.out');
    const summary = await synthesizeCatalog(exampleCatalog(), { outdir, workers: 1, include: (name) => name.startsWith('service-'), onProgress: (done, total) => calls.push([done, total]) });
    const total = exampleCatalog().services.reduce((sum, service) => sum + service.environments.length, 0);
    expect(total).toBe(8);
    expect(summary.stacks).toBe(total);
    expect(calls).toEqual(Array.from({ length: total }, (_, i) => [i + 1, total]));
  });
});
