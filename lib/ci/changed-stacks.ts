// Which stacks a change touches, decided by comparing synthesized output
// (not source files): a change to a shared construct plans exactly the stacks
// whose Terraform configuration it really changes, and nothing else.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readStackMetadata, type StackMetadata } from '../stack-metadata';

export type StackChange = 'added' | 'changed' | 'removed';

export interface ChangedStack {
  readonly name: string;
  readonly change: StackChange;
  /** The backend of the newest side (head, or base when removed): `gcs`, `local`, ... */
  readonly backend: string;
  /** Where a `gcs` backend keeps the default workspace's state (`gs://<bucket>/<prefix>/default.tfstate`); '' otherwise. */
  readonly state: string;
  /** What synth wrote next to the stack (delivery.json): kind, environment, production; why not, as text, when missing. */
  readonly metadata: StackMetadata | string;
}

/** Stack names flow into paths, matrix values and shell variables in CI. */
const STACK_NAME = /^[a-z0-9][a-z0-9-]{0,127}$/;

export class SynthDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SynthDirError';
  }
}

interface SynthesizedStack {
  readonly config: unknown;
  readonly backend: string;
  readonly state: string;
  readonly metadata: StackMetadata | string;
}

/**
 * Reads `<dir>/stacks/<stack>/cdk.tf.json` for every stack of a cdktf output
 * folder. A folder without `stacks/` has no stacks (e.g. a base commit that
 * predates the project); a missing folder is an error.
 */
export function readSynthDir(dir: string): Map<string, SynthesizedStack> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new SynthDirError(`${dir}: not a folder; pass the cdktf output folder (e.g. cdktf.out) written by npm run synth`);
  }
  const stacks = new Map<string, SynthesizedStack>();
  const stacksDir = join(dir, 'stacks');
  if (!existsSync(stacksDir)) return stacks;
  for (const name of readdirSync(stacksDir).sort()) {
    const file = join(stacksDir, name, 'cdk.tf.json');
    if (!existsSync(file)) continue; // not a stack folder (e.g. a stray file)
    if (!STACK_NAME.test(name)) {
      throw new SynthDirError(`${file}: stack name "${name}" must be lowercase letters, digits and hyphens (it becomes a path and a CI matrix value)`);
    }
    let config: unknown;
    try {
      config = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new SynthDirError(`${file}: not valid JSON (${(error as Error).message}); re-run npm run synth`);
    }
    stacks.set(name, { config: withoutMetadata(config), backend: backendOf(config), state: stateObjectOf(config), metadata: readStackMetadata(dir, name) });
  }
  return stacks;
}

/**
 * The configuration without Terraform JSON comments: every `"//"` key, which
 * is where cdktf writes construct paths, stack metadata and its own version
 * stamp. Terraform ignores these keys, so they never change what is planned.
 */
export function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    if (key === '//') continue;
    result[key] = withoutMetadata((value as Record<string, unknown>)[key]);
  }
  return result;
}

function backendOf(config: unknown): string {
  const backend = (config as { terraform?: { backend?: Record<string, unknown> } })?.terraform?.backend;
  const names = backend ? Object.keys(backend) : [];
  // Terraform's default when no backend block is written is local state.
  return names[0] ?? 'local';
}

/**
 * The state object of the default workspace of a `gcs` backend: Terraform's
 * GCS backend writes `<prefix>/<workspace>.tfstate`. CI checks whether it
 * exists: a stack never applied has none, and the read-only planner cannot
 * create it (docs/DELIVERY.md, "A stack's first plan").
 */
export function stateObjectOf(config: unknown): string {
  const gcs = (config as { terraform?: { backend?: { gcs?: { bucket?: unknown; prefix?: unknown } } } })?.terraform?.backend?.gcs;
  if (!gcs || typeof gcs.bucket !== 'string' || gcs.bucket === '') return '';
  const prefix = typeof gcs.prefix === 'string' ? gcs.prefix.replace(/^\/+|\/+$/g, '') : '';
  return `gs://${gcs.bucket}/${prefix ? `${prefix}/` : ''}default.tfstate`;
}

/** Stable order: platform first (it is applied first), then by name. */
export function compareStackNames(a: string, b: string): number {
  if (a === b) return 0;
  if (a === 'platform') return -1;
  if (b === 'platform') return 1;
  return a < b ? -1 : 1;
}

/** Every stack whose configuration differs between the two cdktf output folders. */
export function changedStacks(baseDir: string, headDir: string): ChangedStack[] {
  const base = readSynthDir(baseDir);
  const head = readSynthDir(headDir);
  const changes: ChangedStack[] = [];
  for (const [name, stack] of head) {
    const before = base.get(name);
    const { backend, state, metadata } = stack;
    if (!before) changes.push({ name, change: 'added', backend, state, metadata });
    else if (JSON.stringify(before.config) !== JSON.stringify(stack.config)) changes.push({ name, change: 'changed', backend, state, metadata });
  }
  for (const [name, { backend, state, metadata }] of base) {
    if (!head.has(name)) changes.push({ name, change: 'removed', backend, state, metadata });
  }
  return changes.sort((a, b) => compareStackNames(a.name, b.name));
}

/**
 * CI plans and applies stacks whose state it can reach. A stack with local
 * state (bootstrap) is applied by an admin from a workstation, so CI only
 * reports it.
 */
export function isPlannedInCi(stack: ChangedStack): boolean {
  return stack.backend !== 'local';
}

export interface MatrixEntry {
  readonly stack: string;
  /** The GitHub environment the apply job runs in (protection rules live there). */
  readonly environment: string;
  /** Removed from the catalog: planned as a destroy, from the base output. */
  readonly removed: boolean;
  /**
   * New compared with the base: its state object may not exist yet, so the
   * plan job checks `state` and, when it is missing, plans against empty
   * local state (the read-only planner cannot create the object).
   */
  readonly added: boolean;
  /** The stack's state object (`gs://...`), '' when the backend is not gcs. */
  readonly state: string;
}

export interface GithubOutputs {
  /** JSON list of every stack CI plans, platform first. */
  readonly stacks: string;
  /** `true` when the platform stack changed. */
  readonly platform: string;
  /** JSON list of MatrixEntry for the platform (zero or one entry). */
  readonly platform_matrix: string;
  /** JSON list of MatrixEntry for the in-cluster platform stacks (kind cluster), applied after the platform, before services. */
  readonly clusters_matrix: string;
  /** JSON list of MatrixEntry for the service stacks that still exist (applied last). */
  readonly services_matrix: string;
  /**
   * JSON list of MatrixEntry for the service stacks removed from the catalog:
   * destroyed before the platform is applied, while everything they use on
   * the platform (cluster, network, grants) still exists.
   */
  readonly removed_matrix: string;
  /** JSON list of MatrixEntry for every stack CI plans, platform first. */
  readonly matrix: string;
  /** JSON list of changed stacks with local state (reported, not planned). */
  readonly local: string;
  /** JSON list of Shard: every stack of `matrix` in at most `maxJobs` jobs (GitHub's matrix limit). */
  readonly shards: string;
  /** `clusters_matrix` as shards. */
  readonly clusters_shards: string;
  /** `services_matrix` as shards (one environment per shard: the apply job runs in it). */
  readonly services_shards: string;
  /** `removed_matrix` as shards. */
  readonly removed_shards: string;
}

/**
 * The matrices the workflows run, by the facts synth wrote next to each stack
 * (kind and environment, lib/stack-metadata.ts), never by parsing a name.
 * Throws when a stack CI plans has no valid facts.
 */
export function githubOutputs(changes: readonly ChangedStack[], maxJobs = GITHUB_MATRIX_LIMIT): GithubOutputs {
  const planned = changes.filter(isPlannedInCi);
  const missing = planned.filter((c) => typeof c.metadata === 'string').map((c) => c.metadata as string);
  if (missing.length > 0) throw new SynthDirError(`Stacks without delivery facts (so no GitHub environment):\n  ${missing.join('\n  ')}`);
  const facts = (c: ChangedStack) => c.metadata as StackMetadata;
  const entry = (c: ChangedStack): MatrixEntry => ({
    stack: c.name,
    environment: facts(c).environment,
    removed: c.change === 'removed',
    added: c.change === 'added',
    state: c.state,
  });
  const ofKind = (kind: StackMetadata['kind']) => planned.filter((c) => facts(c).kind === kind);
  const platform = ofKind('platform');
  const clusters = ofKind('cluster').filter((c) => c.change !== 'removed').map(entry);
  const services = ofKind('service').filter((c) => c.change !== 'removed').map(entry);
  // Removed service and cluster stacks go first, while what they use still exists.
  const removed = planned.filter((c) => facts(c).kind !== 'platform' && c.change === 'removed').map(entry);
  const matrix = planned.map(entry);
  return {
    stacks: JSON.stringify(matrix.map((e) => e.stack)),
    platform: String(platform.length > 0),
    platform_matrix: JSON.stringify(platform.map(entry)),
    clusters_matrix: JSON.stringify(clusters),
    services_matrix: JSON.stringify(services),
    removed_matrix: JSON.stringify(removed),
    clusters_shards: JSON.stringify(shardMatrix(clusters, maxJobs)),
    services_shards: JSON.stringify(shardMatrix(services, maxJobs)),
    removed_shards: JSON.stringify(shardMatrix(removed, maxJobs)),
    matrix: JSON.stringify(matrix),
    local: JSON.stringify(changes.filter((c) => !isPlannedInCi(c)).map((c) => c.name)),
    shards: JSON.stringify(shardMatrix(matrix, maxJobs)),
  };
}

/** GitHub runs at most this many jobs from one matrix. */
export const GITHUB_MATRIX_LIMIT = 256;

export interface Shard {
  /** The job name suffix: the stack itself when the shard has one, else `<i>-of-<n>`. */
  readonly name: string;
  /** Every stack of a shard shares it: the apply job's environment gates its credentials. */
  readonly environment: string;
  /** Planned in this order, one after the other, by one job. */
  readonly stacks: readonly MatrixEntry[];
  /** Some stack of the shard is removed: the job needs the base output. */
  readonly removed: boolean;
}

/**
 * Groups matrix entries into at most `maxJobs` shards, never mixing two GitHub
 * environments in one shard. Environments come in the order of their first
 * stack and stacks keep their order inside an environment, so platform (first)
 * stays first. Up to `maxJobs` entries, every shard holds one stack, so a
 * workflow treats both cases alike.
 */
export function shardMatrix(entries: readonly MatrixEntry[], maxJobs = GITHUB_MATRIX_LIMIT): Shard[] {
  if (!Number.isInteger(maxJobs) || maxJobs < 1) throw new RangeError(`maxJobs must be a positive integer, got ${maxJobs}`);
  const byEnvironment = new Map<string, MatrixEntry[]>();
  for (const entry of entries) {
    const run = byEnvironment.get(entry.environment);
    if (run) run.push(entry);
    else byEnvironment.set(entry.environment, [entry]);
  }
  const runs = [...byEnvironment.values()];
  if (runs.length > maxJobs) throw new RangeError(`${runs.length} environments cannot share ${maxJobs} jobs: a shard holds stacks of one environment`);
  // The smallest shard size whose shard count fits.
  let size = 1;
  const count = (s: number) => runs.reduce((sum, run) => sum + Math.ceil(run.length / s), 0);
  while (count(size) > maxJobs) size++;
  const groups = runs.flatMap((run) => Array.from({ length: Math.ceil(run.length / size) }, (_, i) => run.slice(i * size, (i + 1) * size)));
  return groups.map((stacks, i) => ({
    name: stacks.length === 1 ? stacks[0].stack : `${i + 1}-of-${groups.length}`,
    environment: stacks[0].environment,
    stacks,
    removed: stacks.some((e) => e.removed),
  }));
}
