// Every bad input is refused with a message naming the input, the rule and a
// corrected example, a non-zero exit, and not one byte changed in the catalog
// or CODEOWNERS.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyCatalog, picture, removeCatalog, REQUIRED, run } from './helpers';

interface BadInput {
  readonly title: string;
  readonly argv: readonly string[];
  /** Every pattern must match the error output. */
  readonly messages: readonly RegExp[];
  readonly env?: Record<string, string>;
  /** Changes the temporary catalog before the run (part of the picture). */
  readonly setup?: (root: string) => void;
}

const cases: BadInput[] = [
  {
    title: 'an uppercase name',
    argv: ['Checkout', ...REQUIRED],
    messages: [/<name>: "Checkout" is not a valid name: use lowercase letters, digits and hyphens.*\(e\.g\. "checkout"\)/],
  },
  {
    title: 'an underscore in the name',
    argv: ['check_out', ...REQUIRED],
    messages: [/<name>: "check_out" is not a valid name.*\(e\.g\. "check-out"\)/],
  },
  {
    title: 'a name starting with a digit',
    argv: ['1checkout', ...REQUIRED],
    messages: [/<name>: "1checkout" is not a valid name: .*start with a letter.*\(e\.g\. "checkout"\)/],
  },
  {
    title: 'a name ending with a hyphen',
    argv: ['checkout-', ...REQUIRED],
    messages: [/<name>: "checkout-" is not a valid name: .*do not end with a hyphen.*\(e\.g\. "checkout"\)/],
  },
  {
    title: 'a name too long for a project id',
    argv: ['checkout-and-payments-v2', ...REQUIRED],
    messages: [/<name>: project id "acme-checkout-and-payments-v2-\w+" \(environment \w+\) has 3\d characters; GCP allows 6 to 30, so the service name may have at most 20 characters \(e\.g\. "checkout-and-payment"\)/],
  },
  {
    title: 'a word GCP refuses in project ids (google)',
    argv: ['googlepay', ...REQUIRED],
    messages: [/<name>: "googlepay" contains "google", which GCP refuses in project ids.*\(e\.g\. "svcpay"\)/],
  },
  {
    title: 'a word GCP refuses in project ids (ssl)',
    argv: ['ssl-proxy', ...REQUIRED],
    messages: [/<name>: "ssl-proxy" contains "ssl".*\(e\.g\. "svc-proxy"\)/],
  },
  {
    title: 'a reserved name (platform)',
    argv: ['platform', ...REQUIRED],
    messages: [/<name>: "platform" is reserved for the platform \(.*kube-\*.*\); choose another name \(e\.g\. "platform-app"\)/],
  },
  {
    title: 'a reserved namespace prefix (kube-)',
    argv: ['kube-tools', ...REQUIRED],
    messages: [/<name>: "kube-tools" is reserved for the platform.*\(e\.g\. "tools-app"\)/],
  },
  {
    title: "the backup tool's namespace",
    argv: ['velero', ...REQUIRED],
    messages: [/<name>: "velero" is reserved for the platform/],
  },
  {
    title: 'an existing service',
    argv: ['payment', ...REQUIRED],
    messages: [/<name>: "payment" exists already \(services\/payment\.yaml\); edit that file, or choose a new name \(e\.g\. "payment-v2"\)/],
  },
  {
    title: 'a name that exists in another letter case',
    argv: ['checkout', ...REQUIRED],
    setup: (root) => mkdirSync(join(root, 'services', 'Checkout')),
    messages: [/<name>: "checkout" collides with services\/Checkout \(names are compared ignoring letter case, and nothing is overwritten\); choose a new name \(e\.g\. "checkout-v2"\)/],
  },
  {
    title: 'a team name with spaces and capitals',
    argv: ['checkout', '--team', 'Commerce Team', '--owner-group', 'commerce@example.com'],
    messages: [/--team: "Commerce Team" is not a valid team name: use lowercase letters.*\(e\.g\. "commerce-team"\)/],
  },
  {
    title: 'a team name longer than a label value',
    argv: ['checkout', '--team', `t${'e'.repeat(63)}`, '--owner-group', 'commerce@example.com'],
    messages: [/--team: "te+" has 64 characters; team names are label values and may have at most 63 \(e\.g\. "te{62}"\)/],
  },
  {
    title: 'an owner group that is not an email',
    argv: ['checkout', '--team', 'commerce', '--owner-group', 'commerce'],
    messages: [/--owner-group: "commerce" is not a well-formed group email: .*\(e\.g\. "commerce@example\.com"\)/],
  },
  {
    title: 'an owner group in capitals',
    argv: ['checkout', '--team', 'commerce', '--owner-group', 'Commerce@Example.COM'],
    messages: [/--owner-group: "Commerce@Example\.COM" is not a well-formed group email: use the Google group's address in lowercase.*\(e\.g\. "commerce@example\.com"\)/],
  },
  {
    title: 'an unknown Cloud SQL engine',
    argv: ['checkout', ...REQUIRED, '--cloudsql', 'postgresql'],
    messages: [/--cloudsql: "postgresql" is not an engine; use one of postgres, mysql \(e\.g\. --cloudsql postgres\)/],
  },
  {
    title: 'an unknown node pool',
    argv: ['checkout', ...REQUIRED, '--node-pool', 'highmemory'],
    messages: [/--node-pool: "highmemory" is not a node pool; use one of standard, highmem \(e\.g\. --node-pool highmem\)/],
  },
  {
    title: 'an unknown environment',
    argv: ['checkout', ...REQUIRED, '--environments', 'development,staging'],
    messages: [/--environments: "staging" is not an environment of platform\.yaml; use development, production \(e\.g\. --environments development,production\)/],
  },
  {
    title: 'an environment listed twice',
    argv: ['checkout', ...REQUIRED, '--environments', 'production,production'],
    messages: [/--environments: "production" is listed twice; list each environment once/],
  },
  {
    title: 'an empty environment list',
    argv: ['checkout', ...REQUIRED, '--environments', ','],
    messages: [/--environments: "," names no environment; list one or more of development, production/],
  },
  {
    title: 'an unknown flag, with the nearest one suggested',
    argv: ['checkout', ...REQUIRED, '--owner', 'x'],
    messages: [/--owner is not an option; did you mean --owner-group\?/, /expected one service name, got 2: "checkout", "x"/],
  },
  {
    title: 'a misspelt flag (--cloud-sql), with the right one suggested',
    argv: ['checkout', ...REQUIRED, '--cloud-sql', 'postgres'],
    messages: [/--cloud-sql is not an option; did you mean --cloudsql\? \(see --help\)/],
  },
  {
    title: 'other near misses (--dryrun, --node_pool)',
    argv: ['checkout', ...REQUIRED, '--dryrun', '--node_pool=highmem'],
    messages: [/--dryrun is not an option; did you mean --dry-run\?/, /--node_pool is not an option; did you mean --node-pool\?/],
  },
  {
    title: 'a flag nothing is near, with the options listed',
    argv: ['checkout', ...REQUIRED, '--xyzzy'],
    messages: [/--xyzzy is not an option; the options are --team, --owner-group, --cloudsql, --spanner, --redis, --pubsub, --budget, --node-pool, --environments, --dry-run, --root, --help/],
  },
  {
    title: 'an existing name in capitals: the suggestion is valid and free, never "Payment-v2"',
    argv: ['Payment', ...REQUIRED],
    messages: [/<name>: "Payment" is not a valid name: .*\(e\.g\. "payment-v2"\)/, /<name>: "Payment" collides with services\/payment\.yaml .*\(e\.g\. "payment-v2"\)/],
  },
  {
    title: 'a reserved prefix alone: the suggestion is valid',
    argv: ['kube-', ...REQUIRED],
    messages: [/<name>: "kube-" is reserved for the platform.*\(e\.g\. "app"\)/],
  },
  {
    title: 'a flag without its value',
    argv: ['checkout', '--owner-group', 'commerce@example.com', '--team'],
    messages: [/--team needs a value \(e\.g\. --team commerce\)/],
  },
  {
    title: 'a flag given twice',
    argv: ['checkout', ...REQUIRED, '--team', 'payments'],
    messages: [/--team is given twice; give it once/],
  },
  {
    title: 'a value for a switch',
    argv: ['checkout', ...REQUIRED, '--spanner=yes'],
    messages: [/--spanner takes no value; write --spanner alone, not --spanner=yes/],
  },
  {
    title: 'flags that npm took for itself (no "--")',
    // `npm run new-service checkout --dry-run` passes only "checkout" on.
    argv: ['checkout', 'commerce', 'commerce@example.com'],
    env: { npm_config_dry_run: 'true', npm_config_team: 'true' },
    messages: [
      /--team was taken by npm, not passed to new-service: put "--" before the arguments/,
      /--dry-run was taken by npm/,
      /expected one service name, got 3/,
    ],
  },
  {
    title: 'several problems at once, all reported',
    argv: ['Checkout', '--team', 'Commerce', '--owner-group', 'nope', '--cloudsql', 'oracle'],
    messages: [/4 problems; nothing was written/, /<name>: "Checkout"/, /--team: "Commerce"/, /--owner-group: "nope"/, /--cloudsql: "oracle"/],
  },
  {
    title: 'a catalog that already has problems',
    argv: ['checkout', ...REQUIRED],
    setup: (root) => writeFileSync(join(root, 'services', 'broken.yaml'), 'team: Broken\n'),
    messages: [/the catalog under .* already has problems; fix them first/, /services\/broken\.yaml: team: expected a team name.* \(services\/broken\.yaml:1:7\)/, /services\/broken\.yaml: ownerGroup: required/],
  },
  {
    title: 'a --root without a catalog',
    argv: ['checkout', ...REQUIRED, '--root', 'services'],
    messages: [/--root: no platform\.yaml under .*services; run from the repository root or pass the catalog folder \(e\.g\. --root \.\)/],
  },
];

describe('new-service refuses bad input and changes nothing', () => {
  let root: string;
  beforeEach(() => {
    root = copyCatalog();
  });
  afterEach(() => removeCatalog(root));

  test('there are at least 15 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  test.each(cases)('$title', async ({ argv, messages, env, setup }) => {
    setup?.(root);
    const before = picture(root);
    const result = await run(root, argv, { env });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^new-service: \d+ problems?; nothing was written:/);
    for (const message of messages) expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect(picture(root)).toEqual(before);
  });

  test('a CODEOWNERS that is not a file is reported before anything is written', async () => {
    rmSync(join(root, '.github', 'CODEOWNERS'));
    mkdirSync(join(root, '.github', 'CODEOWNERS'));
    const before = picture(root);
    const result = await run(root, ['checkout', ...REQUIRED]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\.github\/CODEOWNERS: cannot be read \(EISDIR.*\); it must be a text file/);
    expect(picture(root)).toEqual(before);
  });

  test('a failed CODEOWNERS write removes the service file written before it', async () => {
    rmSync(join(root, '.github'), { recursive: true });
    writeFileSync(join(root, '.github'), 'a file where the folder should be\n');
    const before = picture(root);
    const result = await run(root, ['checkout', ...REQUIRED]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/writing failed, and what was written is removed again/);
    expect(picture(root)).toEqual(before);
  });
});
