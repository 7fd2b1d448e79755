// docs/SECURITY.md is the reviewer's view of the security gate: these tests
// keep its tables equal to the rules, the waivers of the example catalog and
// the checkov skips in .checkov.yaml.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { RULES } from '../../lib/policy/rules';
import { allWaivers } from '../../lib/policy/waivers';
import { buildStacks } from '../../lib/app';
import { exampleCatalog, REPO_ROOT } from '../helpers';

const doc = readFileSync(join(REPO_ROOT, 'docs/SECURITY.md'), 'utf8');
const checkovText = readFileSync(join(REPO_ROOT, '.checkov.yaml'), 'utf8');
const checkov = parse(checkovText) as { 'skip-check'?: string[]; framework?: string[] };

/** The rows of the markdown table under `heading`, as arrays of cell text. */
function table(heading: string): string[][] {
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/SECURITY.md has no heading "${heading}"`);
  const lines = doc.slice(start + heading.length + 2).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim()));
  }
  return rows;
}

const unquote = (cell: string) => cell.replace(/^`|`$/g, '');

describe('docs/SECURITY.md', () => {
  it('lists every policy rule, and only those, in the order of RULES', () => {
    expect(table('## Synth-time policy').map((row) => unquote(row[0]))).toEqual(RULES.map((rule) => rule.id));
  });

  it('lists every waiver of the example catalog with its reason', () => {
    const app = Testing.app();
    buildStacks(app, exampleCatalog());
    const documented = table('## Waivers').map(([path, rule, reason]) => ({ path: unquote(path), rule: unquote(rule), reason }));
    expect(documented).toEqual(allWaivers(app).map(({ path, rule, reason }) => ({ path, rule, reason })));
  });

  it('lists every checkov skip of .checkov.yaml, and only those, each with a reason', () => {
    const skips = checkov['skip-check'] ?? [];
    const rows = table('### checkov skips');
    expect(rows.map((row) => row[0])).toEqual(skips);
    for (const [, reason] of rows) expect(reason.length).toBeGreaterThan(40);
  });
});

describe('.checkov.yaml', () => {
  it('scans Terraform JSON', () => {
    expect(checkov.framework).toEqual(['terraform_json']);
  });

  it('gives every skip a comment with its reason right above it', () => {
    const lines = checkovText.split('\n');
    for (const check of checkov['skip-check'] ?? []) {
      let index = lines.findIndex((line) => line.trim() === `- ${check}`);
      expect(index).toBeGreaterThan(0);
      // Skips that share one reason are listed together under its comment.
      while (/^\s*- CKV/.test(lines[index - 1])) index--;
      expect(lines[index - 1]).toMatch(/^\s*# \S/);
    }
  });
});
