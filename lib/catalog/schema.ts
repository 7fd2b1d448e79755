// The one schema of the catalog: platform.yaml and services/<name>.yaml.
// Defaults live here and nowhere else; messages name the rule and an example.
import { z } from 'zod';
import { PATTERNS } from '../props';

/** Renders a YAML value the way a reader of the file would recognise it. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'a list' : 'a mapping';
}

/** `expected <what>, got <value>`, or `required: <what>` for a missing key. */
function expected(what: string, input: unknown): string {
  return input === undefined ? `required: ${what}` : `expected ${what}, got ${show(input)}`;
}

/**
 * A string that must match `pattern`; the message shows `example`. `mismatch`
 * words the message for a string that does not match, where "expected <what>"
 * alone would not say which strings are allowed.
 */
function text(pattern: RegExp, what: string, example: string, mismatch?: (input: string) => string) {
  const message = (iss: { input?: unknown }) => expected(`${what} like ${example}`, iss.input);
  const wrongString = mismatch ? (iss: { input?: unknown }) => mismatch(String(iss.input)) : message;
  return z.string({ error: message }).regex(pattern, { error: wrongString });
}

function integer(min: number, max: number, example: number) {
  const message = (iss: { input?: unknown }) => expected(`a whole number from ${min} to ${max} like ${example}`, iss.input);
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });
}

function flag() {
  return z.boolean({ error: (iss) => expected('true or false', iss.input) });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (iss) => expected(`one of ${values.join(', ')}`, iss.input),
  });
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** A mapping whose unknown keys are errors (a typo must never be ignored). */
function mapping<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') {
        return iss.keys
          .map((key) => {
            const near = allowed.find((candidate) => editDistance(key, candidate) <= 2);
            const hint = near ? `did you mean "${near}"?` : `allowed keys: ${allowed.join(', ')}`;
            return `unknown key "${key}"; ${hint}`;
          })
          .join('; ');
      }
      return expected(`a mapping with keys ${allowed.join(', ')}`, iss.input);
    },
  });
}

function list<T extends z.ZodType>(item: T, what: string) {
  return z.array(item, { error: (iss) => expected(`a list of ${what}`, iss.input) });
}

function dictionary<T extends z.ZodType>(key: z.ZodType<string>, value: T, what: string) {
  return z.record(key, value, { error: (iss) => expected(`a mapping of ${what}`, iss.input) });
}

// ---------------------------------------------------------------- patterns

export const NAME_PATTERN = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
const EMAIL = /^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$/;
const ROLE = /^(roles\/[a-zA-Z0-9_.]+|projects\/[a-z0-9-]+\/roles\/[a-zA-Z0-9_.]+|organizations\/\d+\/roles\/[a-zA-Z0-9_.]+)$/;
const API = /^[a-z0-9-]+\.googleapis\.com$/;
const QUANTITY = /^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;
// Enterprise edition tiers only: CloudSqlInstance creates ENTERPRISE instances,
// and db-perf-optimized-N-* tiers need Enterprise Plus.
export const SQL_TIER = /^db-(custom-\d+-\d+|f1-micro|g1-small|n1-(standard|highmem)-\d+)$/;
export const SHARED_CORE_SQL_TIERS = ['db-f1-micro', 'db-g1-small'];
const SQL_TIER_FORMS = 'db-custom-<vCPUs>-<MB>, db-f1-micro, db-g1-small, db-n1-standard-<n>, db-n1-highmem-<n>';

/** Why `tier` (a string that fails SQL_TIER) is refused, with the allowed forms. */
export function sqlTierMismatch(tier: string): string {
  const allowed = `expected a Cloud SQL tier like db-custom-2-7680 (${SQL_TIER_FORMS}), got ${show(tier)}`;
  return tier.startsWith('db-perf-optimized-')
    ? `${allowed}; db-perf-optimized-* tiers need the Enterprise Plus edition, which the platform does not create yet`
    : allowed;
}
// Only `regional-<region>`: the Spanner CMEK key ring is created at the
// config's region, and a multi-region config (nam3, eur6) has no single KMS
// location: each replica region needs its own key.
const SPANNER_CONFIG = /^regional-[a-z]+-[a-z]+\d+$/;
const SQL_DATABASE = /^[a-z][a-z0-9_]{0,62}$/;
const SPANNER_DATABASE = /^[a-z][a-z0-9_-]{0,28}[a-z0-9]$/;

export const POSTGRES_VERSIONS = ['POSTGRES_14', 'POSTGRES_15', 'POSTGRES_16', 'POSTGRES_17'] as const;
export const MYSQL_VERSIONS = ['MYSQL_8_0', 'MYSQL_8_4'] as const;
export const NODE_POOLS = ['standard', 'highmem'] as const;
export type NodePoolName = (typeof NODE_POOLS)[number];

// ---------------------------------------------------------------- platform.yaml

const nodePoolSchema = (machineType: string, minNodes: number, maxNodes: number) =>
  mapping({
    /** @default n1-standard-4 (standard) / n1-highmem-8 (highmem) */
    machineType: text(/^n1-(standard|highmem)-\d+$/, 'an n1 machine type', machineType).default(machineType),
    /** Nodes per zone: the pool is regional (three zones). */
    minNodes: integer(0, 100, minNodes).default(minNodes),
    maxNodes: integer(1, 1000, maxNodes).default(maxNodes),
    diskSizeGb: integer(20, 2000, 100).default(100),
  });

const environmentSchema = mapping({
  /** Added to service project ids and namespaces: `<service>-<suffix>`. */
  projectSuffix: text(/^[a-z][a-z0-9]{1,7}$/, 'a short lowercase suffix', 'prod'),
  /** Production-grade defaults: highly available databases, read-mostly team access, a lien on projects. @default false */
  production: flag().default(false),
  /** Predefined roles every owning team gets in its own service project here (teamRoles add to them).
   *  @default read-mostly in production environments, broader elsewhere (DEFAULT_TEAM_ROLES in lib/catalog/team-roles.ts) */
  teamRoles: list(text(ROLE, 'a role', 'roles/logging.viewer'), 'roles').optional(),
  /** The team group may log in to the service's Cloud SQL databases (IAM group user). @default false in production environments, true elsewhere */
  teamDatabaseLogin: flag().optional(),
});

export const platformSchema = mapping({
  organizationId: text(/^\d{6,20}$/, 'a numeric organization id', '123456789012'),
  billingAccount: text(/^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/, 'a billing account id', '01ABCD-23EF45-67AB89'),
  serviceProjectsFolder: text(/^folders\/\d+$/, 'a folder', 'folders/234567890123'),
  region: text(/^[a-z]+-[a-z]+\d+$/, 'a region', 'asia-northeast1'),
  /** Prepended to every service project id (project ids are global). @default no prefix */
  projectIdPrefix: text(/^[a-z][a-z0-9]{1,9}$/, 'a short lowercase prefix', 'acme').optional(),
  platformProject: text(PATTERNS.projectId, 'a project id', 'acme-platform'),
  dnsDomain: text(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'a DNS domain without trailing dot', 'platform.example.com'),
  stateBucket: text(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, 'a bucket name', 'acme-terraform-state'),
  /** The `gke-security-groups@` group that nests the team groups for RBAC. */
  gkeSecurityGroup: text(/^gke-security-groups@[a-z0-9.-]+\.[a-z]{2,}$/, 'a gke-security-groups group', 'gke-security-groups@example.com'),
  /** The repository whose workflows plan and apply (bootstrap stack: Workload Identity Federation).
   *  @default none: the bootstrap stack creates only the state bucket, no CI identity */
  github: mapping({
    repository: text(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/, 'a GitHub repository as owner/name', 'acme/platform'),
  }).optional(),
  environments: dictionary(text(NAME_PATTERN, 'an environment name', 'production'), environmentSchema, 'environments').default({
    development: { projectSuffix: 'dev', production: false },
    production: { projectSuffix: 'prod', production: true },
  }),
  network: mapping({
    name: text(NAME_PATTERN, 'a network name', 'platform').default('platform'),
    subnetCidr: text(CIDR, 'a CIDR range', '10.0.0.0/20').default('10.0.0.0/20'),
    podsCidr: text(CIDR, 'a CIDR range', '10.16.0.0/14').default('10.16.0.0/14'),
    servicesCidr: text(CIDR, 'a CIDR range', '10.20.0.0/20').default('10.20.0.0/20'),
    /** Reserved for Cloud SQL private IP (private service access). */
    privateServiceAccessCidr: text(CIDR, 'a CIDR range', '10.100.0.0/16').default('10.100.0.0/16'),
  }).prefault({}),
  cluster: mapping({
    name: text(NAME_PATTERN, 'a cluster name', 'production').default('production'),
    releaseChannel: oneOf(['RAPID', 'REGULAR', 'STABLE']).default('REGULAR'),
    masterCidr: text(/^(\d{1,3}\.){3}\d{1,3}\/28$/, 'a /28 CIDR range', '172.16.0.0/28').default('172.16.0.0/28'),
    /** Who may reach the control plane, by a stable name. @default none: only from inside the VPC */
    authorizedNetworks: dictionary(text(NAME_PATTERN, 'a network name', 'office'), text(CIDR, 'a CIDR range', '203.0.113.0/24'), 'names to CIDR ranges').default({}),
    nodePools: mapping({
      standard: nodePoolSchema('n1-standard-4', 1, 10).prefault({}),
      highmem: nodePoolSchema('n1-highmem-8', 0, 4).prefault({}),
    }).prefault({}),
  }).prefault({}),
});

export type Platform = z.infer<typeof platformSchema>;
export type EnvironmentSettings = z.infer<typeof environmentSchema>;

// ---------------------------------------------------------------- services/<name>.yaml

// Every field below is optional: a service file sets only what differs from
// the defaults (applied in resolve.ts), and `environments.<env>` overrides
// share the same shape.
const cloudSqlSchema = mapping({
  /** Required once a service has Cloud SQL in any environment. */
  engine: oneOf(['postgres', 'mysql']).optional(),
  /** @default POSTGRES_16 (postgres) / MYSQL_8_0 (mysql) */
  version: oneOf([...POSTGRES_VERSIONS, ...MYSQL_VERSIONS]).optional(),
  /** @default db-custom-1-3840 */
  tier: text(SQL_TIER, 'a string', 'db-custom-2-7680', sqlTierMismatch).optional(),
  /** @default 20 */
  diskSizeGb: integer(10, 65536, 20).optional(),
  /** @default true in production environments, false elsewhere */
  highAvailability: flag().optional(),
  /** @default none */
  databases: list(text(SQL_DATABASE, 'a database name', 'orders'), 'database names').optional(),
});

const spannerSchema = mapping({
  /** @default 100 */
  processingUnits: integer(100, 100000, 100).optional(),
  /** @default regional-<platform region> */
  config: text(
    SPANNER_CONFIG,
    'a regional instance config',
    'regional-asia-northeast1',
    (config) =>
      `expected a regional instance config like regional-asia-northeast1, got ${show(config)}; multi-region configs are not supported yet because each replica region needs its own encryption key`,
  ).optional(),
  /** @default none */
  databases: list(text(SPANNER_DATABASE, 'a database name', 'features'), 'database names').optional(),
});

/** A Pod Security exception reason must say why, as a policy waiver must. */
export const POD_SECURITY_REASON_MIN_LENGTH = 20;

const settingsShape = {
  /** Workloads land on this node pool. @default standard */
  nodePool: oneOf(NODE_POOLS).optional(),
  /** Services whose pods may call this one (ingress from their namespaces in the same environment). @default none: only the namespace itself and Google's load balancers */
  allowFrom: list(text(NAME_PATTERN, 'a service name', 'gateway'), 'service names').optional(),
  /** Pod Security Standard enforced on the namespace. `baseline` is an exception and needs a reason; `privileged` is never allowed.
   *  @default restricted */
  podSecurity: mapping({
    level: z.enum(['restricted', 'baseline'], {
      error: (iss) =>
        iss.input === 'privileged'
          ? 'privileged is never allowed: it gives pods the node; use baseline with a reason, or run the privileged part as a platform component'
          : expected('one of restricted, baseline', iss.input),
    }),
    /** Why the exception is needed; printed on every synth. Required with baseline. */
    reason: z.string({ error: (iss) => expected('a sentence', iss.input) }).optional(),
  }).optional(),
  /** APIs enabled besides the platform's baseline. @default none */
  apis: list(text(API, 'an API', 'pubsub.googleapis.com'), 'API names').optional(),
  /** Roles granted (additively) to the owner group in the service project. @default none */
  teamRoles: list(text(ROLE, 'a role', 'roles/pubsub.editor'), 'roles').optional(),
  databases: mapping({ cloudsql: cloudSqlSchema.optional(), spanner: spannerSchema.optional() }).optional(),
  namespace: mapping({
    quota: mapping({
      /** @default "8" */
      cpu: text(QUANTITY, 'a CPU quantity', '"8"').optional(),
      /** @default 16Gi */
      memory: text(QUANTITY, 'a memory quantity', '16Gi').optional(),
      /** @default 50 */
      pods: integer(1, 10000, 50).optional(),
    }).optional(),
  }).optional(),
  logs: mapping({
    /** @default 30 */
    retentionDays: integer(1, 3650, 30).optional(),
  }).optional(),
};

export const serviceOverrideSchema = mapping(settingsShape);

export const serviceSchema = mapping({
  team: text(NAME_PATTERN, 'a team name', 'payments'),
  ownerGroup: text(EMAIL, 'a group email', 'payments@example.com'),
  /** Environments this service runs in, each with optional overrides.
   *  @default every environment of platform.yaml, no overrides */
  environments: dictionary(text(NAME_PATTERN, 'an environment name', 'production'), serviceOverrideSchema.nullable(), 'environment names to overrides').optional(),
  ...settingsShape,
});

export type ServiceFile = z.infer<typeof serviceSchema>;
export type ServiceSettings = z.infer<typeof serviceOverrideSchema>;
