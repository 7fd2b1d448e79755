// Which stacks a change touches, decided by comparing synthesized output
// (not source files): a change to a shared construct plans exactly the stacks
// whose Terraform configuration it really changes, and nothing else.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type StackChange = 'added' | 'changed' | 'removed';

export interface ChangedStack {
  readonly name: string;
  readonly change: StackChange;
  /** The backend of the newest side (head, or base when removed): `gcs`, `local`, ... */
  readonly backend: string;
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
    stacks.set(name, { config: withoutMetadata(config), backend: backendOf(config) });
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
    if (!before) changes.push({ name, change: 'added', backend: stack.backend });
    else if (JSON.stringify(before.config) !== JSON.stringify(stack.config)) changes.push({ name, change: 'changed', backend: stack.backend });
  }
  for (const [name, stack] of base) {
    if (!head.has(name)) changes.push({ name, change: 'removed', backend: stack.backend });
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
}

/**
 * The GitHub environment of a stack: the catalog environment it belongs to
 * (`service-<name>-<environment>`), `production` for the platform (it hosts
 * the production cluster). Environment names may contain hyphens, so the
 * longest known name that ends the stack name wins; an unknown suffix falls
 * back to `production`, the protected one.
 */
export function githubEnvironment(stack: string, environments: readonly string[]): string {
  const match = [...environments].sort((a, b) => b.length - a.length).find((env) => stack.startsWith('service-') && stack.endsWith(`-${env}`));
  return match ?? 'production';
}

export interface GithubOutputs {
  /** JSON list of every stack CI plans, platform first. */
  readonly stacks: string;
  /** `true` when the platform stack changed. */
  readonly platform: string;
  /** JSON list of MatrixEntry for the platform (zero or one entry). */
  readonly platform_matrix: string;
  /** JSON list of MatrixEntry for every other stack. */
  readonly services_matrix: string;
  /** JSON list of MatrixEntry for every stack CI plans, platform first. */
  readonly matrix: string;
  /** JSON list of changed stacks with local state (reported, not planned). */
  readonly local: string;
}

export function githubOutputs(changes: readonly ChangedStack[], environments: readonly string[]): GithubOutputs {
  const planned = changes.filter(isPlannedInCi);
  const entry = (c: ChangedStack): MatrixEntry => ({ stack: c.name, environment: githubEnvironment(c.name, environments), removed: c.change === 'removed' });
  const platform = planned.filter((c) => c.name === 'platform');
  return {
    stacks: JSON.stringify(planned.map((c) => c.name)),
    platform: String(platform.length > 0),
    platform_matrix: JSON.stringify(platform.map(entry)),
    services_matrix: JSON.stringify(planned.filter((c) => c.name !== 'platform').map(entry)),
    matrix: JSON.stringify(planned.map(entry)),
    local: JSON.stringify(changes.filter((c) => !isPlannedInCi(c)).map((c) => c.name)),
  };
}
