import { Construct } from 'constructs';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1';
import { LimitRangeV1 } from '@cdktf/provider-kubernetes/lib/limit-range-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import type { Labels } from '../lib/labels';
import { PATTERNS, throwIfProblems } from '../lib/props';
import { NODE_POOL_FACTS, NODE_POOL_LABEL, type NodePoolName } from '../lib/domain/node-pools';

/** Google front ends: load balancer and health-check traffic to NEG backends. */
export const GOOGLE_FRONT_END_RANGES = ['130.211.0.0/22', '35.191.0.0/16'];

export interface TeamNamespaceProps {
  /** DNS-1123 label, e.g. payment-prod. */
  readonly name: string;
  /** Google group whose members may edit everything in the namespace (GKE Google Groups for RBAC). */
  readonly ownerGroup: string;
  readonly labels: Labels;
  /** Where the namespace's workloads run. @default standard */
  readonly nodePool?: NodePoolName;
  /** The pool is tainted: pods need a toleration. @default the pool's fact (true for highmem) */
  readonly dedicatedNodePool?: boolean;
  /** Hard limits for the namespace. */
  readonly quota: { readonly cpu: string; readonly memory: string; readonly pods: number };
  /** The application's Kubernetes service account. @default no service account */
  readonly serviceAccount?: { readonly name: string; readonly googleServiceAccountEmail: string };
}

/**
 * A team's namespace in the shared cluster: RBAC for its group, a
 * ResourceQuota, a LimitRange so every container has requests, and a default
 * NetworkPolicy admitting only traffic from its own namespace and Google's
 * load balancers.
 */
export class TeamNamespace extends Construct {
  readonly namespace: NamespaceV1;
  readonly name: string;

  constructor(scope: Construct, id: string, props: TeamNamespaceProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!PATTERNS.dnsLabel.test(props.name)) problems.push(`name "${props.name}" must be a DNS-1123 label (e.g. "payment-prod")`);
    if (!PATTERNS.email.test(props.ownerGroup)) problems.push(`ownerGroup "${props.ownerGroup}" must be a group email (e.g. "payments@example.com")`);
    throwIfProblems('TeamNamespace', this.node.path, problems);

    this.name = props.name;
    const nodePool = props.nodePool ?? 'standard';
    const dedicated = props.dedicatedNodePool ?? NODE_POOL_FACTS[nodePool].dedicated;
    const labels = { ...props.labels, [NODE_POOL_LABEL]: nodePool };
    this.namespace = new NamespaceV1(this, 'Namespace', {
      metadata: {
        name: props.name,
        labels,
        annotations: {
          // Read by deploy tooling and reviewers: what pods must declare to land on the pool.
          'platform/node-selector': `${NODE_POOL_LABEL}=${nodePool}`,
          ...(dedicated ? { 'platform/toleration': `${NODE_POOL_LABEL}=${nodePool}:NoSchedule` } : {}),
        },
      },
      waitForDefaultServiceAccount: false,
    });
    const metadata = (name: string) => ({ name, namespace: this.namespace.metadata.name, labels });
    new RoleBindingV1(this, 'OwnerRoleBinding', {
      metadata: metadata('team-edit'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subject: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: props.ownerGroup }],
    });
    new ResourceQuotaV1(this, 'ResourceQuota', {
      metadata: metadata('team-quota'),
      spec: {
        hard: {
          'requests.cpu': props.quota.cpu,
          'limits.cpu': props.quota.cpu,
          'requests.memory': props.quota.memory,
          'limits.memory': props.quota.memory,
          pods: String(props.quota.pods),
          'services.loadbalancers': '0',
          'services.nodeports': '0',
        },
      },
    });
    new LimitRangeV1(this, 'LimitRange', {
      metadata: metadata('container-defaults'),
      spec: {
        limit: [
          {
            type: 'Container',
            defaultRequest: dedicated ? { cpu: '500m', memory: '4Gi' } : { cpu: '100m', memory: '256Mi' },
            default: dedicated ? { cpu: '2', memory: '16Gi' } : { cpu: '500m', memory: '512Mi' },
          },
        ],
      },
    });
    new NetworkPolicyV1(this, 'DefaultNetworkPolicy', {
      metadata: metadata('default-ingress'),
      spec: {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.name } } },
              ...GOOGLE_FRONT_END_RANGES.map((cidr) => ({ ipBlock: { cidr } })),
            ],
          },
        ],
      },
    });
    if (props.serviceAccount) {
      new ServiceAccountV1(this, 'ServiceAccount', {
        metadata: {
          ...metadata(props.serviceAccount.name),
          annotations: { 'iam.gke.io/gcp-service-account': props.serviceAccount.googleServiceAccountEmail },
        },
        automountServiceAccountToken: false,
      });
    }
  }
}
