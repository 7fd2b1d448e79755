// The synth-time security policy: one rule per requirement, each checking one
// synthesized resource. Rules read the resolved Terraform JSON (snake_case
// attributes), so they see exactly what Terraform will see, whichever
// construct or raw resource produced it. docs/SECURITY.md lists every rule
// (a test keeps the two in sync).
import type { TerraformResource } from 'cdktf';
import { REQUIRED_LABELS } from '../labels';
import { BASIC_ROLES } from '../iam-roles';
import { POD_SECURITY_ENFORCE_LABEL, POD_SECURITY_VERSION, podSecurityLabelProblems } from '../pod-security';

/** One synthesized resource, as a rule sees it. */
export interface PolicyResource {
  /** e.g. google_sql_database_instance. */
  readonly type: string;
  /** Construct path, e.g. service-payment-production/CloudSql/Instance. */
  readonly path: string;
  /** Resolved attributes as in cdk.tf.json, including `lifecycle`. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The construct, for questions the JSON cannot answer (does this resource take labels?). */
  readonly resource: TerraformResource;
}

export interface PolicyRule {
  /** Stable id: used by waivers, messages and docs/SECURITY.md. */
  readonly id: string;
  /** What the rule requires, one sentence. */
  readonly description: string;
  /** How to comply, one sentence. */
  readonly fix: string;
  /** What is wrong with `resource`; empty when it complies or the rule does not apply. */
  check(resource: PolicyResource): string[];
}

/** Principals that are people: basic roles are never granted to them. */
const PEOPLE_PREFIXES = ['user:', 'group:', 'domain:'];
const PUBLIC_MEMBERS = ['allUsers', 'allAuthenticatedUsers'];
/**
 * Roles that let the holder act as, or take over, every service account in
 * the project, folder or organization they are granted on. Granting them on
 * one service account (service_account_iam_member) is not affected.
 */
export const IMPERSONATION_ROLES = [
  'roles/iam.securityAdmin',
  'roles/iam.serviceAccountAdmin',
  'roles/iam.serviceAccountKeyAdmin',
  'roles/iam.serviceAccountUser',
  'roles/iam.serviceAccountTokenCreator',
  'roles/iam.serviceAccountOpenIdTokenCreator',
  'roles/iam.workloadIdentityUser',
];
const HIERARCHY_IAM = /^google_(project|folder|organization)_iam_(member|binding)$/;
/**
 * Permissions that act as another service account, mint it a credential, or
 * grant oneself either. In a custom role granted on a project or organization
 * they reach every service account there; grant roles/iam.serviceAccountTokenCreator
 * on the one account instead. iam.serviceAccounts.setIamPolicy and the
 * folder/organization setIamPolicy are here because they grant the rest.
 */
export const IMPERSONATION_PERMISSIONS = [
  'iam.serviceAccounts.actAs',
  'iam.serviceAccounts.getAccessToken',
  'iam.serviceAccounts.getOpenIdToken',
  'iam.serviceAccounts.implicitDelegation',
  'iam.serviceAccounts.signBlob',
  'iam.serviceAccounts.signJwt',
  'iam.serviceAccounts.setIamPolicy',
  'iam.serviceAccountKeys.create',
  'resourcemanager.projects.setIamPolicy',
  'resourcemanager.folders.setIamPolicy',
  'resourcemanager.organizations.setIamPolicy',
];
const CUSTOM_ROLE = /^google_(project|organization)_iam_custom_role$/;

/** Reads `a.b.c` from resolved JSON; single nested blocks are objects, repeated ones arrays (first item). */
export function attribute(config: unknown, path: string): unknown {
  let value: unknown = config;
  for (const key of path.split('.')) {
    if (Array.isArray(value)) value = value[0];
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** IAM members of a `*_iam_member` (member) or `*_iam_binding` (members) resource. */
function iamMembers(resource: PolicyResource): string[] {
  if (/_iam_member$/.test(resource.type)) return typeof resource.config.member === 'string' ? [resource.config.member] : [];
  if (/_iam_binding$/.test(resource.type)) return Array.isArray(resource.config.members) ? resource.config.members.filter((m): m is string => typeof m === 'string') : [];
  return [];
}

/** Builds a rule that applies to one resource type and fails when `problem` returns text. */
function forType(type: string, problem: (config: PolicyResource['config']) => string | string[] | undefined) {
  return (resource: PolicyResource): string[] => {
    if (resource.type !== type) return [];
    const found = problem(resource.config);
    return found === undefined ? [] : [found].flat();
  };
}

function preventDestroy(config: PolicyResource['config']): boolean {
  return attribute(config, 'lifecycle.prevent_destroy') === true;
}

/** What keeps a zone or bucket from being deleted: prevent_destroy on, force_destroy off. */
function destroyProtectionProblems(config: PolicyResource['config'], forceDestroyEffect: string): string[] {
  const problems: string[] = [];
  if (!preventDestroy(config)) problems.push('lifecycle.prevent_destroy is not true');
  if (config.force_destroy === true) problems.push(`force_destroy is true${forceDestroyEffect}`);
  return problems;
}

/** The labels of a Kubernetes namespace (kubernetes_namespace[_v1], or a Namespace manifest); undefined for other resources. */
function namespaceLabels(resource: PolicyResource): Record<string, unknown> | undefined {
  const manifest = resource.config.manifest as { kind?: unknown; metadata?: { labels?: unknown } } | undefined;
  let labels: unknown;
  if (/^kubernetes_namespace(_v1)?$/.test(resource.type)) labels = attribute(resource.config, 'metadata.labels');
  else if (resource.type === 'kubernetes_manifest' && manifest?.kind === 'Namespace') labels = manifest.metadata?.labels;
  else return undefined;
  return labels !== null && typeof labels === 'object' ? (labels as Record<string, unknown>) : {};
}

export const RULES: readonly PolicyRule[] = [
  {
    id: 'no-basic-roles',
    description: 'Basic roles (roles/owner, roles/editor, roles/viewer) are never granted to users, groups or domains.',
    fix: 'grant predefined roles that match the task (e.g. roles/pubsub.editor) instead',
    check: (resource) => {
      const role = resource.config.role;
      if (typeof role !== 'string' || !BASIC_ROLES.includes(role)) return [];
      return iamMembers(resource)
        .filter((member) => PEOPLE_PREFIXES.some((prefix) => member.startsWith(prefix)))
        .map((member) => `${role} is granted to ${member}`);
    },
  },
  {
    id: 'no-service-account-keys',
    description: 'No service-account keys (google_service_account_key): they are long-lived secrets.',
    fix: 'use Workload Identity in GKE and Workload Identity Federation in CI, which issue short-lived tokens',
    check: (resource) => (resource.type === 'google_service_account_key' ? ['a service-account key is created'] : []),
  },
  {
    id: 'no-public-members',
    description: 'No IAM grant to allUsers or allAuthenticatedUsers.',
    fix: 'grant the specific users, groups or service accounts that need access',
    check: (resource) => iamMembers(resource).filter((member) => PUBLIC_MEMBERS.includes(member)).map((member) => `${resource.config.role} is granted to ${member}`),
  },
  {
    id: 'no-service-account-impersonation',
    description: `No project-, folder- or organization-wide grant of a role that acts as or manages every service account (${IMPERSONATION_ROLES.join(', ')}).`,
    fix: 'grant the role on the one service account that needs it (google_service_account_iam_member), or waive with the reason for a deployer identity',
    check: (resource) => {
      const role = resource.config.role;
      if (!HIERARCHY_IAM.test(resource.type) || typeof role !== 'string' || !IMPERSONATION_ROLES.includes(role)) return [];
      return iamMembers(resource).map((member) => `${role} is granted to ${member} on the whole ${resource.type.split('_')[1]}`);
    },
  },
  {
    id: 'custom-role-no-impersonation-permissions',
    description: `Project and organization custom roles hold no permission that impersonates service accounts or grants IAM (${IMPERSONATION_PERMISSIONS.join(', ')}).`,
    fix: 'remove the permission; a workload that signs as or acts as a service account gets roles/iam.serviceAccountTokenCreator or roles/iam.serviceAccountUser on that one account (google_service_account_iam_member)',
    check: (resource) => {
      const permissions = resource.config.permissions;
      if (!CUSTOM_ROLE.test(resource.type) || !Array.isArray(permissions)) return [];
      // An organization's custom role can be granted on any of its folders and projects too.
      const scope = resource.type === 'google_project_iam_custom_role' ? 'project' : 'organization, folder or project';
      return permissions
        .filter((permission): permission is string => typeof permission === 'string' && IMPERSONATION_PERMISSIONS.includes(permission))
        .map((permission) => {
          const effect = permission.endsWith('.setIamPolicy') ? 'lets the holder grant itself any role' : 'acts as every service account';
          return `custom role ${JSON.stringify(resource.config.role_id ?? null)} includes ${permission}, which ${effect} in the ${scope} where the role is granted`;
        });
    },
  },
  {
    id: 'federation-attribute-condition',
    description: 'Workload Identity Federation providers have an attribute condition, so tokens of other repositories or tenants of the issuer are refused.',
    fix: 'set attributeCondition, e.g. assertion.repository == "owner/repo"',
    check: forType('google_iam_workload_identity_pool_provider', (config) =>
      typeof config.attribute_condition === 'string' && config.attribute_condition.trim() !== '' ? undefined : 'attribute_condition is not set: any token of the issuer would be accepted',
    ),
  },
  {
    id: 'cloudsql-deletion-protection',
    description: 'Cloud SQL instances have deletion protection in Terraform (deletion_protection) and in the Cloud SQL API (settings.deletion_protection_enabled).',
    fix: 'leave CloudSqlInstance deletionProtection at its default (true)',
    check: forType('google_sql_database_instance', (config) => {
      const problems: string[] = [];
      if (config.deletion_protection === false) problems.push('deletion_protection is false');
      if (attribute(config, 'settings.deletion_protection_enabled') !== true) problems.push('settings.deletion_protection_enabled is not true');
      return problems;
    }),
  },
  {
    id: 'cloudsql-no-public-ip',
    description: 'Cloud SQL instances have no public IPv4 address (settings.ip_configuration.ipv4_enabled = false).',
    fix: 'set ipConfiguration.ipv4Enabled: false and connect by private IP (CloudSqlInstance does)',
    check: forType('google_sql_database_instance', (config) =>
      attribute(config, 'settings.ip_configuration.ipv4_enabled') === false ? undefined : 'settings.ip_configuration.ipv4_enabled is not false (the provider default is a public IP)',
    ),
  },
  {
    id: 'cloudsql-backups',
    description: 'Cloud SQL instances take automated backups (settings.backup_configuration.enabled = true).',
    fix: 'set backupConfiguration.enabled: true (CloudSqlInstance does)',
    check: forType('google_sql_database_instance', (config) =>
      attribute(config, 'settings.backup_configuration.enabled') === true ? undefined : 'settings.backup_configuration.enabled is not true',
    ),
  },
  {
    id: 'spanner-deletion-protection',
    description: 'Spanner databases have deletion_protection on and Spanner instances are not force_destroy.',
    fix: 'leave SpannerInstance deletionProtection at its default (true)',
    check: (resource) => {
      if (resource.type === 'google_spanner_database' && resource.config.deletion_protection === false) return ['deletion_protection is false'];
      if (resource.type === 'google_spanner_instance' && resource.config.force_destroy === true) return ['force_destroy is true (it deletes the instance with its databases and backups)'];
      return [];
    },
  },
  {
    id: 'gke-deletion-protection',
    description: 'GKE clusters have deletion_protection on.',
    fix: 'leave GkeCluster deletionProtection at its default (true)',
    check: forType('google_container_cluster', (config) => (config.deletion_protection === false ? 'deletion_protection is false' : undefined)),
  },
  {
    id: 'gke-private-nodes',
    description: 'GKE nodes have private IPs only (private_cluster_config.enable_private_nodes = true).',
    fix: 'set privateClusterConfig.enablePrivateNodes: true (GkeCluster does); egress goes through Cloud NAT',
    check: forType('google_container_cluster', (config) =>
      attribute(config, 'private_cluster_config.enable_private_nodes') === true ? undefined : 'private_cluster_config.enable_private_nodes is not true',
    ),
  },
  {
    id: 'gke-workload-identity',
    description: 'GKE clusters have Workload Identity (workload_identity_config.workload_pool).',
    fix: 'set workloadIdentityConfig.workloadPool to "<project>.svc.id.goog" (GkeCluster does)',
    check: forType('google_container_cluster', (config) => (attribute(config, 'workload_identity_config.workload_pool') ? undefined : 'workload_identity_config.workload_pool is not set')),
  },
  {
    id: 'gke-shielded-nodes',
    description: 'GKE clusters keep shielded nodes on (enable_shielded_nodes is not false).',
    fix: 'remove enableShieldedNodes: false (GkeCluster sets true)',
    check: forType('google_container_cluster', (config) => (config.enable_shielded_nodes === false ? 'enable_shielded_nodes is false' : undefined)),
  },
  {
    id: 'gke-no-legacy-abac',
    description: 'GKE clusters have legacy ABAC off: RBAC alone authorizes.',
    fix: 'remove enableLegacyAbac: true',
    check: forType('google_container_cluster', (config) => (config.enable_legacy_abac === true ? 'enable_legacy_abac is true' : undefined)),
  },
  {
    id: 'gke-no-client-certificate',
    description: 'GKE clusters issue no client certificate (a credential that cannot be revoked).',
    fix: 'set masterAuth.clientCertificateConfig.issueClientCertificate: false (GkeCluster does)',
    check: forType('google_container_cluster', (config) =>
      attribute(config, 'master_auth.client_certificate_config.issue_client_certificate') === true ? 'master_auth.client_certificate_config.issue_client_certificate is true' : undefined,
    ),
  },
  {
    id: 'gke-secrets-encryption',
    description: 'GKE clusters encrypt Kubernetes Secrets in etcd with a Cloud KMS key (database_encryption.state = ENCRYPTED).',
    fix: 'leave GkeCluster secretsEncryptionKey at its default (a key created for the cluster) or pass an EncryptionKey',
    check: forType('google_container_cluster', (config) =>
      attribute(config, 'database_encryption.state') === 'ENCRYPTED' && attribute(config, 'database_encryption.key_name')
        ? undefined
        : 'database_encryption is not ENCRYPTED with a key_name',
    ),
  },
  {
    id: 'gke-security-posture',
    description: 'GKE clusters scan workloads for vulnerabilities (security_posture_config.vulnerability_mode VULNERABILITY_BASIC or VULNERABILITY_ENTERPRISE).',
    fix: "set securityPostureConfig: { mode: 'BASIC', vulnerabilityMode: 'VULNERABILITY_BASIC' } (GkeCluster does)",
    check: forType('google_container_cluster', (config) => {
      const mode = attribute(config, 'security_posture_config.vulnerability_mode');
      return mode === 'VULNERABILITY_BASIC' || mode === 'VULNERABILITY_ENTERPRISE' ? undefined : `security_posture_config.vulnerability_mode is ${JSON.stringify(mode ?? null)}`;
    }),
  },
  {
    id: 'gke-cost-allocation',
    description: 'GKE clusters export cost per namespace and label (cost_management_config.enabled): the shared cluster is the one bill a service project cannot split.',
    fix: 'set costManagementConfig: { enabled: true } (GkeCluster does)',
    check: forType('google_container_cluster', (config) => (attribute(config, 'cost_management_config.enabled') === true ? undefined : 'cost_management_config.enabled is not true')),
  },
  {
    id: 'gke-gateway-api',
    description: 'GKE clusters serve the Gateway API on its standard channel (gateway_api_config.channel = CHANNEL_STANDARD).',
    fix: "set gatewayApiConfig: { channel: 'CHANNEL_STANDARD' } (GkeCluster does)",
    check: forType('google_container_cluster', (config) => {
      const channel = attribute(config, 'gateway_api_config.channel');
      return channel === 'CHANNEL_STANDARD' ? undefined : `gateway_api_config.channel is ${JSON.stringify(channel ?? null)}, not CHANNEL_STANDARD`;
    }),
  },
  {
    id: 'gke-binary-authorization',
    description: 'GKE clusters check images against the project Binary Authorization policy (binary_authorization.evaluation_mode = PROJECT_SINGLETON_POLICY_ENFORCE).',
    fix: "set binaryAuthorization: { evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' } (GkeCluster does) and keep the policy of the platform stack",
    check: forType('google_container_cluster', (config) => {
      const mode = attribute(config, 'binary_authorization.evaluation_mode');
      return mode === 'PROJECT_SINGLETON_POLICY_ENFORCE' ? undefined : `binary_authorization.evaluation_mode is ${JSON.stringify(mode ?? null)}`;
    }),
  },
  {
    id: 'binary-authorization-deny-by-default',
    description: 'The Binary Authorization policy refuses images it does not list (default rule ALWAYS_DENY or attestations, enforced): enforce-with-allow-all only looks hardened.',
    fix: "set defaultAdmissionRule: { evaluationMode: 'ALWAYS_DENY', enforcementMode: 'ENFORCED_BLOCK_AND_AUDIT_LOG' } and admit registries with admissionWhitelistPatterns",
    check: forType('google_binary_authorization_policy', (config) => {
      const problems: string[] = [];
      const evaluation = attribute(config, 'default_admission_rule.evaluation_mode');
      const enforcement = attribute(config, 'default_admission_rule.enforcement_mode');
      if (evaluation !== 'ALWAYS_DENY' && evaluation !== 'REQUIRE_ATTESTATION') problems.push(`default_admission_rule.evaluation_mode is ${JSON.stringify(evaluation ?? null)}`);
      if (enforcement !== 'ENFORCED_BLOCK_AND_AUDIT_LOG') problems.push(`default_admission_rule.enforcement_mode is ${JSON.stringify(enforcement ?? null)}, not ENFORCED_BLOCK_AND_AUDIT_LOG`);
      for (const entry of (config.admission_whitelist_patterns as { name_pattern?: string }[] | undefined) ?? []) {
        // A bare registry (or everything) admits whatever anyone pushes there.
        if (!entry.name_pattern || /^[^/]*\*|^[^/]+\/\*\*?$/.test(entry.name_pattern)) problems.push(`admission_whitelist_patterns admits ${JSON.stringify(entry.name_pattern)}, a whole registry`);
      }
      return problems;
    }),
  },
  {
    id: 'artifact-registry-scanning',
    description: 'Artifact Registry repositories scan their images for vulnerabilities (vulnerability_scanning_config not DISABLED) and keep tags immutable.',
    fix: 'use ImageRepository (it sets both)',
    check: forType('google_artifact_registry_repository', (config) => {
      const problems: string[] = [];
      if (attribute(config, 'vulnerability_scanning_config.enablement_config') === 'DISABLED') problems.push('vulnerability_scanning_config.enablement_config is DISABLED');
      if (config.format === 'DOCKER' && attribute(config, 'docker_config.immutable_tags') !== true) problems.push('docker_config.immutable_tags is not true');
      return problems;
    }),
  },
  {
    id: 'node-pool-auto-repair-upgrade',
    description: 'GKE node pools repair and upgrade their nodes automatically.',
    fix: 'set management: { autoRepair: true, autoUpgrade: true } (GkeNodePool does)',
    check: forType('google_container_node_pool', (config) =>
      ['auto_repair', 'auto_upgrade'].filter((key) => attribute(config, `management.${key}`) === false).map((key) => `management.${key} is false`),
    ),
  },
  {
    id: 'node-pool-service-account',
    description: 'GKE node pools run as a dedicated service account, not the Compute Engine default one.',
    fix: 'give the pool its own least-privilege service account (GkeNodePool creates one)',
    check: forType('google_container_node_pool', (config) => {
      const account = attribute(config, 'node_config.service_account');
      if (typeof account !== 'string' || account === '' || account === 'default') return 'node_config.service_account is not set: nodes would run as the Compute Engine default service account';
      if (/-compute@developer\.gserviceaccount\.com$/.test(account)) return `node_config.service_account is the Compute Engine default service account (${account})`;
      return undefined;
    }),
  },
  {
    id: 'node-pool-metadata-server',
    description: 'GKE node pools expose the GKE metadata server to pods (workload_metadata_config.mode = GKE_METADATA), which Workload Identity needs and which hides node credentials.',
    fix: "set nodeConfig.workloadMetadataConfig.mode: 'GKE_METADATA' (GkeNodePool does)",
    check: forType('google_container_node_pool', (config) => {
      const mode = attribute(config, 'node_config.workload_metadata_config.mode');
      return mode === 'GKE_METADATA' ? undefined : `node_config.workload_metadata_config.mode is ${JSON.stringify(mode ?? null)}, not GKE_METADATA`;
    }),
  },
  {
    id: 'node-pool-image-streaming',
    description: 'GKE node pools stream images (node_config.gcfs_config.enabled): pods start before the whole image is pulled.',
    fix: 'set nodeConfig.gcfsConfig: { enabled: true } (GkeNodePool does)',
    check: forType('google_container_node_pool', (config) => (attribute(config, 'node_config.gcfs_config.enabled') === true ? undefined : 'node_config.gcfs_config.enabled is not true')),
  },
  {
    id: 'dns-zone-prevent-destroy',
    description: 'DNS managed zones have lifecycle.prevent_destroy and no force_destroy: deleting the zone breaks every name in it.',
    fix: 'leave DnsZone deletionProtection at its default (true)',
    check: forType('google_dns_managed_zone', (config) => destroyProtectionProblems(config, '')),
  },
  {
    id: 'bucket-deletion-protection',
    description: 'Storage buckets (they hold state, backups and logs) have lifecycle.prevent_destroy and no force_destroy.',
    fix: 'leave SecureBucket deletionProtection at its default (true); waive the rule for a bucket of disposable data',
    check: forType('google_storage_bucket', (config) => destroyProtectionProblems(config, ' (it deletes every object with the bucket)')),
  },
  {
    id: 'bucket-uniform-access',
    description: 'Storage buckets use uniform bucket-level access: IAM only, no object ACLs.',
    fix: 'set uniformBucketLevelAccess: true (SecureBucket does)',
    check: forType('google_storage_bucket', (config) => (config.uniform_bucket_level_access === true ? undefined : 'uniform_bucket_level_access is not true')),
  },
  {
    id: 'bucket-public-access-prevention',
    description: 'Storage buckets enforce public access prevention.',
    fix: "set publicAccessPrevention: 'enforced' (SecureBucket does)",
    check: forType('google_storage_bucket', (config) =>
      config.public_access_prevention === 'enforced' ? undefined : `public_access_prevention is ${JSON.stringify(config.public_access_prevention ?? null)}, not "enforced"`,
    ),
  },
  {
    id: 'required-labels',
    description: `Every resource that takes labels carries ${REQUIRED_LABELS.join(', ')} (labels, resource_labels, settings.user_labels, node_config.resource_labels, Kubernetes metadata.labels, or user_labels where labels is configuration).`,
    fix: 'pass standardLabels({ service, team, environment }) from lib/labels.ts to the construct',
    check: (resource) =>
      labelLocations(resource).flatMap((location) => {
        const labels = attribute(resource.config, location);
        // A whole-map reference (e.g. a variable) is only known at apply time.
        if (typeof labels === 'string') return [];
        const present = labels !== null && typeof labels === 'object' ? (labels as Record<string, unknown>) : {};
        const missing = REQUIRED_LABELS.filter((key) => typeof present[key] !== 'string' || present[key] === '');
        return missing.length === 0 ? [] : [`${location} lacks ${missing.join(', ')}`];
      }),
  },
  {
    id: 'namespace-pod-security',
    description: `Every Kubernetes namespace carries the Pod Security Standards labels: enforce restricted or baseline (never privileged), warn and audit restricted, each with a pinned version (${POD_SECURITY_VERSION}).`,
    fix: 'create team namespaces with TeamNamespace, or set podSecurityLabels(level) from lib/pod-security.ts on the namespace',
    check: (resource) => {
      const labels = namespaceLabels(resource);
      return labels === undefined ? [] : podSecurityLabelProblems(labels);
    },
  },
  {
    id: 'pod-security-restricted',
    description: 'Every Kubernetes namespace enforces the restricted Pod Security Standard; baseline is an exception with a written reason (a waiver of this rule).',
    fix: 'keep the pods within restricted (non-root, no privilege escalation, dropped capabilities, RuntimeDefault seccomp), or set podSecurity: { level: baseline, reason: ... } in the service file',
    check: (resource) => {
      const level = namespaceLabels(resource)?.[POD_SECURITY_ENFORCE_LABEL];
      return level === undefined || level === 'restricted' ? [] : [`${POD_SECURITY_ENFORCE_LABEL} is ${JSON.stringify(level)}`];
    },
  },
];

/**
 * Where `resource` takes labels, decided from its own attributes: the provider
 * classes have a `reset<Attribute>` method for every optional attribute, on
 * the resource and on its nested blocks. A nested block counts only when it is
 * configured (a cluster without node_config has no node labels to check).
 */
const LABEL_ATTRIBUTES = ['labels', 'resource_labels', 'settings.user_labels', 'node_config.resource_labels', 'metadata.labels'] as const;

/** Types whose `labels` is configuration, with the attribute that holds their resource labels instead. */
const CONFIG_LABELS: Readonly<Record<string, string>> = { google_monitoring_notification_channel: 'user_labels' };

export function labelLocations(resource: PolicyResource): string[] {
  const own = CONFIG_LABELS[resource.type];
  if (own) return [own];
  return LABEL_ATTRIBUTES.filter((location) => {
    const segments = location.split('.');
    const attributeName = segments.pop() as string;
    let holder: unknown = resource.resource;
    for (const block of segments) {
      if (attribute(resource.config, block) === undefined) return false;
      holder = (holder as Record<string, unknown>)[camelCase(block)];
      if (holder === null || typeof holder !== 'object') return false;
    }
    return typeof (holder as Record<string, unknown>)[`reset${pascalCase(attributeName)}`] === 'function';
  });
}

function camelCase(snake: string): string {
  return snake.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function pascalCase(snake: string): string {
  const camel = camelCase(snake);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.id);
