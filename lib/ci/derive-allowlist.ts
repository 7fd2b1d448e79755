// The allowlist from what the constructs emit: every stack of a catalog,
// synthesized in memory (npm run allowlist; test/ci/stack-allowlist.test.ts
// fails when lib/ci/stack-allowlist.json differs from this).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Testing, TerraformStack } from 'cdktf';
import type { Catalog } from '../catalog/load';
import { buildStacks } from '../app';
import { deriveAllowlist, type Allowlist } from './stack-allowlist';

/** Every stack of `catalog` as the JSON written to cdk.tf.json (policy aspects applied). */
export function synthesizedStacks(catalog: Catalog): Record<string, unknown> {
  const outdir = mkdtempSync(join(tmpdir(), 'allowlist-'));
  try {
    const app = new App({ outdir, stackTraces: false });
    buildStacks(app, catalog);
    const stacks = app.node.findAll().filter((node): node is TerraformStack => TerraformStack.isStack(node));
    return Object.fromEntries(stacks.map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack)) as unknown]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The allowlist of everything the stacks of `catalogs` emit. */
export function catalogAllowlist(catalogs: readonly Catalog[]): Allowlist {
  return deriveAllowlist(catalogs.flatMap((catalog) => Object.values(synthesizedStacks(catalog))));
}
