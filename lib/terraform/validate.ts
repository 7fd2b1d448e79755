// `npm run validate`: terraform init (no backend) + terraform validate in every
// stack folder of a cdktf output, in parallel, with the real providers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  firstError,
  inPool,
  initWithoutBackend,
  mergedRequiredProviders,
  removeLockFile,
  stackDirs,
  terraform,
  warmPluginCache,
  type TerraformSetup,
} from './cli';

export interface StackValidation {
  readonly stack: string;
  readonly ok: boolean;
  /** Terraform's own diagnostics when not ok. */
  readonly message: string;
  readonly seconds: number;
}

export interface ValidateOptions {
  readonly parallelism: number;
  /** Called as each stack finishes (for one line per stack). */
  readonly onResult?: (result: StackValidation) => void;
}

/** Validates every stack of `outDir`; resolves to one result per stack, sorted by name. */
export async function validateStacks(setup: TerraformSetup, outDir: string, options: ValidateOptions): Promise<StackValidation[]> {
  const stacks = stackDirs(outDir);
  const configs = stacks.map((s) => JSON.parse(readFileSync(join(s.dir, 'cdk.tf.json'), 'utf8')));
  await warmPluginCache(setup, mergedRequiredProviders(configs));
  return inPool(stacks, options.parallelism, async ({ name, dir }) => {
    const result = await validateDir(setup, name, dir);
    options.onResult?.(result);
    return result;
  });
}

async function validateDir(setup: TerraformSetup, stack: string, dir: string): Promise<StackValidation> {
  try {
    const init = await initWithoutBackend(setup, dir);
    if (init.code !== 0) return { stack, ok: false, message: `terraform init failed:\n${firstError(init)}`, seconds: init.seconds };
    const validate = await terraform(setup, dir, ['validate', '-no-color']);
    return { stack, ok: validate.code === 0, message: validate.code === 0 ? '' : firstError(validate), seconds: init.seconds + validate.seconds };
  } finally {
    removeLockFile(setup, dir);
  }
}

/** One line per stack, then a summary; the text `npm run validate` prints. */
export function formatValidation(result: StackValidation): string {
  const head = `${result.ok ? 'ok  ' : 'FAIL'} ${result.stack} (${result.seconds.toFixed(1)} s)`;
  return result.ok ? head : `${head}\n${indent(result.message)}`;
}

export function validationSummary(results: readonly StackValidation[], seconds: number): string {
  const failed = results.filter((r) => !r.ok);
  return failed.length === 0
    ? `terraform validate: all ${results.length} stacks valid (${seconds.toFixed(1)} s)`
    : `terraform validate: ${failed.length} of ${results.length} stacks invalid: ${failed.map((r) => r.stack).join(', ')} (${seconds.toFixed(1)} s)`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
