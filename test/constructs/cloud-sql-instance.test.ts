import { Testing } from 'cdktf';
import { CloudSqlInstance, type CloudSqlInstanceProps } from '../../constructs/cloud-sql-instance';
import { onlyResource, resourcesOf, synthScopeJson } from '../helpers';

const labels = { service: 'payment', team: 'payments', environment: 'production', 'managed-by': 'cdktf' };
const props: CloudSqlInstanceProps = {
  project: 'acme-payment-prod',
  region: 'asia-northeast1',
  engine: 'postgres',
  version: 'POSTGRES_16',
  tier: 'db-custom-2-7680',
  privateNetwork: 'projects/acme-platform/global/networks/platform',
  databases: ['payments', 'ledger'],
  highAvailability: true,
  labels,
};

describe('CloudSqlInstance', () => {
  const json = synthScopeJson((scope) => new CloudSqlInstance(scope, 'CloudSql', props).grantClient({ key: 'app', member: 'serviceAccount:app@x.iam.gserviceaccount.com' }));
  const instance = onlyResource(json, 'google_sql_database_instance');

  it('has no public IPv4, only the private network, and requires client certificates (connectors)', () => {
    expect(instance.settings.ip_configuration).toEqual({ ipv4_enabled: false, private_network: props.privateNetwork, ssl_mode: 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED' });
  });

  it('is protected from deletion in Terraform and in the Cloud SQL API', () => {
    expect(instance.deletion_protection).toBe(true);
    expect(instance.settings.deletion_protection_enabled).toBe(true);
  });

  it('backs up daily with point-in-time recovery (PostgreSQL)', () => {
    expect(instance.settings.backup_configuration).toMatchObject({ enabled: true, point_in_time_recovery_enabled: true });
  });

  it('is regional when highly available, with the requested tier and labels', () => {
    expect(instance.settings).toMatchObject({ tier: 'db-custom-2-7680', availability_type: 'REGIONAL', user_labels: labels });
  });

  it('creates each database, keyed by name', () => {
    expect(Object.values(resourcesOf(json, 'google_sql_database')).map((d) => d.name).sort()).toEqual(['ledger', 'payments']);
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
      synthScopeJson((scope) => new CloudSqlInstance(scope, 'CloudSql', { ...props, engine: 'mysql', version: 'MYSQL_8_0', highAvailability: undefined })),
      'google_sql_database_instance',
    );
    expect(mysql.settings.backup_configuration).toMatchObject({ enabled: true, binary_log_enabled: true });
    expect(mysql.settings.availability_type).toBe('ZONAL');
  });

  it('fails if a shared-core tier is made highly available', () => {
    expect(() => Testing.synthScope((scope) => new CloudSqlInstance(scope, 'CloudSql', { ...props, tier: 'db-f1-micro' }))).toThrow(
      /tier "db-f1-micro" is shared-core and cannot be highly available/,
    );
  });

  it('fails if the version does not match the engine', () => {
    expect(() => Testing.synthScope((scope) => new CloudSqlInstance(scope, 'CloudSql', { ...props, version: 'MYSQL_8_0' }))).toThrow(
      /version "MYSQL_8_0" does not match engine postgres/,
    );
  });

  it('fails if the tier is not a Cloud SQL tier', () => {
    expect(() => Testing.synthScope((scope) => new CloudSqlInstance(scope, 'CloudSql', { ...props, tier: 'n1-standard-2' }))).toThrow(
      /tier: expected a Cloud SQL tier like db-custom-2-7680 \(db-custom-<vCPUs>-<MB>, .*\), got "n1-standard-2"/,
    );
  });

  it('fails if the tier needs the Enterprise Plus edition, which it does not create', () => {
    expect(instance.settings.edition).toBe('ENTERPRISE');
    expect(() => Testing.synthScope((scope) => new CloudSqlInstance(scope, 'CloudSql', { ...props, tier: 'db-perf-optimized-N-2' }))).toThrow(
      /got "db-perf-optimized-N-2"; db-perf-optimized-\* tiers need the Enterprise Plus edition/,
    );
  });

  it('turns on pgAudit with DDL and role logging (PostgreSQL), and IAM login for both engines', () => {
    const flags = Object.fromEntries((instance.settings.database_flags as { name: string; value: string }[]).map((f) => [f.name, f.value]));
    expect(flags).toMatchObject({ 'cloudsql.enable_pgaudit': 'on', 'pgaudit.log': 'ddl,role', 'cloudsql.iam_authentication': 'on' });
    const mysql = onlyResource(
      synthScopeJson((scope) => new CloudSqlInstance(scope, 'CloudSql', { ...props, engine: 'mysql', version: 'MYSQL_8_0' })),
      'google_sql_database_instance',
    );
    expect(mysql.settings.database_flags).toEqual([{ name: 'cloudsql_iam_authentication', value: 'on' }]);
  });
});
