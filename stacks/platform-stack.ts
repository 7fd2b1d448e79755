import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import type { NodePoolName, Platform } from '../lib/catalog/schema';
import { NODE_POOL_FACTS } from '../lib/domain/node-pools';
import { BACKUP_NAMESPACE, EXTERNAL_DNS_NAMESPACE, PLATFORM_STACK } from '../lib/catalog/names';
import { standardLabels } from '../lib/labels';
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
] as const;

export interface PlatformStackProps {
  readonly platform: Platform;
}

/**
 * The shared platform, one per organization: the Shared VPC, the single
 * production GKE cluster with its standard and highmem pools (and cluster
 * viewer for the team groups, which RBAC needs), the public DNS zone with
 * ExternalDNS's identity, and the backup bucket with Velero's.
 */
export class PlatformStack extends TerraformStack {
  readonly network: SharedVpcNetwork;
  readonly cluster: GkeCluster;
  readonly nodePools: Record<'standard' | 'highmem', GkeNodePool>;
  readonly dnsZone: DnsZone;
  readonly backupBucket: SecureBucket;

  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, PLATFORM_STACK);
    const { platform } = props;
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

    const { cluster: settings } = platform;
    this.cluster = new GkeCluster(this, 'Cluster', {
      project,
      region: platform.region,
      name: settings.name,
      network: this.network.network.id,
      subnetwork: this.network.subnetwork.id,
      podsRangeName: PODS_RANGE,
      servicesRangeName: SERVICES_RANGE,
      masterCidr: settings.masterCidr,
      authorizedNetworks: settings.authorizedNetworks,
      releaseChannel: settings.releaseChannel,
      securityGroup: platform.gkeSecurityGroup,
      labels,
      dependsOn: apis.services,
    });
    // GKE checks container.clusters.get in this project before RBAC applies;
    // team groups are nested in the security group, so one grant covers them.
    new ProjectIamMember(this, 'ClusterViewerGrant', { project, role: ROLES.clusterViewer, member: groupGrantee(platform.gkeSecurityGroup).member });
    const pools = new Construct(this, 'NodePools');
    // Named and tainted from the same facts the cluster stack's placement policy enforces.
    const pool = (name: NodePoolName) =>
      new GkeNodePool(pools, name, { cluster: this.cluster, name, ...settings.nodePools[name], dedicated: NODE_POOL_FACTS[name].dedicated, labels });
    this.nodePools = { standard: pool('standard'), highmem: pool('highmem') };

    this.dnsZone = new DnsZone(this, 'DnsZone', { project, domain: platform.dnsDomain, labels, dependsOn: apis.services });
    const externalDns = new WorkloadIdentity(this, 'ExternalDnsIdentity', {
      project,
      accountId: 'external-dns',
      workloadPool: this.cluster.workloadPool,
      namespace: EXTERNAL_DNS_NAMESPACE,
      kubernetesServiceAccount: 'external-dns',
    });
    this.dnsZone.grantRecordAdmin(externalDns.grantee);

    this.backupBucket = new SecureBucket(this, 'BackupBucket', {
      project,
      name: `${project}-velero-backups`,
      location: platform.region,
      labels,
      // Created by the bootstrap stack; Velero needs its own bucket to itself.
      accessLogBucket: accessLogBucketName(platform),
      dependsOn: apis.services,
    });
    const velero = new WorkloadIdentity(this, 'BackupIdentity', {
      project,
      accountId: 'velero',
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

    new TerraformOutput(this, 'cluster_name', { value: this.cluster.cluster.name });
    new TerraformOutput(this, 'workload_pool', { value: this.cluster.workloadPool });
    new TerraformOutput(this, 'dns_name_servers', { value: this.dnsZone.zone.nameServers });
    new TerraformOutput(this, 'external_dns_service_account', { value: externalDns.email });
    new TerraformOutput(this, 'backup_bucket', { value: this.backupBucket.bucket.name });
    new TerraformOutput(this, 'backup_service_account', { value: velero.email });
  }
}
