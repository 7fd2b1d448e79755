import type { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { DataGoogleContainerCluster } from '@cdktf/provider-google/lib/data-google-container-cluster';
import type { Platform } from '../lib/catalog/schema';
import {
  BACKUP_ACCOUNT_ID,
  BACKUP_NAMESPACE,
  EXTERNAL_DNS_ACCOUNT_ID,
  EXTERNAL_DNS_NAMESPACE,
  backupBucketName,
  clusterStackName,
  platformServiceAccountEmail,
} from '../lib/catalog/names';
import { platformClusters, type ClusterSpec } from '../lib/catalog/clusters';
import {
  BACKUP_RETENTION_DAYS,
  BACKUP_SCHEDULE,
  EXTERNAL_DNS_CHART,
  EXTERNAL_DNS_IMAGE,
  VELERO_CHART,
  VELERO_GCP_PLUGIN_IMAGE,
  VELERO_IMAGE,
  imageName,
} from '../lib/cluster-addons';
import { ClusterAddon } from '../constructs/cluster-addon';
import { standardLabels } from '../lib/labels';
import { ALL_NODE_POOLS } from '../lib/domain/node-pools';
import { configureStack } from './stack-defaults';
import { clusterHelmProvider, clusterKubernetesProvider } from './cluster-access';
import { NodePoolPlacementPolicy } from '../constructs/node-pool-placement-policy';
import { TeamClusterRole } from '../constructs/team-cluster-role';

export interface ClusterStackProps {
  readonly platform: Platform;
  /** The cluster this stack reaches into. @default the home cluster */
  readonly cluster?: ClusterSpec;
}

/**
 * The platform's objects inside one shared cluster (one stack per cluster,
 * `cluster-<name>`): the node pool placement policy, the role team
 * namespaces bind to, and the ExternalDNS and Velero add-ons (Helm). Its own stack (applied after
 * the platform stack, before the service stacks), because the kubernetes
 * provider must not be configured from a cluster created in the same stack:
 * the cluster is found by name, as service stacks find it.
 */
export class ClusterStack extends TerraformStack {
  readonly placementPolicy: NodePoolPlacementPolicy;
  readonly teamRole: TeamClusterRole;
  readonly externalDns: ClusterAddon;
  readonly velero: ClusterAddon;

  constructor(scope: Construct, props: ClusterStackProps) {
    const { platform } = props;
    const spec = props.cluster ?? platformClusters(platform)[0];
    const name = clusterStackName(spec.name);
    super(scope, name);
    configureStack(this, platform, name, platform.platformProject);
    const labels = standardLabels({ service: 'platform', team: 'platform', environment: 'production' });
    const cluster = new DataGoogleContainerCluster(this, 'Cluster', { project: platform.platformProject, name: spec.name, location: spec.region });
    clusterKubernetesProvider(this, cluster);
    clusterHelmProvider(this, cluster);

    this.placementPolicy = new NodePoolPlacementPolicy(this, 'NodePoolPlacement', { pools: ALL_NODE_POOLS, labels });
    this.teamRole = new TeamClusterRole(this, 'TeamRole', { labels });
    this.externalDns = new ClusterAddon(this, 'ExternalDns', { name: EXTERNAL_DNS_NAMESPACE, chart: EXTERNAL_DNS_CHART, values: externalDnsValues(platform, spec), labels });
    this.velero = new ClusterAddon(this, 'Velero', {
      name: BACKUP_NAMESPACE,
      chart: VELERO_CHART,
      values: veleroValues(platform, spec),
      podSecurity: 'baseline',
      podSecurityReason: "Velero's GCP plugin init container copies its binary into a volume shared with the server, as root",
      labels,
    });
  }
}

/** Chart values shared by the add-ons' own containers: non-root, no privilege escalation, read-only root. */
const RESTRICTED_POD = { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } };
const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };
const WORKLOAD_IDENTITY_ANNOTATION = 'iam.gke.io/gcp-service-account';

/**
 * ExternalDNS (kubernetes-sigs chart): writes records for Services, Ingresses
 * and Gateway routes into the platform zone only, through its Workload
 * Identity service account; the TXT owner id is the cluster's name, so each
 * cluster deletes only the records it created.
 */
export function externalDnsValues(platform: Platform, cluster: ClusterSpec): Record<string, unknown> {
  return {
    image: { repository: EXTERNAL_DNS_IMAGE.repository, tag: EXTERNAL_DNS_IMAGE.tag },
    provider: { name: 'google' },
    extraArgs: [`--google-project=${platform.platformProject}`, '--google-zone-visibility=public'],
    domainFilters: [platform.dnsDomain],
    sources: ['service', 'ingress', 'gateway-httproute'],
    policy: 'sync',
    registry: 'txt',
    txtOwnerId: cluster.name,
    serviceAccount: { create: true, name: EXTERNAL_DNS_ACCOUNT_ID, annotations: { [WORKLOAD_IDENTITY_ANNOTATION]: platformServiceAccountEmail(platform, EXTERNAL_DNS_ACCOUNT_ID) } },
    podSecurityContext: RESTRICTED_POD,
    securityContext: RESTRICTED_CONTAINER,
  };
}

/**
 * Velero (vmware-tanzu chart) with the GCP plugin: backups into the platform
 * bucket under the cluster's name, disk snapshots in the cluster's region,
 * signed URLs as its own Workload Identity service account (no key), and a
 * daily schedule of every namespace with a retention.
 */
export function veleroValues(platform: Platform, cluster: ClusterSpec): Record<string, unknown> {
  const email = platformServiceAccountEmail(platform, BACKUP_ACCOUNT_ID);
  return {
    image: { repository: VELERO_IMAGE.repository, tag: VELERO_IMAGE.tag },
    initContainers: [
      {
        name: 'velero-plugin-for-gcp',
        image: imageName(VELERO_GCP_PLUGIN_IMAGE),
        imagePullPolicy: 'IfNotPresent',
        volumeMounts: [{ mountPath: '/target', name: 'plugins' }],
        securityContext: RESTRICTED_CONTAINER,
      },
    ],
    // CRDs come from the chart; the upgrade job would run an image the admission policy does not list.
    upgradeCRDs: false,
    credentials: { useSecret: false },
    serviceAccount: { server: { create: true, name: BACKUP_ACCOUNT_ID, annotations: { [WORKLOAD_IDENTITY_ANNOTATION]: email } } },
    configuration: {
      backupStorageLocation: [{ name: 'default', provider: 'gcp', default: true, bucket: backupBucketName(platform), prefix: cluster.name, config: { serviceAccount: email } }],
      volumeSnapshotLocation: [{ name: 'default', provider: 'gcp', config: { project: platform.platformProject, snapshotLocation: cluster.region } }],
    },
    deployNodeAgent: false,
    schedules: {
      daily: {
        disabled: false,
        schedule: BACKUP_SCHEDULE,
        useOwnerReferencesInBackup: false,
        template: { ttl: `${BACKUP_RETENTION_DAYS * 24}h0m0s`, includedNamespaces: ['*'], snapshotVolumes: true, storageLocation: 'default' },
      },
    },
    podSecurityContext: RESTRICTED_POD,
    containerSecurityContext: RESTRICTED_CONTAINER,
  };
}
