// Transactional output. cdktf.out is a symbolic link to one complete
// generation, a sibling folder .cdktf.out.gen-<id> (a sibling, so that paths
// relative to a stack folder that leave cdktf.out, like the bootstrap
// stack's local state, resolve to the same place); a synth builds the next
// generation beside it (unchanged files are hard links to the current
// ones, so they keep their inode and modification time), then swaps the link
// with one rename. Whatever happens (an error in any shard, kill -9 at any
// point, a read-only file), cdktf.out is entirely the old output or entirely
// the new one, manifest included. Before the swap, the files this synth wrote
// and the generation's folders are flushed to disk (fsync), and the folder
// holding the link after it, so a power cut cannot leave the link pointing at
// files that never reached the disk. An exclusive lock file (cdktf.out.lock,
// holding the pid) keeps two synths from interleaving; a lock whose process
// is gone is taken over. Taking the lock never waits: it succeeds or reports
// the holder at once.
import { open, writeFile } from 'node:fs/promises';
import {
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  fsyncSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { Manifest, type StackManifest } from 'cdktf';
import { SynthError } from './render';
import { stableStringify } from './serialize';

/** Generations of `outdir` are its siblings named with this prefix (same folder: the swap is a rename on one file system). */
export function generationPrefix(outdir: string): string {
  return `.${basename(resolve(outdir))}.gen-`;
}

/** Every generation folder of `outdir`, live or not. */
export function generations(outdir: string): string[] {
  const parent = dirname(resolve(outdir));
  const prefix = generationPrefix(outdir);
  return existsSync(parent) ? readdirSync(parent).filter((name) => name.startsWith(prefix)).map((name) => join(parent, name)) : [];
}

/** Where a plain cdktf.out folder (from before generations) waits while it is replaced. */
function legacyPath(outdir: string): string {
  const absolute = resolve(outdir);
  return join(dirname(absolute), `.${basename(absolute)}.legacy`);
}

export function lockPath(outdir: string): string {
  return `${resolve(outdir)}.lock`;
}

/**
 * For the kill -9 test only (test/synth/transaction.test.ts): SYNTH_KILL_AT=<point>
 * kills this process with SIGKILL at that point of the commit.
 */
export const KILL_AT_ENV = 'SYNTH_KILL_AT';
export const KILL_POINTS = ['rendered', 'linked', 'half-written', 'written', 'linking', 'swapped'] as const;

export function killPoint(point: (typeof KILL_POINTS)[number]): void {
  if (process.env[KILL_AT_ENV] === point) process.kill(process.pid, 'SIGKILL');
}

// ---------------------------------------------------------------- the lock

/** Takes the lock of `outdir` or throws naming the synth that holds it; returns the release. */
export function acquireLock(outdir: string): () => void {
  const path = lockPath(outdir);
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      const started = startTime(process.pid);
      writeSync(fd, started === undefined ? `${process.pid}\n` : `${process.pid} ${started}\n`);
      closeSync(fd);
      return () => {
        if (readHolder(path)?.pid === process.pid) unlinkSync(path);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(path);
    if (holder !== undefined && holder.pid !== process.pid && isRunning(holder)) {
      throw new SynthError(`Synth failed: another synth is running (pid ${holder.pid}) on ${outdir}. Wait for it to finish; if no synth is running, delete ${path}.`);
    }
    // A stale lock (its process is gone, or it is unreadable): take it over.
    // Renamed aside first, so that of two synths taking it over one wins.
    const aside = `${path}.${process.pid}.stale`;
    try {
      renameSync(path, aside);
      rmSync(aside, { force: true });
    } catch {
      // another synth moved it first: try again
    }
  }
  throw new SynthError(`Synth failed: could not take the lock ${path}; delete it if no synth is running.`);
}

/** Who holds a lock: its pid, and its start time where the system tells it (to recognise a reused pid). */
interface LockHolder {
  readonly pid: number;
  readonly started?: string;
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const [pidText, started] = readFileSync(path, 'utf8').trim().split(/\s+/);
    const pid = Number(pidText);
    return Number.isInteger(pid) && pid > 0 ? { pid, started } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the lock's holder still runs: not gone, not a zombie (killed, not yet reaped), not its pid reused by a newer process. */
function isRunning(holder: LockHolder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(holder.pid);
  if (stat === undefined) return true; // no /proc (macOS): the pid is all we know
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return holder.started === undefined || holder.started === stat.started;
}

/** A process's start time in clock ticks since boot (/proc/<pid>/stat field 22), where there is /proc. */
function startTime(pid: number): string | undefined {
  return procStat(pid)?.started;
}

function procStat(pid: number): { state: string; started: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], started: fields[19] };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- generations

/** The folder cdktf.out currently shows, or undefined when there is none. */
export function liveDir(outdir: string): string | undefined {
  try {
    return realpathSync(outdir);
  } catch {
    return undefined;
  }
}

/**
 * Starts a synth of `outdir` (under its lock): recovers a one-time migration
 * cut short, removes generations left by killed synths, and creates the
 * folder the next generation is built in.
 */
export function startGeneration(outdir: string): string {
  const legacy = legacyPath(outdir);
  if (!pathExists(outdir) && existsSync(legacy)) renameSync(legacy, outdir);
  removeLeftGenerations(outdir);
  // A link a killed synth did not get to swap in.
  const absolute = resolve(outdir);
  const leftover = new RegExp(`^${basename(absolute).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d+\\.link$`);
  for (const name of readdirSync(dirname(absolute))) if (leftover.test(name)) rmSync(join(dirname(absolute), name), { force: true });
  const staging = join(dirname(absolute), `${generationPrefix(outdir)}${Date.now()}-${process.pid}`);
  mkdirSync(staging, { recursive: true });
  return staging;
}

function pathExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Deletes every generation but the live one. */
function removeLeftGenerations(outdir: string): void {
  const live = liveDir(outdir);
  for (const path of generations(outdir)) {
    // Compared as real paths: the folder above cdktf.out may itself be reached through a link.
    if (liveDir(path) === live) continue;
    rmSync(path, { recursive: true, force: true });
  }
}

/** Deletes a generation that was not swapped in (after an error); never the live one. */
export function discardGeneration(staging: string, outdir: string): void {
  if (liveDir(outdir) === liveDir(staging)) return;
  rmSync(staging, { recursive: true, force: true });
}

// ---------------------------------------------------------------- commit

export interface StackOutput {
  readonly name: string;
  readonly manifest: StackManifest;
  /** cdk.tf.json */
  readonly json: string;
  /** Other files written next to cdk.tf.json (e.g. delivery.json), by file name. @default none */
  readonly sidecars?: Readonly<Record<string, string>>;
}

export interface CommitOptions {
  readonly outdir: string;
  /** The generation folder from {@link startGeneration}. */
  readonly staging: string;
  /** cdktf's version, for manifest.json. */
  readonly version: string;
  readonly stacks: readonly StackOutput[];
  /**
   * A full synth: the manifest lists exactly `stacks` and the folders of
   * other stacks are dropped. Otherwise the other stacks' entries and folders
   * are kept.
   */
  readonly complete: boolean;
  /**
   * Keep the folders of stacks that no longer exist (out of the manifest):
   * the cdktf CLI deletes them itself after synth, and fails if they are gone.
   * @default false
   */
  readonly keepOrphanFolders?: boolean;
}

export interface CommitResult {
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  /** Stacks that are no longer in the manifest (full synth only). */
  readonly removed: readonly string[];
  readonly manifestWritten: boolean;
}

/**
 * Makes `stacks` the content of `outdir`, all at once: builds the complete
 * new generation in `staging` and swaps it in. Nothing changes on disk when
 * no byte would (no new generation, no file touched).
 */
export async function commitGeneration(options: CommitOptions): Promise<CommitResult> {
  const { outdir, staging } = options;
  const live = liveDir(outdir);
  const manifestPath = (dir: string): string => join(dir, Manifest.fileName);
  const oldManifest = live ? readText(manifestPath(live)) : undefined;
  const stacks: Record<string, StackManifest> = options.complete ? {} : manifestStacks(oldManifest);
  for (const stack of options.stacks) stacks[stack.manifest.name] = stack.manifest;

  const changed = new Set<string>();
  // Sidecar files (relative to the generation) whose bytes differ from the live ones.
  const sidecars = new Map<string, string>();
  for (const stack of options.stacks) {
    if (!live || readText(join(live, stack.manifest.synthesizedStackPath)) !== stack.json) changed.add(stack.name);
    for (const [file, content] of Object.entries(stack.sidecars ?? {})) {
      const path = join(stack.manifest.workingDirectory, file);
      if (!live || readText(join(live, path)) !== content) sidecars.set(path, content);
    }
  }
  const liveStacks = live ? join(live, Manifest.stacksFolder) : undefined;
  const removed =
    options.complete && liveStacks && existsSync(liveStacks)
      ? readdirSync(liveStacks, { withFileTypes: true })
          .filter((entry) => entry.isDirectory() && !(entry.name in stacks))
          .map((entry) => entry.name)
      : [];
  const manifest = stableStringify({ version: options.version, stacks }) ?? '';
  const manifestWritten = manifest !== oldManifest;
  const result = {
    written: options.stacks.filter((s) => changed.has(s.name)).map((s) => s.name),
    unchanged: options.stacks.filter((s) => !changed.has(s.name)).map((s) => s.name),
    removed,
    manifestWritten,
  };
  if (live && changed.size === 0 && sidecars.size === 0 && removed.length === 0 && !manifestWritten) {
    discardGeneration(staging, outdir);
    return result;
  }

  // The new generation: everything of the live one (hard links), then the changes.
  const replaced = new Set(options.stacks.filter((s) => changed.has(s.name)).map((s) => join(live ?? '', s.manifest.synthesizedStackPath)));
  for (const path of sidecars.keys()) replaced.add(join(live ?? '', path));
  if (manifestWritten) replaced.add(manifestPath(live ?? ''));
  const dropped = options.keepOrphanFolders ? [] : removed.map((name) => join(liveStacks ?? '', name));
  // What reaches the disk before the swap: the files written here (hard-linked ones are the live, already stored inodes) and every folder.
  const toFlush: ToFlush = { files: new Map(), folders: new Set([staging]) };
  if (live) linkTree(live, staging, new Set([...replaced, ...dropped]), toFlush);
  killPoint('linked');
  for (const stack of options.stacks) {
    const folder = join(staging, stack.manifest.workingDirectory);
    mkdirSync(folder, { recursive: true });
    toFlush.folders.add(folder).add(dirname(folder));
    if (changed.has(stack.name)) toFlush.files.set(join(staging, stack.manifest.synthesizedStackPath), stack.json);
    for (const file of Object.keys(stack.sidecars ?? {})) {
      const path = join(stack.manifest.workingDirectory, file);
      const content = sidecars.get(path);
      if (content !== undefined) toFlush.files.set(join(staging, path), content);
    }
  }
  if (manifestWritten || !live) toFlush.files.set(manifestPath(staging), manifest);
  await writeAndFlush(toFlush);
  killPoint('written');
  swapIn(outdir, staging);
  flushFolder(dirname(resolve(outdir)));
  killPoint('swapped');
  removeLeftGenerations(outdir);
  rmSync(legacyPath(outdir), { recursive: true, force: true });
  return result;
}

/** Points `outdir` at `staging` with one rename (a real folder from before generations is moved aside once). */
function swapIn(outdir: string, staging: string): void {
  const absolute = resolve(outdir);
  if (pathExists(absolute) && !lstatSync(absolute).isSymbolicLink()) {
    // Once, from a plain folder: the start of the next synth puts it back if we stop in between.
    renameSync(absolute, legacyPath(outdir));
  }
  const link = `${absolute}.${process.pid}.link`;
  rmSync(link, { force: true });
  symlinkSync(relative(dirname(absolute), staging), link);
  killPoint('linking');
  renameSync(link, absolute);
}

/** What a new generation writes and flushes to disk before the swap. */
interface ToFlush {
  /** Files this synth writes, with their content; or copies (content undefined: already written). */
  readonly files: Map<string, string | undefined>;
  /** Every folder of the generation: their entries (new files, hard links) must be stored too. */
  readonly folders: Set<string>;
}

/**
 * Writes the files, each flushed to disk (fsync) as it is written, then
 * fsyncs the folders (after: their entries are then complete). A few dozen
 * at a time: the writes and fsyncs overlap and share the file system's
 * journal commits, so durability costs little more than the writes. A folder
 * that cannot be fsynced (some file systems, Windows) is skipped; a file
 * that cannot be fails the synth (the output stays as it was).
 */
async function writeAndFlush({ files, folders }: ToFlush): Promise<void> {
  const entries = [...files];
  const half = Math.floor(entries.length / 2);
  await inParallel(
    entries.map(([path, content], i) => async () => {
      if (content === undefined) await sync(path);
      else await writeFile(path, content, { flush: true });
      if (i === half) killPoint('half-written');
    }),
  );
  await inParallel([...folders].map((folder) => () => sync(folder).catch(unlessUnsupported)));
}

async function sync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Runs `jobs`, 32 at a time: enough to overlap the disk's work, few open files. */
async function inParallel(jobs: readonly (() => Promise<void>)[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(32, jobs.length) }, async () => {
      while (next < jobs.length) await jobs[next++]();
    }),
  );
}

function flushFolder(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch (error) {
    unlessUnsupported(error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Rethrows `error` unless it says the file system cannot fsync a folder. */
function unlessUnsupported(error: unknown): void {
  if (!['EINVAL', 'EISDIR', 'EPERM', 'EBADF', 'ENOTSUP'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
}

/** Recreates the tree `from` at `to`: folders made, files hard-linked (their inode and mtime kept), links copied; `skip` left out. What needs flushing goes to `toFlush`. */
function linkTree(from: string, to: string, skip: ReadonlySet<string>, toFlush: ToFlush): void {
  mkdirSync(to, { recursive: true });
  toFlush.folders.add(to);
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (skip.has(source)) continue;
    if (entry.isDirectory()) linkTree(source, target, skip, toFlush);
    else if (pathExists(target)) continue; // written by this synth (custom synthesis)
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else {
      try {
        linkSync(source, target);
      } catch {
        const stat = lstatSync(source);
        copyFileSync(source, target);
        utimesSync(target, stat.atime, stat.mtime);
        toFlush.files.set(target, undefined);
      }
    }
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function manifestStacks(text: string | undefined): Record<string, StackManifest> {
  try {
    const parsed = JSON.parse(text ?? '') as { stacks?: Record<string, StackManifest> };
    return parsed.stacks && typeof parsed.stacks === 'object' ? parsed.stacks : {};
  } catch {
    return {}; // no manifest yet, or a broken one: this synth writes a fresh one
  }
}
