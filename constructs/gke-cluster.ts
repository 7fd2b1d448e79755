import { Construct } from 'constructs';
import { ContainerCluster, type ContainerClusterMaintenancePolicy } from '@cdktf/provider-google/lib/container-cluster';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import type { ITerraformDependable } from 'cdktf';
import type { Labels } from '../lib/labels';
import { throwIfProblems } from '../lib/props';
import { serviceAccountMember } from '../lib/iam-roles';
import { DEFAULT_DAILY_START, maintenanceProblems, type MaintenanceSettings } from '../lib/catalog/clusters';
import { EncryptionKey } from './encryption-key';

export interface GkeClusterProps {
  readonly project: string;
  /** A region: the control plane and nodes span its zones. */
  readonly region: string;
  readonly name: string;
  /** Self links or ids of the VPC and subnet. */
  readonly network: string;
  readonly subnetwork: string;
  /** Secondary range names of the subnet for pods and services. */
  readonly podsRangeName: string;
  readonly servicesRangeName: string;
  /** /28 for the control plane's private endpoint. */
  readonly masterCidr: string;
  /**
   * Stable names to CIDR ranges that may reach the control plane's IP endpoint (people).
   * CI uses the DNS endpoint (IAM-authorized) instead. @default none: only from inside the VPC
   */
  readonly authorizedNetworks?: Readonly<Record<string, string>>;
  /** @default REGULAR */
  readonly releaseChannel?: 'RAPID' | 'REGULAR' | 'STABLE';
  /** The gke-security-groups@ group: team groups nested in it can be RBAC subjects. */
  readonly securityGroup: string;
  readonly labels: Labels;
  /** Cluster autoscaler profile: OPTIMIZE_UTILIZATION scales down sooner than BALANCED. @default OPTIMIZE_UTILIZATION */
  readonly autoscalingProfile?: 'OPTIMIZE_UTILIZATION' | 'BALANCED';
  /** When GKE may upgrade (UTC) and when not. @default a daily window at 17:00, no exclusions */
  readonly maintenance?: MaintenanceSettings;
  /** The Cloud KMS key that encrypts Kubernetes Secrets in etcd (same project and region as the cluster).
   *  @default a key ring `gke-<name>` with a key `secrets`, created here */
  readonly secretsEncryptionKey?: EncryptionKey;
  /** @default deletion protection on */
  readonly deletionProtection?: boolean;
  /** @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A regional GKE Standard cluster with secure defaults: private nodes,
 * Workload Identity, Dataplane V2 (network policy built in), shielded nodes,
 * Google Groups for RBAC, no client certificate or legacy ABAC, the default
 * node pool removed and deletion protection on; Secrets encrypted with a
 * Cloud KMS key, security posture with vulnerability scanning, cost
 * allocation, the Gateway API, a scale-down-friendly autoscaler profile and
 * a configurable maintenance window with exclusions. Node pools are added with
 * {@link GkeNodePool}.
 */
export class GkeCluster extends Construct {
  readonly cluster: ContainerCluster;
  readonly project: string;
  /** `<project>.svc.id.goog`. */
  readonly workloadPool: string;
  /** Encrypts the cluster's Kubernetes Secrets. */
  readonly secretsEncryptionKey: EncryptionKey;

  constructor(scope: Construct, id: string, props: GkeClusterProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!/^(\d{1,3}\.){3}\d{1,3}\/28$/.test(props.masterCidr)) problems.push(`masterCidr "${props.masterCidr}" must be a /28 range (e.g. "172.16.0.0/28")`);
    if (!/^gke-security-groups@/.test(props.securityGroup)) problems.push(`securityGroup "${props.securityGroup}" must be the gke-security-groups@<domain> group`);
    for (const [name, cidr] of Object.entries(props.authorizedNetworks ?? {})) {
      if (cidr === '0.0.0.0/0') problems.push(`authorizedNetworks.${name} is 0.0.0.0/0, which opens the control plane to the internet; list specific ranges`);
    }
    const maintenance = props.maintenance ?? { exclusions: {} };
    problems.push(...maintenanceProblems(maintenance).map(({ field, message }) => `maintenance.${field}: ${message}`));
    throwIfProblems('GkeCluster', this.node.path, problems);

    this.project = props.project;
    this.workloadPool = `${props.project}.svc.id.goog`;
    const protect = props.deletionProtection ?? true;
    // Application-layer Secrets encryption: GKE's service agent wraps the
    // etcd keys with this key, so it needs the key before the cluster exists.
    this.secretsEncryptionKey =
      props.secretsEncryptionKey ??
      new EncryptionKey(this, 'SecretsKey', { project: props.project, location: props.region, keyRingName: `gke-${props.name}`, keyName: 'secrets', labels: props.labels, dependsOn: props.dependsOn });
    const platformProject = new DataGoogleProject(this, 'Project', { projectId: props.project });
    const agentGrant = this.secretsEncryptionKey.grantEncrypterDecrypter(
      { key: 'serviceAccount:gke-agent', member: serviceAccountMember(`service-${platformProject.number}@container-engine-robot.iam.gserviceaccount.com`) },
      { dependsOn: props.dependsOn },
    );
    this.cluster = new ContainerCluster(this, 'Cluster', {
      project: props.project,
      name: props.name,
      location: props.region,
      network: props.network,
      subnetwork: props.subnetwork,
      networkingMode: 'VPC_NATIVE',
      ipAllocationPolicy: { clusterSecondaryRangeName: props.podsRangeName, servicesSecondaryRangeName: props.servicesRangeName },
      // The default pool cannot be configured securely; pools are separate resources.
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      // The default pool lives only until the cluster is created, but not
      // even then with node credentials exposed to pods.
      nodeConfig: {
        imageType: 'COS_CONTAINERD',
        workloadMetadataConfig: { mode: 'GKE_METADATA' },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        metadata: { 'disable-legacy-endpoints': 'true' },
        resourceLabels: { ...props.labels },
      },
      deletionProtection: protect,
      releaseChannel: { channel: props.releaseChannel ?? 'REGULAR' },
      privateClusterConfig: {
        enablePrivateNodes: true,
        enablePrivateEndpoint: false,
        masterIpv4CidrBlock: props.masterCidr,
        masterGlobalAccessConfig: { enabled: false },
      },
      // CI and Terraform reach the control plane on its DNS endpoint, authorized
      // by IAM (container.clusters.connect), since runners' addresses change;
      // authorized networks below still gate the IP endpoint for people.
      controlPlaneEndpointsConfig: { dnsEndpointConfig: { allowExternalTraffic: true } },
      masterAuthorizedNetworksConfig: {
        gcpPublicCidrsAccessEnabled: false,
        cidrBlocks: Object.entries(props.authorizedNetworks ?? {})
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([displayName, cidrBlock]) => ({ displayName, cidrBlock })),
      },
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      workloadIdentityConfig: { workloadPool: this.workloadPool },
      datapathProvider: 'ADVANCED_DATAPATH',
      // Dataplane V2 enforces NetworkPolicy itself; the Calico add-on stays off (the API refuses both).
      networkPolicy: { enabled: false },
      enableShieldedNodes: true,
      enableLegacyAbac: false,
      enableIntranodeVisibility: true,
      authenticatorGroupsConfig: { securityGroup: props.securityGroup },
      binaryAuthorization: { evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' },
      addonsConfig: {
        httpLoadBalancing: { disabled: false },
        horizontalPodAutoscaling: { disabled: false },
        gcePersistentDiskCsiDriverConfig: { enabled: true },
      },
      maintenancePolicy: maintenancePolicy(maintenance),
      clusterAutoscaling: { enabled: false, autoscalingProfile: props.autoscalingProfile ?? 'OPTIMIZE_UTILIZATION' },
      databaseEncryption: { state: 'ENCRYPTED', keyName: this.secretsEncryptionKey.keyId },
      // Workload configuration and OS vulnerability scanning (free tier).
      securityPostureConfig: { mode: 'BASIC', vulnerabilityMode: 'VULNERABILITY_BASIC' },
      // Cost per namespace and label in the billing export: the shared cluster is one bill.
      costManagementConfig: { enabled: true },
      gatewayApiConfig: { channel: 'CHANNEL_STANDARD' },
      loggingConfig: { enableComponents: ['SYSTEM_COMPONENTS', 'WORKLOADS'] },
      monitoringConfig: { enableComponents: ['SYSTEM_COMPONENTS'], managedPrometheus: { enabled: true } },
      resourceLabels: { ...props.labels },
      // The removed default pool's node_config would otherwise force a replacement (fabric #1275).
      lifecycle: { ignoreChanges: ['node_config', 'initial_node_count'] },
      dependsOn: [...(props.dependsOn ?? []), agentGrant],
    });
  }
}

function maintenancePolicy(maintenance: MaintenanceSettings): ContainerClusterMaintenancePolicy {
  const window = maintenance.recurringWindow;
  const exclusions = Object.entries(maintenance.exclusions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([exclusionName, { startTime, endTime, scope }]) => ({ exclusionName, startTime, endTime, exclusionOptions: { scope } }));
  return {
    ...(window ? { recurringWindow: { ...window } } : { dailyMaintenanceWindow: { startTime: maintenance.dailyStartTime ?? DEFAULT_DAILY_START } }),
    ...(exclusions.length > 0 ? { maintenanceExclusion: exclusions } : {}),
  };
}
