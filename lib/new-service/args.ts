// Command-line arguments of `npm run new-service`. The flags are a public
// interface (docs and CI call them): add flags, never rename them. Each
// capability's flag comes from its module (lib/capabilities/).
import { capabilities } from '../capabilities/registry';
import type { NewServiceOption } from '../capabilities/capability';

/** The capabilities new-service offers, with their options. */
const OFFERED = capabilities().flatMap((capability) => (capability.newService ? [{ key: capability.key, option: capability.newService }] : []));

function usageOf(option: NewServiceOption): string {
  return option.value ? `[${option.flag} ${option.value.choices.join('|')}]` : `[${option.flag}]`;
}

function helpOf(option: NewServiceOption): string {
  return `  ${`${option.flag}${option.value ? ` ${option.value.name}` : ''}`.padEnd(21)}${option.help}`;
}

export const USAGE = `Usage:
  npm run new-service -- <name> --team <team> --owner-group <group-email>
      ${OFFERED.map(({ option }) => usageOf(option)).join(' ')} [--node-pool standard|highmem]
      [--environments development,production] [--dry-run] [--root <dir>]

Adds services/<name>.yaml to the catalog and the team's line to
.github/CODEOWNERS. Open a pull request with both; CI posts the Terraform plan
on it, and merging applies it (one GCP project per environment).

  <name>               service name: lowercase letters, digits, hyphens
  --team               owning team, same rules as the name
  --owner-group        Google group of the team (RBAC, IAM, code review)
${OFFERED.map(({ option }) => helpOf(option)).join('\n')}
  --node-pool POOL     node pool of the workloads (default: standard)
  --environments LIST  comma-separated (default: every environment of platform.yaml)
  --dry-run            print what would be written and created; write nothing
  --root DIR           catalog root (default: the current directory)
  --help               print this help

Example:
  npm run new-service -- checkout --team commerce --owner-group commerce@example.com --cloudsql postgres
`;

export const EXAMPLE_COMMAND = 'npm run new-service -- checkout --team commerce --owner-group commerce@example.com';

export interface NewServiceArgs {
  name?: string;
  team?: string;
  ownerGroup?: string;
  /** Capabilities asked for, by capability key: the flag's value, or true for a switch. */
  capabilities: Record<string, string | true>;
  nodePool?: string;
  environments?: string;
  dryRun: boolean;
  root?: string;
  help: boolean;
}

type ValueFlag = 'team' | 'ownerGroup' | 'nodePool' | 'environments' | 'root';
type SwitchFlag = 'dryRun' | 'help';

const VALUE_FLAGS: Record<string, ValueFlag> = {
  '--team': 'team',
  '--owner-group': 'ownerGroup',
  '--node-pool': 'nodePool',
  '--environments': 'environments',
  '--root': 'root',
};
const SWITCH_FLAGS: Record<string, SwitchFlag> = { '--dry-run': 'dryRun', '--help': 'help', '-h': 'help' };
const CAPABILITY_FLAGS: Record<string, { key: string; option: NewServiceOption }> = Object.fromEntries(OFFERED.map((offered) => [offered.option.flag, offered]));

/** The flag that sets `key` (an argument or a capability key), for messages (`ownerGroup` -> `--owner-group`). */
export function flagOf(key: ValueFlag | 'name' | (string & {})): string {
  if (key === 'name') return '<name>';
  const capability = OFFERED.find((offered) => offered.key === key);
  if (capability) return capability.option.flag;
  return Object.entries(VALUE_FLAGS).find(([, k]) => k === key)![0];
}

/** Parses `argv` (without node and script); problems are collected, never thrown. */
export function parseArgs(argv: readonly string[]): { args: NewServiceArgs; problems: string[] } {
  const args: NewServiceArgs = { capabilities: {}, dryRun: false, help: false };
  const problems: string[] = [];
  const seen = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (!token.startsWith('-') || token === '-') {
      positionals.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const flag = eq === -1 ? token : token.slice(0, eq);
    const inline = eq === -1 ? undefined : token.slice(eq + 1);
    if (seen.has(flag)) {
      problems.push(`${flag} is given twice; give it once (e.g. ${EXAMPLE_COMMAND})`);
      if ((VALUE_FLAGS[flag] || CAPABILITY_FLAGS[flag]?.option.value) && inline === undefined) i++;
      continue;
    }
    seen.add(flag);
    const capability = CAPABILITY_FLAGS[flag];
    if (SWITCH_FLAGS[flag] || (capability && !capability.option.value)) {
      if (inline !== undefined) problems.push(`${flag} takes no value; write ${flag} alone, not ${token}`);
      else if (capability) args.capabilities[capability.key] = true;
      else args[SWITCH_FLAGS[flag]] = true;
      continue;
    }
    const key = VALUE_FLAGS[flag] ?? capability?.key;
    if (!key) {
      problems.push(`${flag} is not an option; ${suggestFlag(flag)}`);
      continue;
    }
    const value = inline ?? argv[i + 1];
    if (inline === undefined) i++;
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      if (inline === undefined && value !== undefined) i--; // the next flag is not this one's value
      problems.push(`${flag} needs a value (e.g. ${flag} ${capability ? capability.option.value!.choices[0] : exampleValue(key as ValueFlag)})`);
      continue;
    }
    if (capability) args.capabilities[capability.key] = value;
    else args[key as ValueFlag] = value;
  }
  if (positionals.length > 1) {
    problems.push(
      `expected one service name, got ${positionals.length}: ${positionals.map((p) => `"${p}"`).join(', ')}; give the name once and every other value with its flag, after "--" so npm passes the flags on (e.g. ${EXAMPLE_COMMAND})`,
    );
  }
  if (positionals.length > 0) args.name = positionals[0];
  return { args, problems };
}

/**
 * npm takes flags written before `--` for itself and sets `npm_config_<flag>`:
 * `npm run new-service checkout --dry-run` would lose the dry run and write.
 * Such flags are errors, so nothing is written by surprise.
 */
export function flagsTakenByNpm(env: Readonly<Record<string, string | undefined>>, argv: readonly string[]): string[] {
  const ours = allFlags();
  return ours.filter((flag) => {
    const variable = `npm_config_${flag.slice(2).replace(/-/g, '_')}`;
    return env[variable] !== undefined && !argv.some((a) => a === flag || a.startsWith(`${flag}=`));
  });
}

function exampleValue(key: ValueFlag): string {
  return { team: 'commerce', ownerGroup: 'commerce@example.com', nodePool: 'standard', environments: 'development,production', root: '.' }[key];
}

function allFlags(): string[] {
  return [...Object.keys(VALUE_FLAGS), ...Object.keys(CAPABILITY_FLAGS), ...Object.keys(SWITCH_FLAGS)].filter((f) => f.startsWith('--'));
}

function suggestFlag(flag: string): string {
  const all = allFlags();
  const bare = flag.replace(/^-+/, '').toLowerCase().replace(/_/g, '-');
  const near = all.find((f) => f.slice(2) === bare || f.slice(2).startsWith(bare) || bare.startsWith(f.slice(2)));
  return near ? `did you mean ${near}? (see --help)` : `the options are ${all.join(', ')} (see --help)`;
}
