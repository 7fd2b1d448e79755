// CODEOWNERS is generated from the catalog as a whole: the platform's header
// with owners from platform.yaml's GitHub org, then one line per service.
import { spawnSync, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadCatalog } from '../lib/catalog/load';
import { CODEOWNERS_FILE, CODEOWNERS_MARKER, PLATFORM_PATHS, codeownersOwner, defaultCodeownersHeader, renderCodeowners, type CodeOwnedService } from '../lib/codeowners';
import { REPO_ROOT, tempCatalog } from './helpers';

const service = (name: string, team: string): CodeOwnedService => ({ name, file: `services/${name}.yaml`, team, ownerGroup: `${team}@example.com` });
const services = [service('search', 'search'), service('payment', 'payments'), service('recommend', 'ml')];
const GITHUB = { repository: 'acme/platform' };

/** GitHub accepts `@user` and `@org/team` (and a user account's email, which a group's is not). */
const GITHUB_OWNER = /^@[A-Za-z0-9-]+(\/[A-Za-z0-9._-]+)?$/;

/** Every owner on every rule line: the words after the path. */
function ownerTokens(codeowners: string): string[] {
  return codeowners
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .flatMap((line) => line.trim().split(/\s+/).slice(1));
}

describe('renderCodeowners', () => {
  test('is the header, the marker and the service lines sorted by file', () => {
    expect(renderCodeowners(services, GITHUB)).toBe(
      `${defaultCodeownersHeader(GITHUB)}${CODEOWNERS_MARKER}\n` + '/services/payment.yaml @acme/payments\n/services/recommend.yaml @acme/ml\n/services/search.yaml @acme/search\n',
    );
  });

  test('with github.repository, owners are the GitHub teams @<org>/<team>; without it, the owner groups', () => {
    expect(codeownersOwner(service('payment', 'payments'), { repository: 'Acme-Corp/infra.platform' })).toBe('@Acme-Corp/payments');
    expect(renderCodeowners([services[0]], GITHUB).endsWith(`${CODEOWNERS_MARKER}\n/services/search.yaml @acme/search\n`)).toBe(true);
    expect(renderCodeowners([services[0]], undefined).endsWith(`${CODEOWNERS_MARKER}\n/services/search.yaml search@example.com\n`)).toBe(true);
  });

  test("takes the header's owners from the org of github.repository: a real organization is never @acme", () => {
    const generated = renderCodeowners(services, { repository: 'myorg/infra' });
    const header = generated.slice(0, generated.indexOf(CODEOWNERS_MARKER)).split('\n');
    for (const path of ['*', ...PLATFORM_PATHS]) expect(header).toContain(`${path} @myorg/platform`);
    expect(generated).not.toContain('acme');
    expect(generated).toContain('# Owners are GitHub teams of the myorg organization');
  });

  test('with github.repository, every owner is a @user or @org/team GitHub resolves', () => {
    const generated = renderCodeowners([...services, service('a-very-long-service-name', 'commerce-team-2')], GITHUB);
    const owners = ownerTokens(generated);
    expect(owners.length).toBe(1 + PLATFORM_PATHS.length + 4);
    for (const owner of owners) expect(owner).toMatch(GITHUB_OWNER);
    expect('payments@example.com').not.toMatch(GITHUB_OWNER);
  });

  test('does not depend on the order of the services', () => {
    expect(renderCodeowners([...services].reverse(), GITHUB)).toBe(renderCodeowners(services, GITHUB));
  });

  test("adding a service adds one line and leaves everyone else's untouched", () => {
    const before = renderCodeowners(services, GITHUB);
    const after = renderCodeowners([...services, service('a-very-long-service-name', 'commerce')], GITHUB);
    const beforeLines = before.split('\n');
    const afterLines = after.split('\n');
    expect(afterLines.filter((line) => !beforeLines.includes(line))).toEqual(['/services/a-very-long-service-name.yaml @acme/commerce']);
    expect(afterLines.filter((line) => !line.startsWith('/services/a-very-long'))).toEqual(beforeLines);
  });

  test('without github.repository, the header says to set it', () => {
    expect(defaultCodeownersHeader(undefined)).toContain('\n/lib/ci/ platform@example.com\n');
    expect(defaultCodeownersHeader(undefined)).toContain('# Set github.repository in platform.yaml');
  });
});

describe('the committed .github/CODEOWNERS', () => {
  const root = resolve(__dirname, '..');
  const committed = readFileSync(join(root, CODEOWNERS_FILE), 'utf8');
  const catalog = loadCatalog(root);
  const github = catalog.platform.github;

  test('is, as a whole, what `npm run codeowners` generates from the committed catalog (a stale file fails here)', () => {
    expect(renderCodeowners(catalog.services, github)).toBe(committed);
  });

  test('names only owners GitHub resolves, and a GitHub team per service team', () => {
    expect(github).toBeDefined();
    const owners = ownerTokens(committed);
    expect(owners.length).toBeGreaterThan(catalog.services.length);
    for (const owner of owners) expect(owner).toMatch(GITHUB_OWNER);
    const org = github!.repository.split('/')[0];
    for (const s of catalog.services) expect(committed).toContain(`\n/${s.file} @${org}/${s.team}\n`);
  });

  test('gives the platform team the catch-all and the delivery code paths, above the service lines', () => {
    const header = committed.slice(0, committed.indexOf(CODEOWNERS_MARKER)).split('\n');
    const platformTeam = `@${github!.repository.split('/')[0]}/platform`;
    for (const path of ['*', ...PLATFORM_PATHS]) expect(header).toContain(`${path} ${platformTeam}`);
    const generated = committed.slice(committed.indexOf(CODEOWNERS_MARKER)).split('\n').slice(1, -1);
    for (const line of generated) expect(line).toMatch(/^\/services\/[a-z0-9-]+\.yaml /);
  });
});

describe('npm run codeowners -- --check', () => {
  beforeAll(() => execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs')], { cwd: REPO_ROOT }));

  const check = (root: string) =>
    spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'bin', 'codeowners.js'), '--check'], { cwd: root, env: { ...process.env, CATALOG_DIR: root }, encoding: 'utf8' });

  test('fails after github.repository moves to another organization, and regenerating follows it', () => {
    const root = tempCatalog();
    const catalog = loadCatalog(root);
    execFileSync('mkdir', ['-p', join(root, '.github')]);
    writeFileSync(join(root, CODEOWNERS_FILE), renderCodeowners(catalog.services, catalog.platform.github));
    expect(check(root).status).toBe(0);
    const platformFile = join(root, 'platform.yaml');
    writeFileSync(platformFile, readFileSync(platformFile, 'utf8').replace('repository: acme/platform', 'repository: myorg/infra'));
    const stale = check(root);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toMatch(/\.github\/CODEOWNERS does not match the catalog \(first difference: line \d+\); run `npm run codeowners`/);
    const regenerate = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'bin', 'codeowners.js')], { cwd: root, env: { ...process.env, CATALOG_DIR: root }, encoding: 'utf8' });
    expect(regenerate.status).toBe(0);
    expect(readFileSync(join(root, CODEOWNERS_FILE), 'utf8')).toContain('\n* @myorg/platform\n');
    expect(check(root).status).toBe(0);
  });

  test('fails on a hand edit anywhere in the file, the header included', () => {
    const root = tempCatalog();
    const catalog = loadCatalog(root);
    execFileSync('mkdir', ['-p', join(root, '.github')]);
    writeFileSync(join(root, CODEOWNERS_FILE), renderCodeowners(catalog.services, catalog.platform.github).replace('/scripts/ @acme/platform', '/scripts/ @acme/someone-else'));
    expect(check(root).status).toBe(1);
  });
});
