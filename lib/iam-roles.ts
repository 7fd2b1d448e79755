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
  // Data access for a service's own application identity.
  cloudSqlClient: 'roles/cloudsql.client',
  cloudSqlInstanceUser: 'roles/cloudsql.instanceUser',
  spannerDatabaseUser: 'roles/spanner.databaseUser',
  // ExternalDNS writes records in the platform's zone.
  dnsAdmin: 'roles/dns.admin',
  // Backups (Velero) write objects into the backup bucket.
  storageObjectAdmin: 'roles/storage.objectAdmin',
  // The log sink's writer identity appends rows to the service's dataset.
  bigQueryDataEditor: 'roles/bigquery.dataEditor',
  // Shared VPC: service project identities use the host network.
  networkUser: 'roles/compute.networkUser',
  // Google service agents (BigQuery, Spanner) use a customer-managed key.
  cryptoKeyEncrypterDecrypter: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
  // Cloud Storage writes bucket usage logs into the access-log bucket.
  storageObjectCreator: 'roles/storage.objectCreator',
} as const;

/** GKE node pools need the metrics/logging roles and image pulls, nothing more. */
export const NODE_ROLES = [
  ROLES.nodeLogWriter,
  ROLES.nodeMetricWriter,
  ROLES.nodeMonitoringViewer,
  ROLES.nodeResourceMetadataWriter,
  ROLES.nodeAutoscalingMetricsWriter,
  ROLES.artifactRegistryReader,
] as const;

/** Velero's custom role: snapshots of persistent disks, nothing else in compute. */
export const BACKUP_PERMISSIONS = [
  'compute.disks.create',
  'compute.disks.createSnapshot',
  'compute.disks.get',
  'compute.snapshots.create',
  'compute.snapshots.delete',
  'compute.snapshots.get',
  'compute.snapshots.useReadOnly',
  'compute.zones.get',
  'iam.serviceAccounts.signBlob',
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

/** Lets a GitHub workflow (a federated principal) act as a service account. */
export const WORKLOAD_IDENTITY_USER = ROLES.workloadIdentityUser;

/**
 * The planner (pull requests): reads everything `terraform plan` refreshes in
 * the platform project and the service projects folder, changes nothing.
 * Predefined read-only roles instead of roles/viewer, which the policy
 * forbids and which would also read data (e.g. BigQuery rows).
 */
export const PLANNER_ROLES = [
  'roles/browser',
  'roles/iam.securityReviewer',
  'roles/serviceusage.serviceUsageViewer',
  'roles/compute.viewer',
  'roles/container.viewer',
  'roles/dns.reader',
  'roles/cloudsql.viewer',
  'roles/spanner.viewer',
  'roles/cloudkms.viewer',
  'roles/bigquery.metadataViewer',
  'roles/logging.viewer',
  'roles/storage.bucketViewer',
] as const;

/** Planner on the state bucket: reads state; plans run with -lock=false (no lock object is written). */
export const PLANNER_STATE_ROLE = 'roles/storage.objectViewer';

/** Applier on the service projects folder: creates service projects and everything in them. */
export const APPLIER_FOLDER_ROLES = [
  'roles/resourcemanager.projectCreator',
  'roles/resourcemanager.projectIamAdmin',
  'roles/serviceusage.serviceUsageAdmin',
  'roles/iam.serviceAccountAdmin',
  'roles/cloudsql.admin',
  'roles/spanner.admin',
  // Service data keys (EncryptionKey): create key rings and keys, grant them to service agents.
  'roles/cloudkms.admin',
  'roles/bigquery.dataOwner',
  'roles/logging.configWriter',
  'roles/compute.networkViewer',
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
] as const;

/** Applier on the organization: attach service projects to the Shared VPC host. */
export const APPLIER_ORGANIZATION_ROLES = ['roles/compute.xpnAdmin'] as const;

/** Applier on the billing account: link new service projects to it. */
export const APPLIER_BILLING_ROLES = ['roles/billing.user'] as const;

/** Applier on the state bucket: read and write state and its lock. */
export const APPLIER_STATE_ROLE = ROLES.storageObjectAdmin;
