// Sharding: a large full synth is split by a stable hash of the stack name;
// the main thread renders one shard, a worker thread each of the others.
// Workers only render and hand back JSON: the main thread writes, once every
// shard has succeeded (lib/synth/write.ts).
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { App } from 'cdktf';
import type { Catalog } from '../catalog/load';
import { buildStacks, stackNames } from '../app';
import { disableTokenStackTraces, markTokens } from './cdktf-internals';
import { SynthError, renderStacks, type RenderedStack } from './render';

/** Below this many stacks a worker's start-up (loading cdktf and the providers) costs more than it saves. */
export const SHARD_MIN_STACKS = 200;
export const WORKERS_ENV = 'SYNTH_WORKERS';
/** Set to 1 to keep cdktf's per-token stack traces (slower; for debugging a token error). */
export const PLAIN_CDKTF_ENV = 'SYNTH_PLAIN_CDKTF';

/**
 * Turns off cdktf's per-token stack traces unless SYNTH_PLAIN_CDKTF=1.
 * `stackTraces` says whether they are off.
 */
export function useFastTokens(): { stackTraces: boolean } {
  if (process.env[PLAIN_CDKTF_ENV] === '1') return { stackTraces: false };
  return { stackTraces: disableTokenStackTraces() };
}

/** What one shard (the main thread or a worker) hands back. */
export interface ShardResult {
  readonly version: string;
  readonly stacks: readonly RenderedStack[];
}

export interface ShardOptions {
  /** The App's outdir: the generation being built (custom synthesis writes there). */
  readonly outdir: string;
  /** Only stacks whose name this accepts are constructed. @default every stack */
  readonly include?: (stackName: string) => boolean;
  /** @see RenderOptions.publicPath */
  readonly publicPath?: boolean;
  /** Called after each stack is rendered (progress). @default none */
  readonly onStack?: () => void;
  /** Stacks built and rendered per App. @default SHARD_CHUNK_STACKS */
  readonly chunkStacks?: number;
}

/**
 * Stacks are built and rendered this many at a time, each batch in its own
 * App whose tokens are forgotten once it is rendered: a thread then holds
 * one batch of constructs, not its whole shard (at 1,000 services, about
 * 130 MB less per thread). Stacks never share tokens (cross-stack
 * references are refused), so the bytes are the same.
 */
export const SHARD_CHUNK_STACKS = 100;

/** Builds the stacks `include` accepts, a batch at a time, and renders them (nothing is written). */
export function renderShard(catalog: Catalog, options: ShardOptions): ShardResult {
  useFastTokens();
  const include = options.include ?? (() => true);
  const names = stackNames(catalog).filter((name) => include(name));
  const size = Math.max(1, options.chunkStacks ?? SHARD_CHUNK_STACKS);
  const stacks: RenderedStack[] = [];
  let version = '';
  // At least one App, even for no stacks: the version comes from its manifest.
  for (let start = 0; start === 0 || start < names.length; start += size) {
    const batch = new Set(names.slice(start, start + size));
    const forgetTokens = markTokens();
    const app = new App({ outdir: options.outdir, stackTraces: false });
    buildStacks(app, catalog, { include: (name) => batch.has(name) });
    version = app.manifest.version;
    // The fallback's warning once per shard, not once per batch.
    stacks.push(...renderStacks(app, { publicPath: options.publicPath, onStack: options.onStack, fallbackWarning: start === 0 }));
    forgetTokens();
  }
  return { version, stacks };
}

/** Which of `shards` a stack belongs to: a stable hash of its name, so no list of names is needed. */
export function shardOf(stackName: string, shards: number): number {
  let hash = 0;
  for (let i = 0; i < stackName.length; i++) hash = (hash * 31 + stackName.charCodeAt(i)) >>> 0;
  return hash % shards;
}

export function defaultWorkers(stackCount: number): number {
  const fromEnv = process.env[WORKERS_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    const parsed = Number(fromEnv);
    if (!Number.isInteger(parsed) || parsed < 1) throw new SynthError(`${WORKERS_ENV}=${fromEnv}: expected a whole number of at least 1, like ${WORKERS_ENV}=2`);
    return parsed;
  }
  return stackCount >= SHARD_MIN_STACKS ? availableParallelism() : 1;
}

export interface WorkerInput {
  readonly catalog: Catalog;
  readonly outdir: string;
  readonly shard: number;
  readonly shards: number;
  readonly publicPath?: boolean;
  /** Post `{ progress: 1 }` after each stack. */
  readonly progress?: boolean;
}

/** A worker thread that renders one shard; it records an error or exit that happens before its shard is sent. */
export class ShardWorker {
  private readonly thread = new Worker(join(__dirname, 'worker.js'));
  private error?: Error;
  private exitCode?: number;

  constructor() {
    this.thread.on('error', (error) => (this.error ??= error));
    this.thread.on('exit', (code) => (this.exitCode = code));
  }

  render(input: WorkerInput, onStack?: () => void): Promise<ShardResult> {
    const name = `Synth worker for shard ${input.shard + 1} of ${input.shards}`;
    return new Promise((resolve, reject) => {
      // The error crosses the thread boundary as a plain Error: restore its class.
      const fail = (error: Error): void => reject(error.name === 'SynthError' ? new SynthError(error.message) : error);
      if (this.error) return fail(this.error);
      if (this.exitCode !== undefined) return reject(new Error(`${name} exited with code ${this.exitCode} before it was given its stacks`));
      let result: ShardResult | undefined;
      this.thread.on('message', (message: ShardResult | { progress: number }) => {
        if ('progress' in message) onStack?.();
        else result = message;
      });
      this.thread.once('error', fail);
      this.thread.once('exit', (code) => {
        if (result) resolve(result);
        else reject(new Error(`${name} exited with code ${code} before reporting its stacks`));
      });
      this.thread.postMessage({ ...input, progress: onStack !== undefined });
    });
  }

  async terminate(): Promise<void> {
    await this.thread.terminate();
  }
}

/**
 * Worker threads started before the catalog is loaded: they load cdktf and
 * the providers (a second or so) while the main thread parses the catalog,
 * then wait for their shard.
 */
export interface PrestartedWorkers {
  readonly workers: readonly ShardWorker[];
}

export function prestartWorkers(count: number): PrestartedWorkers {
  return { workers: Array.from({ length: count }, () => new ShardWorker()) };
}

/**
 * Prestarts the workers a full synth of the catalog under `root` will likely
 * use, guessed from the number of service files (most give two stacks). A
 * wrong guess costs only their start-up: the synth stops workers it does not use.
 */
export function prestartForCatalog(root: string): PrestartedWorkers | undefined {
  try {
    const files = readdirSync(join(root, 'services')).filter((name) => name.endsWith('.yaml')).length;
    const workers = defaultWorkers(files * 2);
    return workers > 1 ? prestartWorkers(workers - 1) : undefined;
  } catch {
    return undefined; // no services folder, or a bad SYNTH_WORKERS: the synth itself reports it
  }
}

/** Stops prestarted workers that a synth did not use. */
export async function stopWorkers(prestarted: PrestartedWorkers | undefined): Promise<void> {
  await Promise.all((prestarted?.workers ?? []).map((worker) => worker.terminate()));
}

/**
 * Renders `shards` shards of the whole catalog: shard 0 here, the others in
 * worker threads (prestarted ones if there are exactly enough). Fails as soon
 * as one shard fails, stopping the others.
 */
export async function renderShards(
  catalog: Catalog,
  options: { outdir: string; shards: number; publicPath?: boolean; prestarted?: PrestartedWorkers; onStack?: () => void },
): Promise<ShardResult[]> {
  const { outdir, shards, publicPath, onStack } = options;
  const prestarted = options.prestarted?.workers.length === shards - 1 ? options.prestarted.workers : undefined;
  if (!prestarted) await stopWorkers(options.prestarted);
  const workers = prestarted ?? Array.from({ length: shards - 1 }, () => new ShardWorker());
  const results = workers.map((worker, i) => worker.render({ catalog, outdir, shard: i + 1, shards, publicPath }, onStack));
  // Once one shard failed, the others' endings are of no interest (and must not be unhandled).
  for (const result of results) result.catch(() => undefined);
  try {
    const own = renderShard(catalog, { outdir, publicPath, onStack, include: (name) => shardOf(name, shards) === 0 });
    return [own, ...(await Promise.all(results))];
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.terminate()));
    throw error;
  }
}
