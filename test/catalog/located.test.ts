// Every catalog problem points at its file, line and column with an excerpt,
// every independent problem of a file is reported in one run, hostile YAML gets
// one clear message, and only regular files inside the catalog are read.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogError, loadCatalog, type CatalogProblem } from '../../lib/catalog/load';
import { MAX_CATALOG_FILE_BYTES } from '../../lib/catalog/source';
import { REPO_ROOT, tempCatalog } from '../helpers';

function errorOf(root: string): CatalogError {
  try {
    loadCatalog(root);
  } catch (error) {
    if (error instanceof CatalogError) return error;
    throw error;
  }
  throw new Error('expected the catalog to be rejected');
}

const located = (files: Record<string, string | null>): readonly CatalogProblem[] => errorOf(tempCatalog(files)).located;

const BASE = 'team: payments\nownerGroup: payments@example.com\n';

interface Case {
  readonly kind: string;
  readonly file: string;
  readonly content: string;
  /** Start of the one-line text. */
  readonly text: string;
  readonly line: number;
  readonly column: number;
  /** The underlined characters. */
  readonly underlined: string;
}

const cases: Case[] = [
  { kind: 'a wrong type', file: 'services/payment.yaml', content: `${BASE}databases:\n  cloudsql:\n    engine: postgres\n    tier: 42\n`, text: 'services/payment.yaml: databases.cloudsql.tier: expected a string', line: 6, column: 11, underlined: '42' },
  { kind: 'a value outside its list', file: 'services/payment.yaml', content: `${BASE}nodePool: gpu\n`, text: 'services/payment.yaml: nodePool: expected one of standard, highmem', line: 3, column: 11, underlined: 'gpu' },
  { kind: 'an unknown key', file: 'services/payment.yaml', content: `${BASE}databases:\n  cloudsql:\n    engine: postgres\n    teir: db-custom-1-3840\n`, text: 'services/payment.yaml: databases.cloudsql: unknown key "teir"; did you mean "tier"?', line: 6, column: 5, underlined: 'teir' },
  { kind: 'a missing required key (at the top of the file)', file: 'services/payment.yaml', content: '# comment\nownerGroup: payments@example.com\n', text: 'services/payment.yaml: team: required', line: 2, column: 1, underlined: 'ownerGroup: payments@example.com' },
  { kind: 'a missing key in a mapping (at the mapping)', file: 'services/payment.yaml', content: `${BASE}databases:\n  cloudsql:\n    tier: db-custom-1-3840\n`, text: 'services/payment.yaml: databases.cloudsql.engine: required when Cloud SQL is used', line: 4, column: 3, underlined: 'cloudsql' },
  { kind: 'a basic role (cross-field, at the list item)', file: 'services/payment.yaml', content: `${BASE}teamRoles: [roles/pubsub.editor, roles/editor]\n`, text: 'services/payment.yaml: teamRoles: roles/editor is a basic role', line: 3, column: 34, underlined: 'roles/editor' },
  { kind: 'a shared-core tier made HA by an override (at the override)', file: 'services/payment.yaml', content: `${BASE}databases:\n  cloudsql:\n    engine: postgres\n    tier: db-g1-small\n    highAvailability: false\nenvironments:\n  production:\n    databases:\n      cloudsql:\n        highAvailability: true\n        tier: db-f1-micro\n`, text: 'services/payment.yaml: environments.production.databases.cloudsql.tier: db-f1-micro is a shared-core tier', line: 13, column: 15, underlined: 'db-f1-micro' },
  { kind: 'a database listed twice (at the second copy)', file: 'services/payment.yaml', content: `${BASE}databases:\n  cloudsql:\n    engine: postgres\n    databases:\n      - orders\n      - ledger\n      - orders\n`, text: 'services/payment.yaml: databases.cloudsql.databases: "orders" is listed twice', line: 9, column: 9, underlined: 'orders' },
  { kind: 'an unknown environment', file: 'services/payment.yaml', content: `${BASE}environments:\n  staging: {}\n`, text: 'services/payment.yaml: environments.staging: unknown environment', line: 4, column: 3, underlined: 'staging' },
  { kind: 'overlapping platform ranges', file: 'platform.yaml', content: 'organizationId: "123456789012"\nbillingAccount: 01ABCD-23EF45-67AB89\nserviceProjectsFolder: folders/234567890123\nregion: asia-northeast1\nplatformProject: acme-platform-prod\ndnsDomain: platform.example.com\nstateBucket: acme-terraform-state\ngkeSecurityGroup: gke-security-groups@example.com\nnetwork:\n  podsCidr: 10.0.0.0/14\n', text: 'platform.yaml: network.podsCidr: 10.0.0.0/14 overlaps network.subnetCidr', line: 10, column: 13, underlined: '10.0.0.0/14' },
  { kind: 'a YAML syntax error', file: 'services/payment.yaml', content: 'team: [payments\n', text: 'services/payment.yaml: not valid YAML: Flow sequence', line: 2, column: 1, underlined: '' },
  { kind: 'a duplicate key', file: 'services/payment.yaml', content: 'team: a\nteam: b\nownerGroup: a@example.com\n', text: 'services/payment.yaml: not valid YAML: Map keys must be unique', line: 2, column: 1, underlined: 't' },
];

describe('located catalog problems', () => {
  it.each(cases)('$kind: file, line, column, excerpt and caret', ({ file, content, text, line, column, underlined }) => {
    const problems = located({ [file]: content }).filter((p) => p.file === file);
    expect(problems).toHaveLength(1);
    const [problem] = problems;
    expect(problem.text.startsWith(text)).toBe(true);
    expect([problem.line, problem.column]).toEqual([line, column]);
    expect(problem.excerpt).toBe(content.split('\n')[line - 1]);
    if (underlined) expect(problem.excerpt!.slice(column - 1, column - 1 + problem.width!)).toBe(underlined);
  });

  it('prints the location and the excerpt with a caret under the first line of each problem', () => {
    const error = errorOf(tempCatalog({ 'services/payment.yaml': `${BASE}nodePool: gpu\n` }));
    expect(error.message).toBe(
      [
        'The catalog has 1 problem; nothing was synthesized:',
        '  - services/payment.yaml: nodePool: expected one of standard, highmem, got "gpu"',
        '      --> services/payment.yaml:3:11',
        '       3 | nodePool: gpu',
        '         |           ^^^',
      ].join('\n'),
    );
  });

  it('reports every independent problem of a file in one run: unknown keys, wrong values and cross-field rules', () => {
    const problems = located({
      'services/payment.yaml': `${BASE}owner: me\nteamRoles: [roles/editor]\ndatabases:\n  cloudsql:\n    engine: postgres\n    tier: 42\n    teir: x\n    databases: [a, a]\n`,
    }).map((p) => `${p.line}:${p.column} ${p.text}`);
    expect(problems).toEqual([
      expect.stringMatching(/^3:1 services\/payment\.yaml: \(top level\): unknown key "owner"/),
      expect.stringMatching(/^4:13 services\/payment\.yaml: teamRoles: roles\/editor is a basic role/),
      expect.stringMatching(/^8:11 services\/payment\.yaml: databases\.cloudsql\.tier: expected a string/),
      expect.stringMatching(/^9:5 services\/payment\.yaml: databases\.cloudsql: unknown key "teir"; did you mean "tier"\?/),
      expect.stringMatching(/^10:20 services\/payment\.yaml: databases\.cloudsql\.databases: "a" is listed twice/),
    ]);
  });

  it("checks platform.yaml's ranges even when another of its fields is wrong", () => {
    const platform = readFileSync(join(REPO_ROOT, 'platform.yaml'), 'utf8').replace('organizationId: "123456789012"', 'organizationId: org').replace('podsCidr: 10.16.0.0/14', 'podsCidr: 10.0.0.0/14');
    const problems = located({ 'platform.yaml': platform }).map((p) => p.text);
    expect(problems).toEqual([
      expect.stringMatching(/^platform\.yaml: organizationId: expected a numeric organization id/),
      expect.stringMatching(/^platform\.yaml: network\.podsCidr: 10\.0\.0\.0\/14 overlaps network\.subnetCidr/),
    ]);
  });

  it('does not repeat a schema problem as a cross-field one', () => {
    const problems = located({ 'services/payment.yaml': `${BASE}databases:\n  cloudsql:\n    engine: oracle\n` });
    expect(problems.map((p) => p.text)).toEqual([expect.stringMatching(/databases\.cloudsql\.engine: expected one of postgres, mysql, got "oracle"$/)]);
  });

  it('folds repeated parser messages: one stray space is one problem', () => {
    const problems = located({ 'services/payment.yaml': `${BASE}databases:\n  cloudsql:\n    engine: postgres\n     tier: x\n    diskSizeGb: 30\n` });
    expect(problems).toHaveLength(1);
    expect(problems[0].text).toMatch(/^services\/payment\.yaml: not valid YAML: .*; check the indentation around this line/);
    expect(problems[0].line).toBe(5);
  });

  it('refuses an alias bomb with one message at its first alias', () => {
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n');
    const problems = located({ 'services/payment.yaml': `${bomb}\n` });
    expect(problems).toHaveLength(1);
    expect(problems[0].text).toMatch(/^services\/payment\.yaml: not valid YAML: its aliases \(\*name\) expand to more than 100 copies, which looks like an alias bomb/);
    expect([problems[0].line, problems[0].column]).toEqual([2, 8]);
  });

  it('refuses deep nesting with one message', () => {
    const deep = `team: ${'['.repeat(20000)}${']'.repeat(20000)}\n`;
    const error = errorOf(tempCatalog({ 'services/payment.yaml': deep }));
    expect(error.problems).toEqual(['services/payment.yaml: not valid YAML: nested too deeply to read; catalog files nest a few levels at most']);
    expect(error.located[0].line).toBe(1);
    // The excerpt of a 40,000-character line is a window around the column.
    expect(error.message.split('\n').every((line) => line.length < 140)).toBe(true);
  });
});

describe('catalog files', () => {
  let outside: string;
  beforeAll(() => {
    outside = mkdtempSync(join(tmpdir(), 'outside-'));
    writeFileSync(join(outside, 'secret.yaml'), 'team: payments\nownerGroup: payments@example.com\npassword: hunter2\n');
  });
  afterAll(() => rmSync(outside, { recursive: true, force: true }));

  const problemsIn = (setup: (root: string) => void): string[] => {
    const root = tempCatalog();
    setup(root);
    return [...errorOf(root).problems];
  };

  it('refuses a FIFO without opening it (no hang)', () => {
    const problems = problemsIn((root) => execFileSync('mkfifo', [join(root, 'services', 'pipe.yaml')]));
    expect(problems).toEqual(['services/pipe.yaml: is a named pipe (FIFO), not a regular file; catalog files are plain YAML files']);
  });

  it('refuses a symlink to /dev/zero', () => {
    const problems = problemsIn((root) => symlinkSync('/dev/zero', join(root, 'services', 'zero.yaml')));
    expect(problems).toEqual(['services/zero.yaml: is a symbolic link to /dev/zero, outside the catalog folder; catalog files are read only from inside it: put the file itself there']);
  });

  it('refuses a symlink to a file outside the catalog, and never echoes its contents', () => {
    const root = tempCatalog();
    symlinkSync(join(outside, 'secret.yaml'), join(root, 'services', 'secret.yaml'));
    const error = errorOf(root);
    expect(error.problems).toEqual([expect.stringMatching(/^services\/secret\.yaml: is a symbolic link to .*secret\.yaml, outside the catalog folder/)]);
    expect(error.message).not.toContain('hunter2');
  });

  it('refuses a services folder that is a symlink out of the catalog', () => {
    const root = tempCatalog({}, { withExampleServices: false });
    rmSync(join(root, 'services'), { recursive: true });
    symlinkSync(outside, join(root, 'services'));
    expect(errorOf(root).problems).toEqual([expect.stringMatching(/^services\/: is a symbolic link to .*, outside the catalog folder/)]);
  });

  it('reads a symlink that stays inside the catalog', () => {
    const root = tempCatalog();
    mkdirSync(join(root, 'shared'));
    writeFileSync(join(root, 'shared', 'billing.yaml'), 'team: billing\nownerGroup: billing@example.com\n');
    symlinkSync(join(root, 'shared', 'billing.yaml'), join(root, 'services', 'billing.yaml'));
    expect(loadCatalog(root).services.map((s) => s.name)).toContain('billing');
  });

  it('refuses a dangling symlink', () => {
    const problems = problemsIn((root) => symlinkSync(join(root, 'nowhere.yaml'), join(root, 'services', 'gone.yaml')));
    expect(problems).toEqual(['services/gone.yaml: is a symbolic link to a missing file; replace it with the file itself']);
  });

  it('refuses a file above the size cap before parsing it', () => {
    const problems = problemsIn((root) => writeFileSync(join(root, 'services', 'big.yaml'), `# ${'x'.repeat(MAX_CATALOG_FILE_BYTES)}\n`));
    expect(problems).toEqual(['services/big.yaml: is over 1 MiB; catalog files are at most 1 MiB (a service file is a few KB): is this the right file?']);
  });

  it('refuses a folder named like a service file', () => {
    const problems = problemsIn((root) => mkdirSync(join(root, 'services', 'folder.yaml')));
    expect(problems).toEqual(['services/folder.yaml: is a folder, not a regular file; catalog files are plain YAML files']);
  });

  it('reports a services file where the folder should be', () => {
    const root = tempCatalog({}, { withExampleServices: false });
    rmSync(join(root, 'services'), { recursive: true });
    writeFileSync(join(root, 'services'), 'not a folder\n');
    expect(errorOf(root).problems).toEqual(['services/: is a file, not a folder; service files go in the folder services/ (one services/<name>.yaml per service)']);
  });

  it('reports a platform.yaml that is a folder, and a catalog folder that does not exist', () => {
    const root = tempCatalog({ 'platform.yaml': null });
    mkdirSync(join(root, 'platform.yaml'));
    expect(errorOf(root).problems).toEqual(['platform.yaml: is a folder, not a regular file; catalog files are plain YAML files']);
    expect(errorOf(join(root, 'missing')).problems).toEqual([expect.stringMatching(/missing: catalog folder not found; point CATALOG_DIR \(or --root\) at the folder holding platform\.yaml and services\/$/)]);
  });
});
