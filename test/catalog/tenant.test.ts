// The catalog side of the tenant model: what a team may be granted, who may
// call a service, Pod Security exceptions, and the per-environment baseline.
import { CatalogError, loadCatalog } from '../../lib/catalog/load';
import { BASIC_ROLES, DEFAULT_TEAM_ROLES, IAM_CONTROL_ROLES, OUTSIDE_PROJECT_ROLES, teamRoleProblem } from '../../lib/catalog/team-roles';
import { exampleCatalog, tempCatalog } from '../helpers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers';

function problemsOf(files: Record<string, string | null>): string[] {
  try {
    loadCatalog(tempCatalog(files));
  } catch (error) {
    if (error instanceof CatalogError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the catalog to be rejected');
}

const SEARCH = 'team: search\nownerGroup: search@example.com\n';
const withRoles = (...roles: string[]) => ({ 'services/search.yaml': `${SEARCH}teamRoles: [${roles.map((r) => JSON.stringify(r)).join(', ')}]\n` });
const PLATFORM = readFileSync(join(REPO_ROOT, 'platform.yaml'), 'utf8');

describe('teamRoles', () => {
  // Held out from the lists on purpose: each must be refused by a rule, not by being listed.
  const hostile = [
    'roles/iam.workloadIdentityPoolAdmin',
    'roles/orgpolicy.policyAdmin',
    'roles/resourcemanager.projectCreator',
    'roles/resourcemanager.projectMover',
    'roles/resourcemanager.projectDeleter',
    'roles/resourcemanager.folderAdmin',
    'roles/resourcemanager.folderCreator',
    'roles/resourcemanager.folderEditor',
    'roles/resourcemanager.folderIamAdmin',
    'roles/resourcemanager.folderMover',
    'roles/resourcemanager.organizationAdmin',
    'roles/resourcemanager.lienModifier',
    'roles/iam.workforcePoolAdmin',
    'roles/iam.denyAdmin',
    'roles/iam.organizationRoleAdmin',
    'roles/iam.serviceAccountCreator',
    'roles/iam.someFutureAdmin',
    'roles/orgpolicy.someFutureEditor',
    'roles/billing.projectManager',
    'roles/compute.xpnAdmin',
    'roles/essentialcontacts.admin',
    'organizations/123456789012/roles/anything',
    'projects/acme-payment-prod/roles/dataReader',
    'projects/acme-search-dev/roles/dataReader',
  ];

  it.each(hostile)('refuses %s in every environment, naming the file and field', (role) => {
    const problems = problemsOf(withRoles(role));
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(new RegExp(`^services/search\\.yaml: teamRoles: ${role.replace(/[./]/g, '\\$&')} `));
  });

  it('refuses a custom role of the service project of another environment (per environment)', () => {
    expect(problemsOf(withRoles('projects/acme-search-dev/roles/dataReader'))).toEqual([
      'services/search.yaml: teamRoles: projects/acme-search-dev/roles/dataReader is a custom role of another project; a team is granted custom roles of its own project only (projects/acme-search-prod/roles/<id>)',
    ]);
  });

  it("accepts a custom role of the service's own project, set per environment", () => {
    const catalog = loadCatalog(
      tempCatalog({
        'services/search.yaml': `${SEARCH}environments:\n  development:\n    teamRoles: [projects/acme-search-dev/roles/dataReader]\n  production:\n    teamRoles: [projects/acme-search-prod/roles/dataReader]\n`,
      }),
    );
    const search = catalog.services.find((s) => s.name === 'search')!;
    expect(search.environments.map((e) => e.teamRoles)).toEqual([['projects/acme-search-dev/roles/dataReader'], ['projects/acme-search-prod/roles/dataReader']]);
  });

  it.each(['Roles/owner', 'Roles/Owner', 'ROLES/editor', 'roles /owner', ' roles/owner'])('refuses %s as an invalid role (the roles/ prefix is case-sensitive)', (role) => {
    expect(problemsOf(withRoles(role))).toEqual([expect.stringMatching(/^services\/search\.yaml: teamRoles\[0\]: expected a role like roles\/pubsub\.editor/)]);
  });

  it.each([
    ['roles/Owner', 'roles/owner'],
    ['roles/EDITOR', 'roles/editor'],
    ['roles/iam.serviceaccountuser', 'roles/iam.serviceAccountUser'],
    ['roles/IAM.securityAdmin', 'roles/iam.securityAdmin'],
    ['roles/iam.WorkloadIdentityPoolAdmin', 'roles/iam.workloadIdentityPoolAdmin'],
    ['roles/orgpolicy.policyadmin', 'roles/orgpolicy.policyAdmin'],
    ['roles/Resourcemanager.ProjectIamAdmin', 'roles/resourcemanager.projectIamAdmin'],
  ])('refuses the mixed-case spelling %s of the refused %s', (role, canonical) => {
    const [problem, ...rest] = problemsOf(withRoles(role));
    expect(rest).toEqual([]);
    expect(problem).toContain(`teamRoles: ${role} is not how GCP spells a role (role names are case-sensitive); it names ${canonical}, which `);
  });

  it.each(['roles/Pubsub.editor', 'roles/pubsub.Editor'])('refuses %s: GCP spells services and role ids in lowercase first', (role) => {
    expect(problemsOf(withRoles(role))).toEqual([expect.stringContaining(`${role} is not how GCP spells a predefined role`)]);
  });

  it.each([...BASIC_ROLES, ...IAM_CONTROL_ROLES, ...OUTSIDE_PROJECT_ROLES])('refuses the listed %s, exactly and in upper case', (role) => {
    expect(teamRoleProblem(role, 'acme-search-prod')).toBeDefined();
    expect(teamRoleProblem(role.toUpperCase().replace(/^ROLES\//, 'roles/'), 'acme-search-prod')).toBeDefined();
  });

  it.each(['roles/pubsub.editor', 'roles/iam.serviceAccountViewer', 'roles/iam.securityReviewer', 'roles/resourcemanager.tagViewer', 'roles/orgpolicy.policyViewer', 'roles/billing.viewer', 'roles/cloudbuild.builds.viewer'])(
    'accepts %s',
    (role) => {
      expect(teamRoleProblem(role, 'acme-search-prod')).toBeUndefined();
    },
  );
});

describe('team access by environment (platform.yaml)', () => {
  it('gives every team the default baseline: read-mostly in production, broader in development', () => {
    const search = exampleCatalog().services.find((s) => s.name === 'search')!;
    const [dev, prod] = search.environments;
    expect(dev.teamBaselineRoles).toEqual([...DEFAULT_TEAM_ROLES.development].sort());
    expect(prod.teamBaselineRoles).toEqual([...DEFAULT_TEAM_ROLES.production].sort());
    expect(prod.teamBaselineRoles.every((role) => /(viewer|Viewer|user)$/.test(role) || role === 'roles/browser')).toBe(true);
    expect(dev.teamBaselineRoles.length).toBeGreaterThan(prod.teamBaselineRoles.length);
    expect([dev.teamDatabaseLogin, prod.teamDatabaseLogin]).toEqual([true, false]);
  });

  it('takes the baseline and database login from platform.yaml per environment', () => {
    const platform = PLATFORM.replace('    projectSuffix: prod\n', '    projectSuffix: prod\n    teamRoles: [roles/logging.viewer]\n    teamDatabaseLogin: true\n');
    const search = loadCatalog(tempCatalog({ 'platform.yaml': platform })).services.find((s) => s.name === 'search')!;
    expect(search.environments[1]).toMatchObject({ teamBaselineRoles: ['roles/logging.viewer'], teamDatabaseLogin: true });
  });

  it('refuses a refused or custom role in the baseline, naming platform.yaml and the environment', () => {
    const platform = PLATFORM.replace('    projectSuffix: dev\n', '    projectSuffix: dev\n    teamRoles: [roles/editor, projects/acme-x/roles/y]\n');
    expect(problemsOf({ 'platform.yaml': platform })).toEqual([
      expect.stringMatching(/^platform\.yaml: environments\.development\.teamRoles: roles\/editor is a basic role/),
      'platform.yaml: environments.development.teamRoles: projects/acme-x/roles/y is a custom role; baseline roles are predefined roles (e.g. roles/logging.viewer)',
    ]);
  });
});

describe('allowFrom', () => {
  it('fills in the callers of each service and the services each calls, per environment', () => {
    const catalog = exampleCatalog();
    const env = (service: string, environment: string) => catalog.services.find((s) => s.name === service)!.environments.find((e) => e.environment === environment)!;
    expect(env('payment', 'production')).toMatchObject({ allowFrom: ['gateway'], callerNamespaces: ['gateway-prod'], calleeNamespaces: [] });
    expect(env('gateway', 'development')).toMatchObject({ allowFrom: [], callerNamespaces: [], calleeNamespaces: ['payment-dev', 'recommend-dev', 'search-dev'] });
  });

  it('leaves out a caller that does not run in the environment', () => {
    const catalog = loadCatalog(tempCatalog({ 'services/gateway.yaml': 'team: edge\nownerGroup: edge@example.com\nenvironments:\n  production: {}\n' }));
    const search = catalog.services.find((s) => s.name === 'search')!;
    expect(search.environments.map((e) => e.callerNamespaces)).toEqual([[], ['gateway-prod']]);
  });

  it('reports an unknown service with the file, the field and the services to choose from', () => {
    expect(problemsOf({ 'services/search.yaml': `${SEARCH}allowFrom: [gatway]\n` })).toEqual([
      'services/search.yaml: allowFrom: "gatway" is not a service in the catalog; list services by their file name in services/ (e.g. gateway, payment, recommend)',
    ]);
  });

  it('points at the override when the unknown name is set there', () => {
    expect(problemsOf({ 'services/search.yaml': `${SEARCH}environments:\n  production:\n    allowFrom: [checkout]\n` })).toEqual([
      expect.stringMatching(/^services\/search\.yaml: environments\.production\.allowFrom: "checkout" is not a service in the catalog/),
    ]);
  });

  it('refuses the service itself and names that are not service names', () => {
    expect(problemsOf({ 'services/search.yaml': `${SEARCH}allowFrom: [search]\n` })).toEqual(['services/search.yaml: allowFrom: "search" is this service: its own pods may always call it; remove it from allowFrom']);
    expect(problemsOf({ 'services/search.yaml': `${SEARCH}allowFrom: [Gateway]\n` })).toEqual([expect.stringMatching(/^services\/search\.yaml: allowFrom\[0\]: expected a service name like gateway/)]);
  });
});

describe('podSecurity', () => {
  it('defaults to restricted', () => {
    expect(exampleCatalog().services.flatMap((s) => s.environments.map((e) => e.podSecurity))).toEqual(Array(8).fill({ level: 'restricted' }));
  });

  it('accepts baseline with a reason', () => {
    const search = loadCatalog(tempCatalog({ 'services/search.yaml': `${SEARCH}podSecurity:\n  level: baseline\n  reason: The indexer sidecar runs as root to raise vm.max_map_count\n` })).services.find(
      (s) => s.name === 'search',
    )!;
    expect(search.environments[0].podSecurity).toEqual({ level: 'baseline', reason: 'The indexer sidecar runs as root to raise vm.max_map_count' });
  });

  it.each([
    ['baseline without a reason', 'podSecurity:\n  level: baseline\n', /podSecurity\.reason: required with level: baseline: write at least 20 characters/],
    ['a short reason', 'podSecurity:\n  level: baseline\n  reason: needs root\n', /podSecurity\.reason: "needs root" is too short/],
    ['privileged', 'podSecurity:\n  level: privileged\n  reason: it needs the host network for its agent\n', /podSecurity\.level: privileged is never allowed/],
    ['a reason without an exception', 'podSecurity:\n  level: restricted\n  reason: nothing to explain here at all\n', /podSecurity\.reason: a reason is only for the baseline exception/],
    ['a reason without a level', 'podSecurity:\n  reason: nothing to explain here at all\n', /podSecurity\.level: required with a reason: set level: baseline/],
  ])('refuses %s', (_, yaml, message) => {
    expect(problemsOf({ 'services/search.yaml': `${SEARCH}${yaml}` })).toEqual([expect.stringMatching(message)]);
  });
});

describe('several problems in one file', () => {
  it('reports the refused roles beside a refused Pod Security level, once each', () => {
    const problems = problemsOf({
      'services/search.yaml': `${SEARCH}teamRoles: [roles/Owner]\npodSecurity:\n  level: privileged\n  reason: it runs the node agent with hostPath\n`,
    });
    expect(problems).toEqual([
      expect.stringMatching(/^services\/search\.yaml: teamRoles: roles\/Owner is not how GCP spells a role/),
      expect.stringMatching(/^services\/search\.yaml: podSecurity\.level: privileged is never allowed/),
    ]);
  });
});
