import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { BinaryAuthorizationPolicy } from '@cdktf/provider-google/lib/binary-authorization-policy';
import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import type { ITerraformDependable } from 'cdktf';
import type { NodePoolName, Platform } from '../lib/catalog/schema';
import { NODE_POOL_FACTS } from '../lib/domain/node-pools';
import {
  BACKUP_ACCOUNT_ID,
  BACKUP_NAMESPACE,
  EXTERNAL_DNS_ACCOUNT_ID,
  EXTERNAL_DNS_NAMESPACE,
  PLATFORM_STACK,
  backupBucketName,
  nodeServiceAccountId,
} from '../lib/catalog/names';
import { platformClusters, type ClusterSpec } from '../lib/catalog/clusters';
import { standardLabels, type Labels } from '../lib/labels';
import { ADDON_IMAGES, imageName } from '../lib/cluster-addons';
import { BACKUP_PERMISSIONS, ROLES, groupGrantee } from '../lib/iam-roles';
import { accessLogBucketName, configureStack } from './stack-defaults';
import { ProjectApis } from '../constructs/project-apis';
import { SharedVpcNetwork, PODS_RANGE, SERVICES_RANGE } from '../constructs/shared-vpc-network';
import { GkeCluster } from '../constructs/gke-cluster';
import { GkeNodePool } from '../constructs/gke-node-pool';
import { DnsZone } from '../constructs/dns-zone';
import { WorkloadIdentity } from '../constructs/workload-identity';
import { SecureBucket } from '../constructs/secure-bucket';

/** APIs the host project needs for the network, the cluster, DNS and backups. */
export const PLATFORM_APIS = [
  'cloudresourcemanager.googleapis.com',
  'compute.googleapis.com',
  'container.googleapis.com',
  'dns.googleapis.com',
  'iam.googleapis.com',
  'iamcredentials.googleapis.com',
  'logging.googleapis.com',
  'monitoring.googleapis.com',
  'servicenetworking.googleapis.com',
  'storage.googleapis.com',
  'binaryauthorization.googleapis.com',
  // Cluster Secrets encryption keys; GKE security posture.
  'cloudkms.googleapis.com',
  'containersecurity.googleapis.com',
] as const;

export interface PlatformStackProps {
  readonly platform: Platform;
  /** Image repositories whose images the clusters admit (the service projects'), e.g.
   *  `asia-northeast1-docker.pkg.dev/acme-payment-prod/images`. @default none: GKE's and the add-ons' images only */
  readonly imageRepositories?: readonly string[];
}

/**
 * The shared platform, one per organization: the Shared VPC, the single
 * production GKE cluster with its standard and highmem pools (and cluster
 * viewer for the team groups, which RBAC needs), the public DNS zone with
 * ExternalDNS's identity, and the backup bucket with Velero's.
 */
export class PlatformStack extends TerraformStack {
  readonly network: SharedVpcNetwork;
  /** The home cluster. */
  readonly cluster: GkeCluster;
  /** The home cluster's pools. */
  readonly nodePools: Record<NodePoolName, GkeNodePool>;
  /** Every cluster, the home one first, then one per further country. */
  readonly clusters: { readonly spec: ClusterSpec; readonly cluster: GkeCluster; readonly nodePools: Record<NodePoolName, GkeNodePool> }[];
  readonly dnsZone: DnsZone;
  readonly backupBucket: SecureBucket;

  private readonly platform: Platform;

  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, PLATFORM_STACK);
    const { platform } = props;
    this.platform = platform;
    const project = platform.platformProject;
    configureStack(this, platform, PLATFORM_STACK, project);
    const labels = standardLabels({ service: 'platform', team: 'platform', environment: 'production' });

    const apis = new ProjectApis(this, 'Apis', { project, apis: PLATFORM_APIS });
    this.network = new SharedVpcNetwork(this, 'Network', {
      project,
      region: platform.region,
      ...platform.network,
      labels,
      dependsOn: apis.services,
    });

    const [home, ...countries] = platformClusters(platform);
    this.cluster = this.newCluster(this, home, this.network.subnetwork.id, apis.services, labels);
    // GKE checks container.clusters.get in this project before RBAC applies;
    // team groups are nested in the security group, so one grant covers them.
    new ProjectIamMember(this, 'ClusterViewerGrant', { project, role: ROLES.clusterViewer, member: groupGrantee(platform.gkeSecurityGroup).member });
    this.nodePools = this.newNodePools(this, home, this.cluster, labels);
    this.clusters = [{ spec: home, cluster: this.cluster, nodePools: this.nodePools }];
    // Further countries: their own subnet and cluster, grouped under their key
    // (the home cluster keeps its original addresses).
    const byCountry = new Construct(this, 'Countries');
    for (const spec of countries) {
      const country = spec.country as string;
      const scope = new Construct(byCountry, country);
      const subnetwork = this.network.addRegion(country, spec);
      const cluster = this.newCluster(scope, spec, subnetwork.id, apis.services, labels);
      this.clusters.push({ spec, cluster, nodePools: this.newNodePools(scope, spec, cluster, labels) });
    }

    this.dnsZone = new DnsZone(this, 'DnsZone', { project, domain: platform.dnsDomain, labels, dependsOn: apis.services });
    const externalDns = new WorkloadIdentity(this, 'ExternalDnsIdentity', {
      project,
      accountId: EXTERNAL_DNS_ACCOUNT_ID,
      workloadPool: this.cluster.workloadPool,
      namespace: EXTERNAL_DNS_NAMESPACE,
      kubernetesServiceAccount: 'external-dns',
    });
    this.dnsZone.grantRecordAdmin(externalDns.grantee);

    this.backupBucket = new SecureBucket(this, 'BackupBucket', {
      project,
      name: backupBucketName(platform),
      location: platform.region,
      labels,
      // Created by the bootstrap stack; Velero needs its own bucket to itself.
      accessLogBucket: accessLogBucketName(platform),
      dependsOn: apis.services,
    });
    const velero = new WorkloadIdentity(this, 'BackupIdentity', {
      project,
      accountId: BACKUP_ACCOUNT_ID,
      workloadPool: this.cluster.workloadPool,
      namespace: BACKUP_NAMESPACE,
      kubernetesServiceAccount: 'velero',
    });
    this.backupBucket.grantObjectAdmin(velero.grantee);
    const snapshotRole = new ProjectIamCustomRole(this, 'BackupSnapshotRole', {
      project,
      roleId: 'veleroDiskSnapshots',
      title: 'Velero disk snapshots',
      description: 'Create and restore persistent disk snapshots for cluster backups',
      permissions: [...BACKUP_PERMISSIONS],
    });
    new ProjectIamMember(this, 'BackupSnapshotGrant', { project, role: snapshotRole.name, member: velero.grantee.member });
    // signBlob as itself only: the applier and planner accounts live in this project too.
    new ServiceAccountIamMember(this, 'BackupSignBlobGrant', {
      serviceAccountId: velero.serviceAccount.name,
      role: ROLES.serviceAccountTokenCreator,
      member: velero.grantee.member,
    });

    // Admission: GKE's own images (global policy), the add-ons' pinned images
    // and the platform's repositories; everything else is refused and logged.
    // Break-glass (docs/SECURITY.md) is a pod annotation, audited.
    new BinaryAuthorizationPolicy(this, 'BinaryAuthorizationPolicy', {
      project,
      description: 'Admits GKE system images, the platform add-ons and the service repositories; refuses the rest',
      globalPolicyEvaluationMode: 'ENABLE',
      admissionWhitelistPatterns: [
        ...ADDON_IMAGES.map((image) => ({ namePattern: imageName(image) })),
        ...[...new Set(props.imageRepositories ?? [])].sort().map((repository) => ({ namePattern: `${repository}/**` })),
      ],
      defaultAdmissionRule: { evaluationMode: 'ALWAYS_DENY', enforcementMode: 'ENFORCED_BLOCK_AND_AUDIT_LOG' },
      dependsOn: apis.services,
    });

    new TerraformOutput(this, 'cluster_name', { value: this.cluster.cluster.name });
    new TerraformOutput(this, 'workload_pool', { value: this.cluster.workloadPool });
    new TerraformOutput(this, 'dns_name_servers', { value: this.dnsZone.zone.nameServers });
    new TerraformOutput(this, 'external_dns_service_account', { value: externalDns.email });
    new TerraformOutput(this, 'backup_bucket', { value: this.backupBucket.bucket.name });
    new TerraformOutput(this, 'backup_service_account', { value: velero.email });
  }

  private newCluster(scope: Construct, spec: ClusterSpec, subnetwork: string, apis: ITerraformDependable[], labels: Labels): GkeCluster {
    const { platform } = this;
    return new GkeCluster(scope, 'Cluster', {
      project: platform.platformProject,
      region: spec.region,
      name: spec.name,
      network: this.network.network.id,
      subnetwork,
      podsRangeName: PODS_RANGE,
      servicesRangeName: SERVICES_RANGE,
      masterCidr: spec.masterCidr,
      authorizedNetworks: spec.authorizedNetworks,
      releaseChannel: spec.releaseChannel,
      autoscalingProfile: spec.autoscalingProfile,
      maintenance: spec.maintenance,
      securityGroup: platform.gkeSecurityGroup,
      labels,
      dependsOn: apis,
    });
  }

  private newNodePools(scope: Construct, spec: ClusterSpec, cluster: GkeCluster, labels: Labels): Record<NodePoolName, GkeNodePool> {
    const pools = new Construct(scope, 'NodePools');
    // Named and tainted from the same facts the cluster stacks' placement policy enforces.
    const pool = (name: NodePoolName) =>
      new GkeNodePool(pools, name, { cluster, name, ...spec.nodePools[name], dedicated: NODE_POOL_FACTS[name].dedicated, labels, serviceAccountId: nodeServiceAccountId(spec, name) });
    return { standard: pool('standard'), highmem: pool('highmem') };
  }
}
