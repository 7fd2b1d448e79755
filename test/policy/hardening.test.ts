// What the constructs do so that checkov finds nothing (docs/SECURITY.md,
// "What the platform does to meet checkov"): each test fails if one of those
// settings is dropped.
import { Testing, TerraformStack, type App } from 'cdktf';
import { buildStacks } from '../../lib/app';
import { EncryptionKey } from '../../constructs/encryption-key';
import { SecureBucket, USAGE_LOG_WRITER } from '../../constructs/secure-bucket';
import { ServiceProject } from '../../constructs/service-project';
import { POSTGRES_FLAGS } from '../../constructs/cloud-sql-instance';
import { exampleCatalog, onlyResource, resourcesOf, synthJson, synthScopeJson, type TerraformJson } from '../helpers';
import { LABELS } from './fixtures';

const app: App = Testing.app();
buildStacks(app, exampleCatalog());
const stacks = Object.fromEntries(app.node.children.filter(TerraformStack.isStack).map((stack) => [stack.node.id, synthJson(stack)])) as Record<string, TerraformJson>;
const byName = (json: TerraformJson, type: string) => Object.values(resourcesOf(json, type)) as Record<string, any>[];

describe('customer-managed encryption keys', () => {
  it('EncryptionKey rotates every 90 days and is protected from destroy', () => {
    const json = synthScopeJson((scope) => new EncryptionKey(scope, 'Key', { project: 'acme-search-prod', location: 'asia-northeast1', keyRingName: 'service-data', labels: LABELS }));
    const key = onlyResource(json, 'google_kms_crypto_key');
    expect(key).toMatchObject({ purpose: 'ENCRYPT_DECRYPT', rotation_period: '7776000s', lifecycle: { prevent_destroy: true }, labels: LABELS });
    expect(onlyResource(json, 'google_kms_key_ring')).toMatchObject({ project: 'acme-search-prod', location: 'asia-northeast1', name: 'service-data' });
  });

  it('EncryptionKey refuses a rotation longer than 90 days', () => {
    expect(() =>
      synthScopeJson((scope) => new EncryptionKey(scope, 'Key', { project: 'p', location: 'asia-northeast1', keyRingName: 'ring', labels: LABELS, rotationDays: 365 })),
    ).toThrow(/rotationDays 365 must be a whole number from 1 to 90/);
  });

  it('encrypt every service log dataset, through the BigQuery service agent', () => {
    for (const name of ['service-search-production', 'service-payment-development']) {
      const dataset = onlyResource(stacks[name], 'google_bigquery_dataset');
      expect(dataset.default_encryption_configuration.kms_key_name).toMatch(/^\$\{google_kms_crypto_key\.EncryptionKey_\w+\.id\}$/);
      const grant = byName(stacks[name], 'google_kms_crypto_key_iam_member').find((g) => /bigquery_default_service_account/.test(g.member));
      expect(grant).toMatchObject({ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter' });
      expect(dataset.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^google_kms_crypto_key_iam_member\..*bigquery-agent/)]));
    }
  });

  it('encrypt the Spanner databases, after the Spanner agent may use the key', () => {
    const json = stacks['service-recommend-production'];
    for (const database of byName(json, 'google_spanner_database')) {
      expect(database.encryption_config.kms_key_name).toMatch(/google_kms_crypto_key\.EncryptionKey_/);
    }
    const grant = byName(json, 'google_kms_crypto_key_iam_member').find((g) => /gcp-sa-spanner/.test(g.member));
    expect(grant?.member).toBe('serviceAccount:service-${google_project.Project_3096086A.number}@gcp-sa-spanner.iam.gserviceaccount.com');
    expect(onlyResource(json, 'google_spanner_instance').depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/spanner-agent/)]));
  });
});

describe('audit logs', () => {
  it('ServiceProject turns on Data Access audit logs for all services, nobody exempted', () => {
    const config = onlyResource(stacks['service-search-production'], 'google_project_iam_audit_config');
    expect(config).toEqual({
      project: '${google_project.Project_3096086A.project_id}',
      service: 'allServices',
      audit_log_config: [{ log_type: 'ADMIN_READ' }, { log_type: 'DATA_READ' }, { log_type: 'DATA_WRITE' }],
    });
  });

  it('can be turned off explicitly', () => {
    const json = synthScopeJson(
      (scope) => new ServiceProject(scope, 'Project', { projectId: 'acme-scratch-dev', folder: 'folders/1', billingAccount: 'B', labels: LABELS, dataAccessLogs: false }),
    );
    expect(resourcesOf(json, 'google_project_iam_audit_config')).toEqual({});
  });
});

describe('network and cluster', () => {
  it('the Shared VPC has a logged default-deny ingress rule', () => {
    expect(onlyResource(stacks.platform, 'google_compute_firewall')).toMatchObject({
      direction: 'INGRESS',
      priority: 65534,
      source_ranges: ['0.0.0.0/0'],
      deny: [{ protocol: 'all' }],
      log_config: { metadata: 'INCLUDE_ALL_METADATA' },
    });
  });

  it('the cluster declares Calico off (Dataplane V2 enforces NetworkPolicy) and hardens its transient default pool', () => {
    const cluster = onlyResource(stacks.platform, 'google_container_cluster');
    expect(cluster.datapath_provider).toBe('ADVANCED_DATAPATH');
    expect(cluster.network_policy).toEqual({ enabled: false });
    expect(cluster.node_config).toMatchObject({
      image_type: 'COS_CONTAINERD',
      workload_metadata_config: { mode: 'GKE_METADATA' },
      shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
    });
  });
});

describe('Cloud SQL', () => {
  it('requires client certificates and turns on PostgreSQL audit and connection logging', () => {
    const instance = onlyResource(stacks['service-payment-production'], 'google_sql_database_instance');
    expect(instance.settings.ip_configuration.ssl_mode).toBe('TRUSTED_CLIENT_CERTIFICATE_REQUIRED');
    expect(instance.settings.database_flags).toEqual(POSTGRES_FLAGS);
    expect(POSTGRES_FLAGS.map((f) => f.name)).toEqual(
      expect.arrayContaining(['cloudsql.enable_pgaudit', 'log_connections', 'log_disconnections', 'log_checkpoints', 'log_duration', 'log_hostname', 'log_min_error_statement', 'log_statement']),
    );
  });
});

describe('bucket usage logs', () => {
  const props = { project: 'acme-platform-prod', location: 'asia-northeast1', labels: LABELS };

  it('go into the given SecureBucket, which may receive them', () => {
    const json = synthScopeJson((scope) => {
      const logs = new SecureBucket(scope, 'Logs', { ...props, name: 'acme-logs', accessLogBucket: 'acme-state' });
      new SecureBucket(scope, 'Data', { ...props, name: 'acme-data', accessLogBucket: logs });
    });
    const buckets = Object.fromEntries(byName(json, 'google_storage_bucket').map((b) => [b.name, b]));
    expect(buckets['acme-data'].logging).toEqual({ log_bucket: '${google_storage_bucket.Logs_Bucket_8640D480.name}', log_object_prefix: 'acme-data' });
    expect(buckets['acme-logs'].logging).toEqual({ log_bucket: 'acme-state', log_object_prefix: 'acme-logs' });
    // Only the receiving bucket grants Cloud Storage's log writer; a bucket named by string grants in its own stack.
    expect(byName(json, 'google_storage_bucket_iam_member')).toEqual([
      expect.objectContaining({ bucket: '${google_storage_bucket.Logs_Bucket_8640D480.name}', role: 'roles/storage.objectCreator', member: USAGE_LOG_WRITER }),
    ]);
  });

  it('go into the bucket itself by default', () => {
    const json = synthScopeJson((scope) => new SecureBucket(scope, 'Data', { ...props, name: 'acme-data' }));
    expect(onlyResource(json, 'google_storage_bucket').logging).toEqual({ log_bucket: 'acme-data', log_object_prefix: 'usage-logs/acme-data' });
    expect(onlyResource(json, 'google_storage_bucket_iam_member')).toMatchObject({ role: 'roles/storage.objectCreator', member: USAGE_LOG_WRITER });
  });

  it('of the state bucket and the access-log bucket go into each other; the backup bucket logs into the access-log bucket', () => {
    const bootstrap = Object.fromEntries(byName(stacks.bootstrap, 'google_storage_bucket').map((b) => [b.name, b]));
    expect(bootstrap['acme-terraform-state'].logging.log_bucket).toBe('${google_storage_bucket.AccessLogBucket_E6559820.name}');
    expect(bootstrap['acme-platform-prod-bucket-access-logs'].logging.log_bucket).toBe('acme-terraform-state');
    expect(onlyResource(stacks.platform, 'google_storage_bucket').logging.log_bucket).toBe('acme-platform-prod-bucket-access-logs');
    const writers = byName(stacks.bootstrap, 'google_storage_bucket_iam_member').filter((g) => g.member === USAGE_LOG_WRITER);
    expect(writers.map((g) => g.bucket).sort()).toEqual(['${google_storage_bucket.AccessLogBucket_E6559820.name}', '${google_storage_bucket.StateBucket_3A0A90D0.name}']);
  });
});
