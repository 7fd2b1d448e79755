// --help, --dry-run, the non-interactive failure and the interactive prompts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CAPABILITIES } from '../../lib/new-service/capabilities';
import { BACKSPACE, copyCatalog, DOWN, ENTER, picture, plain, removeCatalog, REQUIRED, run } from './helpers';

jest.setTimeout(30_000);

describe('new-service modes', () => {
  let root: string;
  beforeEach(() => {
    root = copyCatalog();
  });
  afterEach(() => removeCatalog(root));

  test('--help prints usage with an example and writes nothing', async () => {
    const before = picture(root);
    const result = await run(root, ['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage:\n {2}npm run new-service -- <name> --team <team> --owner-group <group-email>/);
    expect(result.stdout).toContain('[--cloudsql postgres|mysql] [--spanner] [--redis] [--pubsub] [--budget 100|500|1000|5000] [--node-pool standard|highmem]');
    expect(result.stdout).toContain('Example:\n  npm run new-service -- checkout --team commerce --owner-group commerce@example.com --cloudsql postgres');
    expect(picture(root)).toEqual(before);
  });

  test('--dry-run prints the file, the CODEOWNERS line, the stacks and resources, and writes nothing', async () => {
    const before = picture(root);
    const result = await run(root, ['checkout', ...REQUIRED, '--cloudsql', 'postgres', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(picture(root)).toEqual(before);
    const out = result.stdout;
    expect(out).toMatch(/^Dry run: nothing was written\./);
    expect(out).toContain('services/checkout.yaml (new file):');
    // The printed file is the file that would be written: it parses to the request.
    const printed = out
      .slice(out.indexOf('(new file):\n') + '(new file):\n'.length, out.indexOf('.github/CODEOWNERS gets the line:'))
      .split('\n')
      .map((line) => line.replace(/^ {4}/, ''))
      .join('\n');
    expect(parse(printed)).toMatchObject({ team: 'commerce', ownerGroup: 'commerce@example.com', databases: { cloudsql: { engine: 'postgres' } } });
    expect(out).toContain('.github/CODEOWNERS gets the line:\n  /services/checkout.yaml @acme/commerce\n  (the GitHub team @acme/commerce (slug "commerce") must exist with write access to acme/platform');
    expect(out).toMatch(/service-checkout-development\n {6}GCP project acme-checkout-dev/);
    expect(out).toMatch(/service-checkout-production\n {6}GCP project acme-checkout-prod/);
    expect(out).toMatch(/Cloud SQL instance: postgres POSTGRES_16, db-custom-1-3840, 20 GB, highly available/);
    expect(out).toContain('Kubernetes namespace checkout-prod in the shared cluster, node pool standard');
  });

  test('without a terminal, missing required values fail with every missing flag listed', async () => {
    const before = picture(root);
    const result = await run(root, ['--cloudsql', 'postgres'], { answers: ['checkout', 'commerce', 'commerce@example.com'] });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'missing <name>, --team, --owner-group (required; there is no terminal to ask in); give them on the command line (e.g. npm run new-service -- checkout --team commerce --owner-group commerce@example.com)',
    );
    expect(picture(root)).toEqual(before);
  });

  test('without a terminal, one missing flag is named alone and the given values are still checked', async () => {
    const result = await run(root, ['checkout', '--team', 'Commerce']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('missing --owner-group (required; there is no terminal to ask in); give it on the command line');
    expect(result.stderr).toMatch(/--team: "Commerce" is not a valid team name/);
  });

  test('in a terminal, missing values are asked for with the rule shown, a wrong answer is asked again, and the choices come from lists', async () => {
    const result = await run(root, [], {
      interactive: true,
      keys: [
        [/\? Service name/, `Check_Out${ENTER}`],
        [/is not a valid name/, `${BACKSPACE.repeat(9)}checkout${ENTER}`],
        [/\? Owning team/, `commerce${ENTER}`],
        [/\? Team's Google group/, `commerce@example.com${ENTER}`],
        // Capabilities: Cloud SQL (first), then Spanner (second).
        [/Capabilities/, ` ${DOWN} ${ENTER}`],
        [/Cloud SQL.*engine/, `${DOWN}${ENTER}`],
        [/Node pool/, `${DOWN}${ENTER}`],
        // Environments: all are checked; uncheck development.
        [/Environments/, ` ${ENTER}`],
      ],
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = plain(result.stdout);
    expect(out).toMatch(/Service name \(<name>\): lowercase letters, digits and hyphens, .*at most 20 characters .*without google, ssl, null, undefined; not reserved \(platform, bootstrap, .*kube-\*/);
    expect(out).toContain('<name>: "Check_Out" is not a valid name');
    expect(out).toMatch(/Owning team \(--team\): same characters as service names, at most 63; e\.g\. commerce/);
    // The group's example uses the team answered just before.
    expect(out).toContain("Team's Google group (--owner-group): the group's email address in lowercase; e.g. commerce@example.com");
    // Every capability is offered, and the node pools with their machine types.
    for (const capability of CAPABILITIES) expect(out).toContain(capability.label);
    expect(out).toContain('highmem (n1-highmem-8)');
    const written = parse(readFileSync(join(root, 'services', 'checkout.yaml'), 'utf8'));
    expect(written).toMatchObject({
      team: 'commerce',
      ownerGroup: 'commerce@example.com',
      nodePool: 'highmem',
      databases: { cloudsql: { engine: 'mysql' }, spanner: { processingUnits: 100 } },
      environments: { production: {} },
    });
    expect(Object.keys(written.environments)).toEqual(['production']);
    expect(readFileSync(join(root, '.github', 'CODEOWNERS'), 'utf8')).toContain('/services/checkout.yaml @acme/commerce\n');
  });

  test('in a terminal, only the values not given as flags are asked for', async () => {
    const result = await run(root, ['checkout', '--team', 'commerce', '--spanner', '--node-pool', 'standard'], {
      interactive: true,
      keys: [
        [/\? Team's Google group/, `commerce@example.com${ENTER}`],
        [/Environments/, ENTER],
      ],
    });
    expect(result.code).toBe(0);
    const out = plain(result.stdout);
    expect(out).not.toContain('Service name');
    expect(out).not.toContain('Owning team');
    expect(out).not.toContain('Capabilities');
    expect(out).not.toContain('Node pool');
    expect(out).toContain("Team's Google group (--owner-group)");
    const written = parse(readFileSync(join(root, 'services', 'checkout.yaml'), 'utf8'));
    expect(written.databases).toEqual({ spanner: expect.any(Object) });
    expect(Object.keys(written.environments)).toEqual(['development', 'production']);
  });

  test('in a terminal, every required flag given means no questions at all', async () => {
    const result = await run(root, ['checkout', ...REQUIRED], { interactive: true, keys: [] });
    expect(result.code).toBe(0);
    expect(plain(result.stdout)).toMatch(/^Wrote services\/checkout\.yaml/);
  });

  test.each([
    ['a text question', [[/\? Service name/, `checkout${ENTER}`]] as const, '--team'],
    ['a list question', [[/\? Service name/, `checkout${ENTER}`], [/\? Owning team/, `commerce${ENTER}`], [/\? Team's Google group/, `commerce@example.com${ENTER}`]] as const, 'capabilities'],
  ])('in a terminal, input that ends at %s fails and writes nothing', async (_, keys, asked) => {
    const before = picture(root);
    const result = await run(root, [], { interactive: true, keys });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${asked}: input ended before a value was given; answer the question or pass it on the command line`);
    expect(picture(root)).toEqual(before);
  });

  test('in a terminal, three wrong answers in a row give up and write nothing', async () => {
    const before = picture(root);
    const result = await run(root, [], {
      interactive: true,
      keys: [
        [/\? Service name/, `payment${ENTER}`],
        [/exists already/, `${BACKSPACE.repeat(7)}Payment${ENTER}`],
        [/is not a valid name/, `${BACKSPACE.repeat(7)}platform${ENTER}`],
      ],
    });
    expect(result.code).toBe(1);
    const out = plain(result.stdout);
    expect(out).toContain('"payment" exists already');
    // The suggested name is itself valid and free.
    expect(out).toContain('choose a new name (e.g. "payment-v2")');
    expect(result.stderr).toContain('<name>: no valid answer after 3 attempts; nothing was written');
    expect(picture(root)).toEqual(before);
  });
});
