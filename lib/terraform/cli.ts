// Runs the terraform binary for our commands (validate, test:terraform,
// test:emulator) the same way everywhere: a shared provider plugin cache, a
// generated CLI configuration that installs providers from the offline mirror
// when one is present (the public registry otherwise), no prompts, no
// telemetry, and never a lock file left behind that was made from the mirror.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Where our terraform runs keep their plugin cache, CLI configuration and work folders (gitignored). */
export const WORK_DIR_NAME = '.terraform-work';
/** The mirror's path inside the shared folder beside a clone (`<clone>/../shared`). */
const MIRROR_IN_SHARED = join('shared', 'terraform-providers');

export interface TerraformSetup {
  /** Environment for every terraform process. */
  readonly env: NodeJS.ProcessEnv;
  /** The filesystem mirror providers come from; undefined: the public registry. */
  readonly mirror?: string;
  readonly workDir: string;
  readonly pluginCacheDir: string;
}

/**
 * The offline provider mirror: `TF_PROVIDER_MIRROR` when set, else
 * `shared/terraform-providers` in the nearest parent folder of the clone that
 * has one (CI: `<clone>/../shared`); undefined when there is none.
 */
export function findProviderMirror(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TF_PROVIDER_MIRROR) {
    const explicit = resolve(env.TF_PROVIDER_MIRROR);
    if (!existsSync(join(explicit, 'registry.terraform.io'))) {
      throw new Error(`TF_PROVIDER_MIRROR=${env.TF_PROVIDER_MIRROR} has no registry.terraform.io folder; point it at a Terraform filesystem mirror or unset it`);
    }
    return explicit;
  }
  for (let dir = dirname(resolve(repoRoot)); ; dir = dirname(dir)) {
    const candidate = join(dir, MIRROR_IN_SHARED);
    if (existsSync(join(candidate, 'registry.terraform.io'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The text of the generated CLI configuration. */
export function cliConfig(pluginCacheDir: string, mirror?: string): string {
  const lines = [
    `plugin_cache_dir = ${JSON.stringify(pluginCacheDir)}`,
    // Lock files are never kept (see removeLockFile), so the cache may serve
    // providers no lock file has recorded yet: init links instead of unzipping.
    'plugin_cache_may_break_dependency_lock_file = true',
  ];
  if (mirror) {
    lines.push(
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(mirror)}`,
      '    include = ["registry.terraform.io/hashicorp/*"]',
      '  }',
      '  direct {',
      '    exclude = ["registry.terraform.io/hashicorp/*"]',
      '  }',
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the CLI configuration and plugin cache under `<repo>/.terraform-work` and returns the environment to run terraform with. */
export function setUpTerraform(repoRoot: string, env: NodeJS.ProcessEnv = process.env): TerraformSetup {
  const version = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8', env: { ...env, CHECKPOINT_DISABLE: '1' } });
  if (version.error || version.status !== 0) {
    throw new Error('terraform is not on PATH: install Terraform >= 1.11 (https://developer.hashicorp.com/terraform/install) and run again');
  }
  const workDir = join(resolve(repoRoot), WORK_DIR_NAME);
  const pluginCacheDir = join(workDir, 'plugin-cache');
  mkdirSync(pluginCacheDir, { recursive: true });
  const mirror = findProviderMirror(repoRoot, env);
  const configFile = join(workDir, 'cli.tfrc');
  // Atomically: another run may be reading it.
  const partial = `${configFile}.${process.pid}`;
  writeFileSync(partial, cliConfig(pluginCacheDir, mirror));
  renameSync(partial, configFile);
  return {
    env: {
      ...env,
      TF_CLI_CONFIG_FILE: configFile,
      TF_PLUGIN_CACHE_DIR: pluginCacheDir,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
    },
    mirror,
    workDir,
    pluginCacheDir,
  };
}

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Runs `terraform <args>` in `cwd`; never throws for a non-zero exit (the caller reads `code`). */
export function terraform(setup: TerraformSetup, cwd: string, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<TerraformResult> {
  const started = process.hrtime.bigint();
  return new Promise((done, fail) => {
    const child = spawn('terraform', ['-chdir=' + cwd, ...args], { env: { ...setup.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr, seconds: Number(process.hrtime.bigint() - started) / 1e9 }));
  });
}

/** `terraform init` without a backend (no state, no credentials). */
export async function initWithoutBackend(setup: TerraformSetup, dir: string): Promise<TerraformResult> {
  return terraform(setup, dir, ['init', '-backend=false', '-input=false', '-no-color']);
}

/** A lock file made from the mirror records hashes the public registry will not match: never leave one behind. */
export function removeLockFile(setup: TerraformSetup, dir: string): void {
  if (setup.mirror) rmSync(join(dir, '.terraform.lock.hcl'), { force: true });
}

/** `removeLockFile` in every folder under `root` (after a run that used several). */
export function removeLockFiles(setup: TerraformSetup, root: string): void {
  if (!existsSync(root)) return;
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name === '.terraform.lock.hcl') removeLockFile(setup, entry.parentPath);
  }
}

/**
 * Fills the plugin cache with every provider `requiredProviders` names,
 * in one init, so that the parallel inits after it only link (concurrent
 * inits writing the same provider into an empty cache can corrupt it).
 */
export async function warmPluginCache(setup: TerraformSetup, requiredProviders: Record<string, unknown>): Promise<void> {
  const dir = mkdtempSync(join(setup.workDir, 'warm-cache-'));
  writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: requiredProviders } }, null, 2));
  const result = await initWithoutBackend(setup, dir);
  if (result.code !== 0) throw new Error(`terraform init could not install the providers:\n${firstError(result)}`);
  rmSync(dir, { recursive: true, force: true });
}

/** The `required_providers` of several configurations merged (one entry per provider). */
export function mergedRequiredProviders(configs: readonly { terraform?: { required_providers?: Record<string, unknown> } }[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const config of configs) Object.assign(merged, config.terraform?.required_providers ?? {});
  return merged;
}

/** Terraform's own error text (diagnostics go to stderr; fall back to stdout). */
export function firstError(result: TerraformResult): string {
  return (result.stderr.trim() || result.stdout.trim()).replace(/\n{3,}/g, '\n\n');
}

/** How many terraform processes run at once: the core count, or TF_PARALLEL. */
export function parallelism(env: NodeJS.ProcessEnv = process.env): number {
  const wanted = Number(env.TF_PARALLEL);
  return Number.isInteger(wanted) && wanted > 0 ? wanted : availableParallelism();
}

/** Runs `task` over `items` with at most `limit` running at once, keeping the order of results. */
export async function inPool<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The stack folders of a cdktf output directory (`<out>/stacks/<name>/cdk.tf.json`), sorted by name. */
export function stackDirs(outDir: string): { name: string; dir: string }[] {
  const stacksDir = join(outDir, 'stacks');
  if (!existsSync(stacksDir)) throw new Error(`${stacksDir} does not exist: run \`npm run synth\` first`);
  return readdirSync(stacksDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(stacksDir, entry.name, 'cdk.tf.json')))
    .map((entry) => ({ name: entry.name, dir: join(stacksDir, entry.name) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
