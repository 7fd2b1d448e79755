// Turns one parsed service file into its per-environment settings: defaults
// applied, `environments.<env>` overrides merged, cross-field rules checked.
import {
  MYSQL_VERSIONS,
  POSTGRES_VERSIONS,
  SERVICE_DEFAULTS,
  SHARED_CORE_SQL_TIERS,
  type NodePoolName,
  type Platform,
  type ServiceFile,
  type ServiceSettings,
} from './schema';
import { serviceNamespace, serviceProjectId, serviceStackName } from './names';
import { platformClusters } from './clusters';

export interface CloudSqlSettings {
  readonly engine: 'postgres' | 'mysql';
  readonly version: string;
  readonly tier: string;
  readonly diskSizeGb: number;
  readonly highAvailability: boolean;
  readonly databases: readonly string[];
}

export interface SpannerSettings {
  readonly processingUnits: number;
  readonly config: string;
  readonly databases: readonly string[];
}

export interface NamespaceQuota {
  readonly cpu: string;
  readonly memory: string;
  readonly pods: number;
}

/** Everything a service stack needs for one service in one environment. */
export interface ServiceEnvironment {
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
  readonly cloudsql?: CloudSqlSettings;
  readonly spanner?: SpannerSettings;
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

export const BASIC_ROLES = ['roles/owner', 'roles/editor', 'roles/viewer'];

/**
 * Roles that let a holder change IAM or act as another identity (and so gain
 * any role that identity has). Teams never get them: who may do what is
 * decided in the catalog, where a pull request reviews it.
 */
export const IAM_CONTROL_ROLES = [
  'roles/resourcemanager.projectIamAdmin',
  'roles/iam.securityAdmin',
  'roles/iam.serviceAccountAdmin',
  'roles/iam.serviceAccountKeyAdmin',
  'roles/iam.serviceAccountTokenCreator',
  'roles/iam.serviceAccountOpenIdTokenCreator',
  'roles/iam.serviceAccountUser',
  'roles/iam.workloadIdentityUser',
  'roles/iam.roleAdmin',
  // Admin of the service's CMEK key and log dataset: could destroy or rewrite them.
  'roles/cloudkms.admin',
  'roles/bigquery.admin',
  'roles/bigquery.dataOwner',
  // Run builds or deployments as more powerful service accounts.
  'roles/cloudbuild.builds.editor',
  'roles/deploymentmanager.editor',
];

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
      cloudsql: resolveCloudSql(settings, environment, production, at, problems),
      spanner: resolveSpanner(settings, platform, at, problems),
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

function resolveCloudSql(settings: ServiceSettings, environment: string, production: boolean, at: At, problems: FieldProblem[]): CloudSqlSettings | undefined {
  const sql = settings.databases?.cloudsql;
  if (!sql) return undefined;
  if (!sql.engine) {
    problems.push({ path: at('databases', 'cloudsql', 'engine'), message: 'required when Cloud SQL is used: set engine: postgres or engine: mysql' });
    return undefined;
  }
  const version = sql.version ?? DEFAULTS.cloudsqlVersion[sql.engine];
  const versions: readonly string[] = sql.engine === 'postgres' ? POSTGRES_VERSIONS : MYSQL_VERSIONS;
  if (!versions.includes(version)) {
    problems.push({ path: at('databases', 'cloudsql', 'version'), message: `${version} is not a ${sql.engine} version; use one of ${versions.join(', ')}` });
  }
  const tier = sql.tier ?? DEFAULTS.cloudsqlTier;
  const highAvailability = sql.highAvailability ?? production;
  const tierAt = at('databases', 'cloudsql', 'tier');
  if (highAvailability && SHARED_CORE_SQL_TIERS.includes(tier)) {
    problems.push({
      path: tierAt,
      message: `${tier} is a shared-core tier and cannot be highly available (${sql.highAvailability ? 'highAvailability: true' : `environment ${environment} is production, so highAvailability defaults to true`}); use a dedicated tier like db-custom-1-3840, or set highAvailability: false`,
    });
  }
  if (sql.engine === 'postgres' && tier.startsWith('db-n1-')) {
    problems.push({ path: tierAt, message: `${tier} is a MySQL-only tier; PostgreSQL uses custom tiers like db-custom-2-7680` });
  }
  const custom = /^db-custom-(\d+)-(\d+)$/.exec(tier);
  if (custom) {
    const [cpus, memoryMb] = [Number(custom[1]), Number(custom[2])];
    if ((cpus !== 1 && cpus % 2 !== 0) || cpus > 96) {
      problems.push({ path: tierAt, message: `${tier} has ${cpus} vCPUs; custom tiers take 1 or an even number up to 96 (e.g. db-custom-2-7680)` });
    }
    if (memoryMb % 256 !== 0 || memoryMb < 922 * cpus || memoryMb > 6656 * cpus) {
      problems.push({
        path: tierAt,
        message: `${tier} has ${memoryMb} MB for ${cpus} vCPUs; memory must be a multiple of 256 MB between 0.9 and 6.5 GB per vCPU (e.g. db-custom-${cpus}-${3840 * cpus})`,
      });
    }
  }
  checkUnique(sql.databases ?? [], at('databases', 'cloudsql', 'databases'), problems);
  return {
    engine: sql.engine,
    version,
    tier,
    diskSizeGb: sql.diskSizeGb ?? DEFAULTS.cloudsqlDiskSizeGb,
    highAvailability,
    databases: [...(sql.databases ?? [])].sort(),
  };
}

function resolveSpanner(settings: ServiceSettings, platform: Platform, at: At, problems: FieldProblem[]): SpannerSettings | undefined {
  const spanner = settings.databases?.spanner;
  if (!spanner) return undefined;
  const processingUnits = spanner.processingUnits ?? DEFAULTS.spannerProcessingUnits;
  if ((processingUnits < 1000 && processingUnits % 100 !== 0) || (processingUnits >= 1000 && processingUnits % 1000 !== 0)) {
    problems.push({
      path: at('databases', 'spanner', 'processingUnits'),
      message: `${processingUnits} is not allowed; use a multiple of 100 below 1000 or a multiple of 1000 from 1000 (e.g. 300 or 2000)`,
    });
  }
  checkUnique(spanner.databases ?? [], at('databases', 'spanner', 'databases'), problems);
  return {
    processingUnits,
    config: spanner.config ?? `regional-${platform.region}`,
    databases: [...(spanner.databases ?? [])].sort(),
  };
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

function checkUnique(names: readonly string[], path: string, problems: FieldProblem[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) problems.push({ path, value: name, occurrence: 2, message: `"${name}" is listed twice; list each database once` });
    seen.add(name);
  }
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
