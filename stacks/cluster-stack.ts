import type { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { DataGoogleContainerCluster } from '@cdktf/provider-google/lib/data-google-container-cluster';
import type { Platform } from '../lib/catalog/schema';
import { clusterStackName } from '../lib/catalog/names';
import { standardLabels } from '../lib/labels';
import { ALL_NODE_POOLS } from '../lib/domain/node-pools';
import { configureStack } from './stack-defaults';
import { clusterKubernetesProvider } from './cluster-access';
import { NodePoolPlacementPolicy } from '../constructs/node-pool-placement-policy';
import { TeamClusterRole } from '../constructs/team-cluster-role';

export interface ClusterStackProps {
  readonly platform: Platform;
}

/**
 * The platform's objects inside one shared cluster: the node pool placement
 * policy and the role team namespaces bind to. Its own stack (applied after
 * the platform stack, before the service stacks), because the kubernetes
 * provider must not be configured from a cluster created in the same stack:
 * the cluster is found by name, as service stacks find it.
 */
export class ClusterStack extends TerraformStack {
  readonly placementPolicy: NodePoolPlacementPolicy;
  readonly teamRole: TeamClusterRole;

  constructor(scope: Construct, props: ClusterStackProps) {
    const { platform } = props;
    const name = clusterStackName(platform.cluster.name);
    super(scope, name);
    configureStack(this, platform, name, platform.platformProject);
    const labels = standardLabels({ service: 'platform', team: 'platform', environment: 'production' });
    const cluster = new DataGoogleContainerCluster(this, 'Cluster', { project: platform.platformProject, name: platform.cluster.name, location: platform.region });
    clusterKubernetesProvider(this, cluster);

    this.placementPolicy = new NodePoolPlacementPolicy(this, 'NodePoolPlacement', { pools: ALL_NODE_POOLS, labels });
    this.teamRole = new TeamClusterRole(this, 'TeamRole', { labels });
  }
}
