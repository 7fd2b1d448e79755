// CODEOWNERS is generated from the catalog below a hand-written header.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadCatalog } from '../lib/catalog/load';
import { CODEOWNERS_FILE, CODEOWNERS_MARKER, DEFAULT_CODEOWNERS_HEADER, renderCodeowners, type CodeOwnedService } from '../lib/codeowners';

const service = (name: string, ownerGroup: string): CodeOwnedService => ({ name, file: `services/${name}.yaml`, ownerGroup });
const services = [service('search', 'search@example.com'), service('payment', 'payments@example.com'), service('recommend', 'ml@example.com')];

// Odd bytes on purpose: CRLF, trailing spaces, a tab, no blank line conventions.
const HEADER = '# Platform files\r\n*   @acme/platform  \n/platform.yaml\t@acme/platform\n\n';

describe('renderCodeowners', () => {
  test('keeps the header above the marker byte for byte and sorts the service lines', () => {
    const existing = `${HEADER}${CODEOWNERS_MARKER}\n/services/old.yaml old@example.com\n`;
    expect(renderCodeowners(existing, services)).toBe(
      `${HEADER}${CODEOWNERS_MARKER}\n` +
        '/services/payment.yaml payments@example.com\n/services/recommend.yaml ml@example.com\n/services/search.yaml search@example.com\n',
    );
  });

  test('is idempotent: regenerating its own output gives the same bytes', () => {
    const once = renderCodeowners(`${HEADER}${CODEOWNERS_MARKER}\n`, services);
    expect(renderCodeowners(once, services)).toBe(once);
    expect(renderCodeowners(renderCodeowners(once, [...services].reverse()), services)).toBe(once);
  });

  test("adding a service adds one line and leaves everyone else's untouched", () => {
    const before = renderCodeowners(`${HEADER}${CODEOWNERS_MARKER}\n`, services);
    const after = renderCodeowners(before, [...services, service('a-very-long-service-name', 'commerce@example.com')]);
    const beforeLines = before.split('\n');
    const afterLines = after.split('\n');
    expect(afterLines.filter((line) => !beforeLines.includes(line))).toEqual(['/services/a-very-long-service-name.yaml commerce@example.com']);
    expect(afterLines.filter((line) => !line.startsWith('/services/a-very-long'))).toEqual(beforeLines);
  });

  test('a hand-written file without a marker is kept whole and the generated part goes below it', () => {
    const handWritten = '* @acme/platform';
    expect(renderCodeowners(handWritten, [services[0]])).toBe(`* @acme/platform\n${CODEOWNERS_MARKER}\n/services/search.yaml search@example.com\n`);
  });

  test('a marker inside a line is not the marker', () => {
    const tricky = `# see ${CODEOWNERS_MARKER}\n* @acme/platform\n`;
    expect(renderCodeowners(tricky, [])).toBe(`${tricky}${CODEOWNERS_MARKER}\n`);
  });

  test('without a file, starts from the default header', () => {
    expect(renderCodeowners(undefined, [services[0]])).toBe(`${DEFAULT_CODEOWNERS_HEADER}${CODEOWNERS_MARKER}\n/services/search.yaml search@example.com\n`);
  });
});

describe('the committed .github/CODEOWNERS', () => {
  test('is what `npm run codeowners` generates from the committed catalog (a stale file fails here)', () => {
    const root = resolve(__dirname, '..');
    const committed = readFileSync(join(root, CODEOWNERS_FILE), 'utf8');
    expect(committed).toContain(CODEOWNERS_MARKER);
    expect(renderCodeowners(committed, loadCatalog(root).services)).toBe(committed);
  });
});
