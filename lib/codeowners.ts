// .github/CODEOWNERS is generated from the catalog as a whole: a header that
// gives the platform team (`@<org>/platform`, the org from platform.yaml's
// github.repository) everything and explicitly the delivery paths, then one
// line per service file naming its owner. GitHub asks the owners of a changed
// file to review the pull request, so the team that owns a service reviews
// changes to its catalog entry. `npm run codeowners -- --check` compares the
// whole file, so a changed org or a hand edit is caught.
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

/** Separates the platform's lines from the service lines (one per services/<name>.yaml). */
export const CODEOWNERS_MARKER = '# ---- One line per services/<name>.yaml: its team reviews changes to it. ----';

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
 * The platform's part of the file: the platform team owns everything, and
 * explicitly the delivery paths, so no later line can take them away.
 * Another platform-owned path goes into PLATFORM_PATHS.
 */
export function defaultCodeownersHeader(github: CodeownersGithub | undefined): string {
  const org = github ? githubOrg(github) : undefined;
  const owner = org ? `@${org}/${PLATFORM_TEAM}` : 'platform@example.com';
  const owners = org
    ? [
        `# Owners are GitHub teams of the ${org} organization (platform.yaml`,
        `# github.repository): ${owner} here, and below @${org}/<team> for each`,
        "# service's `team`. Every catalog team needs a GitHub team with that slug and",
        '# write access to this repository; GitHub ignores owners it cannot resolve',
        "# (a Google group's email is not a GitHub account, so it is never asked).",
      ]
    : [
        '# Set github.repository in platform.yaml: without it, owners are email',
        "# addresses (the services' ownerGroup), which GitHub resolves only for user",
        '# accounts, never for Google groups.',
      ];
  return [
    '# Code owners: GitHub requests a review from the owners of every changed file,',
    '# and branch protection ("require review from code owners") makes it required.',
    '# The last matching line wins, so the service lines below override the',
    "# platform team's catch-all.",
    '#',
    '# Generated from platform.yaml and services/*.yaml by `npm run codeowners`:',
    '# edit those, not this file (`npm run codeowners -- --check` fails when it is stale).',
    '#',
    ...owners,
    `* ${owner}`,
    '# Delivery machinery: what CI plans and applies, and with which rights.',
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

/**
 * The whole file: the platform's header, then one line per service sorted by
 * file. `github` is platform.yaml's `github` (undefined when it has none).
 */
export function renderCodeowners(services: readonly CodeOwnedService[], github: CodeownersGithub | undefined): string {
  const lines = services.map((service) => codeownersLine(service, github)).sort(byCodePoint);
  return `${defaultCodeownersHeader(github)}${CODEOWNERS_MARKER}\n${lines.map((line) => `${line}\n`).join('')}`;
}

export function readCodeowners(root: string): string | undefined {
  const path = join(root, CODEOWNERS_FILE);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** `acme` of `acme/platform` (the schema guarantees owner/name). */
function githubOrg(github: CodeownersGithub): string {
  return github.repository.slice(0, github.repository.indexOf('/'));
}

// Locale-independent, so every machine sorts the same way.
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
