// Shared by the bin/ entry points of the CI tools: one way to report a usage
// error (exit 2) or a known failure (exit 2, message only, no stack trace).
import { CatalogError } from '../catalog/load';
import { PlanError } from './plan-json';
import { SynthDirError } from './changed-stacks';
import { ProvenanceError } from './plan-provenance';

export class UsageError extends Error {}

/** Runs `main`; known errors print their message and exit 2 (1 is kept for "the check failed"). */
export function runCli(usage: string, main: () => number | void): void {
  try {
    const code = main();
    if (code) process.exitCode = code;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(error as Error).message}\n${usage}`);
    } else if (error instanceof PlanError || error instanceof SynthDirError || error instanceof CatalogError || error instanceof ProvenanceError) {
      console.error(error.message);
    } else {
      throw error;
    }
    process.exitCode = 2;
  }
}

/** The `--stacks` value of a CI command: the JSON list of stack names that changed-stacks printed. */
export function stackList(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`--stacks: not JSON; pass the "stacks" output of changed-stacks, e.g. '["platform"]'`);
  }
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) throw new UsageError('--stacks: expected a JSON list of stack names');
  return value;
}
