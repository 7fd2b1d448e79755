import { Testing } from 'cdktf';
import { GoogleBetaProvider } from '@cdktf/provider-google-beta/lib/provider';
import { SpannerInstance } from '../../constructs/spanner-instance';
import { EncryptionKey } from '../../constructs/encryption-key';
import { BigQueryLogSink } from '../../constructs/bigquery-log-sink';
import { WorkloadIdentity } from '../../constructs/workload-identity';
import { onlyResource, resourcesOf, synthScopeJson, testProject } from '../helpers';

const labels = { service: 'recommend', team: 'ml', environment: 'production', 'managed-by': 'cdktf' };

describe('SpannerInstance', () => {
  const json = synthScopeJson((scope) =>
    new SpannerInstance(scope, 'Spanner', { project: testProject(scope, ['spanner.googleapis.com']), config: 'regional-asia-northeast1', processingUnits: 300, databases: ['features', 'embeddings'], labels }).grantDatabaseUser({
      key: 'app',
      member: 'serviceAccount:app@p.iam.gserviceaccount.com',
    }),
  );

  it('sizes the instance in processing units, with labels and no force-destroy', () => {
    expect(onlyResource(json, 'google_spanner_instance')).toMatchObject({ config: 'regional-asia-northeast1', processing_units: 300, force_destroy: false, labels });
  });

  it('protects every database from deletion', () => {
    const databases = Object.values(resourcesOf(json, 'google_spanner_database'));
    expect(databases.map((d) => d.name).sort()).toEqual(['embeddings', 'features']);
    expect(databases.every((d) => d.deletion_protection === true && d.enable_drop_protection === true)).toBe(true);
  });

  it('grants databaseUser per database', () => {
    const grants = Object.values(resourcesOf(json, 'google_spanner_database_iam_member'));
    expect(grants.map((g) => g.role)).toEqual(['roles/spanner.databaseUser', 'roles/spanner.databaseUser']);
  });

  it('creates its service agent, grants it the key, and only then the instance (CMEK)', () => {
    const cmek = synthScopeJson((scope) => {
      const key = new EncryptionKey(scope, 'Key', { project: 'acme-payment-prod', location: 'asia-northeast1', keyRingName: 'service-data', labels });
      new SpannerInstance(scope, 'Spanner', {
        project: testProject(scope, ['spanner.googleapis.com']),
        config: 'regional-asia-northeast1',
        databases: ['features'],
        labels,
        encryptionKey: key,
        betaProvider: new GoogleBetaProvider(scope, 'google-beta', {}),
      });
    });
    const [agentName, agent] = Object.entries(resourcesOf(cmek, 'google_project_service_identity'))[0];
    expect(agent).toMatchObject({ service: 'spanner.googleapis.com', provider: 'google-beta' });
    const [grantName, grant] = Object.entries(resourcesOf(cmek, 'google_kms_crypto_key_iam_member'))[0];
    expect(grant).toMatchObject({ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', member: expect.stringMatching(/^serviceAccount:service-\$\{google_project\.Project_\w+\.number\}@gcp-sa-spanner\.iam\.gserviceaccount\.com$/) });
    expect(grant.depends_on).toEqual([`google_project_service_identity.${agentName}`]);
    expect(onlyResource(cmek, 'google_spanner_instance').depends_on).toContain(`google_kms_crypto_key_iam_member.${grantName}`);
    expect(onlyResource(cmek, 'google_spanner_database').encryption_config.kms_key_name).toMatch(/^\$\{google_kms_crypto_key\.Key_\w+\.id\}$/);
  });

  it('refuses a key without the beta provider that creates the agent', () => {
    expect(() =>
      Testing.synthScope((scope) => {
        const key = new EncryptionKey(scope, 'Key', { project: 'p', location: 'asia-northeast1', keyRingName: 'r', labels });
        new SpannerInstance(scope, 'S', { project: testProject(scope), config: 'regional-asia-northeast1', labels, encryptionKey: key });
      }),
    ).toThrow(/betaProvider is required with encryptionKey/);
  });

  it('fails on processing units that Spanner refuses', () => {
    expect(() => Testing.synthScope((scope) => new SpannerInstance(scope, 'S', { project: testProject(scope), config: 'regional-x', processingUnits: 1500, labels }))).toThrow(
      /processingUnits 1500 is not allowed/,
    );
  });
});

describe('BigQueryLogSink', () => {
  const json = synthScopeJson((scope) => new BigQueryLogSink(scope, 'LogSink', { project: 'p-prod', location: 'asia-northeast1', retentionDays: 90, labels }));

  it('routes the project logs into its own partitioned dataset', () => {
    const sink = onlyResource(json, 'google_logging_project_sink');
    expect(sink.destination).toMatch(/^bigquery\.googleapis\.com\/projects\/p-prod\/datasets\/\$\{google_bigquery_dataset\..*\.dataset_id\}$/);
    expect(sink).toMatchObject({ unique_writer_identity: true, bigquery_options: { use_partitioned_tables: true } });
  });

  it('expires partitions after the retention and keeps contents on destroy', () => {
    expect(onlyResource(json, 'google_bigquery_dataset')).toMatchObject({ default_partition_expiration_ms: 90 * 86_400_000, delete_contents_on_destroy: false, labels });
  });

  it("grants the sink's writer identity on the dataset", () => {
    const grant = onlyResource(json, 'google_bigquery_dataset_iam_member');
    expect(grant.role).toBe('roles/bigquery.dataEditor');
    expect(grant.member).toMatch(/google_logging_project_sink\..*\.writer_identity/);
  });

  describe('addSourceProject', () => {
    const filter = 'resource.type="k8s_container" AND resource.labels.namespace_name="recommend-prod"';
    const routed = synthScopeJson((scope) =>
      new BigQueryLogSink(scope, 'LogSink', { project: 'p-prod', location: 'asia-northeast1', labels }).addSourceProject('Workloads', {
        project: 'platform-prod',
        sinkName: 'recommend-prod-workloads',
        filter,
      }),
    );
    const sinks = Object.entries(resourcesOf(routed, 'google_logging_project_sink'));
    const [sourceName, source] = sinks.find(([, sink]) => sink.project === 'platform-prod') ?? [];

    it("adds a filtered sink in the source project into the same dataset, next to the project's own sink", () => {
      expect(sinks.map(([, sink]) => sink.project).sort()).toEqual(['p-prod', 'platform-prod']);
      const own = sinks.find(([, sink]) => sink.project === 'p-prod')?.[1];
      expect(source).toMatchObject({ name: 'recommend-prod-workloads', filter, unique_writer_identity: true, bigquery_options: { use_partitioned_tables: true } });
      expect(source?.destination).toBe(own?.destination);
      expect(source?.destination).toMatch(/^bigquery\.googleapis\.com\/projects\/p-prod\/datasets\//);
    });

    it("grants the source sink's own writer identity on the dataset", () => {
      const members = Object.values(resourcesOf(routed, 'google_bigquery_dataset_iam_member')).map((grant) => `${grant.role} ${grant.member}`);
      expect(members).toContain(`roles/bigquery.dataEditor \${google_logging_project_sink.${sourceName}.writer_identity}`);
      expect(members).toHaveLength(2);
    });

    it('refuses an empty filter and a malformed sink name, listing both', () => {
      expect(() =>
        Testing.synthScope((scope) =>
          new BigQueryLogSink(scope, 'L', { project: 'p', location: 'x', labels }).addSourceProject('Workloads', { project: 'host', sinkName: 'bad name', filter: ' ' }),
        ),
      ).toThrow(/L\/Sources\/Workloads has invalid props:[\s\S]*sinkName "bad name" may hold only[\s\S]*filter is empty: it would copy every log entry of host/);
    });
  });

  it('fails on a dataset id with hyphens', () => {
    expect(() => Testing.synthScope((scope) => new BigQueryLogSink(scope, 'L', { project: 'p', location: 'x', datasetId: 'my-logs', labels }))).toThrow(
      /datasetId "my-logs" may hold only letters, digits and underscores/,
    );
  });
});

describe('WorkloadIdentity', () => {
  const json = synthScopeJson(
    (scope) => new WorkloadIdentity(scope, 'App', { project: 'p-prod', accountId: 'application', workloadPool: 'host.svc.id.goog', namespace: 'payment-prod', kubernetesServiceAccount: 'payment' }),
  );

  it('lets exactly one Kubernetes service account act as the Google one', () => {
    expect(onlyResource(json, 'google_service_account_iam_member')).toMatchObject({
      role: 'roles/iam.workloadIdentityUser',
      member: 'serviceAccount:host.svc.id.goog[payment-prod/payment]',
    });
  });

  it('creates no keys', () => {
    expect(json.resource.google_service_account_key).toBeUndefined();
  });

  it('fails on a pool that is not a Workload Identity pool', () => {
    expect(() =>
      Testing.synthScope((scope) => new WorkloadIdentity(scope, 'A', { project: 'p', accountId: 'application', workloadPool: 'host', namespace: 'ns', kubernetesServiceAccount: 'sa' })),
    ).toThrow(/workloadPool "host" must be the cluster's pool/);
  });
});
