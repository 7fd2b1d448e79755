// --help, --dry-run, the non-interactive failure and the interactive prompts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'yaml';
import { copyCatalog, picture, removeCatalog, REQUIRED, run } from './helpers';

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

  test('in a terminal, missing values are asked for with the rule shown, and a wrong answer is asked again', async () => {
    const stdin = new PassThrough();
    const running = run(root, ['--cloudsql', 'postgres'], { interactive: true, stdin });
    // Answers arrive one by one, as a person types them.
    for (const answer of ['Check_Out', 'checkout', 'commerce', 'commerce@example.com']) {
      await new Promise((resolve) => setImmediate(resolve));
      stdin.write(`${answer}\n`);
    }
    const result = await running;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/Service name \(<name>\): lowercase letters, digits and hyphens, .*at most 20 characters .*without google, ssl, null, undefined; not reserved \(platform, bootstrap, .*kube-\*/);
    expect(out).toContain('  <name>: "Check_Out" is not a valid name');
    expect(out).toMatch(/Owning team \(--team\): same characters as service names, at most 63; e\.g\. commerce/);
    // The group's example uses the team answered just before.
    expect(out).toContain("Team's Google group (--owner-group): the group's email address in lowercase; e.g. commerce@example.com");
    expect(parse(readFileSync(join(root, 'services', 'checkout.yaml'), 'utf8'))).toMatchObject({
      team: 'commerce',
      ownerGroup: 'commerce@example.com',
      databases: { cloudsql: { engine: 'postgres' } },
    });
    expect(readFileSync(join(root, '.github', 'CODEOWNERS'), 'utf8')).toContain('/services/checkout.yaml @acme/commerce\n');
  });

  test('in a terminal, only the values not given as flags are asked for', async () => {
    const result = await run(root, ['checkout', '--team', 'commerce'], { interactive: true, answers: ['commerce@example.com'] });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('Service name');
    expect(result.stdout).not.toContain('Owning team');
    expect(result.stdout).toContain("Team's Google group (--owner-group)");
    expect(existsSync(join(root, 'services', 'checkout.yaml'))).toBe(true);
  });

  test('in a terminal, input that ends before an answer fails and writes nothing', async () => {
    const before = picture(root);
    const result = await run(root, [], { interactive: true, answers: ['checkout'] });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--team: input ended before a value was given; answer the question or pass it on the command line/);
    expect(picture(root)).toEqual(before);
  });

  test('in a terminal, three wrong answers in a row give up and write nothing', async () => {
    const before = picture(root);
    const result = await run(root, [], { interactive: true, answers: ['payment', 'Payment', 'platform'] });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('"payment" exists already');
    expect(result.stderr).toContain('<name>: no valid answer after 3 attempts; nothing was written');
    expect(picture(root)).toEqual(before);
  });
});
