// databases.redis: a Memorystore for Redis instance in the service project,
// reached through private service access on the Shared VPC.
import type { z } from 'zod';
import { about, integer, mapping, oneOf } from '../catalog/schema-kit';
import { REDIS_DEFAULTS, REDIS_TIERS, REDIS_VERSIONS, redisMemoryProblem, type RedisTier } from '../domain/redis';
import { RedisInstance } from '../../constructs/redis-instance';
import type { Capability } from './capability';
import { networkSelfLink } from '../catalog/names';
import { hclString } from '../terraform/hcl';

const schema = mapping({
  /** @default 1 */
  memorySizeGb: integer(1, 300, 5).optional().meta(about('Memory of the instance in GB (1 to 300).', REDIS_DEFAULTS.memorySizeGb)),
  /** @default STANDARD_HA in production environments, BASIC elsewhere */
  tier: oneOf(REDIS_TIERS).optional().meta(about('BASIC (one node) or STANDARD_HA (a replica in another zone, automatic failover). Default: STANDARD_HA in production environments, BASIC elsewhere.')),
  /** @default REDIS_7_2 */
  version: oneOf(REDIS_VERSIONS).optional().meta(about('Redis version.', REDIS_DEFAULTS.version)),
}).meta(about('A Memorystore for Redis instance in the service project (private IP, AUTH, TLS, CMEK). Default: none.'));

export interface RedisSettings {
  readonly memorySizeGb: number;
  readonly tier: RedisTier;
  readonly version: string;
}

const REDIS = { planner: 'roles/redis.viewer', applier: 'roles/redis.admin' } as const;

export const redis: Capability<'redis', z.output<typeof schema>, RedisSettings> = {
  key: 'redis',
  title: 'Memorystore for Redis',
  path: ['databases', 'redis'],
  schema,
  resolve(input, context) {
    const memorySizeGb = input.memorySizeGb ?? REDIS_DEFAULTS.memorySizeGb;
    const problem = redisMemoryProblem(memorySizeGb);
    if (problem) context.report(['memorySizeGb'], problem);
    return { memorySizeGb, tier: input.tier ?? REDIS_DEFAULTS.tier(context.production), version: input.version ?? REDIS_DEFAULTS.version };
  },
  apis: () => ['redis.googleapis.com', 'servicenetworking.googleapis.com'],
  resources: {
    google_redis_instance: { ...REDIS, protect: 'Memorystore for Redis instance' },
    // The application's connect role (address, CA, AUTH string) in the service project.
    google_project_iam_custom_role: { planner: 'roles/iam.securityReviewer', applier: 'roles/iam.roleAdmin' },
  },
  build(context, settings) {
    const instance = new RedisInstance(context.scope, 'Redis', {
      project: context.project,
      region: context.platform.region,
      network: context.network,
      ...settings,
      labels: context.labels,
      encryptionKey: context.encryptionKey,
      betaProvider: context.betaProvider,
    });
    instance.grantConnect(context.application.grantee);
    return instance;
  },
  planAssertions(settings, { platform, list: all }) {
    const instances = all('google_redis_instance');
    return [
      {
        condition: `length(${instances}) == 1 && alltrue([for i in ${instances} : i.tier == ${hclString(settings.tier)} && i.memory_size_gb == ${settings.memorySizeGb} && i.redis_version == ${hclString(settings.version)}])`,
        message: `Memorystore for Redis ${settings.version}, ${settings.tier}, ${settings.memorySizeGb} GB`,
      },
      {
        condition: `alltrue([for i in ${instances} : i.connect_mode == "PRIVATE_SERVICE_ACCESS" && i.authorized_network == ${hclString(networkSelfLink(platform))} && i.auth_enabled && i.transit_encryption_mode == "SERVER_AUTHENTICATION"])`,
        message: `Redis is reached only by private service access on ${networkSelfLink(platform)}, with AUTH and TLS`,
      },
      {
        condition: `alltrue([for i in ${instances} : contains([for k in ${all('google_kms_crypto_key')} : k.id], i.customer_managed_key) && length(i.maintenance_policy[0].weekly_maintenance_window) > 0])`,
        message: 'Redis is encrypted with a key of the service (CMEK) and has a maintenance window',
      },
    ];
  },
  describe: (settings) => [`Memorystore for Redis: ${settings.tier}, ${settings.memorySizeGb} GB, ${settings.version}, private service access, AUTH and TLS`],
  newService: {
    flag: '--redis',
    label: 'Memorystore for Redis: private IP, AUTH and TLS',
    help: 'add a Memorystore for Redis instance',
    render: () => [
      '  # Memorystore for Redis, private IP with AUTH and TLS; STANDARD_HA (a replica',
      '  # with failover) in production environments, BASIC elsewhere.',
      '  redis:',
      `    memorySizeGb: ${REDIS_DEFAULTS.memorySizeGb}`,
    ],
  },
};
