import { Testing } from 'cdktf';
import { GoogleBetaProvider } from '@cdktf/provider-google-beta/lib/provider';
import { RedisInstance } from '../../constructs/redis-instance';
import { PubSub } from '../../constructs/pubsub';
import { ProjectBudget } from '../../constructs/project-budget';
import { EncryptionKey } from '../../constructs/encryption-key';
import { onlyResource, resourcesOf, synthScopeJson, testProject } from '../helpers';

const labels = { service: 'payment', team: 'payments', environment: 'production', 'managed-by': 'cdktf' };
const app = { key: 'serviceAccount:application', member: 'serviceAccount:application@p.iam.gserviceaccount.com' };

describe('RedisInstance', () => {
  const json = synthScopeJson((scope) => {
    const key = new EncryptionKey(scope, 'Key', { project: 'acme-payment-prod', location: 'asia-northeast1', keyRingName: 'service-data', labels });
    new RedisInstance(scope, 'Redis', {
      project: testProject(scope, ['redis.googleapis.com']),
      region: 'asia-northeast1',
      network: { id: 'projects/h/global/networks/platform' },
      tier: 'STANDARD_HA',
      labels,
      encryptionKey: key,
      betaProvider: new GoogleBetaProvider(scope, 'google-beta', {}),
    }).grantConnect(app);
  });
  const redis = onlyResource(json, 'google_redis_instance');

  it('is private (private service access), with AUTH, TLS, CMEK, snapshots and a maintenance window', () => {
    expect(redis).toMatchObject({
      connect_mode: 'PRIVATE_SERVICE_ACCESS',
      authorized_network: 'projects/h/global/networks/platform',
      auth_enabled: true,
      transit_encryption_mode: 'SERVER_AUTHENTICATION',
      tier: 'STANDARD_HA',
      persistence_config: { persistence_mode: 'RDB' },
      maintenance_policy: { weekly_maintenance_window: [{ day: 'SUNDAY' }] },
      lifecycle: { prevent_destroy: true },
    });
    expect(redis.customer_managed_key).toMatch(/google_kms_crypto_key\.Key_\w+\.id/);
  });

  it("grants the key to Memorystore's agent before the instance", () => {
    const [grantName, grant] = Object.entries(resourcesOf(json, 'google_kms_crypto_key_iam_member'))[0];
    expect(grant.member).toMatch(/@cloud-redis\.iam\.gserviceaccount\.com$/);
    expect(redis.depends_on).toContain(`google_kms_crypto_key_iam_member.${grantName}`);
  });

  it('lets the application read only the address, CA and AUTH string', () => {
    expect(onlyResource(json, 'google_project_iam_custom_role').permissions).toEqual(['redis.instances.get', 'redis.instances.getAuthString']);
    expect(onlyResource(json, 'google_project_iam_member').member).toBe(app.member);
  });

  it('fails on a size Memorystore refuses', () => {
    expect(() =>
      Testing.synthScope((scope) => new RedisInstance(scope, 'R', { project: testProject(scope), region: 'r', network: { id: 'n' }, memorySizeGb: 0, labels })),
    ).toThrow(/memorySizeGb: 0 GB is not a Memorystore size/);
  });
});

describe('PubSub', () => {
  const json = synthScopeJson((scope) => {
    const key = new EncryptionKey(scope, 'Key', { project: 'acme-payment-prod', location: 'asia-northeast1', keyRingName: 'service-data', labels });
    const pubsub = new PubSub(scope, 'PubSub', {
      project: testProject(scope, ['pubsub.googleapis.com']),
      region: 'asia-northeast1',
      labels,
      encryptionKey: key,
      betaProvider: new GoogleBetaProvider(scope, 'google-beta', {}),
      topics: { 'payment-events': {} },
      subscriptions: { ledger: { topic: 'payment-events', pushEndpoint: 'https://ledger.example.com/push' }, remote: { topic: 'projects/other/topics/t' } },
      pushIdentity: { email: 'application@p.iam.gserviceaccount.com', name: 'projects/p/serviceAccounts/application@p.iam.gserviceaccount.com', deployer: 'serviceAccount:terraform-applier@h.iam.gserviceaccount.com' },
    });
    pubsub.grantPublisher(app);
    pubsub.grantSubscriber(app);
  });

  it('encrypts every topic with the key and stores messages in the region', () => {
    const topics = Object.values(resourcesOf(json, 'google_pubsub_topic'));
    expect(topics.map((t) => t.name).sort()).toEqual(['ledger-dead-letter', 'payment-events', 'remote-dead-letter']);
    for (const topic of topics) expect(topic).toMatchObject({ kms_key_name: expect.stringMatching(/google_kms_crypto_key/), message_storage_policy: { allowed_persistence_regions: ['asia-northeast1'] } });
  });

  it('gives each subscription a retry policy, a dead-letter topic, no expiry; push carries an OIDC token', () => {
    const subs = Object.fromEntries(Object.values(resourcesOf(json, 'google_pubsub_subscription')).map((s) => [s.name, s]));
    expect(subs.ledger).toMatchObject({ retry_policy: { minimum_backoff: '10s', maximum_backoff: '600s' }, dead_letter_policy: { max_delivery_attempts: 10 }, expiration_policy: { ttl: '' } });
    expect(subs.ledger.push_config).toEqual({ push_endpoint: 'https://ledger.example.com/push', oidc_token: { service_account_email: 'application@p.iam.gserviceaccount.com' } });
    expect(subs.remote.topic).toBe('projects/other/topics/t');
    expect(subs['ledger-dead-letter']).toBeDefined();
  });

  it('grants per topic and subscription, never project-wide, and actAs on the push identity only to the deployer', () => {
    expect(resourcesOf(json, 'google_project_iam_member')).toEqual({});
    const publishers = Object.values(resourcesOf(json, 'google_pubsub_topic_iam_member')).filter((m) => m.member === app.member);
    expect(publishers.map((m) => m.role)).toEqual(['roles/pubsub.publisher']);
    expect(onlyResource(json, 'google_service_account_iam_member')).toMatchObject({ role: 'roles/iam.serviceAccountUser', member: 'serviceAccount:terraform-applier@h.iam.gserviceaccount.com' });
  });

  it('refuses push without an identity and plain http', () => {
    expect(() =>
      Testing.synthScope((scope) => {
        const key = new EncryptionKey(scope, 'Key', { project: 'p', location: 'x', keyRingName: 'r', labels });
        new PubSub(scope, 'P', { project: testProject(scope, ['pubsub.googleapis.com']), region: 'x', labels, encryptionKey: key, betaProvider: new GoogleBetaProvider(scope, 'google-beta', {}), topics: { abc: {} }, subscriptions: { sub: { topic: 'abc', pushEndpoint: 'http://x' } } });
      }),
    ).toThrow(/pushEndpoint "http:\/\/x" must be an https:\/\/ URL[\s\S]*needs pushIdentity/);
  });
});

describe('ProjectBudget', () => {
  const json = synthScopeJson((scope) => {
    new ProjectBudget(scope, 'Budget', { project: testProject(scope), billingAccount: '01ABCD-23EF45-67AB89', monthlyAmount: 500, alertEmails: { team: 'payments@example.com', platform: 'platform@example.com' }, labels });
  });

  it('budgets the project monthly with thresholds and a forecast, alerting both groups', () => {
    const budget = onlyResource(json, 'google_billing_budget');
    expect(budget).toMatchObject({ billing_account: '01ABCD-23EF45-67AB89', amount: { specified_amount: { units: '500' } }, budget_filter: { calendar_period: 'MONTH' } });
    expect(budget.threshold_rules).toEqual([{ threshold_percent: 0.5 }, { threshold_percent: 0.9 }, { threshold_percent: 1 }, { threshold_percent: 1, spend_basis: 'FORECASTED_SPEND' }]);
    expect(budget.all_updates_rule.monitoring_notification_channels).toHaveLength(2);
    const emails = Object.values(resourcesOf(json, 'google_monitoring_notification_channel')).map((c) => (c.labels as Record<string, string>).email_address);
    expect(emails.sort()).toEqual(['payments@example.com', 'platform@example.com']);
  });

  it('refuses an amount of zero and no recipients', () => {
    expect(() => Testing.synthScope((scope) => new ProjectBudget(scope, 'B', { project: testProject(scope), billingAccount: 'b', monthlyAmount: 0, alertEmails: {}, labels }))).toThrow(
      /monthlyAmount 0 must be a whole number[\s\S]*alertEmails is empty/,
    );
  });
});
