#!/usr/bin/env node
// Synthesizes the catalog (platform.yaml + services/) into cdktf.out/.
// Usage: node dist/bin/main.js [stack-pattern ...]   (npm run synth -- 'service-payment-*')
// Environment: CATALOG_DIR (default: the current directory); STACKS (comma-
// separated stack patterns, like the arguments); CDKTF_OUTDIR (default
// cdktf.out); SYNTH_WORKERS (threads for a full synth, default one per core
// from 200 stacks); SYNTH_PUBLIC_PATH=1 (render through cdktf's public API
// only). The whole catalog is validated even when only some stacks are
// synthesized; the output is replaced as a whole, under cdktf.out.lock.
import { CatalogError, loadCatalog } from '../lib/catalog/load';
import { stackNames } from '../lib/app';
import { StackSelectionError, SynthError, prestartForCatalog, stackSelector, synthesizeCatalog } from '../lib/synth';
import { cappedLines, createProgress, plural, progressWanted, summarizeList } from '../lib/cli-output';

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  let catalog;
  let include;
  const root = process.env.CATALOG_DIR ?? process.cwd();
  const patterns = [...process.argv.slice(2), ...(process.env.STACKS ?? '').split(',')];
  // A full synth of a large catalog: its workers load cdktf while this thread reads the catalog.
  const prestarted = patterns.every((pattern) => pattern.trim() === '') ? prestartForCatalog(root) : undefined;
  try {
    catalog = loadCatalog(root);
    include = stackSelector(patterns, stackNames(catalog));
  } catch (error) {
    if (error instanceof CatalogError || error instanceof StackSelectionError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const progress = progressWanted(process.stderr, process.env) ? createProgress(process.stderr) : undefined;
  let summary;
  try {
    summary = await synthesizeCatalog(catalog, { include, prestarted, onProgress: progress?.update });
  } finally {
    progress?.clear();
  }
  for (const warning of cappedLines(summary.warnings, 20, 'warnings')) console.error(`warning: ${warning}`);
  // Waivers are notices, on stdout: the cdktf CLI shows stderr lines as errors.
  const notices = [...new Set(summary.notices)];
  for (const notice of cappedLines(notices, 10, 'policy waivers (docs/SECURITY.md lists them all)')) console.log(`notice: ${notice}`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const removed = summary.removed.length > 0 ? `, removed ${summarizeList(summary.removed)}` : '';
  const waivers = notices.length > 0 ? `, ${plural(notices.length, 'policy waiver')}` : '';
  console.log(
    `Synthesized ${plural(summary.stacks, 'stack')} into ${summary.outdir}: ` +
      `${summary.written.length} written, ${summary.unchanged.length} unchanged${removed}${waivers} (${seconds.toFixed(2)} s)`,
  );
}

// Errors that explain themselves (a policy violation, a failed validation) print
// as their message; anything else is a bug: keep its stack. By name, because
// an error from a worker thread arrives as a plain Error with the name kept.
const SELF_EXPLAINING = new Set([SynthError.name, 'PolicyError']);

main().catch((error: unknown) => {
  console.error(error instanceof Error && SELF_EXPLAINING.has(error.name) ? error.message : error);
  process.exit(1);
});
