import { Testing } from 'cdktf';
import { TeamNamespace, type TeamNamespaceProps } from '../../constructs/team-namespace';
import { NODE_POOL_LABEL } from '../../constructs/gke-node-pool';
import { onlyResource, synthScopeJson } from '../helpers';

const labels = { service: 'recommend', team: 'ml', environment: 'production', 'managed-by': 'cdktf' };
const props: TeamNamespaceProps = {
  name: 'recommend-prod',
  ownerGroup: 'ml@example.com',
  labels,
  nodePool: 'highmem',
  quota: { cpu: '32', memory: '256Gi', pods: 50 },
  serviceAccount: { name: 'recommend', googleServiceAccountEmail: 'application@acme-recommend-prod.iam.gserviceaccount.com' },
};

describe('TeamNamespace', () => {
  const json = synthScopeJson((scope) => new TeamNamespace(scope, 'Namespace', props));

  it('labels the namespace with its node pool and says which toleration pods need', () => {
    const namespace = onlyResource(json, 'kubernetes_namespace_v1');
    expect(namespace.metadata.name).toBe('recommend-prod');
    expect(namespace.metadata.labels).toMatchObject({ ...labels, [NODE_POOL_LABEL]: 'highmem' });
    expect(namespace.metadata.annotations['platform/toleration']).toBe(`${NODE_POOL_LABEL}=highmem:NoSchedule`);
  });

  it('binds the team group to the edit role in the namespace only', () => {
    const binding = onlyResource(json, 'kubernetes_role_binding_v1');
    expect(binding.subject).toEqual([{ api_group: 'rbac.authorization.k8s.io', kind: 'Group', name: 'ml@example.com' }]);
    expect(binding.role_ref).toEqual({ api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' });
    expect(binding.metadata.namespace).toMatch(/kubernetes_namespace_v1\..*\.metadata\[0\]\.name/);
    expect(json.resource.kubernetes_cluster_role_binding_v1).toBeUndefined();
  });

  it('caps the namespace with a quota and no load balancers of its own', () => {
    expect(onlyResource(json, 'kubernetes_resource_quota_v1').spec.hard).toMatchObject({ 'requests.cpu': '32', 'limits.memory': '256Gi', pods: '50', 'services.loadbalancers': '0' });
  });

  it('gives containers default requests', () => {
    expect(onlyResource(json, 'kubernetes_limit_range_v1').spec.limit[0]).toMatchObject({ type: 'Container', default_request: { cpu: '500m', memory: '4Gi' } });
  });

  it('admits ingress only from its own namespace and Google load balancers', () => {
    const policy = onlyResource(json, 'kubernetes_network_policy_v1');
    expect(policy.spec.policy_types).toEqual(['Ingress']);
    expect(policy.spec.ingress[0].from).toEqual([
      { namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'recommend-prod' } } },
      { ip_block: { cidr: '130.211.0.0/22' } },
      { ip_block: { cidr: '35.191.0.0/16' } },
    ]);
  });

  it('annotates the service account for Workload Identity and does not automount tokens', () => {
    const sa = onlyResource(json, 'kubernetes_service_account_v1');
    expect(sa.metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': props.serviceAccount!.googleServiceAccountEmail });
    expect(sa.automount_service_account_token).toBe(false);
  });

  it('has no toleration note on the standard pool', () => {
    const standard = onlyResource(synthScopeJson((scope) => new TeamNamespace(scope, 'Namespace', { ...props, nodePool: 'standard' })), 'kubernetes_namespace_v1');
    expect(standard.metadata.annotations['platform/toleration']).toBeUndefined();
  });

  it('fails if the name is not a DNS label or the group not an email', () => {
    expect(() => Testing.synthScope((scope) => new TeamNamespace(scope, 'Namespace', { ...props, name: 'Bad_NS', ownerGroup: 'ml' }))).toThrow(
      /name "Bad_NS" must be a DNS-1123 label[\s\S]*ownerGroup "ml" must be a group email/,
    );
  });
});
