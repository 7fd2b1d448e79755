// npm run test:terraform: terraform test with mock providers on one stack of
// every kind and shape (package.json synthesizes first). CATALOG_DIR as synth.
import { resolve } from 'node:path';
import { loadCatalog } from '../lib/catalog/load';
import { parallelism, setUpTerraform } from '../lib/terraform/cli';
import { readStacks } from '../lib/terraform/stacks';
import { formatTestResult, testStacks, testSummary } from '../lib/terraform/test-stacks';

async function main(): Promise<number> {
  const catalog = loadCatalog(process.env.CATALOG_DIR ?? process.cwd());
  const stacks = readStacks(resolve(process.env.CDKTF_OUTDIR ?? 'cdktf.out'));
  const setup = setUpTerraform(process.cwd());
  console.log(`providers: ${setup.mirror ? `offline mirror ${setup.mirror}` : 'the public registry'}`);
  const started = Date.now();
  const results = await testStacks(setup, stacks, catalog, { parallelism: parallelism(), onResult: (r) => console.log(formatTestResult(r)) });
  console.log(testSummary(results, stacks.length, (Date.now() - started) / 1000));
  return results.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  },
);
