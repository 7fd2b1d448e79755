#!/usr/bin/env node
// Synthesizes the catalog (platform.yaml + services/) into cdktf.out/.
// Environment: CATALOG_DIR (default: the current directory).
import { App } from 'cdktf';
import { CatalogError, loadCatalog } from '../lib/catalog/load';
import { buildStacks } from '../lib/app';

function main(): void {
  let catalog;
  try {
    catalog = loadCatalog(process.env.CATALOG_DIR ?? process.cwd());
  } catch (error) {
    if (error instanceof CatalogError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const app = new App({ stackTraces: false });
  buildStacks(app, catalog);
  app.synth();
}

main();
