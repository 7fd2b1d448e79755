// Every use of cdktf's non-public API, in one file. Each piece is detected
// when this module loads; if one is missing or changed shape (a cdktf
// release, the community fork), the speed-up it serves is off, one warning
// says so, and synth takes cdktf's public path (`stack.toTerraform()` and our
// serializer): slower, the same bytes. test/synth/seam.test.ts synthesizes
// the example catalog both ways and compares.
/* eslint-disable @typescript-eslint/no-require-imports */
import { TerraformStack } from 'cdktf';
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
      const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
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
