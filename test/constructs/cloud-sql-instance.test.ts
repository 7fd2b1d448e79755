import { Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { CloudSqlInstance, type CloudSqlInstanceProps } from '../../constructs/cloud-sql-instance';
import { onlyResource, resourcesOf, synthScopeJson, testProject } from '../helpers';

const labels = { service: 'payment', team: 'payments', environment: 'production', 'managed-by': 'cdktf' };
const NETWORK = 'projects/acme-platform/global/networks/platform';
const props: Omit<CloudSqlInstanceProps, 'project'> = {
  region: 'asia-northeast1',
  engine: 'postgres',
  version: 'POSTGRES_16',
  tier: 'db-custom-2-7680',
  network: { id: NETWORK },
  databases: ['payments', 'ledger'],
  highAvailability: true,
  labels,
};

/** An instance in a fresh service project (the project is its scope's sibling). */
function instance(scope: Construct, overrides: Partial<CloudSqlInstanceProps> = {}): CloudSqlInstance {
  return new CloudSqlInstance(scope, 'CloudSql', { project: testProject(scope, ['sqladmin.googleapis.com']), ...props, ...overrides });
}

describe('CloudSqlInstance', () => {
  const json = synthScopeJson((scope) => instance(scope).grantClient({ key: 'app', member: 'serviceAccount:app@x.iam.gserviceaccount.com' }));
  const primary = onlyResource(json, 'google_sql_database_instance');

  it('has no public IPv4, only the private network, and requires client certificates (connectors)', () => {
    expect(primary.settings.ip_configuration).toEqual({ ipv4_enabled: false, private_network: NETWORK, ssl_mode: 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED' });
  });

  it('is protected from deletion in Terraform and in the Cloud SQL API', () => {
    expect(primary.deletion_protection).toBe(true);
    expect(primary.settings.deletion_protection_enabled).toBe(true);
  });

  it('backs up daily with point-in-time recovery (PostgreSQL)', () => {
    expect(primary.settings.backup_configuration).toMatchObject({ enabled: true, point_in_time_recovery_enabled: true });
  });

  it('is regional when highly available, with the requested tier and labels', () => {
    expect(primary.settings).toMatchObject({ tier: 'db-custom-2-7680', availability_type: 'REGIONAL', user_labels: labels });
  });

  it('creates each database, keyed by name', () => {
    expect(Object.values(resourcesOf(json, 'google_sql_database')).map((d) => d.name).sort()).toEqual(['ledger', 'payments']);
  });

  it('is created after its APIs and the Shared VPC attachment (its private IP is on the host network)', () => {
    expect(primary.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^google_project_service\.Project_Apis_sqladmin/), expect.stringMatching(/^google_compute_shared_vpc_service_project\./)]));
  });

  it('grants the client and IAM login roles to the grantee', () => {
    const roles = Object.values(resourcesOf(json, 'google_project_iam_member')).map((m) => `${m.role} ${m.member}`);
    expect(roles.sort()).toEqual([
      'roles/cloudsql.client serviceAccount:app@x.iam.gserviceaccount.com',
      'roles/cloudsql.instanceUser serviceAccount:app@x.iam.gserviceaccount.com',
    ]);
  });

  it('uses binary logs for MySQL point-in-time recovery, and is zonal by default', () => {
    const mysql = onlyResource(
      synthScopeJson((scope) => instance(scope, { engine: 'mysql', version: 'MYSQL_8_0', highAvailability: undefined })),
      'google_sql_database_instance',
    );
    expect(mysql.settings.backup_configuration).toMatchObject({ enabled: true, binary_log_enabled: true });
    expect(mysql.settings.availability_type).toBe('ZONAL');
  });

  it('fails if a shared-core tier is made highly available', () => {
    expect(() => Testing.synthScope((scope) => instance(scope, { tier: 'db-f1-micro' }))).toThrow(
      /tier: db-f1-micro is a shared-core tier and cannot be highly available/,
    );
  });

  it('fails if the version does not match the engine', () => {
    expect(() => Testing.synthScope((scope) => instance(scope, { version: 'MYSQL_8_0' }))).toThrow(
      /version: MYSQL_8_0 is not a postgres version; use one of POSTGRES_14/,
    );
  });

  it('fails if the tier is not a Cloud SQL tier', () => {
    expect(() => Testing.synthScope((scope) => instance(scope, { tier: 'n1-standard-2' }))).toThrow(
      /tier: expected a Cloud SQL tier like db-custom-2-7680 \(db-custom-<vCPUs>-<MB>, .*\), got "n1-standard-2"/,
    );
  });

  it('fails if the tier needs the Enterprise Plus edition, which it does not create', () => {
    expect(primary.settings.edition).toBe('ENTERPRISE');
    expect(() => Testing.synthScope((scope) => instance(scope, { tier: 'db-perf-optimized-N-2' }))).toThrow(
      /got "db-perf-optimized-N-2"; db-perf-optimized-\* tiers need the Enterprise Plus edition/,
    );
  });

  it('turns on pgAudit with DDL and role logging (PostgreSQL), and IAM login for both engines', () => {
    const flags = Object.fromEntries((primary.settings.database_flags as { name: string; value: string }[]).map((f) => [f.name, f.value]));
    expect(flags).toMatchObject({ 'cloudsql.enable_pgaudit': 'on', 'pgaudit.log': 'ddl,role', 'cloudsql.iam_authentication': 'on' });
    const mysql = onlyResource(
      synthScopeJson((scope) => instance(scope, { engine: 'mysql', version: 'MYSQL_8_0' })),
      'google_sql_database_instance',
    );
    expect(mysql.settings.database_flags).toEqual([{ name: 'cloudsql_iam_authentication', value: 'on' }]);
  });
});
