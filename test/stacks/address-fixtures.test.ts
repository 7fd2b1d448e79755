// Proof that moving Cloud SQL and Spanner into capability modules changed no
// address and no value: every stack of the example catalog must synthesize to
// the bytes main produced before the move (test/stacks/fixtures/main/), apart
// from the additions listed in INTENDED_ADDITIONS.
//
// Regenerate the fixtures from main's own output, never from this branch:
//   git worktree add /tmp/main-fixtures main
//   cp test/stacks/address-fixtures.test.ts /tmp/main-fixtures/test/stacks/
//   (cd /tmp/main-fixtures && ln -s /work/main/node_modules node_modules;
//    WRITE_ADDRESS_FIXTURES=$PWD/../<this repo>/test/stacks/fixtures/main npx jest test/stacks/address-fixtures.test.ts)
//   git worktree remove --force /tmp/main-fixtures
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { buildStacks } from '../../lib/app';
import { exampleCatalog } from '../helpers';

const FIXTURES = join(__dirname, 'fixtures', 'main');

/**
 * What this branch adds on purpose, as JSON paths (stack, then keys) removed
 * from the new output before the comparison. Everything else must be equal
 * byte for byte.
 */
export const INTENDED_ADDITIONS: Readonly<Record<string, readonly (readonly string[])[]>> = {};

function synthesizedStacks(): Record<string, string> {
  const app = Testing.app();
  buildStacks(app, exampleCatalog());
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
  return Object.fromEntries(stacks.map((stack) => [stack.node.id, Testing.synth(stack)]));
}

/** Deletes `path` from `json`; fails when it is not there (a stale entry hides nothing). */
function remove(json: Record<string, unknown>, path: readonly string[], stack: string): void {
  let node: Record<string, unknown> = json;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path[path.length - 1];
  if (node === undefined || !(last in node)) throw new Error(`${stack}: intended addition ${path.join('.')} is not in the output; remove it from INTENDED_ADDITIONS`);
  delete node[last];
  // Drop containers the additions emptied (a resource type with only new resources).
  for (let depth = path.length - 1; depth > 0; depth--) {
    let parent: Record<string, unknown> = json;
    for (const key of path.slice(0, depth - 1)) parent = parent[key] as Record<string, unknown>;
    const child = parent[path[depth - 1]] as Record<string, unknown>;
    if (Object.keys(child).length === 0) delete parent[path[depth - 1]];
  }
}

const current = synthesizedStacks();

if (process.env.WRITE_ADDRESS_FIXTURES) {
  it('writes the fixtures', () => {
    const dir = process.env.WRITE_ADDRESS_FIXTURES!;
    mkdirSync(dir, { recursive: true });
    for (const [name, json] of Object.entries(current)) writeFileSync(join(dir, `${name}.json`), `${json}\n`);
    expect(readdirSync(dir).length).toBeGreaterThan(0);
  });
} else {
  const fixtures = readdirSync(FIXTURES).map((f) => f.replace(/\.json$/, ''));

  describe("the example catalog's synthesized JSON, byte for byte", () => {
    it('has the same stacks as main', () => {
      expect(Object.keys(current).sort()).toEqual(fixtures.sort());
    });

    it.each(fixtures)('%s equals main apart from the listed additions', (name) => {
      let before = readFileSync(join(FIXTURES, `${name}.json`), 'utf8');
      const additions = INTENDED_ADDITIONS[name] ?? [];
      let after = `${current[name]}\n`;
      if (additions.length > 0) {
        // cdktf prints empty objects its own way: both sides go through the
        // same printer (key order and every value still compared).
        const json = JSON.parse(current[name]) as Record<string, unknown>;
        for (const path of additions) remove(json, path, name);
        after = JSON.stringify(json, null, 2);
        before = JSON.stringify(JSON.parse(before), null, 2);
      }
      expect(after).toBe(before);
    });
  });
}
