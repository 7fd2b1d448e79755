// Turns one parsed service file into its per-environment settings: defaults
// applied, `environments.<env>` overrides merged, cross-field rules checked.
import { POD_SECURITY_REASON_MIN_LENGTH, SERVICE_DEFAULTS, type Platform, type ServiceFile, type ServiceSettings } from './schema';
import { serviceNamespace, serviceProjectId, serviceStackName } from './names';
import { DEFAULT_TEAM_ROLES, teamRoleProblem } from './team-roles';
import { platformClusters } from './clusters';
import type { NodePoolName } from '../domain/node-pools';
import { capabilities, type CapabilitySettings } from '../capabilities/registry';

export type { CloudSqlSettings } from '../capabilities/cloud-sql';
export type { SpannerSettings } from '../capabilities/spanner';

export interface NamespaceQuota {
  readonly cpu: string;
  readonly memory: string;
  readonly pods: number;
}

/**
 * Everything a service stack needs for one service in one environment; the
 * settings of each capability it uses are under the capability's key
 * (`cloudsql`, `spanner`, ...).
 */
export interface ServiceEnvironment extends CapabilitySettings {
  readonly service: string;
  readonly environment: string;
  readonly team: string;
  readonly ownerGroup: string;
  /** From platform.yaml: production-grade defaults apply. */
  readonly production: boolean;
  readonly projectId: string;
  readonly namespace: string;
  readonly stackName: string;
  /** Names of the clusters it runs in, in platform.yaml order (the home cluster first). */
  readonly clusters: readonly string[];
  readonly nodePool: NodePoolName;
  readonly apis: readonly string[];
  readonly teamRoles: readonly string[];
  readonly quota: NamespaceQuota;
  readonly logRetentionDays: number;
  /** From platform.yaml: the team's baseline roles in this environment (teamRoles come on top). */
  readonly teamBaselineRoles: readonly string[];
  /** From platform.yaml: the team group may log in to the service's Cloud SQL databases. */
  readonly teamDatabaseLogin: boolean;
  /** Services (names) whose pods may call this one, from allowFrom. */
  readonly allowFrom: readonly string[];
  /** Namespaces in this environment whose pods may call this service (allowFrom of services running here). */
  readonly callerNamespaces: readonly string[];
  /** Namespaces in this environment this service calls (services whose allowFrom names it). */
  readonly calleeNamespaces: readonly string[];
  /** The Pod Security Standard enforced on the namespace; `baseline` only with a reason. */
  readonly podSecurity: PodSecurity;
}

export interface PodSecurity {
  readonly level: 'restricted' | 'baseline';
  /** Why the exception (baseline) is needed. */
  readonly reason?: string;
}

/** A problem at a field path of the file (`databases.cloudsql.tier`). */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
  /** The list item the problem is about, for its location (`roles/editor` in teamRoles). */
  readonly value?: string;
  /** Which copy of `value` (a repeated item points at its second copy). @default 1 */
  readonly occurrence?: number;
}

/** Defaults of the optional service fields (defined beside the schema, which shows them to editors). */
export const DEFAULTS = SERVICE_DEFAULTS;

// Moved to team-roles.ts (one place for what a team may be granted); re-exported for existing imports.
export { BASIC_ROLES, IAM_CONTROL_ROLES } from './team-roles';

type Plain = Record<string, unknown>;

/** Mappings merge key by key; lists and scalars in `override` replace. */
export function mergeSettings<T extends Plain>(base: T, override: Plain | null | undefined): T {
  if (!override) return base;
  const merged: Plain = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    const current = merged[key];
    merged[key] = isMapping(current) && isMapping(value) ? mergeSettings(current, value) : value;
  }
  return merged as T;
}

function isMapping(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSet(settings: unknown, path: string[]): boolean {
  let node = settings;
  for (const key of path) {
    if (!isMapping(node) || node[key] === undefined) return false;
    node = node[key];
  }
  return true;
}

/**
 * `serviceNames`: every service of the catalog, to check allowFrom against.
 * @default allowFrom is not checked against other services
 */
export function resolveService(
  name: string,
  file: ServiceFile,
  platform: Platform,
  serviceNames?: readonly string[],
): { environments: ServiceEnvironment[]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const known = Object.keys(platform.environments);
  const chosen = file.environments ? Object.keys(file.environments) : known;
  for (const env of chosen) {
    if (!known.includes(env)) {
      problems.push({ path: `environments.${env}`, message: `unknown environment; platform.yaml defines ${known.join(', ')}` });
    }
  }
  const { team, ownerGroup, environments: overrides, ...base } = file;
  const environments: ServiceEnvironment[] = [];
  for (const environment of chosen.filter((env) => known.includes(env))) {
    const override = overrides?.[environment] ?? undefined;
    const settings = mergeSettings<ServiceSettings>(base, override);
    // A problem caused by an override points at the override.
    const at = (...path: string[]) => (isSet(override, path) ? `environments.${environment}.` : '') + path.join('.');
    const production = platform.environments[environment].production;
    environments.push({
      service: name,
      environment,
      team,
      ownerGroup,
      production,
      projectId: serviceProjectId(platform, name, environment),
      namespace: serviceNamespace(platform, name, environment),
      stackName: serviceStackName(name, environment),
      clusters: resolveClusters(settings, platform, at, problems),
      nodePool: settings.nodePool ?? DEFAULTS.nodePool,
      apis: [...new Set(settings.apis ?? [])].sort(),
      teamRoles: [...new Set(settings.teamRoles ?? [])].sort(),
      ...resolveCapabilities(settings, override, { platform, service: name, environment, production, ownerGroup }, at, problems),
      quota: { ...DEFAULTS.quota, ...settings.namespace?.quota },
      logRetentionDays: settings.logs?.retentionDays ?? DEFAULTS.logRetentionDays,
      ...teamAccess(platform, environment),
      allowFrom: resolveAllowFrom(name, settings, serviceNames, at, problems),
      // Filled in by linkServiceCalls once every service is resolved.
      callerNamespaces: [],
      calleeNamespaces: [],
      podSecurity: resolvePodSecurity(settings, at, problems),
    });
    for (const role of settings.teamRoles ?? []) {
      const problem = teamRoleProblem(role, serviceProjectId(platform, name, environment));
      if (problem) problems.push({ path: at('teamRoles'), value: role, message: problem });
    }
  }
  return { environments, problems: dedupe(problems) };
}

type At = (...path: string[]) => string;

/** The team's baseline access in `environment`: platform.yaml's, or the defaults for its kind. */
export function teamAccess(platform: Platform, environment: string): { teamBaselineRoles: string[]; teamDatabaseLogin: boolean } {
  const settings = platform.environments[environment];
  const defaults = settings.production ? DEFAULT_TEAM_ROLES.production : DEFAULT_TEAM_ROLES.development;
  return {
    teamBaselineRoles: [...new Set(settings.teamRoles ?? defaults)].sort(),
    teamDatabaseLogin: settings.teamDatabaseLogin ?? !settings.production,
  };
}

function resolveAllowFrom(name: string, settings: ServiceSettings, serviceNames: readonly string[] | undefined, at: At, problems: FieldProblem[]): string[] {
  const allowFrom = [...new Set(settings.allowFrom ?? [])].sort();
  for (const caller of allowFrom) {
    if (caller === name) {
      problems.push({ path: at('allowFrom'), value: caller, message: `"${caller}" is this service: its own pods may always call it; remove it from allowFrom` });
    } else if (serviceNames && !serviceNames.includes(caller)) {
      const known = serviceNames.filter((other) => other !== name);
      problems.push({
        path: at('allowFrom'),
        value: caller,
        message: `"${caller}" is not a service in the catalog; list services by their file name in services/ (${known.length > 0 ? `e.g. ${known.slice(0, 5).join(', ')}` : 'there are no other services yet'})`,
      });
    }
  }
  return allowFrom;
}

function resolvePodSecurity(settings: ServiceSettings, at: At, problems: FieldProblem[]): PodSecurity {
  const podSecurity = settings.podSecurity;
  if (!podSecurity || podSecurity.level !== 'baseline') {
    if (podSecurity?.reason !== undefined && podSecurity.level === 'restricted') {
      problems.push({ path: at('podSecurity', 'reason'), message: 'a reason is only for the baseline exception; remove it, or set level: baseline' });
    } else if (podSecurity?.reason !== undefined) {
      // At the level's path: when the level itself was refused, that problem says it all.
      problems.push({ path: at('podSecurity', 'level'), message: 'required with a reason: set level: baseline for the exception the reason explains, or remove the reason' });
    }
    return { level: 'restricted' };
  }
  const reason = podSecurity.reason?.trim() ?? '';
  if (reason.length < POD_SECURITY_REASON_MIN_LENGTH) {
    problems.push({
      path: at('podSecurity', 'reason'),
      message: `${reason === '' ? 'required with level: baseline' : `"${reason}" is too short`}: write at least ${POD_SECURITY_REASON_MIN_LENGTH} characters saying which pods need what restricted forbids, and why (it is printed on every synth)`,
    });
  }
  return { level: 'baseline', reason };
}

/** Each capability the settings use, resolved by its module (lib/capabilities/). */
function resolveCapabilities(
  settings: ServiceSettings,
  override: Plain | null | undefined,
  where: { platform: Platform; service: string; environment: string; production: boolean; ownerGroup: string },
  at: At,
  problems: FieldProblem[],
): CapabilitySettings {
  const resolved: Record<string, unknown> = {};
  for (const capability of capabilities()) {
    const input = valueAt(settings, capability.path);
    if (input === undefined) continue;
    resolved[capability.key] = capability.resolve(input, {
      ...where,
      report: (field, message, item) => problems.push({ path: at(...capability.path, ...field), message, ...item }),
      overridden: (field) => isSet(override, [...capability.path, ...field]),
    });
  }
  return resolved as CapabilitySettings;
}

function valueAt(settings: unknown, path: readonly string[]): unknown {
  let node = settings;
  for (const key of path) {
    if (!isMapping(node)) return undefined;
    node = node[key];
  }
  return node;
}

function resolveClusters(settings: ServiceSettings, platform: Platform, at: At, problems: FieldProblem[]): string[] {
  const known = platformClusters(platform).map((c) => c.name);
  if (!settings.clusters) return known;
  if (settings.clusters.length === 0) problems.push({ path: at('clusters'), message: `lists no cluster; list at least one of ${known.join(', ')}, or remove clusters to run in every cluster` });
  for (const name of settings.clusters) {
    if (!known.includes(name)) problems.push({ path: at('clusters'), message: `"${name}" is not a cluster of platform.yaml; use ${known.join(', ')}` });
  }
  return known.filter((name) => settings.clusters?.includes(name));
}

function dedupe(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
