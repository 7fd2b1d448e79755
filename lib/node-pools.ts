// The facts about the cluster's node pools, in one place: the platform stack
// names, labels and taints the pools from them, team namespaces tell their
// pods what to declare from them, and the cluster stack's admission policy
// enforces placement from them.
import { NODE_POOLS, type NodePoolName } from './catalog/schema';

/** Node label every pool carries (value: the pool name); workloads select
 *  their pool with it, and dedicated pools carry it as a NoSchedule taint.
 *  Team namespaces carry it too (value: the service's pool). */
export const NODE_POOL_LABEL = 'platform/node-pool';

export interface NodePoolFacts {
  readonly name: NodePoolName;
  /** Tainted: only pods that tolerate the taint land there, and only pods of its namespaces may tolerate it. */
  readonly dedicated: boolean;
}

export const NODE_POOL_FACTS: Readonly<Record<NodePoolName, NodePoolFacts>> = {
  standard: { name: 'standard', dedicated: false },
  highmem: { name: 'highmem', dedicated: true },
};

/** Every pool, in NODE_POOLS order. */
export const ALL_NODE_POOLS: readonly NodePoolFacts[] = NODE_POOLS.map((name) => NODE_POOL_FACTS[name]);

/** The Kubernetes taint of a dedicated pool (GKE spells the effect NO_SCHEDULE in its API). */
export function nodePoolTaint(pool: NodePoolName): { key: string; value: string; effect: 'NoSchedule' } {
  return { key: NODE_POOL_LABEL, value: pool, effect: 'NoSchedule' };
}
