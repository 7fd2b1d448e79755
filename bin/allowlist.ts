#!/usr/bin/env node
// npm run allowlist: writes lib/ci/stack-allowlist.json from the stacks of the
// catalog (CATALOG_DIR, default the repository's example catalog). Review the
// diff: it is what a pull request's synthesized stacks may contain before the
// trusted plan job runs Terraform on them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../lib/catalog/load';
import { catalogAllowlist } from '../lib/ci/derive-allowlist';
import { ALLOWLIST_FILE, renderAllowlist } from '../lib/ci/stack-allowlist';
import { runCli } from '../lib/ci/cli';

runCli('usage: npm run allowlist', () => {
  const root = process.cwd();
  const allowlist = catalogAllowlist([loadCatalog(process.env.CATALOG_DIR ?? root)]);
  writeFileSync(join(root, ALLOWLIST_FILE), renderAllowlist(allowlist));
  console.log(`wrote ${ALLOWLIST_FILE}: ${allowlist.resourceTypes.length} resource types, ${allowlist.dataTypes.length} data source types, providers ${Object.keys(allowlist.providers).join(', ')}`);
});
