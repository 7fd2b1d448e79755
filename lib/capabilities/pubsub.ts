// pubsub: topics the service owns and subscriptions it consumes, in its own
// project. Another service may subscribe to a topic only if the topic's owner
// lists it in `subscribers` (checked across the catalog).
import type { z } from 'zod';
import { about, dictionary, integer, list, mapping, NAME_PATTERN, text } from '../catalog/schema-kit';
import { serviceProjectId } from '../catalog/names';
import { deliveryProblems, FOREIGN_TOPIC, PUBSUB_DEFAULTS, PUBSUB_NAME } from '../domain/pubsub';
import { APPLIER_ACCOUNT_ID, serviceAccountMember } from '../iam-roles';
import { PubSub } from '../../constructs/pubsub';
import type { Capability, CatalogProblem, CatalogService } from './capability';
import { hclList, hclString } from '../terraform/hcl';

const pubsubName = (example: string) => text(PUBSUB_NAME, 'a Pub/Sub name (3-63 lowercase letters, digits, hyphens)', example);

const schema = mapping({
  /** Topics this service publishes to; its application account may publish to each. @default none */
  topics: dictionary(
    pubsubName('payment-events'),
    mapping({
      /** Days messages stay on the topic (replay). @default 7 */
      retentionDays: integer(1, 31, 7).optional().meta(about('Days messages stay on the topic (for replay).', PUBSUB_DEFAULTS.retentionDays)),
      /** Other services allowed to subscribe (from their own projects). @default none */
      subscribers: list(text(NAME_PATTERN, 'a service name', 'search'), 'service names').optional().meta(about('Other services allowed to subscribe, from their own projects.', [])),
    }),
    'topic names to settings',
  ).optional().meta(about('Topics this service publishes to, by name; its application account may publish to each. Default: none.')),
  /** Subscriptions this service pulls from (or receives pushes on); its application account may consume each. @default none */
  subscriptions: dictionary(
    pubsubName('payment-events-search'),
    mapping({
      /** A topic of this service, or `<service>/<topic>` of a service that lists this one as a subscriber. */
      topic: text(/^([a-z][a-z0-9-]*[a-z0-9]\/)?[a-z][a-z0-9-]{2,62}$/, 'a topic', 'payment/payment-events').meta(
        about('Required. A topic of this service, or <service>/<topic> of a service that lists this one as a subscriber.'),
      ),
      /** HTTPS endpoint for push delivery (OIDC token of the application account). @default pull */
      pushEndpoint: text(/^https:\/\/[^\s/]+(\/\S*)?$/, 'an https URL', 'https://search.platform.example.com/events').optional().meta(
        about('HTTPS endpoint for push delivery (OIDC token of the application account). Default: pull.'),
      ),
      /** @default 30 */
      ackDeadlineSeconds: integer(10, 600, 30).optional().meta(about('Seconds to acknowledge a message before redelivery.', PUBSUB_DEFAULTS.ackDeadlineSeconds)),
      /** Days unacknowledged messages are kept. @default 7 */
      retentionDays: integer(1, 7, 7).optional().meta(about('Days unacknowledged messages are kept.', PUBSUB_DEFAULTS.retentionDays)),
      /** Failed deliveries before a message goes to `<name>-dead-letter`. @default 10 */
      maxDeliveryAttempts: integer(5, 100, 10).optional().meta(about('Failed deliveries before a message goes to <name>-dead-letter.', PUBSUB_DEFAULTS.maxDeliveryAttempts)),
      /** @default 10 */
      minBackoffSeconds: integer(0, 600, 10).optional().meta(about('Shortest wait before a redelivery.', PUBSUB_DEFAULTS.minBackoffSeconds)),
      /** @default 600 */
      maxBackoffSeconds: integer(0, 600, 600).optional().meta(about('Longest wait before a redelivery.', PUBSUB_DEFAULTS.maxBackoffSeconds)),
    }),
    'subscription names to settings',
  ).optional().meta(about('Subscriptions this service pulls from (or receives pushes on), by name, each with a dead-letter topic. Default: none.')),
}).meta(about('Pub/Sub topics and subscriptions of the service (CMEK, least-privilege grants). Default: none.'));

export interface TopicSettings {
  readonly retentionDays: number;
  readonly subscribers: readonly string[];
}

export interface SubscriptionSettings {
  /** As written: `<topic>` or `<service>/<topic>`. */
  readonly topic: string;
  /** Own topic name, or `projects/<owner project>/topics/<topic>`. */
  readonly topicRef: string;
  readonly pushEndpoint?: string;
  readonly ackDeadlineSeconds: number;
  readonly retentionDays: number;
  readonly maxDeliveryAttempts: number;
  readonly minBackoffSeconds: number;
  readonly maxBackoffSeconds: number;
}

export interface PubSubSettings {
  readonly topics: Readonly<Record<string, TopicSettings>>;
  readonly subscriptions: Readonly<Record<string, SubscriptionSettings>>;
}

const PUBSUB = { planner: 'roles/pubsub.viewer', applier: 'roles/pubsub.admin' } as const;

export const pubsub: Capability<'pubsub', z.output<typeof schema>, PubSubSettings> = {
  key: 'pubsub',
  title: 'Pub/Sub',
  path: ['pubsub'],
  schema,
  resolve(input, context) {
    const topics: Record<string, TopicSettings> = {};
    for (const [name, topic] of Object.entries(input.topics ?? {})) {
      topics[name] = { retentionDays: topic.retentionDays ?? PUBSUB_DEFAULTS.retentionDays, subscribers: [...new Set(topic.subscribers ?? [])].sort() };
      if (topic.subscribers?.includes(context.service)) context.report(['topics', name, 'subscribers'], `${context.service} is this service; its own subscriptions need no listing`);
    }
    const subscriptions: Record<string, SubscriptionSettings> = {};
    for (const [name, subscription] of Object.entries(input.subscriptions ?? {})) {
      const foreign = FOREIGN_TOPIC.exec(subscription.topic);
      if (!foreign && !(subscription.topic in topics)) {
        context.report(['subscriptions', name, 'topic'], `"${subscription.topic}" is not a topic of this service; list it under pubsub.topics, or write <service>/<topic> for another service's topic`);
      }
      if (`${name}-dead-letter` in topics) context.report(['topics', `${name}-dead-letter`], `collides with the dead-letter topic of subscription ${name}; rename the topic`);
      const settings = {
        topic: subscription.topic,
        topicRef: foreign ? `projects/${serviceProjectId(context.platform, foreign[1], context.environment)}/topics/${foreign[2]}` : subscription.topic,
        pushEndpoint: subscription.pushEndpoint,
        ackDeadlineSeconds: subscription.ackDeadlineSeconds ?? PUBSUB_DEFAULTS.ackDeadlineSeconds,
        retentionDays: subscription.retentionDays ?? PUBSUB_DEFAULTS.retentionDays,
        maxDeliveryAttempts: subscription.maxDeliveryAttempts ?? PUBSUB_DEFAULTS.maxDeliveryAttempts,
        minBackoffSeconds: subscription.minBackoffSeconds ?? PUBSUB_DEFAULTS.minBackoffSeconds,
        maxBackoffSeconds: subscription.maxBackoffSeconds ?? PUBSUB_DEFAULTS.maxBackoffSeconds,
      };
      for (const problem of deliveryProblems(settings)) context.report(['subscriptions', name, problem.field], problem.message);
      subscriptions[name] = settings;
    }
    return { topics, subscriptions };
  },
  apis: () => ['pubsub.googleapis.com'],
  resources: {
    // Subscriptions hold the backlog, topics the retained messages: both guarded.
    google_pubsub_topic: { ...PUBSUB, protect: 'Pub/Sub topic' },
    google_pubsub_subscription: { ...PUBSUB, protect: 'Pub/Sub subscription' },
    google_pubsub_topic_iam_member: PUBSUB,
    google_pubsub_subscription_iam_member: PUBSUB,
  },
  build(context, settings) {
    const { platform } = context;
    const pubsubConstruct = new PubSub(context.scope, 'PubSub', {
      project: context.project,
      region: platform.region,
      labels: context.labels,
      encryptionKey: context.encryptionKey,
      betaProvider: context.betaProvider,
      topics: settings.topics,
      subscriptions: Object.fromEntries(Object.entries(settings.subscriptions).map(([name, s]) => [name, { ...s, topic: s.topicRef }])),
      pushIdentity: {
        email: context.application.email,
        name: context.application.serviceAccount.name,
        deployer: platform.github ? serviceAccountMember(`${APPLIER_ACCOUNT_ID}@${platform.platformProject}.iam.gserviceaccount.com`) : undefined,
      },
    });
    pubsubConstruct.grantPublisher(context.application.grantee);
    pubsubConstruct.grantSubscriber(context.application.grantee);
    return pubsubConstruct;
  },
  planAssertions(settings, { platform, list: all }) {
    const topics = all('google_pubsub_topic');
    const subscriptions = all('google_pubsub_subscription');
    const names = Object.keys(settings.subscriptions);
    const deadLetters = names.map((name) => `${name}-dead-letter`);
    const keys = `[for k in ${all('google_kms_crypto_key')} : k.id]`;
    // Terraform refuses an assertion over an empty tuple (it would check nothing).
    const assertions = [
      {
        condition: `sort([for t in ${topics} : t.name]) == tolist(${hclList([...Object.keys(settings.topics), ...deadLetters].sort())})`,
        message: `Pub/Sub topics ${[...Object.keys(settings.topics), ...deadLetters].join(', ')} (own topics and dead-letter topics)`,
      },
      {
        condition: `alltrue([for t in ${topics} : contains(${keys}, t.kms_key_name) && t.message_storage_policy[0].allowed_persistence_regions == toset([${hclString(platform.region)}])])`,
        message: `every topic is encrypted with a key of the service (CMEK) and stores messages only in ${platform.region}`,
      },
    ];
    if (names.length > 0) {
      assertions.push(
        {
          condition: `sort([for s in ${subscriptions} : s.name]) == tolist(${hclList([...names, ...deadLetters].sort())})`,
          message: `Pub/Sub subscriptions ${names.join(', ')}, each with a dead-letter subscription`,
        },
        {
          condition: `alltrue([for s in ${subscriptions} : contains(${hclList(deadLetters)}, s.name) || try(s.dead_letter_policy[0].max_delivery_attempts > 0 && length(s.retry_policy) == 1, false)]) && alltrue([for s in ${subscriptions} : s.expiration_policy[0].ttl == ""])`,
          message: 'every subscription retries with backoff, sends undeliverable messages to its dead-letter topic, and never expires',
        },
      );
    }
    return assertions;
  },
  describe: (settings) => [
    `Pub/Sub topics: ${Object.keys(settings.topics).join(', ') || 'none'} (CMEK; the application publishes)`,
    `Pub/Sub subscriptions: ${Object.entries(settings.subscriptions).map(([n, s]) => `${n} <- ${s.topic} (${s.pushEndpoint ? 'push' : 'pull'}, dead letters after ${s.maxDeliveryAttempts})`).join(', ') || 'none'}`,
  ],
  newService: {
    flag: '--pubsub',
    label: 'Pub/Sub: a topic the application publishes to',
    help: 'add a Pub/Sub topic <name>-events the application publishes to',
    render: () => [
      '# Pub/Sub: topics this service publishes to (other services may subscribe only',
      '# if listed in subscribers) and subscriptions it consumes (topic: <topic> or',
      '# <service>/<topic>); each subscription gets a dead-letter topic.',
      'pubsub:',
      '  topics:',
      '    events:',
      `      retentionDays: ${PUBSUB_DEFAULTS.retentionDays}`,
      '      subscribers: []',
    ],
  },
  checkCatalog(services: readonly CatalogService[]): CatalogProblem[] {
    const problems: CatalogProblem[] = [];
    const byName = new Map(services.map((s) => [s.name, s]));
    for (const service of services) {
      for (const environment of service.environments) {
        const settings = environment.pubsub as PubSubSettings | undefined;
        for (const [name, subscription] of Object.entries(settings?.subscriptions ?? {})) {
          const foreign = FOREIGN_TOPIC.exec(subscription.topic);
          if (!foreign) continue;
          const [, ownerName, topicName] = foreign;
          const path = `pubsub.subscriptions.${name}.topic`;
          const owner = byName.get(ownerName);
          const ownerEnvironment = owner?.environments.find((e) => e.environment === environment.environment);
          const topic = (ownerEnvironment?.pubsub as PubSubSettings | undefined)?.topics[topicName];
          let message: string | undefined;
          if (!owner) message = `no service "${ownerName}" in the catalog; name the service that owns the topic (services/<service>.yaml)`;
          else if (!ownerEnvironment) message = `${ownerName} does not run in ${environment.environment}, so it has no topic there; subscribe in the environments it runs in`;
          else if (!topic) message = `${ownerName} has no topic "${topicName}" in ${environment.environment}; its topics are ${Object.keys((ownerEnvironment.pubsub as PubSubSettings | undefined)?.topics ?? {}).join(', ') || 'none'}`;
          else if (!topic.subscribers.includes(service.name)) {
            message = `${ownerName}'s topic ${topicName} does not list ${service.name} as a subscriber; the owning team adds ${service.name} to pubsub.topics.${topicName}.subscribers in ${owner.file}`;
          }
          if (message) problems.push({ file: service.file, path, message: `${message} (environment ${environment.environment})` });
        }
      }
    }
    return dedupe(problems);
  },
};

function dedupe(problems: CatalogProblem[]): CatalogProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}\u0000${p.path}\u0000${p.message.replace(/ \(environment [^)]+\)$/, '')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
