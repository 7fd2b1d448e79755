// The construct side of the tenant model: project hardening, Cloud SQL IAM
// users, read access to the log dataset.
import { Testing } from 'cdktf';
import { ServiceProject, ESSENTIAL_CONTACT_CATEGORIES } from '../../constructs/service-project';
import { CloudSqlInstance, type CloudSqlInstanceProps } from '../../constructs/cloud-sql-instance';
import { BigQueryLogSink, LOG_READER_PROJECT_ROLES } from '../../constructs/bigquery-log-sink';
import { groupGrantee } from '../../lib/iam-roles';
import type { Construct } from 'constructs';
import { onlyResource, resourcesOf, synthScopeJson, testProject } from '../helpers';

const labels = { service: 'payment', team: 'payments', environment: 'production', 'managed-by': 'cdktf' };
const project = { projectId: 'acme-payment-prod', folder: 'folders/123', billingAccount: '01ABCD-23EF45-67AB89', labels };

describe('ServiceProject hardening', () => {
  const json = synthScopeJson((scope) => new ServiceProject(scope, 'Project', { ...project, essentialContacts: ['payments@example.com'], lien: true }));

  it('takes Editor away from the Compute Engine default service account', () => {
    expect(onlyResource(json, 'google_project_default_service_accounts')).toMatchObject({
      project: expect.stringMatching(/^\$\{google_project\.Project_\w+\.project_id\}$/),
      action: 'DEPRIVILEGE',
      restore_policy: 'REVERT_AND_IGNORE_FAILURE',
      depends_on: expect.arrayContaining([expect.stringMatching(/^google_project_service\.Project_Apis_computegoogleapiscom_/)]),
    });
  });

  it("makes the team's group the essential contact for security, technical and suspension notices", () => {
    expect(onlyResource(json, 'google_essential_contacts_contact')).toMatchObject({
      parent: 'projects/acme-payment-prod',
      email: 'payments@example.com',
      language_tag: 'en',
      notification_category_subscriptions: [...ESSENTIAL_CONTACT_CATEGORIES],
    });
    expect(ESSENTIAL_CONTACT_CATEGORIES).toContain('SECURITY');
    expect(Object.keys(resourcesOf(json, 'google_project_service'))).toEqual(expect.arrayContaining([expect.stringMatching(/essentialcontacts/)]));
  });

  it('puts a lien against project deletion when asked', () => {
    expect(onlyResource(json, 'google_resource_manager_lien')).toMatchObject({
      parent: expect.stringMatching(/^projects\/\$\{google_project\.Project_\w+\.number\}$/),
      restrictions: ['resourcemanager.projects.delete'],
      origin: 'platform-catalog',
    });
  });

  it('has no lien and no contacts by default, but still deprivileges the default account', () => {
    const plain = synthScopeJson((scope) => new ServiceProject(scope, 'Project', project));
    expect(resourcesOf(plain, 'google_resource_manager_lien')).toEqual({});
    expect(resourcesOf(plain, 'google_essential_contacts_contact')).toEqual({});
    expect(Object.keys(resourcesOf(plain, 'google_project_default_service_accounts'))).toHaveLength(1);
  });

  it('fails for a contact that is not an email', () => {
    expect(() => Testing.synthScope((scope) => new ServiceProject(scope, 'Project', { ...project, essentialContacts: ['payments'] }))).toThrow(/essentialContacts "payments" must be an email address/);
  });
});

describe('CloudSqlInstance IAM users', () => {
  const base: Omit<CloudSqlInstanceProps, 'project'> = {
    region: 'asia-northeast1',
    engine: 'postgres',
    version: 'POSTGRES_16',
    tier: 'db-custom-2-7680',
    network: { id: 'projects/acme-platform/global/networks/platform' },
    labels,
  };
  /** An instance in a fresh service project (the project is its scope's sibling). */
  const sqlIn = (scope: Construct, props: Omit<CloudSqlInstanceProps, 'project'>) => new CloudSqlInstance(scope, 'CloudSql', { project: testProject(scope, ['sqladmin.googleapis.com']), ...props });
  const account = { key: 'serviceAccount:application', email: 'application@acme-payment-prod.iam.gserviceaccount.com' };
  const users = (props: Omit<CloudSqlInstanceProps, 'project'>) => {
    let login = '';
    const json = synthScopeJson((scope) => {
      const sql = sqlIn(scope, props);
      sql.addIamServiceAccountUser(account);
      sql.addIamGroupUser('payments@example.com');
      login = sql.iamLoginName(account.email);
    });
    return { users: Object.values(resourcesOf(json, 'google_sql_user')), login };
  };

  it('names the PostgreSQL service account user by its email without .gserviceaccount.com, and logs in as that', () => {
    const { users: created, login } = users(base);
    expect(created).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'application@acme-payment-prod.iam', type: 'CLOUD_IAM_SERVICE_ACCOUNT', project: 'acme-payment-prod' })]),
    );
    expect(login).toBe('application@acme-payment-prod.iam');
  });

  it('gives MySQL the full email (Cloud SQL stores the name part) and logs in as the name part', () => {
    const { users: created, login } = users({ ...base, engine: 'mysql', version: 'MYSQL_8_0' });
    expect(created).toEqual(expect.arrayContaining([expect.objectContaining({ name: account.email, type: 'CLOUD_IAM_SERVICE_ACCOUNT' })]));
    expect(login).toBe('application');
  });

  it('adds the group as a CLOUD_IAM_GROUP user by its email, and no user has a password', () => {
    const { users: created } = users(base);
    expect(created).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'payments@example.com', type: 'CLOUD_IAM_GROUP' })]));
    for (const user of created) expect(user.password).toBeUndefined();
    for (const user of created) expect(user.instance).toMatch(/^\$\{google_sql_database_instance\.CloudSql_Instance_\w+\.name\}$/);
  });

  it('refuses an address that is not a service account email', () => {
    expect(() => Testing.synthScope((scope) => sqlIn(scope, base).addIamServiceAccountUser({ key: 'x', email: '${google_service_account.a.email}' }))).toThrow(
      /is not a service account email/,
    );
  });
});

describe('BigQueryLogSink.grantRead', () => {
  const json = synthScopeJson((scope) => new BigQueryLogSink(scope, 'LogSink', { project: 'acme-payment-prod', location: 'asia-northeast1', labels }).grantRead(groupGrantee('payments@example.com')));

  it('grants Data Viewer on this dataset only, and names the project role queries need', () => {
    const viewers = Object.values(resourcesOf(json, 'google_bigquery_dataset_iam_member')).filter((m) => m.role === 'roles/bigquery.dataViewer');
    expect(viewers).toEqual([
      { project: 'acme-payment-prod', dataset_id: expect.stringMatching(/^\$\{google_bigquery_dataset\.LogSink_Dataset_\w+\.dataset_id\}$/), role: 'roles/bigquery.dataViewer', member: 'group:payments@example.com' },
    ]);
    expect(LOG_READER_PROJECT_ROLES).toEqual(['roles/bigquery.jobUser']);
    // No project-wide data access: the only other grants are the sink writer's, on the dataset.
    expect(resourcesOf(json, 'google_project_iam_member')).toEqual({});
    const others = Object.values(resourcesOf(json, 'google_bigquery_dataset_iam_member')).filter((m) => m.role !== 'roles/bigquery.dataViewer');
    expect(others.map((m) => [m.role, m.member])).toEqual([['roles/bigquery.dataEditor', expect.stringMatching(/writer_identity/)]]);
  });
});
