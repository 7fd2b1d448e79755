#!/usr/bin/env node
// `npm run codeowners`: regenerates .github/CODEOWNERS from the catalog.
// `npm run codeowners -- --check`: exits 1 when the committed file is stale (CI).
// Environment: CATALOG_DIR (default: the current directory), like synth.
import { dirname, join } from 'node:path';
import { CatalogError, loadCatalog } from '../lib/catalog/load';
import { CODEOWNERS_FILE, readCodeowners, renderCodeowners } from '../lib/codeowners';
import { writeFileAtomic } from '../lib/new-service/atomic-write';
import { mkdirSync } from 'node:fs';

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    console.error(`codeowners: unknown argument ${unknown.join(' ')}; use no arguments to regenerate, or --check to verify (e.g. npm run codeowners -- --check)`);
    return 1;
  }
  const root = process.env.CATALOG_DIR ?? process.cwd();
  let catalog;
  try {
    catalog = loadCatalog(root);
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    console.error(error.message);
    return 1;
  }
  let before;
  try {
    before = readCodeowners(root);
  } catch (error) {
    console.error(`${CODEOWNERS_FILE}: cannot be read (${(error as Error).message}); it must be a text file, or absent to be created`);
    return 1;
  }
  const after = renderCodeowners(catalog.services, catalog.platform.github);
  if (after === before) {
    console.log(`${CODEOWNERS_FILE} is up to date (${catalog.services.length} services).`);
    return 0;
  }
  if (check) {
    console.error(`${CODEOWNERS_FILE} ${before === undefined ? 'is missing' : `does not match the catalog (first difference: line ${firstDifference(before, after)})`}; run \`npm run codeowners\` and commit the result.`);
    return 1;
  }
  const path = join(root, CODEOWNERS_FILE);
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, after);
  console.log(`Wrote ${CODEOWNERS_FILE} (${catalog.services.length} services).`);
  return 0;
}

/** The 1-based line where `a` and `b` first differ. */
function firstDifference(a: string, b: string): number {
  const left = a.split('\n');
  const right = b.split('\n');
  let line = 0;
  while (line < left.length && left[line] === right[line]) line++;
  return line + 1;
}

process.exitCode = main(process.argv.slice(2));
