// Facts and rules of Cloud SQL, in one place: the catalog (databases.cloudsql)
// reports them at a file and field, the CloudSqlInstance construct refuses
// props that break them. Neither writes its own copy.

export const CLOUD_SQL_ENGINES = ['postgres', 'mysql'] as const;
export type CloudSqlEngine = (typeof CLOUD_SQL_ENGINES)[number];

export const POSTGRES_VERSIONS = ['POSTGRES_14', 'POSTGRES_15', 'POSTGRES_16', 'POSTGRES_17'] as const;
export const MYSQL_VERSIONS = ['MYSQL_8_0', 'MYSQL_8_4'] as const;
export const VERSIONS_BY_ENGINE: Readonly<Record<CloudSqlEngine, readonly string[]>> = { postgres: POSTGRES_VERSIONS, mysql: MYSQL_VERSIONS };

export const CLOUD_SQL_DEFAULTS = {
  tier: 'db-custom-1-3840',
  diskSizeGb: 20,
  version: { postgres: 'POSTGRES_16', mysql: 'MYSQL_8_0' } satisfies Record<CloudSqlEngine, string>,
};

// Enterprise edition tiers only: CloudSqlInstance creates ENTERPRISE instances,
// and db-perf-optimized-N-* tiers need Enterprise Plus.
export const SQL_TIER = /^db-(custom-\d+-\d+|f1-micro|g1-small|n1-(standard|highmem)-\d+)$/;
export const SHARED_CORE_SQL_TIERS = ['db-f1-micro', 'db-g1-small'];
export const SQL_TIER_FORMS = 'db-custom-<vCPUs>-<MB>, db-f1-micro, db-g1-small, db-n1-standard-<n>, db-n1-highmem-<n>';

/** Why `tier` (a string that fails SQL_TIER) is refused, with the allowed forms. */
export function sqlTierMismatch(tier: string): string {
  const allowed = `expected a Cloud SQL tier like db-custom-2-7680 (${SQL_TIER_FORMS}), got ${JSON.stringify(tier)}`;
  return tier.startsWith('db-perf-optimized-')
    ? `${allowed}; db-perf-optimized-* tiers need the Enterprise Plus edition, which the platform does not create yet`
    : allowed;
}

/** A broken rule and the field it is about. */
export interface RuleProblem<Field extends string = string> {
  readonly field: Field;
  readonly message: string;
}

export interface CloudSqlShape {
  readonly engine: CloudSqlEngine;
  readonly version: string;
  readonly tier: string;
  readonly highAvailability: boolean;
  /** Why the instance is highly available, for the message. @default "highAvailability: true" */
  readonly highAvailabilityReason?: string;
}

/** Every rule an instance's engine, version, tier and availability must satisfy. */
export function cloudSqlProblems(sql: CloudSqlShape): RuleProblem<'version' | 'tier'>[] {
  const problems: RuleProblem<'version' | 'tier'>[] = [];
  const versions = VERSIONS_BY_ENGINE[sql.engine];
  if (!versions.includes(sql.version)) {
    problems.push({ field: 'version', message: `${sql.version} is not a ${sql.engine} version; use one of ${versions.join(', ')}` });
  }
  const { tier } = sql;
  if (!SQL_TIER.test(tier)) return [...problems, { field: 'tier', message: sqlTierMismatch(tier) }];
  if (sql.highAvailability && SHARED_CORE_SQL_TIERS.includes(tier)) {
    problems.push({
      field: 'tier',
      message: `${tier} is a shared-core tier and cannot be highly available (${sql.highAvailabilityReason ?? 'highAvailability: true'}); use a dedicated tier like db-custom-1-3840, or set highAvailability: false`,
    });
  }
  if (sql.engine === 'postgres' && tier.startsWith('db-n1-')) {
    problems.push({ field: 'tier', message: `${tier} is a MySQL-only tier; PostgreSQL uses custom tiers like db-custom-2-7680` });
  }
  const custom = /^db-custom-(\d+)-(\d+)$/.exec(tier);
  if (custom) {
    const [cpus, memoryMb] = [Number(custom[1]), Number(custom[2])];
    if ((cpus !== 1 && cpus % 2 !== 0) || cpus > 96) {
      problems.push({ field: 'tier', message: `${tier} has ${cpus} vCPUs; custom tiers take 1 or an even number up to 96 (e.g. db-custom-2-7680)` });
    }
    if (memoryMb % 256 !== 0 || memoryMb < 922 * cpus || memoryMb > 6656 * cpus) {
      problems.push({
        field: 'tier',
        message: `${tier} has ${memoryMb} MB for ${cpus} vCPUs; memory must be a multiple of 256 MB between 0.9 and 6.5 GB per vCPU (e.g. db-custom-${cpus}-${3840 * cpus})`,
      });
    }
  }
  return problems;
}
