// Turns one parsed service file into its per-environment settings: defaults
// applied, `environments.<env>` overrides merged, cross-field rules checked.
import { SERVICE_DEFAULTS, type Platform, type ServiceFile, type ServiceSettings } from './schema';
import { serviceNamespace, serviceProjectId, serviceStackName } from './names';
import { platformClusters } from './clusters';
import type { NodePoolName } from '../domain/node-pools';
import { BASIC_ROLES, IAM_CONTROL_ROLES } from '../iam-roles';
import { capabilities, type CapabilitySettings } from '../capabilities/registry';

export type { CloudSqlSettings } from '../capabilities/cloud-sql';
export type { SpannerSettings } from '../capabilities/spanner';
export { BASIC_ROLES, IAM_CONTROL_ROLES };

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

export function resolveService(
  name: string,
  file: ServiceFile,
  platform: Platform,
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
    });
    for (const role of settings.teamRoles ?? []) {
      if (BASIC_ROLES.includes(role)) {
        problems.push({
          path: at('teamRoles'),
          value: role,
          message: `${role} is a basic role and is not granted to teams; list predefined roles instead (e.g. roles/pubsub.editor, roles/cloudsql.client)`,
        });
      } else if (IAM_CONTROL_ROLES.includes(role)) {
        problems.push({
          path: at('teamRoles'),
          value: role,
          message: `${role} lets the team change IAM or act as another service account, so it is not granted to teams; IAM changes go through the catalog: list the predefined roles the team needs in teamRoles and open a pull request`,
        });
      }
    }
  }
  return { environments, problems: dedupe(problems) };
}

type At = (...path: string[]) => string;

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
