import { Construct } from 'constructs';
import { ContainerNodePool, type ContainerNodePoolUpgradeSettings } from '@cdktf/provider-google/lib/container-node-pool';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import type { Labels } from '../lib/labels';
import { NODE_ROLES, serviceAccountMember } from '../lib/iam-roles';
import { throwIfProblems } from '../lib/props';
import { upgradeProblems, type UpgradeSettings } from '../lib/catalog/clusters';
import type { GkeCluster } from './gke-cluster';

import { NODE_POOL_LABEL } from '../lib/domain/node-pools';

export { NODE_POOL_LABEL };

export interface GkeNodePoolProps {
  readonly cluster: GkeCluster;
  /** Pool name, e.g. standard or highmem. */
  readonly name: string;
  /** e.g. n1-standard-4. */
  readonly machineType: string;
  /** Per zone. */
  readonly minNodes: number;
  /** Per zone. */
  readonly maxNodes: number;
  /** @default 100 */
  readonly diskSizeGb?: number;
  /** Only pods that tolerate `platform/node-pool=<name>:NoSchedule` land here. @default false */
  readonly dedicated?: boolean;
  readonly labels: Labels;
  /** How a version change replaces the nodes. @default SURGE with maxSurge 1 and maxUnavailable 0;
   *  BLUE_GREEN defaults to a 60-minute pool soak and batches of 1 node with a 5-minute soak */
  readonly upgrade?: UpgradeSettings;
  /** The nodes' service account id (unique in the cluster's project). @default gke-<name>-nodes */
  readonly serviceAccountId?: string;
}

/**
 * An autoscaled node pool with its own least-privilege service account,
 * shielded COS nodes, the GKE metadata server (Workload Identity), image
 * streaming, and automatic repair and upgrade by surge or blue-green.
 */
export class GkeNodePool extends Construct {
  readonly nodePool: ContainerNodePool;
  readonly serviceAccount: ServiceAccount;

  constructor(scope: Construct, id: string, props: GkeNodePoolProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!/^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/.test(props.name)) problems.push(`name "${props.name}" must be lowercase letters, digits and hyphens (e.g. "standard")`);
    if (!/^[a-z][a-z0-9]*-[a-z]+-\d+$/.test(props.machineType)) problems.push(`machineType "${props.machineType}" is not a machine type like n1-standard-4`);
    if (props.minNodes < 0 || props.maxNodes < 1 || props.minNodes > props.maxNodes) {
      problems.push(`minNodes ${props.minNodes} and maxNodes ${props.maxNodes} must satisfy 0 <= minNodes <= maxNodes and maxNodes >= 1`);
    }
    const upgrade = props.upgrade ?? { strategy: 'SURGE' };
    problems.push(...upgradeProblems(upgrade).map(({ field, message }) => `upgrade.${field}: ${message}`));
    throwIfProblems('GkeNodePool', this.node.path, problems);

    const project = props.cluster.project;
    this.serviceAccount = new ServiceAccount(this, 'ServiceAccount', {
      project,
      accountId: props.serviceAccountId ?? `gke-${props.name}-nodes`,
      displayName: `GKE ${props.name} nodes`,
      description: 'Node identity: logs, metrics and image pulls only',
    });
    const iam = new Construct(this, 'Iam');
    const grants = NODE_ROLES.map(
      (role) => new ProjectIamMember(iam, role, { project, role, member: serviceAccountMember(this.serviceAccount.email) }),
    );
    this.nodePool = new ContainerNodePool(this, 'NodePool', {
      project,
      name: props.name,
      cluster: props.cluster.cluster.id,
      location: props.cluster.cluster.location,
      autoscaling: { minNodeCount: props.minNodes, maxNodeCount: props.maxNodes },
      management: { autoRepair: true, autoUpgrade: true },
      upgradeSettings: upgradeSettings(upgrade),
      nodeConfig: {
        machineType: props.machineType,
        diskSizeGb: props.diskSizeGb ?? 100,
        diskType: 'pd-balanced',
        imageType: 'COS_CONTAINERD',
        serviceAccount: this.serviceAccount.email,
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
        labels: { [NODE_POOL_LABEL]: props.name },
        resourceLabels: { ...props.labels },
        taint: props.dedicated ? [{ key: NODE_POOL_LABEL, value: props.name, effect: 'NO_SCHEDULE' }] : undefined,
        workloadMetadataConfig: { mode: 'GKE_METADATA' },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        metadata: { 'disable-legacy-endpoints': 'true' },
        // Image streaming: pods start before their whole image is pulled.
        gcfsConfig: { enabled: true },
      },
      dependsOn: grants,
    });
  }
}

const MINUTE_SECONDS = 60;

function upgradeSettings(upgrade: UpgradeSettings): ContainerNodePoolUpgradeSettings {
  if (upgrade.strategy === 'SURGE') return { strategy: 'SURGE', maxSurge: upgrade.maxSurge ?? 1, maxUnavailable: upgrade.maxUnavailable ?? 0 };
  const batch = upgrade.batchPercentage !== undefined ? { batchPercentage: upgrade.batchPercentage } : { batchNodeCount: upgrade.batchNodeCount ?? 1 };
  return {
    strategy: 'BLUE_GREEN',
    blueGreenSettings: {
      nodePoolSoakDuration: `${(upgrade.nodePoolSoakMinutes ?? 60) * MINUTE_SECONDS}s`,
      standardRolloutPolicy: { ...batch, batchSoakDuration: `${(upgrade.batchSoakMinutes ?? 5) * MINUTE_SECONDS}s` },
    },
  };
}
