// The CI identities' role lists (bootstrap stack): the baseline's, from
// lib/iam-roles.ts, with every capability's roles (from the resource map)
// in registry order. A capability never has to be remembered here.
import {
  APPLIER_BILLING_BASELINE_ROLES,
  APPLIER_FOLDER_BASELINE_ROLES,
  APPLIER_FOLDER_DATA_ROLES,
  APPLIER_ORGANIZATION_ROLES as APPLIER_ORGANIZATION_BASELINE_ROLES,
  APPLIER_PLATFORM_ROLES as APPLIER_PLATFORM_BASELINE_ROLES,
  PLANNER_BASELINE_ROLES,
  PLANNER_DATA_ROLES,
  PLANNER_LOGGING_ROLE_ID,
} from '../iam-roles';
import type { RoleScope } from './capability';
import { capabilityRoles } from './registry';

const once = (roles: readonly string[]): readonly string[] => [...new Set(roles)];

/** The planner's roles on the service projects folder and the platform project. */
export const PLANNER_ROLES = once([...PLANNER_BASELINE_ROLES, ...capabilityRoles('planner', 'folder'), ...capabilityRoles('planner', 'platform'), ...PLANNER_DATA_ROLES]);
/** The planner's roles on the billing account (reading budgets). */
export const PLANNER_BILLING_ROLES = once(capabilityRoles('planner', 'billing'));
export const APPLIER_FOLDER_ROLES = once([...APPLIER_FOLDER_BASELINE_ROLES, ...capabilityRoles('applier', 'folder'), ...APPLIER_FOLDER_DATA_ROLES]);
export const APPLIER_PLATFORM_ROLES = once([...APPLIER_PLATFORM_BASELINE_ROLES, ...capabilityRoles('applier', 'platform')]);
export const APPLIER_ORGANIZATION_ROLES = once([...APPLIER_ORGANIZATION_BASELINE_ROLES, ...capabilityRoles('applier', 'organization')]);
export const APPLIER_BILLING_ROLES = once([...APPLIER_BILLING_BASELINE_ROLES, ...capabilityRoles('applier', 'billing')]);

/** The planner's organization custom role (only the sink permissions), granted on the folder and the platform project (bootstrap stack). */
export const PLANNER_SINK_VIEWER_ROLE = `organizations/<organizationId>/roles/${PLANNER_LOGGING_ROLE_ID}`;

/** The roles an identity holds at a scope (the planner holds PLANNER_ROLES and its sink viewer role on the folder and the platform project). */
export function rolesAt(identity: 'planner' | 'applier', scope: RoleScope): readonly string[] {
  if (identity === 'planner') return scope === 'billing' ? PLANNER_BILLING_ROLES : scope === 'organization' ? [] : [...PLANNER_ROLES, PLANNER_SINK_VIEWER_ROLE];
  return { folder: APPLIER_FOLDER_ROLES, platform: APPLIER_PLATFORM_ROLES, organization: APPLIER_ORGANIZATION_ROLES, billing: APPLIER_BILLING_ROLES }[scope];
}
