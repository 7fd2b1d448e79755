// The one schema of the catalog: platform.yaml and services/<name>.yaml.
// Defaults live here and nowhere else; messages name the rule and an example.
import type { z } from 'zod';
import { PATTERNS } from '../props';
import { dictionary, flag, integer, list, mapping, NAME_PATTERN, oneOf, show, text } from './schema-kit';
import { NODE_POOL_FACTS, NODE_POOLS } from '../domain/node-pools';
import { schemaParts } from '../capabilities/registry';

export { show };

// ---------------------------------------------------------------- patterns

export { NAME_PATTERN };
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
const EMAIL = /^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$/;
const ROLE = /^(roles\/[a-zA-Z0-9_.]+|projects\/[a-z0-9-]+\/roles\/[a-zA-Z0-9_.]+|organizations\/\d+\/roles\/[a-zA-Z0-9_.]+)$/;
const API = /^[a-z0-9-]+\.googleapis\.com$/;
const QUANTITY = /^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;

// Domain facts live in lib/domain/; re-exported for the catalog's readers.
export { MYSQL_VERSIONS, POSTGRES_VERSIONS, SHARED_CORE_SQL_TIERS, SQL_TIER, sqlTierMismatch } from '../domain/cloud-sql';
export { NODE_POOLS, type NodePoolName } from '../domain/node-pools';

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
  /** Production-grade defaults: highly available databases. @default false */
  production: flag().default(false),
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
  /** The platform team's group: receives every service's budget alerts besides the team. @default none */
  platformTeamGroup: text(EMAIL, 'a group email', 'platform-team@example.com').optional(),
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
      standard: nodePoolSchema(NODE_POOL_FACTS.standard.machineType, NODE_POOL_FACTS.standard.minNodes, NODE_POOL_FACTS.standard.maxNodes).prefault({}),
      highmem: nodePoolSchema(NODE_POOL_FACTS.highmem.machineType, NODE_POOL_FACTS.highmem.minNodes, NODE_POOL_FACTS.highmem.maxNodes).prefault({}),
    }).prefault({}),
  }).prefault({}),
});

export type Platform = z.infer<typeof platformSchema>;
export type EnvironmentSettings = z.infer<typeof environmentSchema>;

// ---------------------------------------------------------------- services/<name>.yaml

// Every field below is optional: a service file sets only what differs from
// the defaults (applied in resolve.ts), and `environments.<env>` overrides
// share the same shape.
const settingsShape = {
  /** Workloads land on this node pool. @default standard */
  nodePool: oneOf(NODE_POOLS).optional(),
  /** APIs enabled besides the platform's baseline. @default none */
  apis: list(text(API, 'an API', 'pubsub.googleapis.com'), 'API names').optional(),
  /** Roles granted (additively) to the owner group in the service project. @default none */
  teamRoles: list(text(ROLE, 'a role', 'roles/pubsub.editor'), 'roles').optional(),
  databases: mapping(optionalParts(schemaParts('databases'))).optional(),
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
  ...optionalParts(schemaParts()),
};

/** Capability schema parts (lib/capabilities/), each optional. */
function optionalParts(parts: Record<string, z.ZodType>): Record<string, z.ZodOptional<z.ZodType>> {
  return Object.fromEntries(Object.entries(parts).map(([key, part]) => [key, part.optional()]));
}

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
