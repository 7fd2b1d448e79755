import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { PubsubSubscriptionIamMember } from '@cdktf/provider-google/lib/pubsub-subscription-iam-member';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import type { GoogleBetaProvider } from '@cdktf/provider-google-beta/lib/provider';
import type { Labels } from '../lib/labels';
import { ROLES, serviceAccountMember, type Grantee } from '../lib/iam-roles';
import { throwIfProblems } from '../lib/props';
import { days, deliveryProblems, PUBSUB_DEFAULTS, PUBSUB_NAME, seconds } from '../lib/domain/pubsub';
import type { ServiceProject } from './service-project';
import type { EncryptionKey } from './encryption-key';

export interface PubSubTopicProps {
  /** Days messages stay on the topic (replay with seek). @default 7 */
  readonly retentionDays?: number;
}

export interface PubSubSubscriptionProps {
  /** A topic of this construct by name, or another project's topic id (`projects/<p>/topics/<t>`). */
  readonly topic: string;
  /** HTTPS endpoint for push delivery, authenticated with an OIDC token of `pushIdentity`. @default pull */
  readonly pushEndpoint?: string;
  /** @default 30 */
  readonly ackDeadlineSeconds?: number;
  /** Unacknowledged messages are kept this many days. @default 7 */
  readonly retentionDays?: number;
  /** After this many failed deliveries a message goes to the dead-letter topic. @default 10 */
  readonly maxDeliveryAttempts?: number;
  /** @default 10 */
  readonly minBackoffSeconds?: number;
  /** @default 600 */
  readonly maxBackoffSeconds?: number;
}

export interface PubSubProps {
  readonly project: ServiceProject;
  /** Messages are stored only here. */
  readonly region: string;
  readonly labels: Labels;
  /** Encrypts every topic (CMEK); Pub/Sub's service agent is created and granted it first. */
  readonly encryptionKey: EncryptionKey;
  /** Creates the Pub/Sub service agent (a beta-only resource). */
  readonly betaProvider: GoogleBetaProvider;
  /** @default none */
  readonly topics?: Readonly<Record<string, PubSubTopicProps>>;
  /** Each gets a dead-letter topic and subscription `<name>-dead-letter`. @default none */
  readonly subscriptions?: Readonly<Record<string, PubSubSubscriptionProps>>;
  /**
   * The identity push requests carry an OIDC token of, by its email and
   * resource name; `deployer` (the applier) is granted
   * roles/iam.serviceAccountUser on that one account, which creating a push
   * subscription needs. @default none: push refused
   */
  readonly pushIdentity?: { readonly email: string; readonly name: string; readonly deployer?: string };
}

/**
 * A service's Pub/Sub: topics encrypted with its key and stored in its
 * region, subscriptions (pull or authenticated push) with a retry policy and a
 * dead-letter topic each (plus a subscription keeping the dead letters), and
 * grants per topic and subscription, never project-wide.
 */
export class PubSub extends Construct {
  readonly topics = new Map<string, PubsubTopic>();
  readonly subscriptions = new Map<string, PubsubSubscription>();
  private readonly project: ServiceProject;
  private readonly grants = new Construct(this, 'Iam');
  private readonly deadLetterSubscriptions = new Map<string, PubsubSubscription>();

  constructor(scope: Construct, id: string, props: PubSubProps) {
    super(scope, id);
    const topics = props.topics ?? {};
    const subscriptions = props.subscriptions ?? {};
    const problems: string[] = [];
    for (const name of [...Object.keys(topics), ...Object.keys(subscriptions)]) {
      if (!PUBSUB_NAME.test(name)) problems.push(`"${name}" must be 3-63 lowercase letters, digits and hyphens, starting with a letter (e.g. "payment-events")`);
    }
    for (const [name, subscription] of Object.entries(subscriptions)) {
      const settings = this.delivery(subscription);
      for (const p of deliveryProblems(settings)) problems.push(`subscriptions.${name}.${p.field}: ${p.message}`);
      if (!subscription.topic.startsWith('projects/') && !(subscription.topic in topics)) problems.push(`subscriptions.${name}.topic "${subscription.topic}" is neither a topic of this construct nor a topic id (projects/<p>/topics/<t>)`);
      if (subscription.pushEndpoint !== undefined && !/^https:\/\/[^\s/]+/.test(subscription.pushEndpoint)) problems.push(`subscriptions.${name}.pushEndpoint "${subscription.pushEndpoint}" must be an https:// URL`);
      if (subscription.pushEndpoint !== undefined && !props.pushIdentity) problems.push(`subscriptions.${name}.pushEndpoint needs pushIdentity: push requests carry its OIDC token`);
      if (`${name}-dead-letter` in topics) problems.push(`topics.${name}-dead-letter collides with the dead-letter topic of subscription ${name}; rename it`);
    }
    throwIfProblems('PubSub', this.node.path, problems);

    const project = props.project;
    this.project = project;
    const projectId = project.projectId;
    // Pub/Sub's agent encrypts (CMEK), publishes dead letters and acknowledges them on the source.
    const agent = project.serviceAgent('pubsub.googleapis.com', props.betaProvider);
    const agentMember = serviceAccountMember(project.serviceAgentEmail('pubsub.googleapis.com'));
    const keyGrant = props.encryptionKey.grantEncrypterDecrypter({ key: 'serviceAccount:pubsub-agent', member: agentMember }, { dependsOn: [agent] });
    const ready: ITerraformDependable[] = [...project.apis.services, keyGrant];
    const topic = (scope: Construct, name: string, retentionDays: number) =>
      new PubsubTopic(scope, name, {
        project: projectId,
        name,
        kmsKeyName: props.encryptionKey.keyId,
        messageRetentionDuration: days(retentionDays),
        messageStoragePolicy: { allowedPersistenceRegions: [props.region] },
        labels: { ...props.labels },
        dependsOn: ready,
      });

    const topicScope = new Construct(this, 'Topics');
    for (const name of Object.keys(topics).sort()) this.topics.set(name, topic(topicScope, name, topics[name].retentionDays ?? PUBSUB_DEFAULTS.retentionDays));

    const pushes = Object.values(subscriptions).some((s) => s.pushEndpoint !== undefined);
    const deployer = props.pushIdentity?.deployer;
    const subscriptionsReady = [...ready];
    if (pushes && deployer) {
      subscriptionsReady.push(
        new ServiceAccountIamMember(this.grants, `push-deployer=${ROLES.serviceAccountUser}`, { serviceAccountId: props.pushIdentity!.name, role: ROLES.serviceAccountUser, member: deployer }),
      );
    }

    const subscriptionScope = new Construct(this, 'Subscriptions');
    const deadLetters = new Construct(this, 'DeadLetters');
    for (const name of Object.keys(subscriptions).sort()) {
      const subscription = subscriptions[name];
      const settings = this.delivery(subscription);
      const deadLetterName = `${name}-dead-letter`;
      const deadLetterTopic = topic(deadLetters, deadLetterName, PUBSUB_DEFAULTS.retentionDays);
      // A dead-letter topic without a subscription drops what it receives.
      this.deadLetterSubscriptions.set(
        name,
        new PubsubSubscription(deadLetters, `${deadLetterName}-subscription`, {
          project: projectId,
          name: deadLetterName,
          topic: deadLetterTopic.id,
          messageRetentionDuration: days(7),
          ackDeadlineSeconds: 600,
          expirationPolicy: { ttl: '' },
          labels: { ...props.labels },
        }),
      );
      const created = new PubsubSubscription(subscriptionScope, name, {
        project: projectId,
        name,
        topic: this.topics.get(subscription.topic)?.id ?? subscription.topic,
        ackDeadlineSeconds: settings.ackDeadlineSeconds,
        messageRetentionDuration: days(settings.retentionDays),
        retryPolicy: { minimumBackoff: seconds(settings.minBackoffSeconds), maximumBackoff: seconds(settings.maxBackoffSeconds) },
        deadLetterPolicy: { deadLetterTopic: deadLetterTopic.id, maxDeliveryAttempts: settings.maxDeliveryAttempts },
        pushConfig: subscription.pushEndpoint ? { pushEndpoint: subscription.pushEndpoint, oidcToken: { serviceAccountEmail: props.pushIdentity!.email } } : undefined,
        // Never expires for inactivity: a quiet subscription must not vanish with its backlog.
        expirationPolicy: { ttl: '' },
        labels: { ...props.labels },
        dependsOn: subscriptionsReady,
      });
      this.subscriptions.set(name, created);
      new PubsubTopicIamMember(this.grants, `pubsub-agent=${deadLetterName}=${ROLES.pubsubPublisher}`, { project: projectId, topic: deadLetterTopic.name, role: ROLES.pubsubPublisher, member: agentMember });
      new PubsubSubscriptionIamMember(this.grants, `pubsub-agent=${name}=${ROLES.pubsubSubscriber}`, { project: projectId, subscription: created.name, role: ROLES.pubsubSubscriber, member: agentMember });
    }
  }

  /** Lets `grantee` publish to each of its topics (not to dead-letter topics). */
  grantPublisher(grantee: Grantee): void {
    for (const [name, topic] of this.topics) {
      new PubsubTopicIamMember(this.grants, `${grantee.key}=${name}=${ROLES.pubsubPublisher}`, { project: this.project.projectId, topic: topic.name, role: ROLES.pubsubPublisher, member: grantee.member });
    }
  }

  /** Lets `grantee` pull from each subscription and from its dead letters. */
  grantSubscriber(grantee: Grantee): void {
    for (const [name, subscription] of [...this.subscriptions, ...[...this.deadLetterSubscriptions].map(([n, s]) => [`${n}-dead-letter`, s] as const)]) {
      new PubsubSubscriptionIamMember(this.grants, `${grantee.key}=${name}=${ROLES.pubsubSubscriber}`, {
        project: this.project.projectId,
        subscription: subscription.name,
        role: ROLES.pubsubSubscriber,
        member: grantee.member,
      });
    }
  }

  private delivery(subscription: PubSubSubscriptionProps) {
    return {
      ackDeadlineSeconds: subscription.ackDeadlineSeconds ?? PUBSUB_DEFAULTS.ackDeadlineSeconds,
      retentionDays: subscription.retentionDays ?? PUBSUB_DEFAULTS.retentionDays,
      maxDeliveryAttempts: subscription.maxDeliveryAttempts ?? PUBSUB_DEFAULTS.maxDeliveryAttempts,
      minBackoffSeconds: subscription.minBackoffSeconds ?? PUBSUB_DEFAULTS.minBackoffSeconds,
      maxBackoffSeconds: subscription.maxBackoffSeconds ?? PUBSUB_DEFAULTS.maxBackoffSeconds,
    };
  }
}
