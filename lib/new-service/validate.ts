// Checks every input of `npm run new-service` before anything is written.
// The rules come from the catalog (names.ts, schema.ts); each message names
// the input, the rule and a corrected example.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogError, loadCatalog, PLATFORM_FILE, SERVICES_DIR, type Catalog } from '../catalog/load';
import { existingServiceFile, serviceNameProblems, teamNameProblems, validServiceName } from '../catalog/names';
import { NODE_POOLS, serviceSchema, type NodePoolName } from '../catalog/schema';
import { DEFAULTS } from '../catalog/resolve';
import { capabilities } from '../capabilities/registry';
import { EXAMPLE_COMMAND, flagOf, type NewServiceArgs } from './args';

export { CLOUDSQL_ENGINES, type CloudSqlEngine } from './capabilities';

/** A validated request: every value is known to fit the catalog. */
export interface NewServiceRequest {
  readonly name: string;
  readonly team: string;
  readonly ownerGroup: string;
  /** Capabilities to add, by key: the chosen value, or true for a switch (lib/capabilities/). */
  readonly capabilities: Readonly<Record<string, string | true>>;
  readonly nodePool: NodePoolName;
  /** In platform.yaml order. */
  readonly environments: readonly string[];
}

/** The catalog a new service is added to. */
export interface CatalogContext {
  readonly root: string;
  readonly catalog: Catalog;
  /** Entries of services/ (files and folders), as on disk. */
  readonly serviceEntries: readonly string[];
}

export type Loaded = { context: CatalogContext; problems?: undefined } | { context?: undefined; problems: string[] };

/** Loads the existing catalog; a broken one is reported, never extended. */
export function loadContext(root: string): Loaded {
  if (!existsSync(join(root, PLATFORM_FILE))) {
    return { problems: [`--root: no ${PLATFORM_FILE} under ${root}; run from the repository root or pass the catalog folder (e.g. --root .)`] };
  }
  try {
    const catalog = loadCatalog(root);
    return { context: { root, catalog, serviceEntries: readdirSync(join(root, SERVICES_DIR)) } };
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    const listed = error.located.map((p) => (p.line === undefined ? p.text : `${p.text} (${p.file}:${p.line}:${p.column})`));
    return { problems: [`the catalog under ${root} already has problems; fix them first (npm run synth lists them too):${listed.map((p) => `\n      ${p}`).join('')}`] };
  }
}

export function nameProblems(name: string, context: CatalogContext): string[] {
  const taken = (candidate: string) => existingServiceFile(candidate, context.serviceEntries) !== undefined;
  const problems = serviceNameProblems(name, context.catalog.platform, taken);
  const existing = existingServiceFile(name, context.serviceEntries);
  if (existing) {
    const same = existing === `${name}.yaml`;
    problems.push(
      same
        ? `"${name}" exists already (${SERVICES_DIR}/${existing}); edit that file, or choose a new name (e.g. "${freeName(name, context)}")`
        : `"${name}" collides with ${SERVICES_DIR}/${existing} (names are compared ignoring letter case, and nothing is overwritten); choose a new name (e.g. "${freeName(name, context)}")`,
    );
  }
  return problems.map((p) => `${flagOf('name')}: ${p}`);
}

/** A name like `name` that is valid and not taken: `payment-v2`, `payment-v3`, ... */
export function freeName(name: string, context: CatalogContext): string {
  return validServiceName(name.toLowerCase(), context.catalog.platform, (candidate) => existingServiceFile(candidate, context.serviceEntries) !== undefined);
}

export function teamProblems(team: string): string[] {
  return teamNameProblems(team).map((p) => `${flagOf('team')}: ${p}`);
}

export function ownerGroupProblems(group: string, team?: string): string[] {
  // The schema's own rule, so the CLI never accepts what the loader rejects.
  if (serviceSchema.shape.ownerGroup.safeParse(group).success) return [];
  const lower = group.toLowerCase();
  const example = serviceSchema.shape.ownerGroup.safeParse(lower).success ? lower : `${team && teamNameProblems(team).length === 0 ? team : 'commerce'}@example.com`;
  return [`${flagOf('ownerGroup')}: "${group}" is not a well-formed group email: use the Google group's address in lowercase, like name@domain.tld (e.g. "${example}")`];
}

/**
 * Checks every value given in `args`; the request is returned only when all
 * required values are present and nothing is wrong.
 */
export function validateArgs(args: NewServiceArgs, context: CatalogContext): { request?: NewServiceRequest; problems: string[] } {
  const problems: string[] = [];
  const { platform } = context.catalog;
  if (args.name !== undefined) problems.push(...nameProblems(args.name, context));
  if (args.team !== undefined) problems.push(...teamProblems(args.team));
  if (args.ownerGroup !== undefined) problems.push(...ownerGroupProblems(args.ownerGroup, args.team));

  for (const capability of capabilities()) {
    const choice = args.capabilities[capability.key];
    const value = capability.newService?.value;
    if (typeof choice !== 'string' || !value || value.choices.includes(choice)) continue;
    const flag = capability.newService!.flag;
    problems.push(`${flag}: "${choice}" is not ${/^[aeiou]/i.test(value.name) ? 'an' : 'a'} ${value.name.toLowerCase()}; use one of ${value.choices.join(', ')} (e.g. ${flag} ${closest(choice, value.choices)})`);
  }

  let nodePool: NodePoolName = DEFAULTS.nodePool;
  if (args.nodePool !== undefined) {
    if ((NODE_POOLS as readonly string[]).includes(args.nodePool)) nodePool = args.nodePool as NodePoolName;
    else problems.push(`${flagOf('nodePool')}: "${args.nodePool}" is not a node pool; use one of ${NODE_POOLS.join(', ')} (e.g. --node-pool ${closest(args.nodePool, NODE_POOLS)})`);
  }

  const known = Object.keys(platform.environments);
  let environments = known;
  if (args.environments !== undefined) {
    const listed = args.environments.split(',').map((e) => e.trim());
    const flag = flagOf('environments');
    const example = `e.g. ${flag} ${known.join(',')}`;
    const unknown = listed.filter((e) => e !== '' && !known.includes(e));
    const repeated = listed.filter((e, i) => e !== '' && listed.indexOf(e) !== i);
    if (listed.every((e) => e === '')) problems.push(`${flag}: "${args.environments}" names no environment; list one or more of ${known.join(', ')} separated by commas (${example})`);
    else if (listed.includes('')) problems.push(`${flag}: "${args.environments}" has an empty entry; separate names by single commas without spaces (${example})`);
    for (const env of unknown) problems.push(`${flag}: "${env}" is not an environment of ${PLATFORM_FILE}; use ${known.join(', ')} (${example})`);
    for (const env of new Set(repeated)) problems.push(`${flag}: "${env}" is listed twice; list each environment once (${example})`);
    environments = known.filter((env) => listed.includes(env));
  }

  if (problems.length > 0 || missingProblem(args)) return { problems };
  return {
    problems,
    request: { name: args.name!, team: args.team!, ownerGroup: args.ownerGroup!, capabilities: { ...args.capabilities }, nodePool, environments },
  };
}

/** The required flags that `args` lacks, as one message, or nothing. */
export function missingProblem(args: NewServiceArgs): string | undefined {
  const missing = (['name', 'team', 'ownerGroup'] as const).filter((key) => args[key] === undefined).map(flagOf);
  if (missing.length === 0) return undefined;
  return `missing ${missing.join(', ')} (required; there is no terminal to ask in); give ${missing.length === 1 ? 'it' : 'them'} on the command line (e.g. ${EXAMPLE_COMMAND})`;
}

function closest(value: string, options: readonly string[]): string {
  const v = value.toLowerCase();
  return options.find((o) => v.startsWith(o.slice(0, 2)) || o.startsWith(v.slice(0, 2))) ?? options[0];
}
