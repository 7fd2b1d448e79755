import { CatalogError, loadCatalog } from '../../lib/catalog/load';
import { IAM_CONTROL_ROLES } from '../../lib/catalog/resolve';
import { exampleCatalog, tempCatalog } from '../helpers';

/** The problems loadCatalog reports for a catalog with `files` changed. */
function problemsOf(files: Record<string, string | null>, options?: { withExampleServices?: boolean }): string[] {
  try {
    loadCatalog(tempCatalog(files, options));
  } catch (error) {
    if (error instanceof CatalogError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the catalog to be rejected');
}

const PAYMENT = `team: payments
ownerGroup: payments@example.com
databases:
  cloudsql:
    engine: postgres
`;

describe('the example catalog', () => {
  const catalog = exampleCatalog();

  it('has four services in both environments, sorted by name', () => {
    expect(catalog.services.map((s) => s.name)).toEqual(['gateway', 'payment', 'recommend', 'search']);
    for (const service of catalog.services) {
      expect(service.environments.map((e) => e.environment)).toEqual(['development', 'production']);
    }
  });

  it('derives project ids, namespaces and stack names from platform.yaml', () => {
    const [dev, prod] = catalog.services.find((s) => s.name === 'payment')!.environments;
    expect(dev).toMatchObject({ projectId: 'acme-payment-dev', namespace: 'payment-dev', stackName: 'service-payment-development' });
    expect(prod).toMatchObject({ projectId: 'acme-payment-prod', namespace: 'payment-prod', stackName: 'service-payment-production' });
  });

  it('merges environment overrides over the file and applies defaults', () => {
    const [dev, prod] = catalog.services.find((s) => s.name === 'payment')!.environments;
    expect(dev.cloudsql).toEqual({ engine: 'postgres', version: 'POSTGRES_16', tier: 'db-custom-1-3840', diskSizeGb: 20, highAvailability: false, databases: ['ledger', 'payments'] });
    expect(prod.cloudsql).toEqual({ engine: 'postgres', version: 'POSTGRES_16', tier: 'db-custom-2-7680', diskSizeGb: 50, highAvailability: true, databases: ['ledger', 'payments'] });
    expect([dev.logRetentionDays, prod.logRetentionDays]).toEqual([14, 90]);
  });

  it('gives a plain service the defaults', () => {
    const [dev] = catalog.services.find((s) => s.name === 'search')!.environments;
    expect(dev).toMatchObject({ nodePool: 'standard', apis: [], teamRoles: [], quota: { cpu: '8', memory: '16Gi', pods: 50 }, logRetentionDays: 30 });
    expect(dev.cloudsql).toBeUndefined();
    expect(dev.spanner).toBeUndefined();
  });

  it('puts the ML service on highmem with Spanner in the platform region', () => {
    const [dev, prod] = catalog.services.find((s) => s.name === 'recommend')!.environments;
    expect(prod.nodePool).toBe('highmem');
    expect(prod.spanner).toEqual({ processingUnits: 300, config: 'regional-asia-northeast1', databases: ['embeddings', 'features'] });
    expect(dev.spanner?.processingUnits).toBe(100);
    expect(dev.cloudsql).toMatchObject({ engine: 'mysql', tier: 'db-g1-small', highAvailability: false });
  });

  it('applies platform.yaml defaults for the node pools', () => {
    expect(catalog.platform.cluster.nodePools.standard.machineType).toBe('n1-standard-4');
    expect(catalog.platform.cluster.nodePools.highmem.machineType).toBe('n1-highmem-8');
  });
});

describe('a service that lists only some environments', () => {
  it('gets stacks only for those', () => {
    const catalog = loadCatalog(tempCatalog({ 'services/batch.yaml': 'team: data\nownerGroup: data@example.com\nenvironments:\n  production:\n' }));
    expect(catalog.services.find((s) => s.name === 'batch')!.environments.map((e) => e.stackName)).toEqual(['service-batch-production']);
  });
});

describe('bad catalogs', () => {
  it.each([
    ['a wrong type', { 'services/payment.yaml': `${PAYMENT}    tier: 42\n` }, 'services/payment.yaml: databases.cloudsql.tier: expected a string like db-custom-2-7680, got 42'],
    ['a tier that is not a Cloud SQL tier', { 'services/payment.yaml': `${PAYMENT}    tier: x\n` }, 'services/payment.yaml: databases.cloudsql.tier: expected a Cloud SQL tier like db-custom-2-7680 (db-custom-<vCPUs>-<MB>, db-f1-micro, db-g1-small, db-n1-standard-<n>, db-n1-highmem-<n>), got "x"'],
    ['an Enterprise Plus tier', { 'services/payment.yaml': `${PAYMENT}    tier: db-perf-optimized-N-2\n` }, 'databases.cloudsql.tier: expected a Cloud SQL tier like db-custom-2-7680 (db-custom-<vCPUs>-<MB>, db-f1-micro, db-g1-small, db-n1-standard-<n>, db-n1-highmem-<n>), got "db-perf-optimized-N-2"; db-perf-optimized-* tiers need the Enterprise Plus edition'],
    ['a multi-region Spanner config', { 'services/payment.yaml': 'team: payments\nownerGroup: payments@example.com\ndatabases:\n  spanner:\n    config: nam3\n' }, 'services/payment.yaml: databases.spanner.config: expected a regional instance config like regional-asia-northeast1, got "nam3"; multi-region configs are not supported yet because each replica region needs its own encryption key'],
    ['a multi-region Spanner config with a regional- look', { 'services/payment.yaml': 'team: payments\nownerGroup: payments@example.com\ndatabases:\n  spanner:\n    config: regional-eur6\n' }, 'databases.spanner.config: expected a regional instance config like regional-asia-northeast1, got "regional-eur6"'],
    ['a Spanner config of the wrong type', { 'services/payment.yaml': 'team: payments\nownerGroup: payments@example.com\ndatabases:\n  spanner:\n    config: 3\n' }, 'databases.spanner.config: expected a regional instance config like regional-asia-northeast1, got 3'],
    ['an unknown key, with a suggestion', { 'services/payment.yaml': `${PAYMENT}    teir: db-custom-1-3840\n` }, 'services/payment.yaml: databases.cloudsql: unknown key "teir"; did you mean "tier"?'],
    ['an unknown top-level key', { 'services/payment.yaml': `${PAYMENT}owner: me\n` }, 'services/payment.yaml: (top level): unknown key "owner"; allowed keys:'],
    ['a missing team', { 'services/payment.yaml': 'ownerGroup: payments@example.com\n' }, 'services/payment.yaml: team: required: a team name like payments'],
    ['a malformed group email', { 'services/payment.yaml': 'team: payments\nownerGroup: payments\n' }, 'services/payment.yaml: ownerGroup: expected a group email like payments@example.com, got "payments"'],
    ['a bad service name', { 'services/Pay_ment.yaml': 'team: payments\nownerGroup: payments@example.com\n' }, 'services/Pay_ment.yaml: file name: "Pay_ment" is not a valid name'],
    ['a reserved name', { 'services/kube-tools.yaml': 'team: payments\nownerGroup: payments@example.com\n' }, 'is reserved for the platform'],
    ['a restricted word', { 'services/google-maps.yaml': 'team: maps\nownerGroup: maps@example.com\n' }, 'contains "google", which GCP refuses in project ids'],
    ['a name too long for a project id', { 'services/a-very-long-service-name.yaml': 'team: x\nownerGroup: x@example.com\n' }, 'project id "acme-a-very-long-service-name-dev" (environment development) has 33 characters'],
    ['a duplicate name in another letter case', { 'services/Payment.yaml': 'team: payments\nownerGroup: payments@example.com\n' }, 'services/payment.yaml: duplicates services/Payment.yaml'],
    ['a .yml file', { 'services/billing.yml': 'team: billing\nownerGroup: billing@example.com\n' }, 'services/billing.yml: service files end in .yaml; rename it to services/billing.yaml'],
    ['a shared-core tier with high availability', { 'services/payment.yaml': `${PAYMENT}    tier: db-f1-micro\n` }, 'services/payment.yaml: databases.cloudsql.tier: db-f1-micro is a shared-core tier and cannot be highly available (environment production is production'],
    ['a shared-core tier made HA by an override', { 'services/payment.yaml': `${PAYMENT}    tier: db-g1-small\n    highAvailability: false\nenvironments:\n  production:\n    databases:\n      cloudsql:\n        highAvailability: true\n` }, 'databases.cloudsql.tier: db-g1-small is a shared-core tier and cannot be highly available (highAvailability: true)'],
    ['an engine/version mismatch', { 'services/payment.yaml': `${PAYMENT}    version: MYSQL_8_0\n` }, 'services/payment.yaml: databases.cloudsql.version: MYSQL_8_0 is not a postgres version; use one of POSTGRES_14'],
    ['a MySQL tier for PostgreSQL', { 'services/payment.yaml': `${PAYMENT}    tier: db-n1-standard-2\n` }, 'db-n1-standard-2 is a MySQL-only tier'],
    ['a custom tier with too little memory', { 'services/payment.yaml': `${PAYMENT}    tier: db-custom-4-1024\n` }, 'db-custom-4-1024 has 1024 MB for 4 vCPUs'],
    ['Cloud SQL without an engine', { 'services/payment.yaml': 'team: payments\nownerGroup: payments@example.com\ndatabases:\n  cloudsql:\n    tier: db-custom-1-3840\n' }, 'databases.cloudsql.engine: required when Cloud SQL is used'],
    ['bad Spanner processing units', { 'services/payment.yaml': 'team: payments\nownerGroup: payments@example.com\ndatabases:\n  spanner:\n    processingUnits: 1500\n' }, 'databases.spanner.processingUnits: 1500 is not allowed'],
    ['a duplicate database', { 'services/payment.yaml': `${PAYMENT}    databases: [orders, orders]\n` }, '"orders" is listed twice'],
    ['an override for an unknown environment', { 'services/payment.yaml': `${PAYMENT}environments:\n  staging: {}\n` }, 'services/payment.yaml: environments.staging: unknown environment; platform.yaml defines development, production'],
    ['a basic role for the team', { 'services/payment.yaml': `${PAYMENT}teamRoles: [roles/editor]\n` }, 'services/payment.yaml: teamRoles: roles/editor is a basic role'],
    ['a role that changes IAM', { 'services/payment.yaml': `${PAYMENT}teamRoles: [roles/resourcemanager.projectIamAdmin]\n` }, 'services/payment.yaml: teamRoles: roles/resourcemanager.projectIamAdmin lets the team change IAM or act as another service account, so it is not granted to teams; IAM changes go through the catalog'],
    ['an impersonation role set in an override', { 'services/payment.yaml': `${PAYMENT}environments:\n  production:\n    teamRoles: [roles/pubsub.editor, roles/iam.serviceAccountTokenCreator]\n` }, 'services/payment.yaml: environments.production.teamRoles: roles/iam.serviceAccountTokenCreator lets the team change IAM'],
    ['a bad node pool', { 'services/payment.yaml': `${PAYMENT}nodePool: gpu\n` }, 'services/payment.yaml: nodePool: expected one of standard, highmem, got "gpu"'],
    ['invalid YAML', { 'services/payment.yaml': 'team: [payments\n' }, 'services/payment.yaml:'],
    ['a duplicate YAML key', { 'services/payment.yaml': 'team: a\nteam: b\nownerGroup: a@example.com\n' }, 'not valid YAML: Map keys must be unique'],
    ['a bad platform.yaml value', { 'platform.yaml': 'organizationId: org\n' }, 'platform.yaml: organizationId: expected a numeric organization id like 123456789012, got "org"'],
  ])('reports %s', (_, files, message) => {
    const problems = problemsOf(files as Record<string, string | null>);
    expect(problems.join('\n')).toContain(message);
  });

  it.each(IAM_CONTROL_ROLES)('refuses %s as a team role', (role) => {
    expect(problemsOf({ 'services/payment.yaml': `${PAYMENT}teamRoles: [${role}]\n` })).toEqual([
      expect.stringMatching(new RegExp(`^services/payment\\.yaml: teamRoles: ${role.replace(/\./g, '\\.')} lets the team change IAM.*IAM changes go through the catalog`)),
    ]);
  });

  it('accepts a regional Spanner config in another region', () => {
    const catalog = loadCatalog(tempCatalog({ 'services/payment.yaml': 'team: payments\nownerGroup: payments@example.com\ndatabases:\n  spanner:\n    config: regional-europe-west1\n' }));
    expect(catalog.services.find((s) => s.name === 'payment')!.environments[0].spanner?.config).toBe('regional-europe-west1');
  });

  it('accepts regions with two-digit numbers (europe-west10)', () => {
    const catalog = loadCatalog(tempCatalog({ 'services/payment.yaml': 'team: payments\nownerGroup: payments@example.com\ndatabases:\n  spanner:\n    config: regional-europe-west10\n' }));
    expect(catalog.services.find((s) => s.name === 'payment')!.environments[0].spanner?.config).toBe('regional-europe-west10');
  });

  it('reports the problems of every file at once', () => {
    const problems = problemsOf({
      'services/payment.yaml': `${PAYMENT}    tier: 42\n`,
      'services/search.yaml': 'team: search\n',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^services\/payment\.yaml: databases\.cloudsql\.tier: /),
        expect.stringMatching(/^services\/search\.yaml: ownerGroup: required/),
      ]),
    );
  });

  it('says in its message that nothing was synthesized', () => {
    expect(() => loadCatalog(tempCatalog({ 'services/search.yaml': 'team: search\n' }))).toThrow(/1 problem; nothing was synthesized/);
  });

  it('reports a missing platform.yaml and services folder', () => {
    const problems = problemsOf({ 'platform.yaml': null }, { withExampleServices: false });
    expect(problems.join('\n')).toContain('platform.yaml: file not found');
  });
});
