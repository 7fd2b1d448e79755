// The one schema of the catalog: platform.yaml and services/<name>.yaml.
// Defaults live here and nowhere else; messages name the rule and an example.
import { z } from 'zod';
import { PATTERNS } from '../props';
import { about, dictionary, expected, flag, integer, list, mapping, NAME_PATTERN, oneOf, text } from './schema-kit';
import { DEFAULT_NODE_POOL, NODE_POOL_FACTS, NODE_POOLS, type NodePoolName } from '../domain/node-pools';
import { schemaParts } from '../capabilities/registry';

export { editDistance, show } from './schema-kit';

// ---------------------------------------------------------------- patterns

export { NAME_PATTERN };
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
const MASTER_CIDR = /^(\d{1,3}\.){3}\d{1,3}\/28$/;
const REGION = /^[a-z]+-[a-z]+\d+$/;
/** Short, so node service account ids (`gke-<key>-<pool>-nodes`) stay within 30 characters. */
const COUNTRY_KEY = /^[a-z][a-z0-9]{1,5}$/;
const EMAIL = /^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$/;
const ROLE = /^(roles\/[a-zA-Z0-9_.]+|projects\/[a-z0-9-]+\/roles\/[a-zA-Z0-9_.]+|organizations\/\d+\/roles\/[a-zA-Z0-9_.]+)$/;
const API = /^[a-z0-9-]+\.googleapis\.com$/;
const QUANTITY = /^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;

// Domain facts live in lib/domain/; re-exported for the catalog's readers.
export { MYSQL_VERSIONS, POSTGRES_VERSIONS, SHARED_CORE_SQL_TIERS, SQL_TIER, sqlTierMismatch } from '../domain/cloud-sql';
export { NODE_POOLS, type NodePoolName };

/**
 * Defaults of the optional service fields, applied in resolve.ts (as
 * DEFAULTS) and shown in the JSON Schemas: one definition for both.
 */
export const SERVICE_DEFAULTS = {
  nodePool: DEFAULT_NODE_POOL,
  quota: { cpu: '8', memory: '16Gi', pods: 50 },
  logRetentionDays: 30,
};

// ---------------------------------------------------------------- platform.yaml

export const UPGRADE_STRATEGIES = ['SURGE', 'BLUE_GREEN'] as const;

/**
 * How GKE replaces a pool's nodes on a version change. SURGE adds
 * `maxSurge` new nodes and drains `maxUnavailable` old ones at a time;
 * BLUE_GREEN creates a whole new (green) pool, drains the old (blue) one in
 * batches, and keeps it for `nodePoolSoakMinutes` so a bad version is rolled
 * back by cordoning green. Fields of the other strategy are refused.
 */
const upgradeSchema = (strategy: (typeof UPGRADE_STRATEGIES)[number]) =>
  mapping({
    /** @default SURGE (standard) / BLUE_GREEN (highmem) */
    strategy: oneOf(UPGRADE_STRATEGIES).default(strategy).meta(about('SURGE replaces a few nodes at a time; BLUE_GREEN builds a new pool, drains the old one in batches and keeps it for a rollback.')),
    /** SURGE: extra nodes during the upgrade. @default 1 */
    maxSurge: integer(0, 100, 1).optional().meta(about('SURGE only: extra nodes created during the upgrade. Default: 1.')),
    /** SURGE: nodes that may be down at once. @default 0 */
    maxUnavailable: integer(0, 100, 0).optional().meta(about('SURGE only: nodes that may be unavailable at once. Default: 0.')),
    /** BLUE_GREEN: how long the drained blue pool is kept for a rollback (at most 7 days). @default 60 */
    nodePoolSoakMinutes: integer(0, 10080, 60).optional().meta(about('BLUE_GREEN only: minutes the drained old pool is kept for a rollback, at most 7 days. Default: 60.')),
    /** BLUE_GREEN: blue nodes drained per batch (or use batchPercentage). @default 1 */
    batchNodeCount: integer(1, 1000, 1).optional().meta(about('BLUE_GREEN only: old nodes drained per batch (or batchPercentage, not both). Default: 1.')),
    /** BLUE_GREEN: share of blue nodes drained per batch, above 0 and at most 1. @default batchNodeCount 1 */
    batchPercentage: z
      .number({ error: (iss) => expected('a number above 0 and at most 1 like 0.25', iss.input) })
      .optional()
      .meta(about('BLUE_GREEN only: share of the old nodes drained per batch, above 0 and at most 1 (or batchNodeCount). Default: batchNodeCount 1.')),
    /** BLUE_GREEN: wait after each batch. @default 5 */
    batchSoakMinutes: integer(0, 10080, 5).optional().meta(about('BLUE_GREEN only: minutes to wait after each batch. Default: 5.')),
  });

const nodePoolSchema = (machineType: string, minNodes: number, maxNodes: number, strategy: (typeof UPGRADE_STRATEGIES)[number]) =>
  mapping({
    /** @default n1-standard-4 (standard) / n1-highmem-8 (highmem) */
    machineType: text(/^n1-(standard|highmem)-\d+$/, 'an n1 machine type', machineType).default(machineType).meta(about('Machine type of the pool\'s nodes (n1 family).')),
    /** Nodes per zone: the pool is regional (three zones). */
    minNodes: integer(0, 100, minNodes).default(minNodes).meta(about('Fewest nodes per zone the autoscaler keeps (the pool is regional: three zones).')),
    maxNodes: integer(1, 1000, maxNodes).default(maxNodes).meta(about('Most nodes per zone the autoscaler adds.')),
    diskSizeGb: integer(20, 2000, 100).default(100).meta(about('Boot disk size of each node, in GB.')),
    /** How version changes replace the nodes. @default SURGE (standard) / BLUE_GREEN (highmem) */
    upgrade: upgradeSchema(strategy)
      .prefault({})
      .meta(
        about(
          'How version changes replace the nodes: SURGE (maxSurge, maxUnavailable) or BLUE_GREEN (nodePoolSoakMinutes, batchNodeCount or batchPercentage, batchSoakMinutes). Default: SURGE for standard, BLUE_GREEN for highmem.',
        ),
      ),
  });

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
export const EXCLUSION_SCOPES = ['NO_UPGRADES', 'NO_MINOR_UPGRADES', 'NO_MINOR_OR_NODE_UPGRADES'] as const;

/** When GKE may upgrade the cluster and when it may not. Times are UTC. */
const maintenanceSchema = mapping({
  /** A daily 4-hour window starting at this time. Replaced by recurringWindow when that is set. @default "17:00" */
  dailyStartTime: text(TIME_OF_DAY, 'a time of day (UTC)', '"17:00"')
    .optional()
    .meta(about('Start (UTC, HH:MM) of a daily 4-hour window; not with recurringWindow. Default: "17:00".')),
  /** A recurring window: first occurrence and an RFC 5545 rule (FREQ=DAILY or FREQ=WEEKLY;BYDAY=...).
   *  GKE needs at least 4 hours per occurrence and 48 hours in any 32 days. @default the daily window */
  recurringWindow: mapping({
    startTime: text(TIMESTAMP, 'a UTC timestamp', '2026-01-03T15:00:00Z').meta(about('Required. Start of the first occurrence (UTC, e.g. 2026-01-03T15:00:00Z).')),
    endTime: text(TIMESTAMP, 'a UTC timestamp', '2026-01-03T23:00:00Z').meta(about('Required. End of the first occurrence: at least 4 hours after startTime.')),
    recurrence: text(/^FREQ=(DAILY|WEEKLY(;BYDAY=(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*)?)$/, 'a recurrence rule', 'FREQ=WEEKLY;BYDAY=SA,SU').meta(
      about('Required. How the window repeats: FREQ=DAILY or FREQ=WEEKLY;BYDAY=<days> (48 hours in any 32 days).'),
    ),
  })
    .optional()
    .meta(about('A recurring window instead of the daily one (GKE needs 4 hours per occurrence and 48 hours in any 32 days). Default: the daily window.')),
  /** Periods without upgrades (e.g. a sales campaign), by a stable name. NO_UPGRADES lasts at most 30 days.
   *  @default none */
  exclusions: dictionary(
    text(NAME_PATTERN, 'an exclusion name', 'year-end-sale'),
    mapping({
      startTime: text(TIMESTAMP, 'a UTC timestamp', '2026-12-20T00:00:00Z').meta(about('Required. Start of the period without upgrades (UTC).')),
      endTime: text(TIMESTAMP, 'a UTC timestamp', '2027-01-05T00:00:00Z').meta(about('Required. End of the period (UTC); a NO_UPGRADES period lasts at most 30 days.')),
      /** @default NO_UPGRADES */
      scope: oneOf(EXCLUSION_SCOPES)
        .default('NO_UPGRADES')
        .meta(about('What is excluded: NO_UPGRADES (nothing), NO_MINOR_UPGRADES (patches only), NO_MINOR_OR_NODE_UPGRADES (control-plane patches only).')),
    }),
    'exclusion names to periods',
  )
    .default({})
    .meta(about('Periods without upgrades (e.g. a sales campaign), by a stable name.')),
});

/** What every cluster (the home one and one per further country) configures. */
const clusterShape = {
  releaseChannel: oneOf(['RAPID', 'REGULAR', 'STABLE']).default('REGULAR').meta(about('GKE release channel: how soon the cluster gets new versions.')),
  /** Who may reach the control plane, by a stable name. @default none: only from inside the VPC */
  authorizedNetworks: dictionary(text(NAME_PATTERN, 'a network name', 'office'), text(CIDR, 'a CIDR range', '203.0.113.0/24'), 'names to CIDR ranges').default({}).meta(
    about('Who may reach the control plane, by a stable name: name to CIDR range, each /8 or longer. Default: none, only from inside the VPC.'),
  ),
  /** Cluster autoscaler profile: OPTIMIZE_UTILIZATION removes idle nodes sooner than BALANCED.
   *  @default OPTIMIZE_UTILIZATION */
  autoscalingProfile: oneOf(['OPTIMIZE_UTILIZATION', 'BALANCED'])
    .default('OPTIMIZE_UTILIZATION')
    .meta(about('Cluster autoscaler profile: OPTIMIZE_UTILIZATION removes idle nodes sooner than BALANCED (node auto-provisioning stays off).')),
  /** @default a daily window at 17:00 UTC, no exclusions */
  maintenance: maintenanceSchema.prefault({}).meta(about('When GKE may upgrade (UTC) and when not. Default: a daily window from 17:00, no exclusions.')),
  nodePools: mapping({
    standard: nodePoolSchema(NODE_POOL_FACTS.standard.machineType, NODE_POOL_FACTS.standard.minNodes, NODE_POOL_FACTS.standard.maxNodes, 'SURGE').prefault({}).meta(about('The pool every service runs on unless it chooses highmem.')),
    highmem: nodePoolSchema(NODE_POOL_FACTS.highmem.machineType, NODE_POOL_FACTS.highmem.minNodes, NODE_POOL_FACTS.highmem.maxNodes, 'BLUE_GREEN').prefault({}).meta(about('The pool for memory-hungry and ML work (tainted: only services with nodePool: highmem).')),
  }).prefault({}).meta(about('The node pools of the cluster.')),
};

const environmentSchema = mapping({
  /** Added to service project ids and namespaces: `<service>-<suffix>`. */
  projectSuffix: text(/^[a-z][a-z0-9]{1,7}$/, 'a short lowercase suffix', 'prod').meta(about('Required. Added to service project ids and namespaces: <service>-<suffix> (e.g. prod).')),
  /** Production-grade defaults: highly available databases, read-mostly team access, a lien on projects. @default false */
  production: flag().default(false).meta(about('Production-grade defaults in this environment: highly available Cloud SQL, read-mostly team access, a lien against deleting service projects.')),
  /** Predefined roles every owning team gets in its own service project here (teamRoles add to them).
   *  @default read-mostly in production environments, broader elsewhere (DEFAULT_TEAM_ROLES in lib/catalog/team-roles.ts) */
  teamRoles: list(text(ROLE, 'a role', 'roles/logging.viewer'), 'roles').optional().meta(
    about("Predefined roles every owning team gets in its own service project in this environment; services' teamRoles add to them. Default: read-mostly in production environments, broader elsewhere (lib/catalog/team-roles.ts)."),
  ),
  /** The team group may log in to the service's Cloud SQL databases (IAM group user). @default false in production environments, true elsewhere */
  teamDatabaseLogin: flag().optional().meta(about("The team's group may log in to its service's Cloud SQL databases with IAM. Default: false in production environments, true elsewhere.")),
}).meta(about('One environment: every service gets a project and a namespace per environment.'));

export const platformSchema = mapping({
  organizationId: text(/^\d{6,20}$/, 'a numeric organization id', '123456789012').meta(about('Required. The GCP organization id, quoted (e.g. "123456789012").')),
  billingAccount: text(/^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/, 'a billing account id', '01ABCD-23EF45-67AB89').meta(about('Required. Billing account of every service project (e.g. 01ABCD-23EF45-67AB89).')),
  serviceProjectsFolder: text(/^folders\/\d+$/, 'a folder', 'folders/234567890123').meta(about('Required. The folder service projects are created in (e.g. folders/234567890123).')),
  region: text(REGION, 'a region', 'asia-northeast1').meta(about('Required. Region of the home cluster, the network and the databases (e.g. asia-northeast1).')),
  /** Prepended to every service project id (project ids are global). @default no prefix */
  projectIdPrefix: text(/^[a-z][a-z0-9]{1,9}$/, 'a short lowercase prefix', 'acme').optional().meta(about('Prepended to every service project id (project ids are global): <prefix>-<service>-<suffix>. Default: no prefix.')),
  platformProject: text(PATTERNS.projectId, 'a project id', 'acme-platform').meta(about('Required. The host project: Shared VPC, the cluster, the DNS zone (created by an admin).')),
  dnsDomain: text(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'a DNS domain without trailing dot', 'platform.example.com').meta(about('Required. The public DNS zone ExternalDNS manages (e.g. platform.example.com).')),
  stateBucket: text(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, 'a bucket name', 'acme-terraform-state').meta(about('Required. The GCS bucket of the Terraform state (created by the bootstrap stack).')),
  /** The platform team's group: receives every service's budget alerts besides the team. @default none */
  platformTeamGroup: text(EMAIL, 'a group email', 'platform-team@example.com').optional().meta(about('The platform team\'s group: receives every service\'s budget alerts besides the team. Default: none.')),
  /** The `gke-security-groups@` group that nests the team groups for RBAC. */
  gkeSecurityGroup: text(/^gke-security-groups@[a-z0-9.-]+\.[a-z]{2,}$/, 'a gke-security-groups group', 'gke-security-groups@example.com').meta(about('Required. The gke-security-groups@ group that nests the team groups, so they can be RoleBinding subjects.')),
  /** The repository whose workflows plan and apply (bootstrap stack: Workload Identity Federation).
   *  @default none: the bootstrap stack creates only the state bucket, no CI identity */
  github: mapping({
    repository: text(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/, 'a GitHub repository as owner/name', 'acme/platform').meta(
      about('Required with github. The repository as owner/name: only its workflows may plan and apply, and CODEOWNERS names the owner\'s GitHub teams (@<owner>/<team>).'),
    ),
  }).optional().meta(about('The GitHub repository whose workflows plan and apply. Default: none (the bootstrap stack creates only the state bucket, no CI identity).')),
  environments: dictionary(text(NAME_PATTERN, 'an environment name', 'production'), environmentSchema, 'environments').default({
    development: { projectSuffix: 'dev', production: false },
    production: { projectSuffix: 'prod', production: true },
  }).meta(about('The environments, by name; each service runs in all of them unless its file lists some.')),
  network: mapping({
    name: text(NAME_PATTERN, 'a network name', 'platform').default('platform').meta(about('Name of the Shared VPC network in the platform project.')),
    subnetCidr: text(CIDR, 'a CIDR range', '10.0.0.0/20').default('10.0.0.0/20').meta(about('Primary range of the subnet (nodes); must not overlap the other ranges.')),
    podsCidr: text(CIDR, 'a CIDR range', '10.16.0.0/14').default('10.16.0.0/14').meta(about('Secondary range for pods.')),
    servicesCidr: text(CIDR, 'a CIDR range', '10.20.0.0/20').default('10.20.0.0/20').meta(about('Secondary range for Kubernetes services.')),
    /** Reserved for Cloud SQL private IP (private service access). */
    privateServiceAccessCidr: text(CIDR, 'a CIDR range', '10.100.0.0/16').default('10.100.0.0/16').meta(about('Reserved for Cloud SQL private IP (private service access).')),
  }).prefault({}).meta(about('The Shared VPC network and its ranges (valid, network-aligned, not overlapping); its subnet is the home cluster\'s.')),
  /** The home country's cluster: in `region`, on the `network` subnet's ranges. */
  cluster: mapping({
    name: text(NAME_PATTERN, 'a cluster name', 'production').default('production').meta(about('Name of the home GKE cluster; service stacks find it by this name.')),
    masterCidr: text(MASTER_CIDR, 'a /28 CIDR range', '172.16.0.0/28').default('172.16.0.0/28').meta(about('The control plane\'s private /28 range.')),
    ...clusterShape,
  }).prefault({}).meta(about('The home country\'s shared GKE cluster (regional, private nodes), in region on the network\'s ranges.')),
  /** One more production cluster per further country, keyed by a short country key (`us`, `uk`):
   *  its region, its own subnet ranges and control-plane range, and the same settings as `cluster`.
   *  @default none: one cluster, the home one */
  countries: dictionary(
    text(COUNTRY_KEY, 'a short country key', 'us'),
    mapping({
      region: text(REGION, 'a region', 'us-central1').meta(about('Required. The country\'s region (one cluster per region).')),
      name: text(NAME_PATTERN, 'a cluster name', 'production-us').meta(about('Required. The cluster\'s name, unique among the clusters.')),
      /** The cluster's subnet in `region` and its pods and services ranges: outside every other range of the VPC. */
      subnetCidr: text(CIDR, 'a CIDR range', '10.32.0.0/20').meta(about('Required. Primary range of the country\'s subnet; outside every other range of the VPC.')),
      podsCidr: text(CIDR, 'a CIDR range', '10.48.0.0/14').meta(about('Required. Secondary range for the cluster\'s pods.')),
      servicesCidr: text(CIDR, 'a CIDR range', '10.52.0.0/20').meta(about('Required. Secondary range for the cluster\'s Kubernetes services.')),
      masterCidr: text(MASTER_CIDR, 'a /28 CIDR range', '172.16.0.16/28').meta(about('Required. The control plane\'s private /28 range.')),
      ...clusterShape,
    }),
    'country keys to clusters',
  )
    .default({})
    .meta(
      about(
        'One more production cluster per further country, keyed by a short country key (2 to 6 lowercase letters or digits): region, name, its own subnet, pods, services and control-plane ranges, and the settings of cluster. Default: none.',
      ),
    ),
});

export type Platform = z.infer<typeof platformSchema>;
export type EnvironmentSettings = z.infer<typeof environmentSchema>;

// ---------------------------------------------------------------- services/<name>.yaml

// Every field below is optional: a service file sets only what differs from
// the defaults (applied in resolve.ts), and `environments.<env>` overrides
// share the same shape.
/** A Pod Security exception reason must say why, as a policy waiver must. */
export const POD_SECURITY_REASON_MIN_LENGTH = 20;

const settingsShape = {
  /** The clusters (names from platform.yaml: `cluster.name`, `countries.<key>.name`) the service runs in:
   *  its namespace, RBAC and policies appear in each. @default every cluster of the platform */
  clusters: list(text(NAME_PATTERN, 'a cluster name', 'production'), 'cluster names')
    .optional()
    .meta(about('The clusters (cluster.name, countries.<key>.name in platform.yaml) the service runs in: its namespace, RBAC and policies appear in each. Default: every cluster of the platform.')),
  /** Workloads land on this node pool. @default standard */
  nodePool: oneOf(NODE_POOLS).optional().meta(about('The node pool the workloads run on: standard, or highmem for memory-hungry work.', SERVICE_DEFAULTS.nodePool)),
  /** Services whose pods may call this one (ingress from their namespaces in the same environment). @default none: only the namespace itself and Google's load balancers */
  allowFrom: list(text(NAME_PATTERN, 'a service name', 'gateway'), 'service names').optional().meta(
    about("Services whose pods may call this one, by name (ingress from their namespaces in the same environment; their egress reaches this one). Default: none: only the namespace itself and Google's load balancers.", []),
  ),
  /** Pod Security Standard enforced on the namespace. `baseline` is an exception and needs a reason; `privileged` is never allowed.
   *  @default restricted */
  podSecurity: mapping({
    level: z.enum(['restricted', 'baseline'], {
      error: (iss) =>
        iss.input === 'privileged'
          ? 'privileged is never allowed: it gives pods the node; use baseline with a reason, or run the privileged part as a platform component'
          : expected('one of restricted, baseline', iss.input),
    }).optional().meta(about('restricted, or baseline as an exception (never privileged).', 'restricted')),
    /** Why the exception is needed; printed on every synth. Required with baseline. */
    reason: z.string({ error: (iss) => expected('a sentence', iss.input) }).optional().meta(about('Required with baseline: which pods need what restricted forbids, and why (printed on every synth).')),
  }).optional().meta(about('The Pod Security Standard enforced on the namespace. Default: restricted.')),
  /** APIs enabled besides the platform's baseline. @default none */
  apis: list(text(API, 'an API', 'pubsub.googleapis.com'), 'API names').optional().meta(about('APIs enabled besides the baseline (e.g. pubsub.googleapis.com).', [])),
  /** Roles granted (additively) to the owner group in the service project. @default none */
  teamRoles: list(text(ROLE, 'a role', 'roles/pubsub.editor'), 'roles').optional().meta(
    about("Predefined roles granted additively to ownerGroup in the service project, on top of the environment's baseline (platform.yaml); basic, IAM-changing, identity-pool, org-policy, billing and other-project roles and other projects' custom roles are refused.", []),
  ),
  databases: mapping(optionalParts(schemaParts('databases'))).optional().meta(about('Managed databases of the service. Default: none.')),
  namespace: mapping({
    quota: mapping({
      /** @default "8" */
      cpu: text(QUANTITY, 'a CPU quantity', '"8"').optional().meta(about('CPU the namespace may request in total (a Kubernetes quantity).', SERVICE_DEFAULTS.quota.cpu)),
      /** @default 16Gi */
      memory: text(QUANTITY, 'a memory quantity', '16Gi').optional().meta(about('Memory the namespace may request in total (a Kubernetes quantity).', SERVICE_DEFAULTS.quota.memory)),
      /** @default 50 */
      pods: integer(1, 10000, 50).optional().meta(about('Pods the namespace may run.', SERVICE_DEFAULTS.quota.pods)),
    }).optional().meta(about('ResourceQuota hard limits of the namespace.', {})),
  }).optional().meta(about('The service\'s Kubernetes namespace in the shared cluster.', {})),
  logs: mapping({
    /** @default 30 */
    retentionDays: integer(1, 3650, 30).optional().meta(about('Days the logs are kept in the service\'s BigQuery dataset.', SERVICE_DEFAULTS.logRetentionDays)),
  }).optional().meta(about('The service\'s log sink into its own BigQuery dataset.', {})),
  ...optionalParts(schemaParts()),
};

/** Capability schema parts (lib/capabilities/), each optional. */
function optionalParts(parts: Record<string, z.ZodType>): Record<string, z.ZodOptional<z.ZodType>> {
  return Object.fromEntries(Object.entries(parts).map(([key, part]) => [key, part.optional()]));
}

export const serviceOverrideSchema = mapping(settingsShape).meta(about('Overrides for one environment: any field of the file, merged over it (mappings key by key; lists replace).'));

export const serviceSchema = mapping({
  team: text(NAME_PATTERN, 'a team name', 'payments').meta(about('Required. The owning team: labels every resource; with github.repository, also the GitHub team that reviews this file.')),
  ownerGroup: text(EMAIL, 'a group email', 'payments@example.com').meta(about("Required. The team's Google group: edit rights in the namespace (RBAC) and the teamRoles.")),
  /** Environments this service runs in, each with optional overrides.
   *  @default every environment of platform.yaml, no overrides */
  environments: dictionary(text(NAME_PATTERN, 'an environment name', 'production'), serviceOverrideSchema.nullable(), 'environment names to overrides').optional().meta(
    about('The environments this service runs in, each with optional overrides. Default: every environment of platform.yaml, no overrides.'),
  ),
  ...settingsShape,
});

export type ServiceFile = z.infer<typeof serviceSchema>;
export type ServiceSettings = z.infer<typeof serviceOverrideSchema>;
