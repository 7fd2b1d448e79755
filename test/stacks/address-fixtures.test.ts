// Proof that moving Cloud SQL and Spanner into capability modules changed no
// address and no value: every stack of the example catalog must synthesize to
// the bytes main produced before the move (test/stacks/fixtures/main/), apart
// from the additions listed in fixtures/intended-additions.json.
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
 * What this branch adds on purpose (fixtures/intended-additions.json, read it
 * in review): per stack, JSON paths of added keys, and added items of string
 * lists (e.g. depends_on gaining a new API), removed from the new output
 * before the comparison. Everything else must be equal byte for byte.
 * `WRITE_INTENDED_ADDITIONS=1` rewrites the file from the current difference,
 * and fails instead when anything was changed or removed rather than added.
 */
interface Addition {
  readonly path: readonly string[];
  /** An item added to the string list at `path`; none: the key at `path` is new. */
  readonly item?: string;
}
const ADDITIONS_FILE = join(__dirname, 'fixtures', 'intended-additions.json');

function synthesizedStacks(): Record<string, string> {
  const app = Testing.app();
  buildStacks(app, exampleCatalog());
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
  return Object.fromEntries(stacks.map((stack) => [stack.node.id, Testing.synth(stack)]));
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The additions that turn `before` into `after`, or the first path where something else changed. */
function additions(before: Json, after: Json, path: string[] = []): { added: Addition[]; changed?: string } {
  const isObject = (v: Json): v is { [key: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const added: Addition[] = [];
    for (const key of Object.keys(before)) if (!(key in after)) return { added, changed: [...path, key].join(' > ') + ' was removed' };
    for (const key of Object.keys(after)) {
      if (!(key in before)) {
        added.push({ path: [...path, key] });
        continue;
      }
      const inner = additions(before[key], after[key], [...path, key]);
      added.push(...inner.added);
      if (inner.changed) return { added, changed: inner.changed };
    }
    return { added };
  }
  if (Array.isArray(before) && Array.isArray(after) && after.every((v) => typeof v === 'string')) {
    const extra = after.filter((v) => !before.includes(v)) as string[];
    const kept = after.filter((v) => before.includes(v));
    if (JSON.stringify(kept) !== JSON.stringify(before)) return { added: [], changed: `${path.join(' > ')} changed` };
    return { added: extra.map((item) => ({ path, item })) };
  }
  return JSON.stringify(before) === JSON.stringify(after) ? { added: [] } : { added: [], changed: `${path.join(' > ')} changed` };
}

/** Removes one addition from `json`; fails when it is not there (a stale entry hides nothing). */
function remove(json: Record<string, unknown>, addition: Addition, stack: string): void {
  const { path } = addition;
  let node: Record<string, unknown> = json;
  for (const key of path.slice(0, -1)) node = (node?.[key] ?? undefined) as Record<string, unknown>;
  const last = path[path.length - 1];
  if (node === undefined || !(last in node)) throw new Error(`${stack}: intended addition ${path.join(' > ')} is not in the output; regenerate ${ADDITIONS_FILE}`);
  if (addition.item !== undefined) {
    const list = node[last] as string[];
    if (!list.includes(addition.item)) throw new Error(`${stack}: intended addition ${addition.item} is not in ${path.join(' > ')}`);
    node[last] = list.filter((v) => v !== addition.item);
    return;
  }
  delete node[last];
  // Drop containers the additions emptied (a resource type with only new resources).
  for (let depth = path.length - 1; depth > 0; depth--) {
    let parent: Record<string, unknown> = json;
    for (const key of path.slice(0, depth - 1)) parent = parent[key] as Record<string, unknown>;
    const child = parent[path[depth - 1]] as Record<string, unknown>;
    if (child && typeof child === 'object' && !Array.isArray(child) && Object.keys(child).length === 0) delete parent[path[depth - 1]];
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

    if (process.env.WRITE_INTENDED_ADDITIONS) {
      it('writes the intended additions (only additions)', () => {
        const all: Record<string, Addition[]> = {};
        for (const name of fixtures) {
          const found = additions(JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')), JSON.parse(current[name]));
          if (found.changed) throw new Error(`${name}: ${found.changed}: not an addition`);
          if (found.added.length > 0) all[name] = found.added;
        }
        writeFileSync(ADDITIONS_FILE, `${JSON.stringify(all, null, 1)}\n`);
        expect(Object.keys(all).length).toBeGreaterThan(0);
      });
      return;
    }
    const intended = JSON.parse(readFileSync(ADDITIONS_FILE, 'utf8')) as Record<string, Addition[]>;

    it.each(fixtures)('%s equals main apart from the listed additions', (name) => {
      let before = readFileSync(join(FIXTURES, `${name}.json`), 'utf8');
      const listed = intended[name] ?? [];
      let after = `${current[name]}\n`;
      if (listed.length > 0) {
        // cdktf prints empty objects its own way: both sides go through the
        // same printer (key order and every value still compared).
        const json = JSON.parse(current[name]) as Record<string, unknown>;
        for (const addition of listed) remove(json, addition, name);
        after = JSON.stringify(json, null, 2);
        before = JSON.stringify(JSON.parse(before), null, 2);
      }
      expect(after).toBe(before);
    });
  });
}
