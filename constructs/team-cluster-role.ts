import { Construct } from 'constructs';
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import type { Labels } from '../lib/labels';

/** The ClusterRole every team namespace binds its group to (instead of `edit`). */
export const TEAM_CLUSTER_ROLE = 'platform-team';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const READ_WRITE = [...READ, ...WRITE];

export interface RbacRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/**
 * What the built-in `edit` role gives (Kubernetes 1.34 bootstrap policy,
 * aggregate-to-edit and aggregate-to-view), minus writing NetworkPolicies:
 * run workloads, Services, Ingresses, ConfigMaps, Secrets and volumes, and
 * read everything else of the namespace, including its NetworkPolicies,
 * ResourceQuota, LimitRange and the namespace itself (which `edit` never
 * writes either). A team that could delete its NetworkPolicy or relabel its
 * namespace (Pod Security, node pool) could undo its isolation.
 */
export const TEAM_ROLE_RULES: readonly RbacRule[] = [
  // Workloads and their operations.
  { apiGroups: [''], resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], verbs: READ_WRITE },
  { apiGroups: [''], resources: ['pods/eviction', 'serviceaccounts/token'], verbs: ['create'] },
  { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
  {
    apiGroups: [''],
    resources: ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy'],
    verbs: READ_WRITE,
  },
  {
    apiGroups: ['apps'],
    resources: ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale'],
    verbs: READ_WRITE,
  },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ_WRITE },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: READ_WRITE },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: READ_WRITE },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: READ_WRITE },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: READ_WRITE },
  // Read-only: the namespace's guard rails and status.
  {
    apiGroups: [''],
    resources: [
      'bindings',
      'endpoints',
      'limitranges',
      'namespaces',
      'namespaces/status',
      'persistentvolumeclaims/status',
      'pods/log',
      'pods/status',
      'replicationcontrollers/status',
      'resourcequotas',
      'resourcequotas/status',
      'services/status',
    ],
    verbs: READ,
  },
  { apiGroups: ['apps'], resources: ['controllerrevisions', 'daemonsets/status', 'deployments/status', 'replicasets/status', 'statefulsets/status'], verbs: READ },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers/status'], verbs: READ },
  { apiGroups: ['batch'], resources: ['cronjobs/status', 'jobs/status'], verbs: READ },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets/status'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses/status', 'networkpolicies'], verbs: READ },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
];

/** What a team may never write in its namespace (tests and docs check the rules against it). */
export const TEAM_READ_ONLY_RESOURCES = ['networkpolicies', 'resourcequotas', 'limitranges', 'namespaces'] as const;

export interface TeamClusterRoleProps {
  readonly labels: Labels;
}

/**
 * The team role, once per cluster; each team namespace binds its group to it
 * with a RoleBinding, so it applies in that namespace only.
 */
export class TeamClusterRole extends Construct {
  readonly role: ClusterRoleV1;

  constructor(scope: Construct, id: string, props: TeamClusterRoleProps) {
    super(scope, id);
    this.role = new ClusterRoleV1(this, 'Role', {
      metadata: { name: TEAM_CLUSTER_ROLE, labels: { ...props.labels } },
      rule: TEAM_ROLE_RULES.map((rule) => ({ apiGroups: [...rule.apiGroups], resources: [...rule.resources], verbs: [...rule.verbs] })),
    });
  }
}
