// The one map from Terraform type to what CI needs for it: the planner's
// read role, the applier's role and where it is granted, and whether the
// destroy guard protects the type. Capabilities declare their own types
// (lib/capabilities/<capability>.ts); the platform's baseline types are here.
// The CI identities' role lists (./ci-roles.ts) and the destroy guard's
// PROTECTED_TYPES are derived from it, and test/capabilities/ checks every
// type the synthesized stacks emit against it.
import type { ResourceAccess } from './capability';
import { capabilityResources } from './registry';
import { PLANNER_SINK_VIEWER_ROLE } from './ci-roles';

const PROJECT = { planner: 'roles/browser', applier: 'roles/resourcemanager.projectCreator' } as const;
const SERVICE_USAGE = { planner: 'roles/serviceusage.serviceUsageViewer', applier: 'roles/serviceusage.serviceUsageAdmin' } as const;
const PROJECT_IAM = { planner: 'roles/iam.securityReviewer', applier: 'roles/resourcemanager.projectIamAdmin' } as const;
const SERVICE_ACCOUNTS = { planner: 'roles/iam.securityReviewer', applier: 'roles/iam.serviceAccountAdmin' } as const;
const KMS = { planner: 'roles/cloudkms.viewer', applier: 'roles/cloudkms.admin' } as const;
const BIGQUERY = { planner: 'roles/bigquery.metadataViewer', applier: 'roles/bigquery.dataOwner' } as const;
const NETWORK = { planner: 'roles/compute.viewer', applier: 'roles/compute.networkAdmin' } as const;
const CLUSTER = { planner: 'roles/container.viewer', applier: 'roles/container.admin' } as const;
// Kubernetes objects in the shared cluster: GKE maps these project roles to the cluster's API.
const IN_CLUSTER = { ...CLUSTER, scope: 'platform' } as const;
const DNS = { planner: 'roles/dns.reader', applier: 'roles/dns.admin' } as const;
const STORAGE = { planner: 'roles/storage.bucketViewer', applier: 'roles/storage.admin' } as const;
const ARTIFACT_REGISTRY = { planner: 'roles/artifactregistry.reader', applier: 'roles/artifactregistry.admin' } as const;
// Sinks: the planner reads them through its custom role (sink configuration only, no log entries).
const LOGGING = { planner: PLANNER_SINK_VIEWER_ROLE, applier: 'roles/logging.configWriter' } as const;

/**
 * The baseline's resource types (service project, identity, key, log sink,
 * namespace; the platform's network, cluster, DNS and backups). Without a
 * `scope`, a resource in the platform project needs the role there, any
 * other the role on the service projects folder (the platform stack's
 * resources: the platform project).
 */
export const BASELINE_RESOURCES: Readonly<Record<string, ResourceAccess>> = {
  google_project: { ...PROJECT, protect: 'project' },
  google_project_service: SERVICE_USAGE,
  google_project_service_identity: SERVICE_USAGE,
  google_project_iam_member: PROJECT_IAM,
  google_project_iam_audit_config: PROJECT_IAM,
  google_project_iam_custom_role: { planner: 'roles/iam.securityReviewer', applier: 'roles/iam.roleAdmin' },
  // Attaching a service project is an organization permission; the planner reads it on the host.
  google_compute_shared_vpc_service_project: { planner: 'roles/compute.viewer', applier: 'roles/compute.xpnAdmin', scope: 'organization', plannerScope: 'platform' },
  google_compute_shared_vpc_host_project: { planner: 'roles/compute.viewer', applier: 'roles/compute.xpnAdmin', scope: 'organization', plannerScope: 'platform', protect: 'Shared VPC host project' },
  // Workload identities: a new account has a new unique id, so existing IAM bindings stop matching.
  google_service_account: { ...SERVICE_ACCOUNTS, protect: 'service account' },
  google_service_account_iam_member: SERVICE_ACCOUNTS,
  // A destroyed key (ring) makes everything encrypted with it unreadable.
  google_kms_key_ring: { ...KMS, protect: 'KMS key ring' },
  google_kms_crypto_key: { ...KMS, protect: 'KMS key' },
  google_kms_crypto_key_iam_member: KMS,
  google_bigquery_dataset: { ...BIGQUERY, protect: 'BigQuery dataset' },
  google_bigquery_dataset_iam_member: BIGQUERY,
  google_logging_project_sink: LOGGING,
  // A namespace takes every workload, secret and volume claim in it along.
  kubernetes_namespace_v1: { ...IN_CLUSTER, protect: 'Kubernetes namespace' },
  kubernetes_role_binding_v1: IN_CLUSTER,
  kubernetes_resource_quota_v1: IN_CLUSTER,
  kubernetes_limit_range_v1: IN_CLUSTER,
  kubernetes_network_policy_v1: IN_CLUSTER,
  kubernetes_service_account_v1: IN_CLUSTER,
  kubernetes_cluster_role_v1: IN_CLUSTER,
  // Objects the provider has no resource for (e.g. ValidatingAdmissionPolicy).
  kubernetes_manifest: IN_CLUSTER,
  // The network layer every service runs on.
  google_compute_network: { ...NETWORK, protect: 'VPC network' },
  google_compute_subnetwork: { ...NETWORK, protect: 'subnetwork' },
  google_compute_router: NETWORK,
  google_compute_router_nat: NETWORK,
  google_compute_global_address: NETWORK,
  google_compute_firewall: { planner: 'roles/compute.viewer', applier: 'roles/compute.securityAdmin' },
  google_service_networking_connection: { planner: 'roles/compute.viewer', applier: 'roles/servicenetworking.networksAdmin', protect: 'private services connection' },
  google_container_cluster: { ...CLUSTER, protect: 'GKE cluster' },
  google_container_node_pool: { ...CLUSTER, protect: 'GKE node pool' },
  google_dns_managed_zone: { ...DNS, protect: 'DNS zone' },
  google_dns_managed_zone_iam_member: DNS,
  google_storage_bucket: { ...STORAGE, protect: 'bucket' },
  google_storage_bucket_iam_member: STORAGE,
  // Project hardening of the tenant model: contacts, liens, no Editor for default accounts.
  google_essential_contacts_contact: { planner: 'roles/essentialcontacts.viewer', applier: 'roles/essentialcontacts.admin' },
  google_resource_manager_lien: { planner: 'roles/browser', applier: 'roles/resourcemanager.lienModifier' },
  google_project_default_service_accounts: PROJECT_IAM,
  // The service's image repository (CMEK) and who may push and pull; deleting it deletes every image a running pod may still pull.
  google_artifact_registry_repository: { ...ARTIFACT_REGISTRY, protect: 'image repository' },
  google_artifact_registry_repository_iam_member: ARTIFACT_REGISTRY,
  // Which images the clusters admit.
  google_binary_authorization_policy: { planner: 'roles/binaryauthorization.policyViewer', applier: 'roles/binaryauthorization.policyEditor' },
  // Cluster add-ons (ExternalDNS, Velero) from pinned Helm charts.
  helm_release: IN_CLUSTER,
};

/** Data sources the stacks read (plan and apply both refresh them); null: no Google API call. */
export const DATA_SOURCES: Readonly<Record<string, ResourceAccess | null>> = {
  google_container_cluster: CLUSTER,
  google_compute_network: NETWORK,
  google_bigquery_default_service_account: BIGQUERY,
  google_client_config: null,
  // The platform project's number (GKE's service agent); projectIamAdmin includes resourcemanager.projects.get.
  google_project: { planner: 'roles/browser', applier: 'roles/resourcemanager.projectIamAdmin' },
};

/** Every resource type: the baseline's and every capability's. */
export function resourceAccess(): Readonly<Record<string, ResourceAccess>> {
  return { ...BASELINE_RESOURCES, ...capabilityResources() };
}

/** The destroy guard's types: each with `protect`, by type. */
export function protectedTypes(): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(resourceAccess()).flatMap(([type, access]) => (access.protect ? [[type, access.protect]] : [])));
}
