// npm run test:emulator: real applies on local servers this command starts
// and stops itself: the Spanner part of a service on the Cloud Spanner
// emulator, the Kubernetes side of the stacks on a local kube-apiserver
// (package.json synthesizes first). CATALOG_DIR as synth.
import { join, resolve } from 'node:path';
import { loadCatalog } from '../lib/catalog/load';
import { mergedRequiredProviders, removeLockFiles, setUpTerraform, warmPluginCache } from '../lib/terraform/cli';
import { readStacks } from '../lib/terraform/stacks';
import { Servers } from '../lib/terraform/emulator/servers';
import { Steps } from '../lib/terraform/emulator/steps';
import { runSpannerOnEmulator } from '../lib/terraform/emulator/spanner';
import { kubernetesStacks, runKubernetesOnApiServer } from '../lib/terraform/emulator/kube';
import { selectStacks } from '../lib/terraform/tftest';

async function main(): Promise<number> {
  const started = Date.now();
  const catalog = loadCatalog(process.env.CATALOG_DIR ?? process.cwd());
  const stacks = readStacks(resolve(process.env.CDKTF_OUTDIR ?? 'cdktf.out'));
  const setup = setUpTerraform(process.cwd());
  const steps = new Steps((line) => console.log(line));
  const servers = new Servers();
  const stop = (signal: NodeJS.Signals) => {
    void servers.stopAll().then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stop).once('SIGTERM', stop).once('SIGHUP', stop);
  try {
    // One stack per kind and shape (as test:terraform), every one that manages Kubernetes objects.
    const kube = kubernetesStacks(selectStacks(stacks, catalog));
    await warmPluginCache(setup, mergedRequiredProviders(stacks.map((s) => s.json)));
    await runSpannerOnEmulator(setup, catalog, servers, steps);
    await runKubernetesOnApiServer(setup, kube, servers, steps);
  } finally {
    await servers.stopAll();
    removeLockFiles(setup, join(setup.workDir, 'emulator'));
  }
  const failed = steps.results.filter((r) => !r.ok);
  console.log(
    `test:emulator: ${steps.results.length - failed.length} of ${steps.results.length} steps passed, ${steps.resourcesApplied} resources applied, ${steps.plansRun} plans run (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  },
);
