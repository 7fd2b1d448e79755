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
