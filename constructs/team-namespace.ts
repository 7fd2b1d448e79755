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
import { podSecurityLabels, type PodSecurityLevel } from '../lib/pod-security';
import { waive } from '../lib/policy/waivers';
import { TEAM_CLUSTER_ROLE } from './team-cluster-role';

/** Google front ends: load balancer and health-check traffic to NEG backends. */
export const GOOGLE_FRONT_END_RANGES = ['130.211.0.0/22', '35.191.0.0/16'];

/**
 * The GKE metadata server as pods reach it with Workload Identity on Dataplane
 * V2: 169.254.169.254:80 (the metadata API) and 169.254.169.252:988 (the
 * metadata server itself); without both, pods get no Google credentials.
 */
export const METADATA_SERVER_EGRESS = [
  { cidr: '169.254.169.254/32', protocol: 'TCP', port: 80 },
  { cidr: '169.254.169.252/32', protocol: 'TCP', port: 988 },
] as const;

/**
 * Addresses that are not the internet: the VPC (nodes, pods, services, the
 * control plane, private services such as Cloud SQL), shared address space
 * and link-local. Egress to every other address goes out through Cloud NAT
 * (Google APIs too, through Private Google Access).
 */
export const NON_INTERNET_RANGES = ['10.0.0.0/8', '100.64.0.0/10', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'];

/** A private endpoint pods of the namespace may reach (e.g. the service's Cloud SQL on private service access). */
export interface PrivateEndpoint {
  readonly cidr: string;
  readonly port: number;
}

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
  /** Namespaces whose pods may call this one's. @default none: the namespace itself and Google's load balancers only */
  readonly callerNamespaces?: readonly string[];
  /** Namespaces this one's pods call. @default none: the namespace itself only */
  readonly calleeNamespaces?: readonly string[];
  /** Private addresses in the VPC the pods reach, by port (e.g. Cloud SQL). @default none */
  readonly privateEndpoints?: readonly PrivateEndpoint[];
  /**
   * Pod Security Standard enforced: `baseline` is an exception that needs a
   * reason (printed on every synth as a policy waiver); warn and audit stay
   * restricted. @default restricted
   */
  readonly podSecurity?: { readonly level: PodSecurityLevel; readonly reason?: string };
}

/**
 * A team's namespace in the shared cluster: Pod Security Standards
 * (restricted, pinned), its group bound to the team ClusterRole (edit minus
 * NetworkPolicies), a ResourceQuota, a LimitRange so every container has
 * requests, a default NetworkPolicy admitting only its own namespace, the
 * namespaces of its callers and Google's load balancers, and default-deny
 * egress except DNS, the metadata server, the internet through NAT and the
 * namespaces it calls.
 */
export class TeamNamespace extends Construct {
  readonly namespace: NamespaceV1;
  readonly name: string;

  constructor(scope: Construct, id: string, props: TeamNamespaceProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!PATTERNS.dnsLabel.test(props.name)) problems.push(`name "${props.name}" must be a DNS-1123 label (e.g. "payment-prod")`);
    if (!PATTERNS.email.test(props.ownerGroup)) problems.push(`ownerGroup "${props.ownerGroup}" must be a group email (e.g. "payments@example.com")`);
    for (const namespace of [...(props.callerNamespaces ?? []), ...(props.calleeNamespaces ?? [])]) {
      if (!PATTERNS.dnsLabel.test(namespace)) problems.push(`namespace "${namespace}" in callerNamespaces/calleeNamespaces must be a DNS-1123 label (e.g. "gateway-prod")`);
    }
    const podSecurity = props.podSecurity ?? { level: 'restricted' };
    if ((podSecurity.level as string) === 'privileged') problems.push('podSecurity.level privileged is never allowed: use baseline with a reason');
    if (podSecurity.level === 'baseline' && (podSecurity.reason ?? '').trim().length < 20) {
      problems.push('podSecurity.reason is required with level baseline: at least 20 characters saying why restricted cannot be met');
    }
    throwIfProblems('TeamNamespace', this.node.path, problems);

    this.name = props.name;
    const nodePool = props.nodePool ?? 'standard';
    const dedicated = props.dedicatedNodePool ?? NODE_POOL_FACTS[nodePool].dedicated;
    const labels = { ...props.labels, [NODE_POOL_LABEL]: nodePool };
    this.namespace = new NamespaceV1(this, 'Namespace', {
      metadata: {
        name: props.name,
        labels: { ...labels, ...podSecurityLabels(podSecurity.level) },
        annotations: {
          // Read by deploy tooling and reviewers: what pods must declare to land on the pool.
          'platform/node-selector': `${NODE_POOL_LABEL}=${nodePool}`,
          ...(dedicated ? { 'platform/toleration': `${NODE_POOL_LABEL}=${nodePool}:NoSchedule` } : {}),
        },
      },
      waitForDefaultServiceAccount: false,
    });
    if (podSecurity.level === 'baseline') waive(this.namespace, 'pod-security-restricted', `baseline enforced: ${podSecurity.reason?.trim()}`);
    const metadata = (name: string) => ({ name, namespace: this.namespace.metadata.name, labels });
    new RoleBindingV1(this, 'OwnerRoleBinding', {
      metadata: metadata('team-edit'),
      // Not `edit`: it could delete the NetworkPolicies below (constructs/team-cluster-role.ts).
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: TEAM_CLUSTER_ROLE },
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
              ...[props.name, ...(props.callerNamespaces ?? [])].map(namespaceSelector),
              ...GOOGLE_FRONT_END_RANGES.map((cidr) => ({ ipBlock: { cidr } })),
            ],
          },
        ],
      },
    });
    new NetworkPolicyV1(this, 'DefaultEgressPolicy', {
      metadata: metadata('default-egress'),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          { to: [props.name, ...(props.calleeNamespaces ?? [])].map(namespaceSelector) },
          {
            to: [{ ...namespaceSelector('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: ['UDP', 'TCP'].map((protocol) => ({ protocol, port: '53' })),
          },
          ...[...METADATA_SERVER_EGRESS, ...(props.privateEndpoints ?? []).map((endpoint) => ({ ...endpoint, protocol: 'TCP' }))].map(({ cidr, protocol, port }) => ({
            to: [{ ipBlock: { cidr } }],
            ports: [{ protocol, port: String(port) }],
          })),
          { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...NON_INTERNET_RANGES] } }] },
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

function namespaceSelector(name: string) {
  return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } };
}
