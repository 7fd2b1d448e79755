// Facts and rules of Memorystore for Redis, in one place (catalog and RedisInstance).

export const REDIS_TIERS = ['BASIC', 'STANDARD_HA'] as const;
export type RedisTier = (typeof REDIS_TIERS)[number];

export const REDIS_VERSIONS = ['REDIS_6_X', 'REDIS_7_0', 'REDIS_7_2'] as const;

export const REDIS_DEFAULTS = {
  memorySizeGb: 1,
  version: 'REDIS_7_2',
  /** A replica in another zone with automatic failover where it matters. */
  tier: (production: boolean): RedisTier => (production ? 'STANDARD_HA' : 'BASIC'),
};

/** Memorystore sizes: 1-300 GB; STANDARD_HA needs at least 5 GB for read replicas only, so 1 GB is fine. */
export function redisMemoryProblem(memorySizeGb: number): string | undefined {
  return Number.isInteger(memorySizeGb) && memorySizeGb >= 1 && memorySizeGb <= 300 ? undefined : `${memorySizeGb} GB is not a Memorystore size; use a whole number from 1 to 300 (e.g. 5)`;
}

/** The permissions an application needs to connect: the host, port and CA (get) and the AUTH string. */
export const REDIS_CONNECT_PERMISSIONS = ['redis.instances.get', 'redis.instances.getAuthString'] as const;
