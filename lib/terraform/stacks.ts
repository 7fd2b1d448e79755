// What our terraform commands read from a synthesized stack: its kind, the
// providers and types it uses, and the addresses of its resources.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BOOTSTRAP_STACK, PLATFORM_STACK } from '../catalog/names';
import { stackDirs } from './cli';

type Blocks = Record<string, Record<string, Record<string, unknown>>>;

/** The parts of a cdk.tf.json our commands read. */
export interface StackJson {
  terraform?: { required_providers?: Record<string, unknown>; backend?: unknown };
  provider?: Record<string, unknown[]>;
  resource?: Blocks;
  data?: Blocks;
  [key: string]: unknown;
}

export interface SynthesizedStack {
  readonly name: string;
  readonly dir: string;
  readonly kind: string;
  readonly json: StackJson;
}

/**
 * The kind of a stack, from its name: `platform`, `bootstrap`, and the prefix
 * of the per-entity stacks (`service-payment-production` is a `service`,
 * `cluster-production` a `cluster`). A stack of a new kind gets a kind of its
 * own, so tests keyed by kind notice it.
 */
export function stackKind(name: string): string {
  if (name === PLATFORM_STACK || name === BOOTSTRAP_STACK) return name;
  return name.split('-')[0];
}

export function readStacks(outDir: string): SynthesizedStack[] {
  return stackDirs(outDir).map(({ name, dir }) => ({
    name,
    dir,
    kind: stackKind(name),
    json: JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as StackJson,
  }));
}

/** Provider local names the stack requires (`google`, `google-beta`, `kubernetes`, ...). */
export function providersOf(json: StackJson): string[] {
  return Object.keys(json.terraform?.required_providers ?? {}).sort();
}

/** `resource.<type>` and `data.<type>` keys, sorted: what a stack is made of. */
export function typesOf(json: StackJson): string[] {
  return [...Object.keys(json.resource ?? {}).map((t) => `resource.${t}`), ...Object.keys(json.data ?? {}).map((t) => `data.${t}`)].sort();
}

/** Every resource of `type` in the stack: its Terraform address and configuration. */
export function resourcesOf(json: StackJson, type: string): { address: string; config: Record<string, unknown> }[] {
  return Object.entries(json.resource?.[type] ?? {}).map(([name, config]) => ({ address: `${type}.${name}`, config }));
}

export function dataSourcesOf(json: StackJson, type: string): { address: string; config: Record<string, unknown> }[] {
  return Object.entries(json.data?.[type] ?? {}).map(([name, config]) => ({ address: `data.${type}.${name}`, config }));
}

/** How many resources the stack declares. */
export function resourceCount(json: StackJson): number {
  return Object.values(json.resource ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
}
