// .github/CODEOWNERS is derived from the catalog: a hand-written header (the
// platform's own files) is kept byte for byte above a marker line, and below it
// every service file gets one line naming its owner group. GitHub asks the
// owners of a changed file to review the pull request, so the team that owns a
// service reviews changes to its catalog entry.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CODEOWNERS_FILE = '.github/CODEOWNERS';

/** Everything above this line is hand-written; everything below is generated. */
export const CODEOWNERS_MARKER = '# ---- Generated from services/*.yaml by `npm run codeowners` below this line; edit the service files, not these lines. ----';

/** Used when the repository has no CODEOWNERS yet (or no header above the marker). */
export const DEFAULT_CODEOWNERS_HEADER = `# Code owners: GitHub requests a review from the owners of every changed file.
# The last matching line wins, so the generated service lines below override
# the platform team's catch-all. Lines above the marker are hand-written.
* platform@example.com
/platform.yaml platform@example.com
/.github/ platform@example.com
`;

export interface CodeOwnedService {
  readonly name: string;
  /** Relative to the catalog root, e.g. `services/payment.yaml`. */
  readonly file: string;
  readonly ownerGroup: string;
}

/**
 * One line per service. Owners are the catalog's group emails: CODEOWNERS
 * accepts an email as an owner (GitHub resolves it to the account that has
 * verified it). Lines are never padded into columns, so adding a service with
 * a longer name leaves every other line unchanged.
 */
export function codeownersLine(service: CodeOwnedService): string {
  return `/${service.file} ${service.ownerGroup}`;
}

/** The hand-written part of `existing`, up to and including the marker line. */
export function codeownersHeader(existing: string | undefined): string {
  if (existing === undefined || existing.length === 0) return `${DEFAULT_CODEOWNERS_HEADER}${CODEOWNERS_MARKER}\n`;
  const start = findMarker(existing);
  if (start === -1) {
    // A hand-written file without a marker: keep all of it and generate below.
    return `${existing}${existing.endsWith('\n') ? '' : '\n'}${CODEOWNERS_MARKER}\n`;
  }
  const end = existing.indexOf('\n', start);
  return end === -1 ? `${existing}\n` : existing.slice(0, end + 1);
}

/** The whole file: `existing`'s header, then one line per service sorted by file. */
export function renderCodeowners(existing: string | undefined, services: readonly CodeOwnedService[]): string {
  const lines = services.map(codeownersLine).sort(byCodePoint);
  return codeownersHeader(existing) + lines.map((line) => `${line}\n`).join('');
}

export function readCodeowners(root: string): string | undefined {
  const path = join(root, CODEOWNERS_FILE);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
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
