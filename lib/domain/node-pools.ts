// The facts about the cluster's node pools, in one place: the catalog's
// names and defaults, the platform stack's pools (named, labelled and tainted
// from them), team namespaces (what their pods must declare) and the cluster
// stack's admission policy (placement it enforces) all read these.

/** Node label every pool carries (value: the pool name); workloads select
 *  their pool with it, and dedicated pools carry it as a NoSchedule taint.
 *  Team namespaces carry it too (value: the service's pool). */
export const NODE_POOL_LABEL = 'platform/node-pool';

export const NODE_POOLS = ['standard', 'highmem'] as const;
export type NodePoolName = (typeof NODE_POOLS)[number];

export const DEFAULT_NODE_POOL: NodePoolName = 'standard';

export interface NodePoolFacts {
  readonly name: NodePoolName;
  /** Tainted: only pods that tolerate the taint land there, and only pods of its namespaces may tolerate it. */
  readonly dedicated: boolean;
  /** platform.yaml defaults (nodes per zone). */
  readonly machineType: string;
  readonly minNodes: number;
  readonly maxNodes: number;
}

export const NODE_POOL_FACTS: Readonly<Record<NodePoolName, NodePoolFacts>> = {
  standard: { name: 'standard', dedicated: false, machineType: 'n1-standard-4', minNodes: 1, maxNodes: 10 },
  highmem: { name: 'highmem', dedicated: true, machineType: 'n1-highmem-8', minNodes: 0, maxNodes: 4 },
};

/** Every pool, in NODE_POOLS order. */
export const ALL_NODE_POOLS: readonly NodePoolFacts[] = NODE_POOLS.map((name) => NODE_POOL_FACTS[name]);

/** The Kubernetes taint of a dedicated pool (GKE spells the effect NO_SCHEDULE in its API). */
export function nodePoolTaint(pool: NodePoolName): { key: string; value: string; effect: 'NoSchedule' } {
  return { key: NODE_POOL_LABEL, value: pool, effect: 'NoSchedule' };
}
