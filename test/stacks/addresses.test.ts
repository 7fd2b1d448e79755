// The example catalog's Terraform addresses before clusters per country and
// the cluster hardening (test/stacks/fixtures/example-addresses.json, taken
// from the synthesized stacks at that point; cluster-production as its first
// version created it): every one of them is still
// there, and everything new is an intended addition listed below. A changed
// address is a destroy and create in production.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { buildStacks } from '../../lib/app';
import { exampleCatalog, synthJson, type TerraformJson } from '../helpers';

const BEFORE = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'example-addresses.json'), 'utf8')) as Record<string, string[]>;

/** Addresses added on purpose since the fixture, per stack (construct hashes masked as `*`). */
const INTENDED_ADDITIONS: Record<string, string[]> = {
  // The CI identities may read and manage what the new resources are.
  bootstrap: [
    // #10: the planner reads log sinks through a sink-only custom role instead of logging.viewer.
    'google_folder_iam_member.PlannerIam_foldersink-viewer_*',
    'google_organization_iam_custom_role.PlannerIam_SinkViewerRole_*',
    'google_project_iam_member.PlannerIam_platformsink-viewer_*',
    'google_folder_iam_member.ApplierIam_folderroles--artifactregistryadmin_*',
    'google_folder_iam_member.PlannerIam_folderroles--artifactregistryreader_*',
    'google_folder_iam_member.PlannerIam_folderroles--binaryauthorizationpolicyViewer_*',
    'google_project_iam_member.ApplierIam_platformroles--binaryauthorizationpolicyEditor_*',
    'google_project_iam_member.ApplierIam_platformroles--cloudkmsadmin_*',
    'google_project_iam_member.PlannerIam_platformroles--artifactregistryreader_*',
    'google_project_iam_member.PlannerIam_platformroles--binaryauthorizationpolicyViewer_*',
    // Memorystore, Pub/Sub and budgets (#14): their roles from the capability registry.
    'google_billing_account_iam_member.ApplierIam_billingroles--billingcostsManager_*',
    'google_billing_account_iam_member.PlannerIam_billingroles--billingviewer_*',
    'google_folder_iam_member.ApplierIam_folderroles--iamroleAdmin_*',
    'google_folder_iam_member.ApplierIam_folderroles--monitoringnotificationChannelEditor_*',
    'google_folder_iam_member.ApplierIam_folderroles--pubsubadmin_*',
    'google_folder_iam_member.ApplierIam_folderroles--redisadmin_*',
    'google_folder_iam_member.PlannerIam_folderroles--monitoringviewer_*',
    'google_folder_iam_member.PlannerIam_folderroles--pubsubviewer_*',
    'google_folder_iam_member.PlannerIam_folderroles--redisviewer_*',
    'google_project_iam_member.PlannerIam_platformroles--monitoringviewer_*',
    'google_project_iam_member.PlannerIam_platformroles--pubsubviewer_*',
    'google_project_iam_member.PlannerIam_platformroles--redisviewer_*',
    // The tenant model's project hardening: essential contacts and liens.
    'google_folder_iam_member.ApplierIam_folderroles--essentialcontactsadmin_*',
    'google_folder_iam_member.ApplierIam_folderroles--resourcemanagerlienModifier_*',
    'google_folder_iam_member.PlannerIam_folderroles--essentialcontactsviewer_*',
    'google_project_iam_member.PlannerIam_platformroles--essentialcontactsviewer_*',
  ],
  // Secrets encryption key of the cluster, security posture API, the admission policy.
  platform: [
    'data.google_project.Cluster_Project_*',
    'google_binary_authorization_policy.BinaryAuthorizationPolicy',
    'google_kms_crypto_key.Cluster_SecretsKey_*',
    'google_kms_crypto_key_iam_member.Cluster_SecretsKey_Iam_serviceAccountgke-agentroles--cloudkmscryptoKeyEncrypterDecrypter_*',
    'google_kms_key_ring.Cluster_SecretsKey_KeyRing_*',
    'google_project_service.Apis_cloudkmsgoogleapiscom_*',
    'google_project_service.Apis_containersecuritygoogleapiscom_*',
  ],
  // The add-ons, each in its own namespace, through the helm provider.
  'cluster-production': [
    'helm_release.ExternalDns_Release_*',
    'helm_release.Velero_Release_*',
    'kubernetes_namespace_v1.ExternalDns_Namespace_*',
    'kubernetes_namespace_v1.Velero_Namespace_*',
    'provider.helm',
  ],
  ...Object.fromEntries(
    [
      ['payment', 'paymentsexamplecom'],
      ['recommend', 'ml-platformexamplecom'],
      ['search', 'searchexamplecom'],
    ].flatMap(([service, group]) =>
      ['development', 'production'].map((environment) => [
        `service-${service}-${environment}`,
        // The registry's service agent needs google-beta; recommend (Spanner) had it already.
        [...imageRepositoryAdditions(group), ...(service === 'recommend' ? [] : ['provider.google-beta']), ...tenantAdditions(service, environment), ...capabilityAdditions(service)].sort(),
      ]),
    ),
  ),
  // A new example service (the API gateway of the tenant model's allowFrom): every address is new.
  'service-gateway-development': [],
  'service-gateway-production': [],
};

/** What the example services' new capabilities (#14) add: payment Memorystore and a budget, recommend a topic, search a subscription to it. */
function capabilityAdditions(service: string): string[] {
  return {
    payment: [
      'google_billing_budget.Budget_*',
      'google_kms_crypto_key_iam_member.EncryptionKey_Iam_serviceAccountredis-agentroles--cloudkmscryptoKeyEncrypterDecrypter_*',
      'google_monitoring_notification_channel.Budget_Channels_platform_*',
      'google_monitoring_notification_channel.Budget_Channels_team_*',
      'google_project_iam_custom_role.Redis_ConnectRole_*',
      'google_project_iam_member.Redis_Iam_serviceAccountapplicationredisConnector_*',
      'google_project_service.Project_Apis_redisgoogleapiscom_*',
      'google_project_service_identity.Project_ServiceAgents_redisgoogleapiscom_*',
      'google_redis_instance.Redis_Instance_*',
    ],
    recommend: [
      ...pubsubBaseline(),
      'google_pubsub_topic.PubSub_Topics_recommendation-updates_*',
      'google_pubsub_topic_iam_member.PubSub_Iam_serviceAccountapplicationrecommendation-updatesroles--pubsubpublisher_*',
    ],
    search: [
      ...pubsubBaseline(),
      'google_pubsub_subscription.PubSub_DeadLetters_recommendation-updates-dead-letter-subscription_*',
      'google_pubsub_subscription.PubSub_Subscriptions_recommendation-updates_*',
      'google_pubsub_subscription_iam_member.PubSub_Iam_pubsub-agentrecommendation-updatesroles--pubsubsubscriber_*',
      'google_pubsub_subscription_iam_member.PubSub_Iam_serviceAccountapplicationrecommendation-updates-dead-letterroles--pubsubsubscriber_*',
      'google_pubsub_subscription_iam_member.PubSub_Iam_serviceAccountapplicationrecommendation-updatesroles--pubsubsubscriber_*',
      'google_pubsub_topic.PubSub_DeadLetters_recommendation-updates-dead-letter_*',
      'google_pubsub_topic_iam_member.PubSub_Iam_pubsub-agentrecommendation-updates-dead-letterroles--pubsubpublisher_*',
    ],
  }[service] ?? [];
}

/** Pub/Sub's API and its service agent, granted the service's key (CMEK). */
function pubsubBaseline(): string[] {
  return [
    'google_kms_crypto_key_iam_member.EncryptionKey_Iam_serviceAccountpubsub-agentroles--cloudkmscryptoKeyEncrypterDecrypter_*',
    'google_project_service.Project_Apis_pubsubgoogleapiscom_*',
    'google_project_service_identity.Project_ServiceAgents_pubsubgoogleapiscom_*',
  ];
}

/**
 * Removed on purpose (#10): the client config data source whose access token
 * reached state (a data source: nothing is destroyed), and the planner's
 * logging.viewer grants (it read log entries).
 */
function INTENDED_REMOVALS(stack: string): string[] {
  if (stack === 'bootstrap') {
    return ['google_folder_iam_member.PlannerIam_folderroles--loggingviewer_AEFB23CA', 'google_project_iam_member.PlannerIam_platformroles--loggingviewer_C8A8B71D'];
  }
  return ['data.google_client_config.ClientConfig'];
}

/**
 * The tenant model in a service stack: the team's baseline and access roles
 * (those it did not already hold through teamRoles), read access to its log
 * dataset, Cloud SQL IAM users, the egress policy, project hardening.
 */
function tenantAdditions(service: string, environment: string): string[] {
  const env = exampleCatalog().services.find((s) => s.name === service)!.environments.find((e) => e.environment === environment)!;
  const group = env.ownerGroup.replace(/[@.]/g, '');
  const login = env.cloudsql && env.teamDatabaseLogin ? ['roles/cloudsql.client', 'roles/cloudsql.instanceUser'] : [];
  const roles = [...env.teamBaselineRoles, 'roles/bigquery.jobUser', ...login].filter((role) => !env.teamRoles.includes(role));
  return [
    `google_bigquery_dataset_iam_member.LogSink_Readers_group${group}_*`,
    `google_essential_contacts_contact.Project_EssentialContacts_${group}_*`,
    'google_project_default_service_accounts.Project_DefaultServiceAccounts_*',
    ...roles.map((role) => `google_project_iam_member.Project_Iam_group${group}${role.replace('/', '--').replace(/\./g, '')}_*`),
    'google_project_service.Project_Apis_essentialcontactsgoogleapiscom_*',
    ...(env.production ? ['google_resource_manager_lien.Project_Lien_*'] : []),
    ...(env.cloudsql ? ['google_sql_user.CloudSql_Users_serviceAccountapplication_*'] : []),
    ...(env.cloudsql && env.teamDatabaseLogin ? [`google_sql_user.CloudSql_Users_group${group}_*`] : []),
    'kubernetes_network_policy_v1.Namespace_DefaultEgressPolicy_*',
  ];
}

/** Each service project's image repository: team writes, every node pool reads; its APIs. */
function imageRepositoryAdditions(group: string): string[] {
  const reader = (pool: string) => `google_artifact_registry_repository_iam_member.Images_Iam_serviceAccountgke-${pool}-nodesacme-platform-prodiamgserviceaccountcomroles--artifactregistryreader_*`;
  return [
    'google_artifact_registry_repository.Images_Repository_*',
    `google_artifact_registry_repository_iam_member.Images_Iam_group${group}roles--artifactregistrywriter_*`,
    reader('highmem'),
    reader('standard'),
    'google_kms_crypto_key_iam_member.EncryptionKey_Iam_serviceAccountartifactregistry-agentroles--cloudkmscryptoKeyEncrypterDecrypter_*',
    'google_project_service.Project_Apis_artifactregistrygoogleapiscom_*',
    'google_project_service_identity.Project_ServiceAgents_artifactregistrygoogleapiscom_*',
    'google_project_service.Project_Apis_containerscanninggoogleapiscom_*',
  ];
}

function addresses(json: TerraformJson): string[] {
  const all: string[] = [];
  for (const [type, resources] of Object.entries(json.resource ?? {})) for (const name of Object.keys(resources)) all.push(`${type}.${name}`);
  for (const [type, sources] of Object.entries(json.data ?? {})) for (const name of Object.keys(sources)) all.push(`data.${type}.${name}`);
  for (const [name, configs] of Object.entries(json.provider ?? {})) for (const config of configs as { alias?: string }[]) all.push(`provider.${name}${config.alias ? `.${config.alias}` : ''}`);
  return all.sort();
}

const app = Testing.app();
buildStacks(app, exampleCatalog());
const now = Object.fromEntries(
  app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack).map((stack) => [stack.node.id, addresses(synthJson(stack))]),
);
const masked = (address: string) => address.replace(/_[0-9A-F]{8}$/, '_*');

describe('the example catalog addresses', () => {
  it('has the same stacks as before, plus intended new stacks', () => {
    expect(Object.keys(now).sort()).toEqual([...new Set([...Object.keys(BEFORE), ...Object.keys(INTENDED_ADDITIONS).filter((s) => !(s in BEFORE))])].sort());
  });

  it.each(Object.keys(BEFORE))('%s keeps every address it had, except the intended removals', (stack) => {
    expect(BEFORE[stack].filter((address) => !now[stack].includes(address) && !INTENDED_REMOVALS(stack).includes(address))).toEqual([]);
  });

  it.each(Object.keys(BEFORE))('%s adds only the intended addresses', (stack) => {
    const added = now[stack].filter((address) => !BEFORE[stack].includes(address)).map(masked);
    expect(added).toEqual((INTENDED_ADDITIONS[stack] ?? []).slice().sort());
  });
});
