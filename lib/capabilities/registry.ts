// The registry: every service capability, in the order they are built into a
// service stack (and enabled, described, offered). Adding a capability is
// adding its module here; the tests in test/capabilities/ say what else it
// needs (a destroy-guard entry, CI roles, a README line).
import type { z } from 'zod';
import type { Capability, ResourceAccess, RoleScope, SettingsOf } from './capability';
import { cloudSql } from './cloud-sql';
import { spanner } from './spanner';
import { redis } from './redis';
import { pubsub } from './pubsub';
import { budget } from './budget';

export const CAPABILITIES = [cloudSql, spanner, redis, pubsub, budget] as const;

export type AnyCapability = (typeof CAPABILITIES)[number];

/** The resolved settings of every capability a service uses in one environment, by key. */
export type CapabilitySettings = { readonly [C in AnyCapability as C['key']]?: SettingsOf<C> };

/** The registry as plain capabilities, for code that treats them alike. */
export function capabilities(): readonly Capability<string, unknown, unknown>[] {
  return CAPABILITIES as unknown as readonly Capability<string, unknown, unknown>[];
}

/** The schema parts of the capabilities under `group` (e.g. databases), or at the top level (no group), by key. */
export function schemaParts(group?: string): Record<string, z.ZodType> {
  const parts: Record<string, z.ZodType> = {};
  for (const capability of capabilities()) {
    const [first, second] = capability.path;
    if (group === undefined && second === undefined) parts[first] = capability.schema as z.ZodType;
    if (group !== undefined && first === group && second !== undefined) parts[second] = capability.schema as z.ZodType;
  }
  return parts;
}

/** Every resource type the capabilities emit, with what CI needs for it. */
export function capabilityResources(): Record<string, ResourceAccess & { readonly capability: string }> {
  const all: Record<string, ResourceAccess & { readonly capability: string }> = {};
  for (const capability of capabilities()) {
    for (const [type, access] of Object.entries(capability.resources)) all[type] = { ...access, capability: capability.key };
  }
  return all;
}

/** The capabilities' planner or applier roles at `scope`, in registry order, each once. */
export function capabilityRoles(identity: 'planner' | 'applier', scope: RoleScope): string[] {
  const roles = Object.values(capabilityResources())
    .filter((access) => ((identity === 'planner' ? access.plannerScope : undefined) ?? access.scope ?? 'folder') === scope)
    .map((access) => access[identity]);
  return [...new Set(roles)];
}
