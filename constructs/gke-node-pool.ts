import { Construct } from 'constructs';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import type { Labels } from '../lib/labels';
import { NODE_ROLES, serviceAccountMember } from '../lib/iam-roles';
import { throwIfProblems } from '../lib/props';
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
}

/**
 * An autoscaled node pool with its own least-privilege service account,
 * shielded COS nodes, the GKE metadata server (Workload Identity) and
 * automatic repair and upgrade.
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
    throwIfProblems('GkeNodePool', this.node.path, problems);

    const project = props.cluster.project;
    this.serviceAccount = new ServiceAccount(this, 'ServiceAccount', {
      project,
      accountId: `gke-${props.name}-nodes`,
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
      upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
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
      },
      dependsOn: grants,
    });
  }
}
