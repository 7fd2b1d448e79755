// The synth of a catalog: cdktf-identical JSON and manifest, faster, and
// safe to interrupt. The parts, each in lib/synth/:
//  - select.ts          which stacks (`npm run synth -- 'service-payment-*'`)
//  - render.ts          stacks to JSON (policy, cross-stack references refused)
//  - cdktf-internals.ts every use of cdktf's non-public API, feature-detected,
//                       with cdktf's public path as the fallback
//  - serialize.ts       the bytes cdktf writes
//  - shard.ts           a large full synth over worker threads (they render only)
//  - write.ts           one transactional write of the whole output, under a lock
import { App, TerraformStack } from 'cdktf';
import type { Catalog } from './catalog/load';
import { buildStacks, stackNames } from './app';
import { policyNotices } from './policy/aspect';
import { stackMetadata, stackMetadataSidecar, writeStackMetadata } from './stack-metadata';
import { defaultWorkers, renderShard, renderShards, stopWorkers, useFastTokens, type PrestartedWorkers } from './synth/shard';
import { acquireLock, commitGeneration, discardGeneration, killPoint, startGeneration } from './synth/write';

export { StackSelectionError, globToRegExp, stackSelector } from './synth/select';
export { PUBLIC_PATH_ENV, SynthError, renderStacks, type RenderedStack } from './synth/render';
export { stableStringify } from './synth/serialize';
export {
  PLAIN_CDKTF_ENV,
  SHARD_MIN_STACKS,
  WORKERS_ENV,
  defaultWorkers,
  prestartForCatalog,
  prestartWorkers,
  renderShard,
  shardOf,
  stopWorkers,
  useFastTokens,
  type PrestartedWorkers,
  type ShardResult,
} from './synth/shard';

export interface SynthOptions {
  /** Where cdktf.out is. @default CDKTF_OUTDIR, else `cdktf.out` (as cdktf's App) */
  readonly outdir?: string;
  /**
   * Only stacks whose name this accepts are constructed and written; the
   * manifest keeps the others. @default every stack: a full synth, which also
   * removes the stacks that no longer exist
   */
  readonly include?: (stackName: string) => boolean;
  /**
   * Threads that share a full synth. @default SYNTH_WORKERS, else one per core
   * once the catalog has at least SHARD_MIN_STACKS stacks, else 1
   */
  readonly workers?: number;
  /** Render through cdktf's public API only. @default SYNTH_PUBLIC_PATH=1 */
  readonly publicPath?: boolean;
  /** Called after each stack is rendered, with the stacks done and the total (a progress indicator). @default none */
  readonly onProgress?: (done: number, total: number) => void;
  /** Workers started before the catalog was loaded ({@link prestartWorkers}); stopped if unused. @default none */
  readonly prestarted?: PrestartedWorkers;
}

export interface SynthSummary {
  readonly outdir: string;
  readonly stacks: number;
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  readonly removed: readonly string[];
  readonly warnings: readonly string[];
  /** Policy waivers, one line each (printed once, as notices). */
  readonly notices: readonly string[];
  readonly workers: number;
}

/** The cdktf CLI runs the app with this set (and deletes the folders of removed stacks itself afterwards). */
const UNDER_CDKTF_CLI = 'CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS';

/**
 * Synthesizes `catalog` (already validated) into `outdir`: every shard is
 * rendered first, then the output is replaced as a whole, under a lock.
 */
export async function synthesizeCatalog(catalog: Catalog, options: SynthOptions = {}): Promise<SynthSummary> {
  const outdir = options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  // HCL output is cdktf's own path (and rare): written in place, not transactional.
  const hcl = process.env.SYNTH_HCL_OUTPUT === 'true' || process.env.SYNTH_HCL_OUTPUT === '1';
  const complete = options.include === undefined;
  const shards = complete && !hcl ? Math.max(1, options.workers ?? defaultWorkers(stackNames(catalog).length)) : 1;
  if (shards === 1) await stopWorkers(options.prestarted);
  if (hcl) return synthesizeHcl(catalog, outdir, options.include);

  const total = complete ? stackNames(catalog).length : stackNames(catalog).filter((name) => options.include?.(name)).length;
  let done = 0;
  const onStack = options.onProgress && (() => options.onProgress?.(++done, total));
  let release: () => void;
  try {
    release = acquireLock(outdir);
  } catch (error) {
    await stopWorkers(options.prestarted);
    throw error;
  }
  try {
    const staging = startGeneration(outdir);
    try {
      const results =
        shards > 1
          ? await renderShards(catalog, { outdir: staging, shards, publicPath: options.publicPath, prestarted: options.prestarted, onStack })
          : [renderShard(catalog, { outdir: staging, include: options.include, publicPath: options.publicPath, onStack })];
      // CI's facts about each stack (environment, production, kind), next to it.
      const facts = stackMetadata(catalog);
      const stacks = results.flatMap((r) => r.stacks).map((stack) => ({ ...stack, sidecars: stackMetadataSidecar(facts, stack.name) }));
      killPoint('rendered');
      const commit = await commitGeneration({
        outdir,
        staging,
        version: results[0].version,
        stacks,
        complete,
        keepOrphanFolders: process.env[UNDER_CDKTF_CLI] !== undefined,
      });
      return {
        outdir,
        stacks: stacks.length,
        ...commit,
        warnings: stacks.flatMap((s) => s.warnings),
        notices: stacks.flatMap((s) => s.notices),
        workers: shards,
      };
    } catch (error) {
      discardGeneration(staging, outdir); // the live output stays as it was
      throw error;
    }
  } finally {
    release();
  }
}

function synthesizeHcl(catalog: Catalog, outdir: string, include: ((stackName: string) => boolean) | undefined): SynthSummary {
  useFastTokens();
  const app = new App({ outdir, stackTraces: false });
  buildStacks(app, catalog, { include });
  app.synth();
  const names = app.node.findAll().filter((node) => TerraformStack.isStack(node)).map((node) => node.node.id);
  writeStackMetadata(outdir, catalog, names);
  const notices = app.node.findAll().filter((node): node is TerraformStack => TerraformStack.isStack(node)).flatMap(policyNotices);
  return { outdir, stacks: names.length, written: names, unchanged: [], removed: [], warnings: [], notices, workers: 1 };
}
