// Bundles the CI commands that only read plans and write reports into one
// self-contained file each (dist/ci-tools/<command>.js, no node_modules
// needed). A workflow's first job builds them after its one `npm ci` and
// passes them on as an artifact: the jobs that plan, comment or report run
// them with plain `node`, without installing the project (docs/DELIVERY.md, "Fast CI").
import { build } from 'esbuild';

export const CI_TOOLS = ['plan-comment', 'destroy-guard', 'pr-summary', 'plan-provenance', 'drift-report', 'apply-marker'];

await build({
  entryPoints: CI_TOOLS.map((name) => `bin/${name}.ts`),
  outdir: 'dist/ci-tools',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
