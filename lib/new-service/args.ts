// Command-line arguments of `npm run new-service`, parsed by node's
// util.parseArgs. The flags are a public interface (docs and CI call them):
// add flags, never rename them. Every problem is collected, never thrown.
import { parseArgs as parseArgv } from 'node:util';
import { editDistance } from '../catalog/schema';
import { NODE_POOLS } from '../catalog/schema';
import { CAPABILITIES } from './capabilities';

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

type ValueKey = 'team' | 'ownerGroup' | 'nodePool' | 'environments' | 'root';
type SwitchKey = 'dryRun' | 'help';

interface ValueOption {
  readonly type: 'string';
  readonly key: ValueKey;
  /** Set: the flag asks for this capability (args.capabilities[capability]). */
  readonly capability?: string;
  readonly example: string;
  readonly usage: string;
  readonly help: string;
}
interface SwitchOption {
  readonly type: 'boolean';
  readonly key: SwitchKey;
  readonly capability?: string;
  readonly short?: string;
  readonly help: string;
}

/** Every flag, by its name without `--`, in --help order. */
const OPTIONS: Record<string, ValueOption | SwitchOption> = {
  team: { type: 'string', key: 'team', example: 'commerce', usage: '--team', help: 'owning team, same rules as the name' },
  'owner-group': { type: 'string', key: 'ownerGroup', example: 'commerce@example.com', usage: '--owner-group', help: 'Google group of the team (RBAC, IAM)' },
  ...Object.fromEntries(
    CAPABILITIES.map((c) => [
      c.flag,
      c.variants
        ? { type: 'string', key: c.key as ValueKey, capability: c.key, example: c.variants.values[0], usage: `--${c.flag} ${c.variants.name}`, help: c.help }
        : { type: 'boolean', key: c.key as SwitchKey, capability: c.key, help: c.help },
    ]),
  ),
  'node-pool': { type: 'string', key: 'nodePool', example: 'standard', usage: '--node-pool POOL', help: 'node pool of the workloads (default: standard)' },
  environments: { type: 'string', key: 'environments', example: 'development,production', usage: '--environments LIST', help: 'comma-separated (default: every environment of platform.yaml)' },
  'dry-run': { type: 'boolean', key: 'dryRun', help: 'print what would be written and created; write nothing' },
  root: { type: 'string', key: 'root', example: '.', usage: '--root DIR', help: 'catalog root (default: the current directory)' },
  help: { type: 'boolean', key: 'help', short: 'h', help: 'print this help' },
};

const FLAGS = Object.keys(OPTIONS).map((name) => `--${name}`);

const capabilityUsage = CAPABILITIES.map((c) => (c.variants ? `[--${c.flag} ${c.variants.values.join('|')}]` : `[--${c.flag}]`)).join(' ');

export const USAGE = `Usage:
  npm run new-service -- <name> --team <team> --owner-group <group-email>
      ${capabilityUsage} [--node-pool ${NODE_POOLS.join('|')}]
      [--environments development,production] [--dry-run] [--root <dir>]

Adds services/<name>.yaml to the catalog and the team's line to
.github/CODEOWNERS. Open a pull request with both; CI posts the Terraform plan
on it, and merging applies it (one GCP project per environment). In a
terminal, values not given are asked for, with the choices listed.

  <name>               service name: lowercase letters, digits, hyphens
${Object.entries(OPTIONS)
  .map(([name, option]) => `  ${(option.type === 'string' ? option.usage : `--${name}`).padEnd(20)} ${option.help}`)
  .join('\n')}

Example:
  npm run new-service -- checkout --team commerce --owner-group commerce@example.com --cloudsql postgres
`;

/** The flag that sets `key` (an argument or a capability key), for messages (`ownerGroup` -> `--owner-group`). */
export function flagOf(key: ValueKey | 'name' | (string & {})): string {
  if (key === 'name') return '<name>';
  return `--${Object.entries(OPTIONS).find(([, option]) => option.key === key)![0]}`;
}

/** Parses `argv` (without node and script); problems are collected, never thrown. */
export function parseArgs(argv: readonly string[]): { args: NewServiceArgs; problems: string[] } {
  const args: NewServiceArgs = { capabilities: {}, dryRun: false, help: false };
  const problems: string[] = [];
  // parseArgs takes the next argument as a value even when it is a flag
  // (`--team --owner-group x`): such a flag gets an empty value instead.
  const terminator = argv.indexOf('--');
  const prepared = argv.map((arg, i) => {
    const option = OPTIONS[arg.slice(2)];
    const next = argv[i + 1];
    const before = terminator === -1 || i < terminator;
    return before && arg.startsWith('--') && option?.type === 'string' && (next === undefined || next.startsWith('--')) ? `${arg}=` : arg;
  });
  const { tokens } = parseArgv({
    args: prepared,
    options: Object.fromEntries(Object.entries(OPTIONS).map(([name, o]) => [name, o.type === 'boolean' && o.short ? { type: o.type, short: o.short } : { type: o.type }])),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const seen = new Set<string>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const option = OPTIONS[token.name];
    const raw = token.rawName;
    if (!option) {
      problems.push(`${raw} is not an option; ${suggestFlag(raw)}`);
      continue;
    }
    if (seen.has(option.key)) {
      problems.push(`${raw} is given twice; give it once (e.g. ${EXAMPLE_COMMAND})`);
      continue;
    }
    seen.add(option.key);
    if (option.type === 'boolean') {
      if (token.value !== undefined) problems.push(`${raw} takes no value; write ${raw} alone, not ${raw}=${token.value}`);
      else if (option.capability) args.capabilities[option.capability] = true;
      else args[option.key] = true;
    } else if (token.value === undefined || token.value === '') {
      problems.push(`${raw} needs a value (e.g. ${raw} ${option.example})`);
    } else if (option.capability) {
      args.capabilities[option.capability] = token.value;
    } else {
      args[option.key] = token.value;
    }
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
  return FLAGS.filter((flag) => {
    const variable = `npm_config_${flag.slice(2).replace(/-/g, '_')}`;
    return env[variable] !== undefined && !argv.some((a) => a === flag || a.startsWith(`${flag}=`));
  });
}

/** "did you mean --cloudsql?" for --cloud-sql, --cloudSQL, --owner, --dryrun; else the list of options. */
export function suggestFlag(flag: string): string {
  const squash = (text: string) => text.replace(/^-+/, '').toLowerCase().replace(/[-_]/g, '');
  const wanted = squash(flag);
  const scored = FLAGS.map((candidate) => {
    const name = squash(candidate);
    const distance = name === wanted ? 0 : name.startsWith(wanted) || wanted.startsWith(name) ? 1 : editDistance(wanted, name);
    return { candidate, distance };
  }).sort((a, b) => a.distance - b.distance);
  const best = scored[0];
  return wanted.length > 1 && best.distance <= 2 ? `did you mean ${best.candidate}? (see --help)` : `the options are ${FLAGS.join(', ')} (see --help)`;
}
