// Every IAM role the constructs grant, in one place, so a review of who gets
// what is a review of this file and of the grant* methods that use it.
export const ROLES = {
  // Workload Identity: a Kubernetes service account acts as a Google one.
  workloadIdentityUser: 'roles/iam.workloadIdentityUser',
  // GKE nodes: the minimum a node needs (logs, metrics, pulling images).
  nodeLogWriter: 'roles/logging.logWriter',
  nodeMetricWriter: 'roles/monitoring.metricWriter',
  nodeMonitoringViewer: 'roles/monitoring.viewer',
  nodeResourceMetadataWriter: 'roles/stackdriver.resourceMetadata.writer',
  nodeAutoscalingMetricsWriter: 'roles/autoscaling.metricsWriter',
  artifactRegistryReader: 'roles/artifactregistry.reader',
  // Teams push their service's images to its own repository.
  artifactRegistryWriter: 'roles/artifactregistry.writer',
  // Data access for a service's own application identity.
  cloudSqlClient: 'roles/cloudsql.client',
  cloudSqlInstanceUser: 'roles/cloudsql.instanceUser',
  spannerDatabaseUser: 'roles/spanner.databaseUser',
  // Pub/Sub, per topic and per subscription (never project-wide).
  pubsubPublisher: 'roles/pubsub.publisher',
  pubsubSubscriber: 'roles/pubsub.subscriber',
  // Push subscriptions: whoever creates one acts as the identity its requests carry.
  serviceAccountUser: 'roles/iam.serviceAccountUser',
  // ExternalDNS: admin on the platform's zone only, reader on its project to list zones.
  dnsAdmin: 'roles/dns.admin',
  dnsReader: 'roles/dns.reader',
  // Team groups: container.clusters.get in the cluster's project, which GKE
  // checks before Kubernetes RBAC; RBAC then decides what they may do.
  clusterViewer: 'roles/container.clusterViewer',
  // Velero signs blobs (download URLs) as itself: granted on its own service
  // account only, never project-wide (that would sign as every account).
  serviceAccountTokenCreator: 'roles/iam.serviceAccountTokenCreator',
  // Backups (Velero) write objects into the backup bucket.
  storageObjectAdmin: 'roles/storage.objectAdmin',
  // The log sink's writer identity appends rows to the service's dataset.
  bigQueryDataEditor: 'roles/bigquery.dataEditor',
  // The owning team reads its log dataset (on the dataset) and runs queries (on its project).
  bigQueryDataViewer: 'roles/bigquery.dataViewer',
  bigQueryJobUser: 'roles/bigquery.jobUser',
  // Shared VPC: service project identities use the host network.
  networkUser: 'roles/compute.networkUser',
  // Google service agents (BigQuery, Spanner) use a customer-managed key.
  cryptoKeyEncrypterDecrypter: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
  // Cloud Storage writes bucket usage logs into the access-log bucket.
  storageObjectCreator: 'roles/storage.objectCreator',
} as const;

// What teams are never granted: one list, with the tenant model (lib/catalog/team-roles.ts).
export { BASIC_ROLES, IAM_CONTROL_ROLES } from './catalog/team-roles';

/** GKE node pools need the metrics/logging roles and image pulls, nothing more. */
export const NODE_ROLES = [
  ROLES.nodeLogWriter,
  ROLES.nodeMetricWriter,
  ROLES.nodeMonitoringViewer,
  ROLES.nodeResourceMetadataWriter,
  ROLES.nodeAutoscalingMetricsWriter,
  ROLES.artifactRegistryReader,
] as const;

/**
 * Velero's custom role: snapshots of persistent disks, nothing else in
 * compute (the compute permissions of the velero-plugin-for-gcp docs). Its
 * iam.serviceAccounts.signBlob is not here: in a project-wide role it would
 * sign as every service account of the platform project, CI's included; the
 * platform stack grants ROLES.serviceAccountTokenCreator on Velero's own
 * account instead (policy rule custom-role-no-impersonation-permissions).
 */
export const BACKUP_PERMISSIONS = [
  'compute.disks.create',
  'compute.disks.createSnapshot',
  'compute.disks.get',
  'compute.projects.get',
  'compute.snapshots.create',
  'compute.snapshots.delete',
  'compute.snapshots.get',
  'compute.snapshots.useReadOnly',
  'compute.zones.get',
] as const;

/**
 * Who receives a grant. `key` is known at synth time and names the IAM
 * resource (a member like `serviceAccount:${token}` is not known until apply,
 * and a resource id must never depend on one).
 */
export interface Grantee {
  readonly key: string;
  readonly member: string;
}

export function groupGrantee(email: string): Grantee {
  return { key: `group:${email}`, member: `group:${email}` };
}

export function serviceAccountMember(email: string): string {
  return `serviceAccount:${email}`;
}

/** `serviceAccount:<pool>[<namespace>/<ksa>]`: a Kubernetes SA under Workload Identity. */
export function workloadIdentityMember(pool: string, namespace: string, kubernetesServiceAccount: string): string {
  return `serviceAccount:${pool}[${namespace}/${kubernetesServiceAccount}]`;
}

// ---------------------------------------------------------------- CI identities (bootstrap stack)

/** The applier's account id in the platform project (bootstrap stack); service stacks grant it actAs where a resource needs it. */
export const APPLIER_ACCOUNT_ID = 'terraform-applier';

/** Lets a GitHub workflow (a federated principal) act as a service account. */
export const WORKLOAD_IDENTITY_USER = ROLES.workloadIdentityUser;

/**
 * The planner (the trusted plan, drift and apply-selection jobs on main):
 * reads the configuration `terraform plan` refreshes in the platform project
 * and the service projects folder, changes nothing. Predefined read-only roles
 * instead of roles/viewer, which the policy forbids and which would also read
 * data (BigQuery rows, log entries, secret payloads). None of them reads a
 * secret's value, a log entry or a Kubernetes Secret (container.viewer leaves
 * Secrets out); container.viewer includes container.clusters.connect, which
 * the cluster's DNS endpoint checks.
 * The full list (PLANNER_ROLES in lib/capabilities/ci-roles.ts) is these,
 * then each capability's planner roles, then PLANNER_DATA_ROLES.
 */
export const PLANNER_BASELINE_ROLES = [
  'roles/browser',
  'roles/iam.securityReviewer',
  'roles/serviceusage.serviceUsageViewer',
  'roles/compute.viewer',
  'roles/container.viewer',
  'roles/dns.reader',
] as const;

/** The planner's roles for the baseline's data: keys, log datasets and sinks, buckets. */
export const PLANNER_DATA_ROLES = [
  'roles/cloudkms.viewer',
  'roles/bigquery.metadataViewer',
  'roles/storage.bucketViewer',
  'roles/artifactregistry.reader',
  'roles/binaryauthorization.policyViewer',
  // Service projects' essential contacts (their liens are read with roles/browser).
  'roles/essentialcontacts.viewer',
] as const;

/**
 * Refreshing log sinks needs these two; the predefined roles that have them
 * (logging.viewer, logging.configWriter) also read log entries or write
 * sinks, so the planner gets an organization custom role with only these.
 */
export const PLANNER_LOGGING_PERMISSIONS = ['logging.sinks.get', 'logging.sinks.list'] as const;
/** The id of that custom role (organizations/<id>/roles/<this>). */
export const PLANNER_LOGGING_ROLE_ID = 'terraformPlannerSinkViewer';

/** Planner on the state bucket: reads state; plans run with -lock=false (no lock object is written). */
export const PLANNER_STATE_ROLE = 'roles/storage.objectViewer';

/**
 * Applier on the service projects folder: creates service projects and
 * everything in them. The full list (APPLIER_FOLDER_ROLES in
 * lib/capabilities/ci-roles.ts) is these, then each capability's applier
 * roles, then APPLIER_FOLDER_DATA_ROLES.
 */
export const APPLIER_FOLDER_BASELINE_ROLES = [
  'roles/resourcemanager.projectCreator',
  'roles/resourcemanager.projectIamAdmin',
  'roles/serviceusage.serviceUsageAdmin',
  'roles/iam.serviceAccountAdmin',
] as const;

/** The applier's folder roles for the baseline's data and network use. */
export const APPLIER_FOLDER_DATA_ROLES = [
  // Service data keys (EncryptionKey): create key rings and keys, grant them to service agents.
  'roles/cloudkms.admin',
  'roles/bigquery.dataOwner',
  'roles/logging.configWriter',
  'roles/compute.networkViewer',
  // Image repositories of the service projects, and their IAM.
  'roles/artifactregistry.admin',
  // Project hardening (ServiceProject): essential contacts, the production lien.
  // The default compute account is deprivileged with projectIamAdmin above.
  'roles/essentialcontacts.admin',
  'roles/resourcemanager.lienModifier',
] as const;

/** Applier on the platform (host) project: network, cluster, DNS, backups, IAM. */
export const APPLIER_PLATFORM_ROLES = [
  'roles/compute.networkAdmin',
  'roles/compute.securityAdmin',
  'roles/servicenetworking.networksAdmin',
  'roles/container.admin',
  'roles/dns.admin',
  'roles/storage.admin',
  'roles/iam.serviceAccountAdmin',
  'roles/iam.serviceAccountUser',
  'roles/iam.roleAdmin',
  'roles/resourcemanager.projectIamAdmin',
  'roles/serviceusage.serviceUsageAdmin',
  // Service stacks route their pods' logs from here (GKE writes them to the cluster's project).
  'roles/logging.configWriter',
  // Cluster Secrets encryption keys and their grant to GKE's service agent.
  'roles/cloudkms.admin',
  // The Binary Authorization policy of the clusters.
  'roles/binaryauthorization.policyEditor',
] as const;

/** Applier on the organization: attach service projects to the Shared VPC host. */
export const APPLIER_ORGANIZATION_ROLES = ['roles/compute.xpnAdmin'] as const;

/** Applier on the billing account: link new service projects to it (capabilities add theirs, lib/capabilities/ci-roles.ts). */
export const APPLIER_BILLING_BASELINE_ROLES = ['roles/billing.user'] as const;

/** Applier on the state bucket: read and write state and its lock. */
export const APPLIER_STATE_ROLE = ROLES.storageObjectAdmin;
