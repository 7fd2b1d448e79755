// .github/CODEOWNERS is derived from the catalog: a hand-written header (the
// platform's own files) is kept byte for byte above a marker line, and below it
// every service file gets one line naming its owner. GitHub asks the owners of
// a changed file to review the pull request, so the team that owns a service
// reviews changes to its catalog entry.
//
// Owners must be something GitHub resolves: `@user`, `@org/team`, or the email
// of a user account. A Google group's email is none of these (GitHub silently
// requests no review), so when platform.yaml names the repository
// (`github.repository: <org>/<repo>`) each service is owned by the GitHub team
// `@<org>/<team>`, where `<team>` is the service's `team` used as the team's
// slug. Convention: every catalog team has a GitHub team of the same name with
// write access to the repository (GitHub ignores owners without it). Without
// github.repository the service's ownerGroup is written as before.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CODEOWNERS_FILE = '.github/CODEOWNERS';

/** Everything above this line is hand-written; everything below is generated. */
export const CODEOWNERS_MARKER = '# ---- Generated from services/*.yaml by `npm run codeowners` below this line; edit the service files, not these lines. ----';

/** The GitHub team that owns the platform's own files (the header's owner). */
export const PLATFORM_TEAM = 'platform';

/** platform.yaml's `github` setting: the repository as `<org>/<repo>`. */
export interface CodeownersGithub {
  readonly repository: string;
}

/** Paths of the delivery machinery: changing them changes what CI plans and applies. */
export const PLATFORM_PATHS = [
  '/.github/',
  '/lib/ci/',
  '/lib/policy/',
  '/scripts/',
  '/package.json',
  '/package-lock.json',
  '/.checkov.yaml',
  '/platform.yaml',
] as const;

/**
 * Used when the repository has no CODEOWNERS yet (or no header above the
 * marker): the platform team owns everything, and explicitly the delivery
 * paths, so a later hand-written catch-all for another team cannot take them.
 */
export function defaultCodeownersHeader(github: CodeownersGithub | undefined): string {
  const owner = github ? `@${githubOrg(github)}/${PLATFORM_TEAM}` : 'platform@example.com';
  return [
    '# Code owners: GitHub requests a review from the owners of every changed file.',
    '# The last matching line wins, so the generated service lines below override',
    "# the platform team's catch-all. Lines above the marker are hand-written.",
    `* ${owner}`,
    ...PLATFORM_PATHS.map((path) => `${path} ${owner}`),
    '',
  ].join('\n');
}

export interface CodeOwnedService {
  readonly name: string;
  /** Relative to the catalog root, e.g. `services/payment.yaml`. */
  readonly file: string;
  /** The owning team: with github.repository, also the GitHub team's slug. */
  readonly team: string;
  readonly ownerGroup: string;
}

/** The owner GitHub requests a review from: `@<org>/<team>`, or the ownerGroup without a repository. */
export function codeownersOwner(service: Pick<CodeOwnedService, 'team' | 'ownerGroup'>, github: CodeownersGithub | undefined): string {
  return github ? `@${githubOrg(github)}/${service.team}` : service.ownerGroup;
}

/**
 * One line per service. Lines are never padded into columns, so adding a
 * service with a longer name leaves every other line unchanged.
 */
export function codeownersLine(service: CodeOwnedService, github: CodeownersGithub | undefined): string {
  return `/${service.file} ${codeownersOwner(service, github)}`;
}

/** The hand-written part of `existing`, up to and including the marker line. */
export function codeownersHeader(existing: string | undefined, github: CodeownersGithub | undefined): string {
  if (existing === undefined || existing.length === 0) return `${defaultCodeownersHeader(github)}${CODEOWNERS_MARKER}\n`;
  const start = findMarker(existing);
  if (start === -1) {
    // A hand-written file without a marker: keep all of it and generate below.
    return `${existing}${existing.endsWith('\n') ? '' : '\n'}${CODEOWNERS_MARKER}\n`;
  }
  const end = existing.indexOf('\n', start);
  return end === -1 ? `${existing}\n` : existing.slice(0, end + 1);
}

/**
 * The whole file: `existing`'s header, then one line per service sorted by
 * file. `github` is platform.yaml's `github` (undefined when it has none).
 */
export function renderCodeowners(existing: string | undefined, services: readonly CodeOwnedService[], github: CodeownersGithub | undefined): string {
  const lines = services.map((service) => codeownersLine(service, github)).sort(byCodePoint);
  return codeownersHeader(existing, github) + lines.map((line) => `${line}\n`).join('');
}

export function readCodeowners(root: string): string | undefined {
  const path = join(root, CODEOWNERS_FILE);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** `acme` of `acme/platform` (the schema guarantees owner/name). */
function githubOrg(github: CodeownersGithub): string {
  return github.repository.slice(0, github.repository.indexOf('/'));
}

/** The marker's offset when it stands on a line of its own, else -1. */
function findMarker(text: string): number {
  let from = 0;
  for (;;) {
    const at = text.indexOf(CODEOWNERS_MARKER, from);
    if (at === -1) return -1;
    const after = text.slice(at + CODEOWNERS_MARKER.length, at + CODEOWNERS_MARKER.length + 2);
    if ((at === 0 || text[at - 1] === '\n') && (after === '' || after.startsWith('\n') || after === '\r\n')) return at;
    from = at + 1;
  }
}

// Locale-independent, so every machine sorts the same way.
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
