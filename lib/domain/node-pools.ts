// The shared cluster's node pools, in one place: the catalog's names and
// defaults, the platform stack's pools and the namespaces' tolerations all
// read these facts.

/** Node label every pool carries (value: the pool name); workloads select
 *  their pool with it, and dedicated pools carry it as a NoSchedule taint. */
export const NODE_POOL_LABEL = 'platform/node-pool';

export const NODE_POOLS = ['standard', 'highmem'] as const;
export type NodePoolName = (typeof NODE_POOLS)[number];

export interface NodePoolFacts {
  /** platform.yaml defaults, per zone. */
  readonly machineType: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  /** Tainted `platform/node-pool=<name>:NoSchedule`: only pods that tolerate it land here. */
  readonly dedicated: boolean;
}

export const NODE_POOL_FACTS: Readonly<Record<NodePoolName, NodePoolFacts>> = {
  standard: { machineType: 'n1-standard-4', minNodes: 1, maxNodes: 10, dedicated: false },
  highmem: { machineType: 'n1-highmem-8', minNodes: 0, maxNodes: 4, dedicated: true },
};

export const DEFAULT_NODE_POOL: NodePoolName = 'standard';
