import { Testing, TerraformStack } from 'cdktf';
import { NON_INTERNET_RANGES, TeamNamespace, type TeamNamespaceProps } from '../../constructs/team-namespace';
import { TEAM_CLUSTER_ROLE } from '../../constructs/team-cluster-role';
import { POD_SECURITY_VERSION } from '../../lib/pod-security';
import { applyPolicies } from '../../lib/policy/aspect';
import { NODE_POOL_LABEL } from '../../constructs/gke-node-pool';
import { onlyResource, resourcesOf, synthScopeJson } from '../helpers';

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

  it('binds the team group to the team ClusterRole (not edit) in the namespace only', () => {
    const binding = onlyResource(json, 'kubernetes_role_binding_v1');
    expect(binding.subject).toEqual([{ api_group: 'rbac.authorization.k8s.io', kind: 'Group', name: 'ml@example.com' }]);
    expect(binding.role_ref).toEqual({ api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: TEAM_CLUSTER_ROLE });
    expect(TEAM_CLUSTER_ROLE).not.toBe('edit');
    expect(binding.metadata.namespace).toMatch(/kubernetes_namespace_v1\..*\.metadata\[0\]\.name/);
    expect(json.resource.kubernetes_cluster_role_binding_v1).toBeUndefined();
  });

  it('caps the namespace with a quota and no load balancers of its own', () => {
    expect(onlyResource(json, 'kubernetes_resource_quota_v1').spec.hard).toMatchObject({ 'requests.cpu': '32', 'limits.memory': '256Gi', pods: '50', 'services.loadbalancers': '0' });
  });

  it('gives containers default requests', () => {
    expect(onlyResource(json, 'kubernetes_limit_range_v1').spec.limit[0]).toMatchObject({ type: 'Container', default_request: { cpu: '500m', memory: '4Gi' } });
  });

  const policies = (built: typeof json) => Object.values(resourcesOf(built, 'kubernetes_network_policy_v1')) as Record<string, any>[];
  const ingressOf = (built: typeof json) => policies(built).find((p) => p.spec.policy_types[0] === 'Ingress')!;
  const egressOf = (built: typeof json) => policies(built).find((p) => p.spec.policy_types[0] === 'Egress')!;
  const byName = (namespace: string) => ({ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': namespace } } });

  it('admits ingress only from its own namespace and Google load balancers by default', () => {
    expect(policies(json)).toHaveLength(2);
    expect(ingressOf(json).metadata.name).toBe('default-ingress');
    expect(ingressOf(json).spec.ingress).toEqual([{ from: [byName('recommend-prod'), { ip_block: { cidr: '130.211.0.0/22' } }, { ip_block: { cidr: '35.191.0.0/16' } }] }]);
  });

  it('admits ingress from the namespaces of its callers, and egress to the namespaces it calls', () => {
    const built = synthScopeJson((scope) => new TeamNamespace(scope, 'Namespace', { ...props, callerNamespaces: ['gateway-prod'], calleeNamespaces: ['payment-prod'] }));
    expect(ingressOf(built).spec.ingress[0].from).toEqual([byName('recommend-prod'), byName('gateway-prod'), { ip_block: { cidr: '130.211.0.0/22' } }, { ip_block: { cidr: '35.191.0.0/16' } }]);
    expect(egressOf(built).spec.egress[0]).toEqual({ to: [byName('recommend-prod'), byName('payment-prod')] });
  });

  it('denies egress except DNS, the GKE metadata server, private endpoints by port and the internet through NAT', () => {
    const built = synthScopeJson((scope) => new TeamNamespace(scope, 'Namespace', { ...props, privateEndpoints: [{ cidr: '10.100.0.0/16', port: 3307 }] }));
    const egress = egressOf(built);
    expect(egress.metadata.name).toBe('default-egress');
    expect(egress.spec.pod_selector).toEqual({});
    expect(egress.spec.egress).toEqual([
      { to: [byName('recommend-prod')] },
      {
        to: [{ ...byName('kube-system'), pod_selector: { match_labels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { protocol: 'UDP', port: '53' },
          { protocol: 'TCP', port: '53' },
        ],
      },
      { to: [{ ip_block: { cidr: '169.254.169.254/32' } }], ports: [{ protocol: 'TCP', port: '80' }] },
      { to: [{ ip_block: { cidr: '169.254.169.252/32' } }], ports: [{ protocol: 'TCP', port: '988' }] },
      { to: [{ ip_block: { cidr: '10.100.0.0/16' } }], ports: [{ protocol: 'TCP', port: '3307' }] },
      { to: [{ ip_block: { cidr: '0.0.0.0/0', except: NON_INTERNET_RANGES } }] },
    ]);
    // The internet rule excludes every private range the VPC uses (nodes, pods, services, control plane, Cloud SQL).
    expect(NON_INTERNET_RANGES).toEqual(expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']));
  });

  it('enforces the restricted Pod Security Standard, pinned, with warn and audit', () => {
    const labels = onlyResource(json, 'kubernetes_namespace_v1').metadata.labels;
    expect(labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': POD_SECURITY_VERSION,
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': POD_SECURITY_VERSION,
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': POD_SECURITY_VERSION,
    });
    expect(POD_SECURITY_VERSION).toMatch(/^v1\.\d+$/);
  });

  it('enforces baseline as an exception: a waiver with the reason, warn and audit still restricted', () => {
    const log: string[] = [];
    const stack = new TerraformStack(Testing.app(), 'svc');
    applyPolicies(stack, { log: (line) => log.push(line) });
    new TeamNamespace(stack, 'Namespace', { ...props, podSecurity: { level: 'baseline', reason: 'The Elasticsearch sidecar needs to run as root for sysctl' } });
    const labels = onlyResource(JSON.parse(Testing.synth(stack)), 'kubernetes_namespace_v1').metadata.labels;
    expect(labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(labels['pod-security.kubernetes.io/warn']).toBe('restricted');
    expect(log).toEqual(['policy waiver: [svc/Namespace/Namespace] pod-security-restricted: baseline enforced: The Elasticsearch sidecar needs to run as root for sysctl']);
  });

  it('fails for baseline without a reason, and for privileged', () => {
    expect(() => Testing.synthScope((scope) => new TeamNamespace(scope, 'Namespace', { ...props, podSecurity: { level: 'baseline' } }))).toThrow(/podSecurity\.reason is required with level baseline/);
    expect(() => Testing.synthScope((scope) => new TeamNamespace(scope, 'Namespace', { ...props, podSecurity: { level: 'privileged' as 'baseline', reason: 'x'.repeat(30) } }))).toThrow(
      /privileged is never allowed/,
    );
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
