// Every use of cdktf's non-public API, in one file. Each piece is detected
// when this module loads; if one is missing or changed shape (a cdktf
// release, the community fork), the speed-up it serves is off, one warning
// says so, and synth takes cdktf's public path (`stack.toTerraform()` and our
// serializer): slower, the same bytes. test/synth/seam.test.ts synthesizes
// the example catalog both ways and compares.
import { Lazy, TerraformStack, Token } from 'cdktf';
import { spawnSync } from 'node:child_process';
import { Construct, type IConstruct, type IValidation } from 'constructs';

type DeepMerge = (target: Record<string, unknown>, ...sources: unknown[]) => Record<string, unknown>;
type ValidationClass = new (range: string, message: string) => IValidation;

type Require = (module: string) => unknown;

function load<T>(requireModule: Require, module: string, pick: (exports: Record<string, unknown>) => unknown, is: (value: unknown) => boolean): T | undefined {
  try {
    const value = pick(requireModule(module) as Record<string, unknown>);
    return is(value) ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}

const isFunction = (value: unknown): boolean => typeof value === 'function';

/** The fast path's two private needs. */
export interface FastPathInternals {
  /** cdktf's own deep merge: cdk.tf.json is merged with it, and its quirks (arrays concatenate) are part of the bytes. */
  readonly deepMerge: DeepMerge;
  /** Whether `stack` has stack-level overrides (which may hold tokens: those stacks take cdktf's own path). */
  readonly hasStackOverrides: (stack: TerraformStack) => boolean;
}

export interface FastPathDetection {
  /** Undefined when cdktf changed shape: synth takes the public path. */
  readonly fast: FastPathInternals | undefined;
  /** What is missing, for the warning. */
  readonly missing: readonly string[];
}

/** Detects what the fast path needs, with `requireModule` (cdktf's modules) and a throwaway stack (no App, nothing on disk). */
export function detectFastPath(
  requireModule: Require,
  probeStack: () => object = () => new TerraformStack(new Construct(undefined as unknown as Construct, ''), 'probe'),
): FastPathDetection {
  const deepMerge = load<DeepMerge>(requireModule, 'cdktf/lib/util', (m) => m.deepMerge, isFunction);
  // Stack-level overrides live in the private field `rawOverrides`.
  let overridesField = false;
  try {
    const overrides = (probeStack() as Record<string, unknown>).rawOverrides;
    overridesField = overrides !== null && typeof overrides === 'object' && Object.keys(overrides).length === 0;
  } catch {
    overridesField = false;
  }
  const missing = [...(deepMerge ? [] : ['cdktf/lib/util deepMerge']), ...(overridesField ? [] : ['TerraformStack.rawOverrides'])];
  const fast: FastPathInternals | undefined =
    deepMerge && overridesField
      ? { deepMerge, hasStackOverrides: (stack) => Object.keys((stack as unknown as { rawOverrides: object }).rawOverrides).length > 0 }
      : undefined;
  return { fast, missing };
}

const DETECTED = detectFastPath(require);
export const FAST_PATH: FastPathInternals | undefined = DETECTED.fast;
export const FAST_PATH_MISSING: readonly string[] = DETECTED.missing;

/** The warning synth prints once when it falls back to the public path; undefined when nothing is missing. */
export function publicPathWarning(missing: readonly string[] = FAST_PATH_MISSING): string | undefined {
  if (missing.length === 0) return undefined;
  return `cdktf's internals changed (${missing.join(', ')} not found): synth takes cdktf's public path, which is slower but writes the same files`;
}

/** The module whose `captureStackTrace` every token calls (read from the exports at call time). */
const stackTraceModule = load<{ captureStackTrace: () => string[] }>(
  require,
  'cdktf/lib/tokens/private/stack-trace',
  (m) => m,
  (m) => {
    const descriptor = Object.getOwnPropertyDescriptor(m, 'captureStackTrace');
    return descriptor !== undefined && typeof descriptor.value === 'function' && descriptor.writable === true;
  },
);

/** cdktf's check that the installed Terraform supports resource moves. */
const TerraformVersionValidation = load<ValidationClass>(require, 'cdktf/lib/validations/validate-terraform-version', (m) => m.ValidateTerraformVersion, isFunction);

/** Set by cdktf's custom synthesis (e.g. TerraformAsset copying its files); a global symbol, read where the synthesizer would. */
export const CUSTOM_SYNTHESIS = Symbol.for('cdktf/customSynthesis');

/**
 * Resolves a fragment like cdktf's resolve, but walks the plain parts
 * (strings and numbers that hold no token, arrays, plain objects) itself and
 * hands only the parts that may hold a token to `resolve` (cdktf's): its
 * generic walk builds a context per value and was half of the synth.
 * It relies on how cdktf encodes tokens (strings contain `TfToken[`, numbers
 * are doubles beyond 1e200), checked at load time; when that does not hold,
 * it is undefined and every value goes through cdktf.
 */
export type PlainResolve = (value: unknown, resolve: (value: unknown) => unknown) => unknown;

/** Numbers that cdktf's number-token test would look at: the plain ones are far smaller. */
const TOKEN_NUMBER_MAGNITUDE = 1e200;
/** cdktf also scans strings for numbers written like encoded number tokens (e.g. 1.2e+289). */
const NUMBER_LIKE = /[-|\d.+]e[-|\d.eE+]/;
const TOKEN_MARK = 'TfToken[';

function plainString(value: string): boolean {
  return !value.includes(TOKEN_MARK) && !NUMBER_LIKE.test(value) && value !== Token.STRING_MAP_TOKEN_VALUE && value !== Token.ANY_MAP_TOKEN_VALUE;
}

function plainNumber(value: number): boolean {
  return Math.abs(value) < TOKEN_NUMBER_MAGNITUDE && value !== Token.NUMBER_MAP_TOKEN_VALUE;
}

const plainResolve: PlainResolve = (value, resolve) => {
  if (value === undefined || value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') return plainString(value) ? value : resolve(value);
  if (typeof value === 'number') return plainNumber(value) ? value : resolve(value);
  if (typeof value !== 'object' || value instanceof Date) return resolve(value);
  if (Array.isArray(value)) {
    // A list token is an element of the array: then cdktf resolves the array as a whole.
    for (const item of value) {
      if ((typeof item === 'string' && !plainString(item)) || (typeof item === 'number' && !plainNumber(item))) return resolve(value);
    }
    const resolved: unknown[] = [];
    for (const item of value) {
      const result = plainResolve(item, resolve);
      if (result !== undefined) resolved.push(result);
    }
    return resolved;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  const record = value as Record<string, unknown>;
  // Tokens (anything with resolve()), constructs and class instances: cdktf's call.
  if ((prototype !== Object.prototype && prototype !== null) || typeof record.resolve === 'function') return resolve(value);
  const resolved: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (!plainString(key)) return resolve(value);
    const result = plainResolve(record[key], resolve);
    if (result !== undefined) resolved[key] = result;
  }
  return resolved;
};

/** Whether cdktf still encodes tokens the way plainResolve expects. */
function tokenEncodingAsExpected(): boolean {
  try {
    const lazy = { produce: () => 'x' };
    const string = Token.asString(Lazy.stringValue(lazy));
    const number = Token.asNumber(Lazy.numberValue({ produce: () => 1 }));
    const [listItem] = Token.asList(Lazy.listValue({ produce: () => ['x'] }));
    const mapKeys = Object.keys(Token.asStringMap(Lazy.anyValue({ produce: () => ({}) })));
    return (
      !plainString(string) &&
      !plainNumber(number) &&
      !plainString(listItem) &&
      mapKeys.length > 0 &&
      mapKeys.every((key) => !plainString(key))
    );
  } catch {
    return false;
  }
}

export const PLAIN_RESOLVE: PlainResolve | undefined = tokenEncodingAsExpected() ? plainResolve : undefined;

/**
 * Turns off cdktf's per-token stack traces (`App({ stackTraces: false })`
 * does not): half the synth time and two thirds of the memory at a thousand
 * services, and the output is byte for byte the same. Returns whether it is
 * off; when cdktf changed shape it stays on (slower, still correct).
 */
export function disableTokenStackTraces(): boolean {
  if (!stackTraceModule) return false;
  stackTraceModule.captureStackTrace = noStackTrace;
  return stackTraceModule.captureStackTrace === noStackTrace;
}

function noStackTrace(): string[] {
  return [];
}

/**
 * The validation cdktf adds to a stack with resource moves (Terraform >= 1.5).
 * Without cdktf's class, our own: it runs `terraform version` the same way.
 */
export function terraformVersionValidation(range: string, message: string): IValidation {
  if (TerraformVersionValidation) return new TerraformVersionValidation(range, message);
  return {
    validate: () => {
      const run = spawnSync(process.env.TERRAFORM_BINARY_NAME || 'terraform', ['version', '-json'], { encoding: 'utf8' });
      const version = /"terraform_version":\s*"(\d+)\.(\d+)/.exec(run.stdout ?? '');
      if (!version) return [`could not run terraform version to check ${range}: ${message}`];
      const [major, minor] = [Number(version[1]), Number(version[2])];
      return major > 1 || (major === 1 && minor >= 5) ? [] : [message];
    },
  };
}

/** Runs custom synthesis (leaves first) as cdktf's stack synthesizer does. */
export function runCustomSynthesis(nodes: readonly IConstruct[], session: unknown): void {
  for (const node of nodes) {
    (node as IConstruct & { [CUSTOM_SYNTHESIS]?: { onSynthesize(s: unknown): void } })[CUSTOM_SYNTHESIS]?.onSynthesize(session);
  }
}

/** cdktf's process-wide token map (private): every token ever encoded, held for good. */
interface TokenMapShape {
  readonly stringTokenMap: Map<string, unknown>;
  readonly numberTokenMap: Map<number, unknown>;
}

function tokenMap(): TokenMapShape | undefined {
  Token.asString(Lazy.stringValue({ produce: () => '' })); // cdktf creates the map on first use
  const map = (globalThis as { __cdktfTokenMap?: Partial<TokenMapShape> }).__cdktfTokenMap;
  return map?.stringTokenMap instanceof Map && map.numberTokenMap instanceof Map ? (map as TokenMapShape) : undefined;
}

const TOKEN_MAP = tokenMap();

/**
 * Marks cdktf's token map; the returned function forgets the tokens encoded
 * since (and so the constructs they hold). For tokens that nothing will
 * resolve again: a batch of stacks already rendered. A token used after it
 * was forgotten fails loudly in cdktf ("Unrecognized Token Key"), never
 * silently. When cdktf changed shape, nothing is forgotten (more memory,
 * same bytes).
 */
export function markTokens(): () => void {
  if (!TOKEN_MAP) return () => undefined;
  const strings = TOKEN_MAP.stringTokenMap.size;
  const numbers = TOKEN_MAP.numberTokenMap.size;
  return () => {
    forgetAfter(TOKEN_MAP.stringTokenMap, strings);
    forgetAfter(TOKEN_MAP.numberTokenMap, numbers);
  };
}

/** Deletes the entries of `map` after its first `keep` (a Map keeps insertion order). */
function forgetAfter<K>(map: Map<K, unknown>, keep: number): void {
  let index = 0;
  for (const key of map.keys()) if (index++ >= keep) map.delete(key);
}
