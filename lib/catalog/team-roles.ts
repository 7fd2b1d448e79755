// What a team may be granted in its own service project: the baseline roles
// of each environment (platform.yaml) and a service's teamRoles. Role names
// are compared the way GCP compares them: exactly. A spelling GCP would not
// accept is refused as such, and a refused role cannot slip through in
// another letter case.

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
  // Grant roles for a while (Privileged Access Manager), deny policies, organization roles.
  'roles/privilegedaccessmanager.admin',
  'roles/iam.denyAdmin',
  'roles/iam.organizationRoleAdmin',
];

/**
 * Roles that administer what lies outside the service's project or decides
 * over it: identity pools, organization policies, the resource hierarchy
 * (other projects, folders, the organization), billing, the Shared VPC and
 * the project's essential contacts and liens (the platform sets both).
 */
export const OUTSIDE_PROJECT_ROLES = [
  'roles/iam.workloadIdentityPoolAdmin',
  'roles/iam.workforcePoolAdmin',
  'roles/orgpolicy.policyAdmin',
  'roles/resourcemanager.projectCreator',
  'roles/resourcemanager.projectDeleter',
  'roles/resourcemanager.projectMover',
  'roles/resourcemanager.folderAdmin',
  'roles/resourcemanager.folderCreator',
  'roles/resourcemanager.folderEditor',
  'roles/resourcemanager.folderIamAdmin',
  'roles/resourcemanager.folderMover',
  'roles/resourcemanager.organizationAdmin',
  'roles/resourcemanager.lienModifier',
  'roles/resourcemanager.tagAdmin',
  'roles/resourcemanager.tagUser',
  'roles/billing.admin',
  'roles/billing.projectManager',
  'roles/billing.user',
  'roles/compute.xpnAdmin',
  'roles/accesscontextmanager.policyAdmin',
  'roles/essentialcontacts.admin',
];

/**
 * Whole families refused, besides the lists above, so a role GCP adds later
 * is refused until reviewed: every iam.*, resourcemanager.*, orgpolicy.*,
 * billing.* and accesscontextmanager.* role that only reads.
 */
const REFUSED_FAMILIES: readonly { prefix: string; reads: RegExp }[] = [
  { prefix: 'roles/iam.', reads: /(Viewer|Reviewer)$/ },
  { prefix: 'roles/resourcemanager.', reads: /Viewer$/ },
  { prefix: 'roles/orgpolicy.', reads: /Viewer$/ },
  { prefix: 'roles/billing.', reads: /(viewer|Viewer)$/ },
  { prefix: 'roles/accesscontextmanager.', reads: /Reader$/ },
];

/** How GCP spells a predefined role: `roles/` then a lowercase service, each role id starting lowercase. */
const PREDEFINED_SPELLING = /^roles\/[a-z][a-z0-9]*(\.[a-z][a-zA-Z0-9_]*)*$/;
const PROJECT_CUSTOM_ROLE = /^projects\/([^/]+)\/roles\/[^/]+$/;
const ORGANIZATION_CUSTOM_ROLE = /^organizations\/[^/]+\/roles\/[^/]+$/;

const IAM_CHANGES = 'IAM changes go through the catalog: list the predefined roles the team needs in teamRoles and open a pull request';

/** Every refused role by its lowercase spelling, with why. */
const REFUSED = new Map<string, { role: string; why: string }>([
  ...BASIC_ROLES.map((role) => [role.toLowerCase(), { role, why: 'is a basic role and is not granted to teams; list predefined roles instead (e.g. roles/pubsub.editor, roles/cloudsql.client)' }] as const),
  ...IAM_CONTROL_ROLES.map((role) => [role.toLowerCase(), { role, why: `lets the team change IAM or act as another service account, so it is not granted to teams; ${IAM_CHANGES}` }] as const),
  ...OUTSIDE_PROJECT_ROLES.map(
    (role) =>
      [role.toLowerCase(), { role, why: 'administers identity pools, organization policies, billing, the Shared VPC or other projects, folders or the organization, so it is not granted to teams; the platform team manages these' }] as const,
  ),
]);

/**
 * Why `role` may not be granted to a team, or undefined when it may.
 * `ownProject` is the service's project id: its custom roles are allowed;
 * without it (platform.yaml's baseline roles) only predefined roles are.
 */
export function teamRoleProblem(role: string, ownProject?: string): string | undefined {
  const custom = PROJECT_CUSTOM_ROLE.exec(role);
  if (custom) {
    if (ownProject !== undefined && custom[1] === ownProject) return undefined;
    return ownProject === undefined
      ? `${role} is a custom role; baseline roles are predefined roles (e.g. roles/logging.viewer)`
      : `${role} is a custom role of another project; a team is granted custom roles of its own project only (projects/${ownProject}/roles/<id>)`;
  }
  if (ORGANIZATION_CUSTOM_ROLE.test(role)) {
    return `${role} is an organization custom role, which reaches beyond the service's project; list predefined roles${ownProject ? ` or custom roles of projects/${ownProject}` : ''}`;
  }
  const lower = role.toLowerCase();
  const refused = REFUSED.get(lower);
  if (refused) {
    return refused.role === role
      ? `${role} ${refused.why}`
      : `${role} is not how GCP spells a role (role names are case-sensitive); it names ${refused.role}, which ${refused.why}`;
  }
  const family = REFUSED_FAMILIES.find((f) => lower.startsWith(f.prefix.toLowerCase()));
  if (family && !family.reads.test(role)) {
    return `${role} changes IAM, organization policies, billing or the resource hierarchy, so it is not granted to teams (only the read-only roles of ${family.prefix}* are); ${IAM_CHANGES}`;
  }
  if (!PREDEFINED_SPELLING.test(role)) {
    return `${role} is not how GCP spells a predefined role: names are case-sensitive, "roles/" and the service are lowercase and the role id starts lowercase (e.g. roles/pubsub.editor)`;
  }
  return undefined;
}

/**
 * The baseline roles every owning team gets in its own service project when
 * platform.yaml sets none for the environment: broader in development,
 * read-mostly in production. teamRoles come on top.
 */
export const DEFAULT_TEAM_ROLES = {
  development: [
    'roles/browser',
    'roles/cloudprofiler.user',
    'roles/cloudsql.viewer',
    'roles/cloudtrace.user',
    'roles/errorreporting.user',
    'roles/logging.privateLogViewer',
    'roles/logging.viewer',
    'roles/monitoring.editor',
    'roles/spanner.databaseUser',
    'roles/spanner.viewer',
  ],
  production: ['roles/browser', 'roles/cloudsql.viewer', 'roles/cloudtrace.user', 'roles/errorreporting.viewer', 'roles/logging.viewer', 'roles/monitoring.viewer', 'roles/spanner.viewer'],
} as const;
