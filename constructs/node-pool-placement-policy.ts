import { Construct } from 'constructs';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import type { Labels } from '../lib/labels';
import { NODE_POOL_LABEL, nodePoolTaint, type NodePoolFacts } from '../lib/domain/node-pools';
import { throwIfProblems } from '../lib/props';

export interface NodePoolPlacementPolicyProps {
  /** The cluster's pools (lib/node-pools.ts): the dedicated ones are enforced. */
  readonly pools: readonly NodePoolFacts[];
  readonly labels: Labels;
  /** Name of the ValidatingAdmissionPolicy and its binding. @default platform-node-pool-placement */
  readonly name?: string;
}

/** `has(t.<field>) && t.<field> == '<value>'` for an optional toleration field. */
function equals(field: string, value: string): string {
  return `(has(t.${field}) && t.${field} == '${value}')`;
}

/**
 * CEL: toleration `t` tolerates the pool's NoSchedule taint, as the scheduler
 * decides it (a key-less Exists tolerates every taint; an empty effect matches
 * every effect).
 */
export function toleratesTaintExpression(pool: NodePoolFacts): string {
  const taint = nodePoolTaint(pool.name);
  const exists = equals('operator', 'Exists');
  const key = `(${equals('key', taint.key)} || ((!has(t.key) || t.key == '') && ${exists}))`;
  const value = `(${exists} || ${equals('value', taint.value)})`;
  const effect = `(!has(t.effect) || t.effect == '' || t.effect == '${taint.effect}')`;
  return `${key} && ${value} && ${effect}`;
}

/** The ValidatingAdmissionPolicy's validations: three per dedicated pool, each with its message. */
export function placementValidations(pools: readonly NodePoolFacts[]): { expression: string; message: string }[] {
  return pools
    .filter((pool) => pool.dedicated)
    .flatMap((pool) => {
      const name = pool.name;
      const tolerates = `variables.tolerations.exists(t, ${toleratesTaintExpression(pool)})`;
      return [
        {
          expression: `variables.pool != '${name}' || (has(object.spec.nodeSelector) && '${NODE_POOL_LABEL}' in object.spec.nodeSelector && object.spec.nodeSelector['${NODE_POOL_LABEL}'] == '${name}')`,
          message: `pods in ${name} namespaces must run on the ${name} pool: set spec.nodeSelector ${NODE_POOL_LABEL}: ${name}`,
        },
        {
          expression: `variables.pool != '${name}' || ${tolerates}`,
          message: `pods in ${name} namespaces must tolerate the ${name} pool's taint: add the toleration {key: ${NODE_POOL_LABEL}, operator: Equal, value: ${name}, effect: NoSchedule}`,
        },
        {
          expression: `variables.pool == '${name}' || !${tolerates}`,
          message: `only pods in ${name} namespaces may tolerate the ${name} pool's taint (${NODE_POOL_LABEL}=${name}:NoSchedule); remove the toleration (a key-less operator: Exists toleration tolerates it too), or move the service to nodePool: ${name} in its catalog file`,
        },
      ];
    });
}

/**
 * Node pool placement, enforced by the API server with a built-in
 * ValidatingAdmissionPolicy (GA in Kubernetes 1.30): pods in a namespace of a
 * dedicated pool (namespace label `platform/node-pool`) must select that pool
 * and tolerate its taint; pods of other team namespaces may not tolerate it.
 * Only namespaces carrying the label are matched (every team namespace; a team
 * cannot change it, see TEAM_CLUSTER_ROLE): system DaemonSets that tolerate
 * every taint are not affected. kubernetes_manifest, because the kubernetes
 * provider 2.38 has no resource for these kinds; it needs the API server at
 * plan time, so it lives in the cluster stack, applied after the platform stack.
 */
export class NodePoolPlacementPolicy extends Construct {
  readonly policy: Manifest;
  readonly binding: Manifest;
  readonly name: string;

  constructor(scope: Construct, id: string, props: NodePoolPlacementPolicyProps) {
    super(scope, id);
    this.name = props.name ?? 'platform-node-pool-placement';
    const problems: string[] = [];
    if (!props.pools.some((pool) => pool.dedicated)) problems.push('pools has no dedicated pool: there is nothing to enforce; pass NODE_POOL_FACTS from lib/node-pools.ts');
    if (!/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(this.name)) problems.push(`name "${this.name}" must be a DNS subdomain (e.g. "platform-node-pool-placement")`);
    throwIfProblems('NodePoolPlacementPolicy', this.node.path, problems);

    const metadata = { name: this.name, labels: { ...props.labels } };
    this.policy = new Manifest(this, 'Policy', {
      manifest: {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata,
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: {
            namespaceSelector: { matchExpressions: [{ key: NODE_POOL_LABEL, operator: 'Exists' }] },
            resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }],
          },
          variables: [
            { name: 'pool', expression: `namespaceObject.metadata.labels['${NODE_POOL_LABEL}']` },
            { name: 'tolerations', expression: 'has(object.spec.tolerations) ? object.spec.tolerations : []' },
          ],
          validations: placementValidations(props.pools),
        },
      },
    });
    this.binding = new Manifest(this, 'Binding', {
      manifest: {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata,
        spec: { policyName: this.name, validationActions: ['Deny'] },
      },
      dependsOn: [this.policy],
    });
  }
}
