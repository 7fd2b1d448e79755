// npm run validate [-- <cdktf output dir>]: terraform validate on every
// synthesized stack with the real providers (package.json synthesizes first).
import { resolve } from 'node:path';
import { parallelism, setUpTerraform } from '../lib/terraform/cli';
import { formatValidation, validateStacks, validationSummary } from '../lib/terraform/validate';

async function main(): Promise<number> {
  const repoRoot = process.cwd();
  const outDir = resolve(process.argv[2] ?? 'cdktf.out');
  const setup = setUpTerraform(repoRoot);
  console.log(`providers: ${setup.mirror ? `offline mirror ${setup.mirror}` : 'the public registry'}; plugin cache ${setup.pluginCacheDir}`);
  const started = Date.now();
  const results = await validateStacks(setup, outDir, { parallelism: parallelism(), onResult: (r) => console.log(formatValidation(r)) });
  console.log(validationSummary(results, (Date.now() - started) / 1000));
  return results.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  },
);
