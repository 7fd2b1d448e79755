// One fixture per policy rule: `build(stack, false)` creates a resource that
// satisfies every rule; `build(stack, true)` changes one thing so that it
// breaks exactly this rule. Raw provider resources, not our constructs, so the
// fixtures prove the rules catch whatever code produces the resource.
import type { TerraformStack } from 'cdktf';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ProjectIamBinding } from '@cdktf/provider-google/lib/project-iam-binding';
import { FolderIamMember } from '@cdktf/provider-google/lib/folder-iam-member';
import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountKey } from '@cdktf/provider-google/lib/service-account-key';
import { StorageBucket, type StorageBucketConfig } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { SqlDatabaseInstance, type SqlDatabaseInstanceSettings } from '@cdktf/provider-google/lib/sql-database-instance';
import { SpannerInstance } from '@cdktf/provider-google/lib/spanner-instance';
import { SpannerDatabase } from '@cdktf/provider-google/lib/spanner-database';
import { ContainerCluster, type ContainerClusterConfig } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool, type ContainerNodePoolNodeConfig, type ContainerNodePoolManagement } from '@cdktf/provider-google/lib/container-node-pool';
import { BinaryAuthorizationPolicy } from '@cdktf/provider-google/lib/binary-authorization-policy';
import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { DnsManagedZone } from '@cdktf/provider-google/lib/dns-managed-zone';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { standardLabels } from '../../lib/labels';
import { podSecurityLabels } from '../../lib/pod-security';

export const LABELS = standardLabels({ service: 'fixture', team: 'security', environment: 'development' });
const SQL_SETTINGS: SqlDatabaseInstanceSettings = {
  tier: 'db-custom-1-3840',
  deletionProtectionEnabled: true,
  userLabels: LABELS,
  ipConfiguration: { ipv4Enabled: false, privateNetwork: 'projects/host/global/networks/platform' },
  backupConfiguration: { enabled: true },
};

export function sqlInstance(stack: TerraformStack, change: { deletionProtection?: boolean; settings?: Partial<SqlDatabaseInstanceSettings> } = {}): SqlDatabaseInstance {
  return new SqlDatabaseInstance(stack, 'Sql', {
    project: 'acme-fixture-dev',
    region: 'asia-northeast1',
    databaseVersion: 'POSTGRES_16',
    deletionProtection: change.deletionProtection ?? true,
    settings: { ...SQL_SETTINGS, ...change.settings },
  });
}

export function cluster(stack: TerraformStack, change: Partial<ContainerClusterConfig> = {}): ContainerCluster {
  return new ContainerCluster(stack, 'Cluster', {
    project: 'acme-platform-prod',
    name: 'production',
    location: 'asia-northeast1',
    removeDefaultNodePool: true,
    initialNodeCount: 1,
    privateClusterConfig: { enablePrivateNodes: true, masterIpv4CidrBlock: '172.16.0.0/28' },
    workloadIdentityConfig: { workloadPool: 'acme-platform-prod.svc.id.goog' },
    masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
    enableShieldedNodes: true,
    enableLegacyAbac: false,
    databaseEncryption: { state: 'ENCRYPTED', keyName: 'projects/acme-platform-prod/locations/asia-northeast1/keyRings/gke-production/cryptoKeys/secrets' },
    securityPostureConfig: { mode: 'BASIC', vulnerabilityMode: 'VULNERABILITY_BASIC' },
    costManagementConfig: { enabled: true },
    gatewayApiConfig: { channel: 'CHANNEL_STANDARD' },
    binaryAuthorization: { evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' },
    resourceLabels: LABELS,
    ...change,
  });
}

export function nodePool(
  stack: TerraformStack,
  change: { management?: ContainerNodePoolManagement; nodeConfig?: Partial<ContainerNodePoolNodeConfig> } = {},
): ContainerNodePool {
  return new ContainerNodePool(stack, 'NodePool', {
    project: 'acme-platform-prod',
    cluster: 'production',
    location: 'asia-northeast1',
    management: change.management ?? { autoRepair: true, autoUpgrade: true },
    nodeConfig: {
      serviceAccount: 'gke-standard-nodes@acme-platform-prod.iam.gserviceaccount.com',
      workloadMetadataConfig: { mode: 'GKE_METADATA' },
      gcfsConfig: { enabled: true },
      resourceLabels: LABELS,
      ...change.nodeConfig,
    },
  });
}

export function bucket(stack: TerraformStack, change: Partial<StorageBucketConfig> = {}): StorageBucket {
  return new StorageBucket(stack, 'Bucket', {
    name: 'acme-fixture-backups',
    location: 'asia-northeast1',
    uniformBucketLevelAccess: true,
    publicAccessPrevention: 'enforced',
    forceDestroy: false,
    labels: LABELS,
    lifecycle: { preventDestroy: true },
    ...change,
  });
}

export interface RuleFixture {
  /** Creates a compliant resource, or (violate) one that breaks only this rule. */
  build(stack: TerraformStack, violate: boolean): void;
  /** The construct path of the offending resource, below the stack. */
  readonly offender: string;
  /** Part of the violation's problem text. */
  readonly problem: RegExp;
}

export const FIXTURES: Record<string, RuleFixture> = {
  'no-basic-roles': {
    build: (stack, violate) =>
      new ProjectIamMember(stack, 'Grant', { project: 'acme-fixture-dev', role: violate ? 'roles/editor' : 'roles/pubsub.editor', member: 'group:team@example.com' }),
    offender: 'Grant',
    problem: /roles\/editor is granted to group:team@example\.com/,
  },
  'no-service-account-keys': {
    build: (stack, violate) => {
      const account = new ServiceAccount(stack, 'Account', { project: 'acme-fixture-dev', accountId: 'fixture-app' });
      if (violate) new ServiceAccountKey(stack, 'Key', { serviceAccountId: account.name });
    },
    offender: 'Key',
    problem: /a service-account key is created/,
  },
  'no-public-members': {
    build: (stack, violate) =>
      new StorageBucketIamMember(stack, 'Reader', { bucket: 'acme-fixture-backups', role: 'roles/storage.objectViewer', member: violate ? 'allUsers' : 'group:team@example.com' }),
    offender: 'Reader',
    problem: /roles\/storage\.objectViewer is granted to allUsers/,
  },
  'no-service-account-impersonation': {
    build: (stack, violate) =>
      new FolderIamMember(stack, 'Grant', {
        folder: 'folders/234567890123',
        role: violate ? 'roles/iam.serviceAccountUser' : 'roles/iam.serviceAccountViewer',
        member: 'serviceAccount:deployer@acme-platform-prod.iam.gserviceaccount.com',
      }),
    offender: 'Grant',
    problem: /roles\/iam\.serviceAccountUser is granted to serviceAccount:deployer@acme-platform-prod\.iam\.gserviceaccount\.com on the whole folder/,
  },
  'custom-role-no-impersonation-permissions': {
    build: (stack, violate) =>
      new ProjectIamCustomRole(stack, 'Role', {
        project: 'acme-platform-prod',
        roleId: 'diskSnapshots',
        title: 'Disk snapshots',
        permissions: ['compute.disks.createSnapshot', 'compute.snapshots.get', ...(violate ? ['iam.serviceAccounts.signBlob'] : [])],
      }),
    offender: 'Role',
    problem: /custom role "diskSnapshots" includes iam\.serviceAccounts\.signBlob, which acts as every service account in the project/,
  },
  'federation-attribute-condition': {
    build: (stack, violate) =>
      new IamWorkloadIdentityPoolProvider(stack, 'Provider', {
        workloadIdentityPoolId: 'github',
        workloadIdentityPoolProviderId: 'github-actions',
        attributeMapping: { 'google.subject': 'assertion.sub' },
        attributeCondition: violate ? undefined : 'assertion.repository == "acme/platform"',
        oidc: { issuerUri: 'https://token.actions.githubusercontent.com' },
      }),
    offender: 'Provider',
    problem: /attribute_condition is not set/,
  },
  'cloudsql-deletion-protection': {
    build: (stack, violate) => sqlInstance(stack, violate ? { deletionProtection: false, settings: { deletionProtectionEnabled: false } } : {}),
    offender: 'Sql',
    problem: /deletion_protection is false/,
  },
  'cloudsql-no-public-ip': {
    build: (stack, violate) => sqlInstance(stack, violate ? { settings: { ipConfiguration: { ipv4Enabled: true } } } : {}),
    offender: 'Sql',
    problem: /ipv4_enabled is not false/,
  },
  'cloudsql-backups': {
    build: (stack, violate) => sqlInstance(stack, violate ? { settings: { backupConfiguration: { enabled: false } } } : {}),
    offender: 'Sql',
    problem: /backup_configuration\.enabled is not true/,
  },
  'spanner-deletion-protection': {
    build: (stack, violate) => {
      const instance = new SpannerInstance(stack, 'Spanner', { name: 'primary', displayName: 'primary', config: 'regional-asia-northeast1', labels: LABELS, forceDestroy: false });
      new SpannerDatabase(stack, 'Database', { instance: instance.name, name: 'features', deletionProtection: !violate });
    },
    offender: 'Database',
    problem: /deletion_protection is false/,
  },
  'gke-deletion-protection': {
    build: (stack, violate) => cluster(stack, { deletionProtection: !violate }),
    offender: 'Cluster',
    problem: /deletion_protection is false/,
  },
  'gke-private-nodes': {
    build: (stack, violate) => cluster(stack, violate ? { privateClusterConfig: { enablePrivateNodes: false } } : {}),
    offender: 'Cluster',
    problem: /enable_private_nodes is not true/,
  },
  'gke-workload-identity': {
    build: (stack, violate) => cluster(stack, violate ? { workloadIdentityConfig: undefined } : {}),
    offender: 'Cluster',
    problem: /workload_pool is not set/,
  },
  'gke-shielded-nodes': {
    build: (stack, violate) => cluster(stack, { enableShieldedNodes: !violate }),
    offender: 'Cluster',
    problem: /enable_shielded_nodes is false/,
  },
  'gke-no-legacy-abac': {
    build: (stack, violate) => cluster(stack, { enableLegacyAbac: violate }),
    offender: 'Cluster',
    problem: /enable_legacy_abac is true/,
  },
  'gke-no-client-certificate': {
    build: (stack, violate) => cluster(stack, { masterAuth: { clientCertificateConfig: { issueClientCertificate: violate } } }),
    offender: 'Cluster',
    problem: /issue_client_certificate is true/,
  },
  'gke-secrets-encryption': {
    build: (stack, violate) => cluster(stack, violate ? { databaseEncryption: { state: 'DECRYPTED' } } : {}),
    offender: 'Cluster',
    problem: /database_encryption is not ENCRYPTED/,
  },
  'gke-security-posture': {
    build: (stack, violate) => cluster(stack, violate ? { securityPostureConfig: { mode: 'BASIC', vulnerabilityMode: 'VULNERABILITY_DISABLED' } } : {}),
    offender: 'Cluster',
    problem: /vulnerability_mode is "VULNERABILITY_DISABLED"/,
  },
  'gke-cost-allocation': {
    build: (stack, violate) => cluster(stack, violate ? { costManagementConfig: undefined } : {}),
    offender: 'Cluster',
    problem: /cost_management_config.enabled is not true/,
  },
  'gke-gateway-api': {
    build: (stack, violate) => cluster(stack, violate ? { gatewayApiConfig: { channel: 'CHANNEL_DISABLED' } } : {}),
    offender: 'Cluster',
    problem: /gateway_api_config.channel is "CHANNEL_DISABLED"/,
  },
  'gke-binary-authorization': {
    build: (stack, violate) => cluster(stack, violate ? { binaryAuthorization: { evaluationMode: 'DISABLED' } } : {}),
    offender: 'Cluster',
    problem: /binary_authorization.evaluation_mode is "DISABLED"/,
  },
  'binary-authorization-deny-by-default': {
    build: (stack, violate) =>
      new BinaryAuthorizationPolicy(stack, 'Policy', {
        project: 'acme-platform-prod',
        globalPolicyEvaluationMode: 'ENABLE',
        admissionWhitelistPatterns: [{ namePattern: 'asia-northeast1-docker.pkg.dev/acme-payment-prod/images/**' }],
        defaultAdmissionRule: { evaluationMode: violate ? 'ALWAYS_ALLOW' : 'ALWAYS_DENY', enforcementMode: 'ENFORCED_BLOCK_AND_AUDIT_LOG' },
      }),
    offender: 'Policy',
    problem: /default_admission_rule.evaluation_mode is "ALWAYS_ALLOW"/,
  },
  'artifact-registry-scanning': {
    build: (stack, violate) =>
      new ArtifactRegistryRepository(stack, 'Repository', {
        project: 'acme-payment-prod',
        location: 'asia-northeast1',
        repositoryId: 'images',
        format: 'DOCKER',
        dockerConfig: { immutableTags: true },
        vulnerabilityScanningConfig: { enablementConfig: violate ? 'DISABLED' : 'INHERITED' },
        labels: LABELS,
      }),
    offender: 'Repository',
    problem: /vulnerability_scanning_config.enablement_config is DISABLED/,
  },
  'node-pool-auto-repair-upgrade': {
    build: (stack, violate) => nodePool(stack, { management: { autoRepair: !violate, autoUpgrade: true } }),
    offender: 'NodePool',
    problem: /management\.auto_repair is false/,
  },
  'node-pool-service-account': {
    build: (stack, violate) => nodePool(stack, violate ? { nodeConfig: { serviceAccount: '123456789012-compute@developer.gserviceaccount.com' } } : {}),
    offender: 'NodePool',
    problem: /Compute Engine default service account/,
  },
  'node-pool-metadata-server': {
    build: (stack, violate) => nodePool(stack, { nodeConfig: { workloadMetadataConfig: { mode: violate ? 'GCE_METADATA' : 'GKE_METADATA' } } }),
    offender: 'NodePool',
    problem: /mode is "GCE_METADATA", not GKE_METADATA/,
  },
  'node-pool-image-streaming': {
    build: (stack, violate) => nodePool(stack, violate ? { nodeConfig: { gcfsConfig: { enabled: false } } } : {}),
    offender: 'NodePool',
    problem: /gcfs_config.enabled is not true/,
  },
  'dns-zone-prevent-destroy': {
    build: (stack, violate) =>
      new DnsManagedZone(stack, 'Zone', { name: 'platform-example-com', dnsName: 'platform.example.com.', labels: LABELS, lifecycle: { preventDestroy: !violate } }),
    offender: 'Zone',
    problem: /lifecycle\.prevent_destroy is not true/,
  },
  'bucket-deletion-protection': {
    build: (stack, violate) => bucket(stack, violate ? { forceDestroy: true } : {}),
    offender: 'Bucket',
    problem: /force_destroy is true/,
  },
  'bucket-uniform-access': {
    build: (stack, violate) => bucket(stack, { uniformBucketLevelAccess: !violate }),
    offender: 'Bucket',
    problem: /uniform_bucket_level_access is not true/,
  },
  'bucket-public-access-prevention': {
    build: (stack, violate) => bucket(stack, { publicAccessPrevention: violate ? 'inherited' : 'enforced' }),
    offender: 'Bucket',
    problem: /public_access_prevention is "inherited", not "enforced"/,
  },
  'required-labels': {
    build: (stack, violate) => {
      const withoutTeam = Object.fromEntries(Object.entries(LABELS).filter(([key]) => key !== 'team'));
      new NamespaceV1(stack, 'Namespace', { metadata: { name: 'fixture-dev', labels: { ...(violate ? withoutTeam : LABELS), ...podSecurityLabels('restricted') } } });
    },
    offender: 'Namespace',
    problem: /metadata\.labels lacks team/,
  },
  'namespace-pod-security': {
    build: (stack, violate) => {
      const labels: Record<string, string> = { ...LABELS, ...podSecurityLabels('restricted') };
      if (violate) delete labels['pod-security.kubernetes.io/warn-version'];
      new NamespaceV1(stack, 'Namespace', { metadata: { name: 'fixture-dev', labels } });
    },
    offender: 'Namespace',
    problem: /pod-security\.kubernetes\.io\/warn-version is null, not a pinned version like v1\.\d+/,
  },
  'pod-security-restricted': {
    build: (stack, violate) => new NamespaceV1(stack, 'Namespace', { metadata: { name: 'fixture-dev', labels: { ...LABELS, ...podSecurityLabels(violate ? 'baseline' : 'restricted') } } }),
    offender: 'Namespace',
    problem: /pod-security\.kubernetes\.io\/enforce is "baseline"/,
  },
};

/** A ProjectIamBinding, for the `*_iam_binding` shape of the IAM rules. */
export function binding(stack: TerraformStack, role: string, members: string[]): ProjectIamBinding {
  return new ProjectIamBinding(stack, 'Binding', { project: 'acme-fixture-dev', role, members });
}
