// The fast synth path. It does what cdktf's `App.synth()` does for every
// stack (aspects, validations, annotations, `toTerraform()`, the same JSON
// bytes), but:
//  - writes a stack's cdk.tf.json only when its bytes changed (atomically),
//    so an unchanged stack keeps its modification time;
//  - keeps cdktf.out/manifest.json in cdktf's shape, merging a subset synth
//    into it and dropping stacks that no longer exist on a full synth;
//  - skips the capture of a full stack trace for every token (half of the
//    time and most of the memory at a thousand services);
//  - resolves every element once: cdktf's `toTerraform()` resolves the merged
//    result a second time (kept for stacks with stack-level overrides), and
//    the policy aspect's resolution is reused (lib/resolved-fragments.ts);
//  - skips cdktf's "preparing" resolve pass, which only exists for
//    cross-stack references (stacks here never share state; a test compares
//    our bytes with cdktf's own `app.synth()` to keep that true);
//  - shards a large full synth across worker threads, one per core.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  App,
  AnnotationMetadataEntryType,
  Manifest,
  TerraformElement,
  TerraformOutput,
  TerraformStack,
  type StackAnnotation,
  type StackManifest,
} from 'cdktf';
import { resolve } from 'cdktf/lib/_tokens';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { deepMerge } from 'cdktf/lib/util';
import { ValidateTerraformVersion } from 'cdktf/lib/validations/validate-terraform-version';
import { ConstructOrder, type IConstruct } from 'constructs';
import type { Catalog } from './catalog/load';
import { buildStacks, stackNames } from './app';
import { takeResolvedFragment } from './resolved-fragments';
import { policyNotices } from './policy/aspect';

/** Synth stopped on a problem in the stacks (error annotations, failed validations): the message says what to fix. */
export class SynthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SynthError';
  }
}

// ---------------------------------------------------------------- stack selection

export class StackSelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackSelectionError';
  }
}

/** `service-payment-*` as a RegExp: `*` is any run of characters, `?` one character. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/**
 * The stack filter for `patterns` (globs; blanks ignored), or undefined for
 * "every stack" when there are none. Every pattern must match one of
 * `known`, so a typo fails loudly instead of synthesizing nothing.
 */
export function stackSelector(patterns: readonly string[], known: readonly string[]): ((stackName: string) => boolean) | undefined {
  const globs = patterns.map((p) => p.trim()).filter((p) => p !== '');
  if (globs.length === 0) return undefined;
  const expressions = globs.map(globToRegExp);
  const unmatched = globs.filter((_, i) => !known.some((name) => expressions[i].test(name)));
  if (unmatched.length > 0) {
    const hints = unmatched.map((glob) => {
      const service = known.some((name) => name.startsWith(`service-${glob}-`));
      return service ? `"${glob}" (did you mean "service-${glob}-*"?)` : `"${glob}"`;
    });
    throw new StackSelectionError(
      `No stack matches ${hints.join(', ')}. Stacks are named ${known.slice(0, 3).join(', ')}${known.length > 3 ? ', ...' : ''}; ` +
        `select them with globs, e.g. npm run synth -- 'service-payment-*' or STACKS='service-payment-*,platform'.`,
    );
  }
  return (stackName) => expressions.some((expression) => expression.test(stackName));
}

// ---------------------------------------------------------------- token stack traces

/** Set to 1 to keep cdktf's per-token stack traces (slower; for debugging a token error). */
export const PLAIN_CDKTF_ENV = 'SYNTH_PLAIN_CDKTF';

/**
 * Turns off cdktf's per-token stack traces, which leaves the output byte for
 * byte the same. Returns whether it is active (false under
 * SYNTH_PLAIN_CDKTF=1, or if cdktf changed shape).
 */
export function useFastTokens(): { stackTraces: boolean } {
  if (process.env[PLAIN_CDKTF_ENV] === '1') return { stackTraces: false };
  return { stackTraces: disableTokenStackTraces() };
}

/**
 * cdktf records a full stack trace (unlimited depth, formatted to strings) for
 * every token it creates; `App({ stackTraces: false })` does not turn it off.
 * At a thousand services that is half the synth time and two thirds of the
 * memory. Its callers read the function from the module's exports at call
 * time, so replacing the export turns it off for this process. Returns
 * whether it did (false when cdktf changed shape: synth stays correct, only slower).
 */
export function disableTokenStackTraces(): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const traces = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace?: unknown };
  if (typeof traces.captureStackTrace !== 'function') return false;
  traces.captureStackTrace = noStackTrace;
  return traces.captureStackTrace === noStackTrace;
}

function noStackTrace(): string[] {
  return [];
}

// ---------------------------------------------------------------- JSON

/**
 * The bytes cdktf writes: `json-stable-stringify(value, { space: 2 })`, i.e.
 * keys sorted, two-space indent, and empty arrays/objects written as
 * `[\n<indent>]` (not `[]`). Reimplemented because that package is not ours
 * to depend on and is ~5x slower.
 */
export function stableStringify(value: unknown): string | undefined {
  return write(value, '');
}

function write(value: unknown, indent: string): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  const parts: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) parts.push(`\n${inner}${write(item, inner) ?? 'null'}`);
    return `[${parts.join(',')}\n${indent}]`;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) {
    const rendered = write(record[key], inner);
    if (rendered !== undefined) parts.push(`\n${inner}${JSON.stringify(key)}: ${rendered}`);
  }
  return `{${parts.join(',')}\n${indent}}`;
}

// ---------------------------------------------------------------- rendering

export interface RenderedStack {
  readonly name: string;
  readonly manifest: StackManifest;
  /** The cdk.tf.json content, byte for byte what cdktf would write. */
  readonly json: string;
  readonly warnings: readonly string[];
  /** Policy waivers: printed once by the command, never as errors. */
  readonly notices: readonly string[];
}

const ANNOTATION_LEVELS: readonly string[] = [AnnotationMetadataEntryType.INFO, AnnotationMetadataEntryType.WARN, AnnotationMetadataEntryType.ERROR];
const CUSTOM_SYNTHESIS = Symbol.for('cdktf/customSynthesis');

/** Renders every stack of `app`, in construction order (cdktf's StackSynthesizer, minus the file write). */
export function renderStacks(app: App, onStack?: () => void): RenderedStack[] {
  const session = { outdir: app.outdir, skipValidation: app.skipValidation, manifest: app.manifest };
  // As cdktf: every stack in the tree, not only the App's direct children.
  const stacks = app.node.findAll().filter((node): node is TerraformStack => TerraformStack.isStack(node));
  // cdktf would also run a "preparing" resolve here; see the file comment.
  for (const stack of stacks) stack.ensureBackendExists();
  const rendered = stacks.map((stack) => {
    const one = renderStack(stack, session);
    onStack?.();
    return one;
  });
  if (!app.skipValidation) {
    const problems = app.node.validate();
    if (problems.length > 0) throw new SynthError(`Synth failed: the app is not valid:\n  ${problems.join('\n  ')}`);
  }
  return rendered;
}

function renderStack(stack: TerraformStack, session: { outdir: string; skipValidation: boolean; manifest: Manifest }): RenderedStack {
  invokeAspects(stack);
  if (stack.hasResourceMove()) {
    stack.node.addValidation(new ValidateTerraformVersion('>=1.5', 'Resource move functionality is only supported for Terraform >=1.5. Please upgrade your Terraform version.'));
  }
  if (!session.skipValidation) {
    try {
      stack.runAllValidations();
    } catch (error) {
      throw new SynthError(`Synth failed: stack ${stack.node.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  // Custom synthesis (e.g. TerraformAsset copying its files), leaves first.
  for (const node of stack.node.findAll(ConstructOrder.POSTORDER)) {
    (node as IConstruct & { [CUSTOM_SYNTHESIS]?: { onSynthesize(s: unknown): void } })[CUSTOM_SYNTHESIS]?.onSynthesize(session);
  }
  const all = stack.node.findAll();
  const annotations: StackAnnotation[] = all.flatMap((node) =>
    node.node.metadata
      .filter((entry) => ANNOTATION_LEVELS.includes(entry.type))
      .map((entry) => ({
        constructPath: node.node.path,
        level: entry.type as AnnotationMetadataEntryType,
        message: entry.data,
        stacktrace: entry.trace,
      })),
  );
  const manifest = { ...session.manifest.forStack(stack), annotations };
  const errors = annotations.filter((a) => a.level === AnnotationMetadataEntryType.ERROR);
  // cdktf-cli sets this and reports the errors itself from the manifest.
  if (errors.length > 0 && process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS === undefined) {
    throw new SynthError(`Synth failed: stack ${stack.node.id} has errors:\n${errors.map((a) => `[${a.constructPath}] ${a.message}`).join('\n')}`);
  }
  const warnings = annotations.filter((a) => a.level === AnnotationMetadataEntryType.WARN).map((a) => `[${a.constructPath}] ${a.message}`);
  const json = stableStringify(terraformJson(stack)) ?? '';
  return { name: stack.node.id, manifest, json, warnings, notices: policyNotices(stack) };
}

/**
 * `stack.toTerraform()` without its final resolve of the merged document:
 * every element's fragment is already resolved, and resolving it again took
 * a fifth of the synth. Stacks with stack-level overrides (which may hold
 * tokens) take cdktf's own path.
 */
export function terraformJson(stack: TerraformStack): unknown {
  const internals = stack as unknown as { rawOverrides: Record<string, unknown>; cdktfVersion: string };
  if (Object.keys(internals.rawOverrides).length > 0) return stack.toTerraform();
  const elements = terraformElements(stack);
  const metadata = { version: internals.cdktfVersion, stackName: stack.node.id, backend: 'local', cloud: undefined };
  for (const element of elements) deepMerge(metadata, resolve(stack, element.toMetadata()));
  const outputs = {};
  for (const element of elements) {
    if (!TerraformOutput.isTerraformOutput(element)) continue;
    // { <construct path parts...>: friendlyUniqueId }, as cdktf nests it.
    const parts = element.node.path.split('/');
    let nested: unknown = element.friendlyUniqueId;
    for (let i = parts.length - 1; i >= 0; i--) nested = { [parts[i]]: nested };
    deepMerge(outputs, nested);
  }
  const tf: Record<string, unknown> = { '//': { metadata, outputs } };
  for (const element of elements) deepMerge(tf, takeResolvedFragment(element));
  return tf;
}

/** The stack's Terraform elements, not descending into nested stacks (as cdktf's own helper). */
function terraformElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) {
    if (!TerraformStack.isStack(child)) terraformElements(child, into);
  }
  return into;
}

// ---------------------------------------------------------------- writing

export interface StackWrite {
  readonly name: string;
  /** False when the file already held these exact bytes and was left alone. */
  readonly written: boolean;
}

/** Writes `content` to `path` unless it already holds exactly that; atomic (temp file + rename). */
export function writeIfChanged(path: string, content: string): boolean {
  try {
    if (readFileSync(path, 'utf8') === content) return false;
  } catch {
    // missing or unreadable: write it
  }
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temp, content);
  renameSync(temp, path);
  return true;
}

export function writeStacks(outdir: string, rendered: readonly RenderedStack[]): StackWrite[] {
  return rendered.map((stack) => {
    mkdirSync(join(outdir, stack.manifest.workingDirectory), { recursive: true });
    return { name: stack.name, written: writeIfChanged(join(outdir, stack.manifest.synthesizedStackPath), stack.json) };
  });
}

export interface ManifestUpdate {
  /** Stack directories deleted because their stack no longer exists (full synth only). */
  readonly removed: readonly string[];
  readonly manifestWritten: boolean;
}

/**
 * Writes cdktf.out/manifest.json as cdktf does. A subset synth (`complete`
 * false) keeps the other stacks' entries and directories; a full synth lists
 * exactly `entries` and deletes the directories of stacks not among them.
 */
export function writeManifest(outdir: string, version: string, entries: readonly StackManifest[], complete: boolean): ManifestUpdate {
  const path = join(outdir, Manifest.fileName);
  const stacks: Record<string, StackManifest> = complete ? {} : readManifestStacks(path);
  for (const entry of entries) stacks[entry.name] = entry;
  const removed: string[] = [];
  if (complete) {
    const stacksDir = join(outdir, Manifest.stacksFolder);
    for (const dir of existsSync(stacksDir) ? readdirSync(stacksDir, { withFileTypes: true }) : []) {
      if (dir.isDirectory() && !(dir.name in stacks)) {
        rmSync(join(stacksDir, dir.name), { recursive: true, force: true });
        removed.push(dir.name);
      }
    }
  }
  const manifestWritten = writeIfChanged(path, stableStringify({ version, stacks }) ?? '');
  return { removed, manifestWritten };
}

function readManifestStacks(path: string): Record<string, StackManifest> {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { stacks?: Record<string, StackManifest> };
    return parsed.stacks && typeof parsed.stacks === 'object' ? parsed.stacks : {};
  } catch {
    return {}; // no manifest yet, or a broken one: this synth writes a fresh one
  }
}

// ---------------------------------------------------------------- catalog synth

export interface SynthOptions {
  /** Where cdktf.out is. @default CDKTF_OUTDIR, else `cdktf.out` (as cdktf's App) */
  readonly outdir?: string;
  /**
   * Only stacks whose name this accepts are constructed and written; the
   * manifest keeps the others. @default every stack: a full synth, which also
   * removes the directories of stacks that no longer exist
   */
  readonly include?: (stackName: string) => boolean;
  /**
   * Threads that share a full synth. @default SYNTH_WORKERS, else one per core
   * once the catalog has at least SHARD_MIN_STACKS stacks, else 1
   */
  readonly workers?: number;
  /** Called after each stack is rendered, with the stacks done and the total (a progress indicator). @default none */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Below this many stacks a worker's start-up (loading cdktf and the providers) costs more than it saves. */
export const SHARD_MIN_STACKS = 200;
export const WORKERS_ENV = 'SYNTH_WORKERS';

export interface SynthSummary {
  readonly outdir: string;
  readonly stacks: number;
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  readonly removed: readonly string[];
  readonly warnings: readonly string[];
  readonly notices: readonly string[];
  readonly workers: number;
}

/** What one shard (the main thread or a worker) hands back. */
export interface ShardResult {
  readonly version: string;
  readonly manifests: readonly StackManifest[];
  readonly writes: readonly StackWrite[];
  readonly warnings: readonly string[];
  readonly notices: readonly string[];
}

/** Builds the stacks `include` accepts into a fresh App and writes them (not the manifest). */
export function synthesizeShard(catalog: Catalog, outdir: string, include?: (stackName: string) => boolean, onStack?: () => void): ShardResult {
  useFastTokens();
  const app = new App({ outdir, stackTraces: false });
  buildStacks(app, catalog, { include });
  const rendered = renderStacks(app, onStack);
  return {
    version: app.manifest.version,
    manifests: rendered.map((s) => s.manifest),
    writes: writeStacks(outdir, rendered),
    warnings: rendered.flatMap((s) => s.warnings),
    notices: rendered.flatMap((s) => s.notices),
  };
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

/**
 * Synthesizes `catalog` (already validated) into `outdir`. A full synth of a
 * large catalog is split into shards: the main thread does one, a worker
 * thread each of the others (each with its own copy of the catalog).
 */
export async function synthesizeCatalog(catalog: Catalog, options: SynthOptions = {}): Promise<SynthSummary> {
  const outdir = options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const complete = options.include === undefined;
  const stackCount = stackNames(catalog).length;
  // HCL output is cdktf's own path (and rare): no incremental writes there.
  const hcl = process.env.SYNTH_HCL_OUTPUT === 'true' || process.env.SYNTH_HCL_OUTPUT === '1';
  if (hcl) {
    useFastTokens();
    const app = new App({ outdir, stackTraces: false });
    buildStacks(app, catalog, { include: options.include });
    app.synth();
    const names = app.node.findAll().filter((node) => TerraformStack.isStack(node)).map((node) => node.node.id);
    return { outdir, stacks: names.length, written: names, unchanged: [], removed: [], warnings: [], notices: [], workers: 1 };
  }
  const shards = complete ? Math.max(1, options.workers ?? defaultWorkers(stackCount)) : 1;
  const total = complete ? stackCount : stackNames(catalog).filter(options.include!).length;
  let done = 0;
  const onStack = options.onProgress && (() => options.onProgress!(++done, total));
  const results: Promise<ShardResult>[] = [];
  for (let shard = 1; shard < shards; shard++) results.push(runWorker({ catalog, outdir, shard, shards, progress: onStack !== undefined }, onStack));
  const own = synthesizeShard(catalog, outdir, shards > 1 ? (name) => shardOf(name, shards) === 0 : options.include, onStack);
  const all = [own, ...(await Promise.all(results))];
  const manifests = all.flatMap((r) => r.manifests);
  const writes = all.flatMap((r) => r.writes);
  const { removed } = writeManifest(outdir, own.version, manifests, complete);
  return {
    outdir,
    stacks: writes.length,
    written: writes.filter((w) => w.written).map((w) => w.name),
    unchanged: writes.filter((w) => !w.written).map((w) => w.name),
    removed,
    warnings: all.flatMap((r) => r.warnings),
    notices: all.flatMap((r) => r.notices),
    workers: shards,
  };
}

export interface WorkerInput {
  readonly catalog: Catalog;
  readonly outdir: string;
  readonly shard: number;
  readonly shards: number;
  /** Post `{ progress: 1 }` after each stack. */
  readonly progress?: boolean;
}

function runWorker(input: WorkerInput, onStack?: () => void): Promise<ShardResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'synth-worker.js'), { workerData: input });
    let result: ShardResult | undefined;
    worker.on('message', (message: ShardResult | { progress: number }) => {
      if ('progress' in message) onStack?.();
      else result = message;
    });
    // The error crosses the thread boundary as a plain Error: restore its class.
    worker.once('error', (error) => reject(error.name === 'SynthError' ? new SynthError(error.message) : error));
    worker.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`Synth worker for shard ${input.shard + 1} of ${input.shards} exited with code ${code} before reporting its stacks`));
    });
  });
}
