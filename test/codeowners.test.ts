// CODEOWNERS is generated from the catalog below a hand-written header.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadCatalog } from '../lib/catalog/load';
import {
  CODEOWNERS_FILE,
  CODEOWNERS_MARKER,
  PLATFORM_PATHS,
  codeownersOwner,
  defaultCodeownersHeader,
  renderCodeowners,
  type CodeOwnedService,
} from '../lib/codeowners';

const service = (name: string, team: string): CodeOwnedService => ({ name, file: `services/${name}.yaml`, team, ownerGroup: `${team}@example.com` });
const services = [service('search', 'search'), service('payment', 'payments'), service('recommend', 'ml')];
const GITHUB = { repository: 'acme/platform' };

// Odd bytes on purpose: CRLF, trailing spaces, a tab, no blank line conventions.
const HEADER = '# Platform files\r\n*   @acme/platform  \n/platform.yaml\t@acme/platform\n\n';

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
  test('keeps the header above the marker byte for byte and sorts the service lines', () => {
    const existing = `${HEADER}${CODEOWNERS_MARKER}\n/services/old.yaml @acme/old\n`;
    expect(renderCodeowners(existing, services, GITHUB)).toBe(
      `${HEADER}${CODEOWNERS_MARKER}\n` + '/services/payment.yaml @acme/payments\n/services/recommend.yaml @acme/ml\n/services/search.yaml @acme/search\n',
    );
  });

  test('with github.repository, owners are the GitHub teams @<org>/<team>; without it, the owner groups', () => {
    expect(codeownersOwner(service('payment', 'payments'), { repository: 'Acme-Corp/infra.platform' })).toBe('@Acme-Corp/payments');
    expect(renderCodeowners(`${CODEOWNERS_MARKER}\n`, [services[0]], GITHUB)).toBe(`${CODEOWNERS_MARKER}\n/services/search.yaml @acme/search\n`);
    expect(renderCodeowners(`${CODEOWNERS_MARKER}\n`, [services[0]], undefined)).toBe(`${CODEOWNERS_MARKER}\n/services/search.yaml search@example.com\n`);
  });

  test('with github.repository, every owner is a @user or @org/team GitHub resolves', () => {
    const generated = renderCodeowners(undefined, [...services, service('a-very-long-service-name', 'commerce-team-2')], GITHUB);
    const owners = ownerTokens(generated);
    expect(owners.length).toBe(1 + PLATFORM_PATHS.length + 4);
    for (const owner of owners) expect(owner).toMatch(GITHUB_OWNER);
    // The check itself tells a group email from a team.
    expect('payments@example.com').not.toMatch(GITHUB_OWNER);
  });

  test('is idempotent: regenerating its own output gives the same bytes', () => {
    const once = renderCodeowners(`${HEADER}${CODEOWNERS_MARKER}\n`, services, GITHUB);
    expect(renderCodeowners(once, services, GITHUB)).toBe(once);
    expect(renderCodeowners(renderCodeowners(once, [...services].reverse(), GITHUB), services, GITHUB)).toBe(once);
  });

  test("adding a service adds one line and leaves everyone else's untouched", () => {
    const before = renderCodeowners(`${HEADER}${CODEOWNERS_MARKER}\n`, services, GITHUB);
    const after = renderCodeowners(before, [...services, service('a-very-long-service-name', 'commerce')], GITHUB);
    const beforeLines = before.split('\n');
    const afterLines = after.split('\n');
    expect(afterLines.filter((line) => !beforeLines.includes(line))).toEqual(['/services/a-very-long-service-name.yaml @acme/commerce']);
    expect(afterLines.filter((line) => !line.startsWith('/services/a-very-long'))).toEqual(beforeLines);
  });

  test('a hand-written file without a marker is kept whole and the generated part goes below it', () => {
    const handWritten = '* @acme/platform';
    expect(renderCodeowners(handWritten, [services[0]], GITHUB)).toBe(`* @acme/platform\n${CODEOWNERS_MARKER}\n/services/search.yaml @acme/search\n`);
  });

  test('a marker inside a line is not the marker', () => {
    const tricky = `# see ${CODEOWNERS_MARKER}\n* @acme/platform\n`;
    expect(renderCodeowners(tricky, [], GITHUB)).toBe(`${tricky}${CODEOWNERS_MARKER}\n`);
  });

  test('without a file, starts from the default header: the platform team owns everything and the delivery paths', () => {
    expect(renderCodeowners(undefined, [services[0]], GITHUB)).toBe(`${defaultCodeownersHeader(GITHUB)}${CODEOWNERS_MARKER}\n/services/search.yaml @acme/search\n`);
    const header = defaultCodeownersHeader(GITHUB).split('\n');
    for (const path of ['*', ...PLATFORM_PATHS]) expect(header).toContain(`${path} @acme/platform`);
    expect(defaultCodeownersHeader(undefined)).toContain('\n/lib/ci/ platform@example.com\n');
  });
});

describe('the committed .github/CODEOWNERS', () => {
  const root = resolve(__dirname, '..');
  const committed = readFileSync(join(root, CODEOWNERS_FILE), 'utf8');
  const catalog = loadCatalog(root);
  const github = catalog.platform.github;

  test('is what `npm run codeowners` generates from the committed catalog (a stale file fails here)', () => {
    expect(committed).toContain(CODEOWNERS_MARKER);
    expect(renderCodeowners(committed, catalog.services, github)).toBe(committed);
  });

  test('names only owners GitHub resolves, and a GitHub team per service team', () => {
    expect(github).toBeDefined();
    const owners = ownerTokens(committed);
    expect(owners.length).toBeGreaterThan(catalog.services.length);
    for (const owner of owners) expect(owner).toMatch(GITHUB_OWNER);
    const org = github!.repository.split('/')[0];
    for (const s of catalog.services) expect(committed).toContain(`\n/${s.file} @${org}/${s.team}\n`);
  });

  test('gives the platform team the catch-all and the delivery code paths, above the generated lines', () => {
    const header = committed.slice(0, committed.indexOf(CODEOWNERS_MARKER)).split('\n');
    const platformTeam = `@${github!.repository.split('/')[0]}/platform`;
    for (const path of ['*', ...PLATFORM_PATHS]) expect(header).toContain(`${path} ${platformTeam}`);
    // Generated lines match only service files, so no later line takes a delivery path away.
    const generated = committed.slice(committed.indexOf(CODEOWNERS_MARKER)).split('\n').slice(1, -1);
    for (const line of generated) expect(line).toMatch(/^\/services\/[a-z0-9-]+\.yaml /);
  });
});
