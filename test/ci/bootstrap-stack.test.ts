import { Testing, type App } from 'cdktf';
import { BootstrapStack, APPLY_REF, APPLY_WORKFLOW, BOOTSTRAP_STATE_FILE, GITHUB_OIDC_ISSUER, PLANNER_WORKFLOWS, applierWorkflowRef, repositoryCondition } from '../../stacks/bootstrap-stack';
import { buildStacks, stackNames } from '../../lib/app';
import { CatalogError, loadCatalog } from '../../lib/catalog/load';
import { APPLIER_BILLING_ROLES, APPLIER_FOLDER_ROLES, APPLIER_PLATFORM_ROLES, PLANNER_ROLES } from '../../lib/capabilities/ci-roles';
import { exampleCatalog, onlyResource, resourcesOf, synthJson, tempCatalog, type TerraformJson } from '../helpers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const catalog = exampleCatalog();
const platform = catalog.platform;
const REPOSITORY = platform.github!.repository;

function synthBootstrap(github: typeof platform.github): TerraformJson {
  return synthJson(new BootstrapStack(Testing.app(), { platform: { ...platform, github } }));
}

const json = synthBootstrap(platform.github);
const members = (type: string) => Object.values(resourcesOf(json, type)) as { role: string; member: string; folder?: string; project?: string }[];
const rolesOf = (type: string, member: string, where: (r: { folder?: string; project?: string }) => boolean = () => true) =>
  members(type)
    .filter((m) => m.member === member && where(m))
    .map((m) => m.role)
    .sort();
const PLANNER = 'serviceAccount:${google_service_account.Planner.email}';
const APPLIER = 'serviceAccount:${google_service_account.Applier.email}';

describe('BootstrapStack', () => {
  it('keeps its state locally, outside cdktf.out (a fresh synth must not delete it)', () => {
    expect(json.terraform.backend).toEqual({ local: { path: BOOTSTRAP_STATE_FILE } });
    expect(BOOTSTRAP_STATE_FILE.startsWith('../../../')).toBe(true);
    expect(readFileSync(join(__dirname, '..', '..', '.gitignore'), 'utf8')).toMatch(/^\*\.tfstate$/m);
  });

  it('creates the state bucket of platform.yaml: versioned, uniform access, public access prevented, protected', () => {
    const bucket = Object.values(resourcesOf(json, 'google_storage_bucket')).find((b) => b.name === platform.stateBucket);
    expect(bucket).toMatchObject({
      name: platform.stateBucket,
      project: platform.platformProject,
      versioning: { enabled: true },
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  it('federates only this repository of this owner, through GitHub OIDC', () => {
    const provider = onlyResource(json, 'google_iam_workload_identity_pool_provider');
    expect(provider.attribute_condition).toBe(`assertion.repository == "${REPOSITORY}" && assertion.repository_owner == "${REPOSITORY.split('/')[0]}"`);
    expect(provider.oidc).toEqual({ issuer_uri: GITHUB_OIDC_ISSUER });
    expect(repositoryCondition('a/b"c')).toBe('assertion.repository == "a/b\\"c" && assertion.repository_owner == "a"');
  });

  it('maps an applier attribute that is "true" only for apply.yml on main, run from main', () => {
    const provider = onlyResource(json, 'google_iam_workload_identity_pool_provider');
    expect(provider.attribute_mapping).toEqual({
      'google.subject': 'assertion.sub',
      'attribute.repository': 'assertion.repository',
      'attribute.ref': 'assertion.ref',
      'attribute.applier': `(assertion.job_workflow_ref == "${REPOSITORY}/.github/workflows/apply.yml@refs/heads/main" && assertion.ref == "refs/heads/main") ? "true" : "false"`,
      'attribute.planner':
        `((assertion.job_workflow_ref == "${REPOSITORY}/.github/workflows/plan-trusted.yml@refs/heads/main" || ` +
        `assertion.job_workflow_ref == "${REPOSITORY}/.github/workflows/drift.yml@refs/heads/main" || ` +
        `assertion.job_workflow_ref == "${REPOSITORY}/.github/workflows/apply.yml@refs/heads/main") && assertion.ref == "refs/heads/main") ? "true" : "false"`,
    });
    // Every planner workflow exists and none runs on pull_request (it would run a branch's code).
    for (const workflow of PLANNER_WORKFLOWS) expect(readFileSync(join(__dirname, '..', '..', workflow), 'utf8')).not.toMatch(/^ {2}pull_request(_target)?:/m);
    expect(applierWorkflowRef('acme/platform')).toBe('acme/platform/.github/workflows/apply.yml@refs/heads/main');
    // The pinned workflow is the one that exists and applies on pushes to main.
    expect(readFileSync(join(__dirname, '..', '..', APPLY_WORKFLOW), 'utf8')).toMatch(/^ {2}push:\n {4}branches: \[main\]$/m);
  });

  it('lets only the trusted workflows on main act as the planner, and only apply.yml on main act as the applier', () => {
    const federation = resourcesOf(json, 'google_service_account_iam_member');
    expect(federation.PlannerFederation).toMatchObject({
      role: 'roles/iam.workloadIdentityUser',
      member: 'principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.GithubPool.name}/attribute.planner/true',
    });
    // No binding by repository or branch alone: a pushed branch's workflow gets no identity.
    expect(Object.values(federation).map((m) => m.member).join()).not.toMatch(/attribute\.(repository|ref)\//);
    expect(federation.ApplierFederation).toMatchObject({
      role: 'roles/iam.workloadIdentityUser',
      member: 'principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.GithubPool.name}/attribute.applier/true',
    });
    // Nothing else can act as the applier: no binding by branch alone.
    const applierBindings = Object.values(federation).filter((m) => m.service_account_id === '${google_service_account.Applier.name}');
    expect(applierBindings.map((m) => m.member)).toEqual([federation.ApplierFederation.member]);
    expect(APPLY_REF).toBe('refs/heads/main');
  });

  it('gives the planner read-only roles on the folder and the platform project, and read on the state; no log entries, no secrets', () => {
    const sinkViewer = '${google_organization_iam_custom_role.PlannerIam_SinkViewerRole_61C40CA6.name}';
    const readOnly = [...PLANNER_ROLES, sinkViewer].sort();
    expect(rolesOf('google_folder_iam_member', PLANNER)).toEqual(readOnly);
    expect(rolesOf('google_project_iam_member', PLANNER)).toEqual(readOnly);
    expect(onlyResource(json, 'google_organization_iam_custom_role')).toMatchObject({ role_id: 'terraformPlannerSinkViewer', permissions: ['logging.sinks.get', 'logging.sinks.list'] });
    for (const role of ['roles/logging.viewer', 'roles/logging.privateLogViewer', 'roles/secretmanager.secretAccessor', 'roles/secretmanager.viewer', 'roles/container.developer']) {
      expect(readOnly).not.toContain(role);
    }
    expect(rolesOf('google_storage_bucket_iam_member', PLANNER)).toEqual(['roles/storage.objectViewer']);
    for (const role of PLANNER_ROLES) expect(role).not.toMatch(/admin|editor|owner|writer|creator|user$|^roles\/viewer$/i);
  });

  it('gives the applier what creating service projects, IAM, the cluster and DNS need, and the state', () => {
    expect(rolesOf('google_folder_iam_member', APPLIER)).toEqual([...APPLIER_FOLDER_ROLES].sort());
    expect(rolesOf('google_project_iam_member', APPLIER)).toEqual([...APPLIER_PLATFORM_ROLES].sort());
    expect(rolesOf('google_folder_iam_member', APPLIER)).toEqual(expect.arrayContaining(['roles/resourcemanager.projectCreator', 'roles/resourcemanager.projectIamAdmin']));
    expect(rolesOf('google_project_iam_member', APPLIER)).toEqual(expect.arrayContaining(['roles/container.admin', 'roles/dns.admin']));
    expect(rolesOf('google_billing_account_iam_member', APPLIER)).toEqual([...APPLIER_BILLING_ROLES].sort());
    expect(APPLIER_BILLING_ROLES).toEqual(['roles/billing.user', 'roles/billing.costsManager']);
    expect(rolesOf('google_organization_iam_member', APPLIER)).toEqual(['roles/compute.xpnAdmin']);
    expect(rolesOf('google_storage_bucket_iam_member', APPLIER)).toEqual(['roles/storage.objectAdmin']);
  });

  it('grants no basic role and creates no service account key', () => {
    const roles = Object.entries(json.resource)
      .filter(([type]) => type.endsWith('_iam_member'))
      .flatMap(([, resources]) => Object.values(resources).map((r) => r.role));
    expect(roles.length).toBeGreaterThan(20);
    expect(roles).not.toEqual(expect.arrayContaining(['roles/owner']));
    for (const role of roles) expect(['roles/owner', 'roles/editor', 'roles/viewer']).not.toContain(role);
    expect(json.resource.google_service_account_key).toBeUndefined();
  });

  it('outputs the values the workflows need', () => {
    expect(Object.keys(json.output ?? {}).sort()).toEqual(['applier_service_account', 'planner_service_account', 'state_bucket', 'workload_identity_provider']);
    expect(json.output!.workload_identity_provider.value).toBe('${google_iam_workload_identity_pool_provider.GithubProvider.name}');
  });

  it('creates only the state bucket when platform.yaml names no repository', () => {
    const bare = synthBootstrap(undefined);
    expect(Object.values(resourcesOf(bare, 'google_storage_bucket')).map((b) => b.name)).toContain(platform.stateBucket);
    for (const type of ['google_iam_workload_identity_pool', 'google_service_account', 'google_service_account_iam_member', 'google_folder_iam_member']) {
      expect(bare.resource[type]).toBeUndefined();
    }
    expect(Object.keys(bare.output ?? {})).toEqual(['state_bucket']);
  });
});

describe('the bootstrap stack in the app', () => {
  it('is built by buildStacks and named last by stackNames', () => {
    const app: App = Testing.app();
    buildStacks(app, catalog, { include: (name) => name === 'bootstrap' });
    expect(app.node.children.map((c) => c.node.id)).toEqual(['bootstrap']);
    expect(stackNames(catalog).at(-1)).toBe('bootstrap');
  });
});

describe('platform.yaml github.repository', () => {
  it('is optional', () => {
    const root = tempCatalog({ 'platform.yaml': readFileSync(join(__dirname, '..', '..', 'platform.yaml'), 'utf8').replace(/^github:\n {2}repository: .*\n/m, '') });
    expect(loadCatalog(root).platform.github).toBeUndefined();
  });

  it('must be owner/name', () => {
    const root = tempCatalog({ 'platform.yaml': readFileSync(join(__dirname, '..', '..', 'platform.yaml'), 'utf8').replace(/^ {2}repository: .*$/m, '  repository: https://github.com/acme/platform') });
    expect(() => loadCatalog(root)).toThrow(CatalogError);
    expect(() => loadCatalog(root)).toThrow(/platform.yaml: github.repository: expected a GitHub repository as owner\/name like acme\/platform, got "https:\/\/github.com\/acme\/platform"/);
  });
});
