// Runs the generated terraform tests: each selected stack is copied into its
// own work folder with its .tftest.hcl, initialized without a backend and
// tested with mock providers (no credentials, no network).
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../catalog/load';
import { firstError, inPool, initWithoutBackend, mergedRequiredProviders, removeLockFile, terraform, warmPluginCache, type TerraformSetup } from './cli';
import { renderTest, selectStacks } from './tftest';
import type { SynthesizedStack } from './stacks';

export interface StackTestResult {
  readonly stack: string;
  readonly kind: string;
  readonly ok: boolean;
  readonly assertions: number;
  /** `run` blocks terraform reported as passed (each is one mocked plan). */
  readonly plansPassed: number;
  /** Terraform's output when not ok. */
  readonly message: string;
  readonly seconds: number;
  readonly testFile: string;
}

export interface TestOptions {
  readonly parallelism: number;
  readonly onResult?: (result: StackTestResult) => void;
}

export async function testStacks(setup: TerraformSetup, stacks: readonly SynthesizedStack[], catalog: Catalog, options: TestOptions): Promise<StackTestResult[]> {
  const selected = selectStacks(stacks, catalog);
  const rendered = selected.map((stack) => ({ stack, ...renderTest(stack, catalog) }));
  await warmPluginCache(setup, mergedRequiredProviders(selected.map((s) => s.json)));
  return inPool(rendered, options.parallelism, async ({ stack, text, assertions }) => {
    const dir = join(setup.workDir, 'test', stack.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(stack.dir, 'cdk.tf.json'), join(dir, 'cdk.tf.json'));
    const testFile = join(dir, `${stack.kind}.tftest.hcl`);
    writeFileSync(testFile, text);
    const result = await runTest(setup, dir);
    const outcome: StackTestResult = { stack: stack.name, kind: stack.kind, assertions, testFile, ...result };
    options.onResult?.(outcome);
    return outcome;
  });
}

async function runTest(setup: TerraformSetup, dir: string): Promise<{ ok: boolean; plansPassed: number; message: string; seconds: number }> {
  try {
    const init = await initWithoutBackend(setup, dir);
    if (init.code !== 0) return { ok: false, plansPassed: 0, message: `terraform init failed:\n${firstError(init)}`, seconds: init.seconds };
    const test = await terraform(setup, dir, ['test', '-no-color']);
    const passed = /(\d+) passed, (\d+) failed/.exec(test.stdout);
    const plansPassed = passed ? Number(passed[1]) : 0;
    const ok = test.code === 0 && passed !== null && Number(passed[2]) === 0 && plansPassed > 0;
    return { ok, plansPassed, message: ok ? '' : `${test.stdout.trim()}\n${test.stderr.trim()}`.trim(), seconds: init.seconds + test.seconds };
  } finally {
    removeLockFile(setup, dir);
  }
}

export function formatTestResult(result: StackTestResult): string {
  const head = `${result.ok ? 'ok  ' : 'FAIL'} ${result.stack} (${result.kind}; ${result.assertions} assertions; ${result.seconds.toFixed(1)} s)`;
  return result.ok
    ? head
    : `${head}\n${result.message
        .split('\n')
        .map((line) => `    ${line}`)
        .join('\n')}\n    test file: ${result.testFile}`;
}

export function testSummary(results: readonly StackTestResult[], total: number, seconds: number): string {
  const failed = results.filter((r) => !r.ok);
  const kinds = [...new Set(results.map((r) => r.kind))].join(', ');
  const assertions = results.reduce((sum, r) => sum + r.assertions, 0);
  const plans = results.reduce((sum, r) => sum + r.plansPassed, 0);
  const head = `terraform test: ${results.length} of ${total} stacks planned with mock providers (kinds: ${kinds}), ${plans} plans passed, ${assertions} assertions`;
  return failed.length === 0 ? `${head} (${seconds.toFixed(1)} s)` : `${head}; FAILED: ${failed.map((r) => r.stack).join(', ')} (${seconds.toFixed(1)} s)`;
}
