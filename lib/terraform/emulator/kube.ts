// The Kubernetes side of the stacks applied to a real kube-apiserver on
// loopback (etcd + kube-apiserver + kube-controller-manager, no kubelet:
// pods are admitted or refused, never run), then the behaviour checked with
// kubectl. The checks are derived from what was applied: every namespace's
// team bindings, quotas, limit ranges, Pod Security labels and admission
// policies.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { firstError, initWithoutBackend, terraform, type TerraformSetup } from '../cli';
import { resourcesOf, type StackJson, type SynthesizedStack } from '../stacks';
import { hasKubernetesResources, kubernetesCopy } from './kube-copy';
import { freePort, httpOk, type Servers } from './servers';
import { apply, planIsClean, type Steps } from './steps';
import { ALL_NODE_POOLS, NODE_POOL_LABEL } from '../../domain/node-pools';
import { TEAM_CLUSTER_ROLE, TEAM_READ_ONLY_RESOURCES } from '../../../constructs/team-cluster-role';

export const KUBE_VERSION = '1.34.2';
const ADMIN_TOKEN = 'admin-token';

/** Where ../shared/kube/build.sh puts kube-apiserver and kube-controller-manager. */
export function kubeBinDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KUBE_BIN_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), `kube-${KUBE_VERSION}`);
}

/** Order of application: cluster-wide objects (cluster-* stacks) before the namespaces of services. */
const KIND_ORDER = ['platform', 'cluster', 'service'];

/** The stacks whose Kubernetes side is applied, in apply order. */
export function kubernetesStacks(stacks: readonly SynthesizedStack[]): SynthesizedStack[] {
  const rank = (kind: string) => (KIND_ORDER.includes(kind) ? KIND_ORDER.indexOf(kind) : KIND_ORDER.length);
  return stacks.filter((s) => hasKubernetesResources(s.json)).sort((a, b) => rank(a.kind) - rank(b.kind) || a.name.localeCompare(b.name));
}

interface LocalCluster {
  readonly host: string;
  readonly kubeconfig: string;
}

function requireTool(path: string, fix: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: ${fix}`);
}

function which(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

async function startCluster(dir: string, servers: Servers, steps: Steps): Promise<LocalCluster | undefined> {
  const bin = kubeBinDir();
  let cluster: LocalCluster | undefined;
  await steps.run('kube: etcd, kube-apiserver and kube-controller-manager on loopback', async () => {
    const etcd = which('etcd') ?? '/usr/bin/etcd';
    requireTool(etcd, 'install it (apt-get install -y etcd-server)');
    requireTool(join(bin, 'kube-apiserver'), 'build it once: bash ../shared/kube/build.sh (or set KUBE_BIN_DIR)');
    if (!which('kubectl')) throw new Error('kubectl is not on PATH: install it (apt-get install -y kubectl)');
    mkdirSync(join(dir, 'certs'), { recursive: true });
    execFileSync('openssl', ['genrsa', '-out', join(dir, 'sa.key'), '2048'], { stdio: 'ignore' });
    execFileSync('openssl', ['rsa', '-in', join(dir, 'sa.key'), '-pubout', '-out', join(dir, 'sa.pub')], { stdio: 'ignore' });
    writeFileSync(join(dir, 'tokens.csv'), `${ADMIN_TOKEN},admin,admin,system:masters\n`);
    const [etcdClient, etcdPeer, apiPort, controllerPort] = [await freePort(), await freePort(), await freePort(), await freePort()];

    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const etcdServer = servers.start('etcd', etcd, [
      '--data-dir', join(dir, 'etcd'),
      '--listen-client-urls', etcdUrl,
      '--advertise-client-urls', etcdUrl,
      '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`,
      '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
      '--initial-cluster', `default=http://127.0.0.1:${etcdPeer}`,
    ], join(dir, 'etcd.log'));
    await servers.waitUntilReady(etcdServer, () => httpOk(`${etcdUrl}/health`), 60);

    const host = `https://127.0.0.1:${apiPort}`;
    // --allow-privileged as on GKE: the upstream default would refuse every
    // privileged pod and hide a missing Pod Security label.
    const api = servers.start('kube-apiserver', join(bin, 'kube-apiserver'), [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, 'certs')}`,
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--authorization-mode=RBAC',
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--service-cluster-ip-range=10.96.0.0/12',
      '--endpoint-reconciler-type=none',
      '--allow-privileged=true',
    ], join(dir, 'kube-apiserver.log'));
    await servers.waitUntilReady(api, () => httpOk(`${host}/readyz`, { Authorization: `Bearer ${ADMIN_TOKEN}` }), 120);

    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigText(host));
    // resourcequota fills a quota's status (the provider waits for it);
    // clusterrole-aggregation fills the built-in edit/admin/view roles.
    const controller = servers.start('kube-controller-manager', join(bin, 'kube-controller-manager'), [
      `--kubeconfig=${kubeconfig}`,
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${controllerPort}`,
      `--service-account-private-key-file=${join(dir, 'sa.key')}`,
      '--controllers=namespace-controller,serviceaccount-controller,serviceaccount-token-controller,garbage-collector-controller,resourcequota-controller,clusterrole-aggregation-controller',
    ], join(dir, 'kube-controller-manager.log'));
    await servers.waitUntilReady(controller, async () => kubectl(kubeconfig, ['get', 'clusterrole', 'edit', '-o', 'jsonpath={.rules[*].verbs}']).stdout.includes('create'), 120);
    cluster = { host, kubeconfig };
    return `${host}, pids ${etcdServer.pid}, ${api.pid}, ${controller.pid}`;
  });
  return cluster;
}

function kubeconfigText(host: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters: [{name: local, cluster: {server: "' + host + '", insecure-skip-tls-verify: true}}]',
    `users: [{name: admin, user: {token: ${ADMIN_TOKEN}}}]`,
    'contexts: [{name: local, context: {cluster: local, user: admin}}]',
    'current-context: local',
    '',
  ].join('\n');
}

function kubectl(kubeconfig: string, args: readonly string[], input?: string): { code: number; stdout: string; stderr: string } {
  const result = spawnSync('kubectl', [`--kubeconfig=${kubeconfig}`, ...args], { encoding: 'utf8', input, timeout: 60_000 });
  return { code: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

export async function runKubernetesOnApiServer(setup: TerraformSetup, stacks: readonly SynthesizedStack[], servers: Servers, steps: Steps): Promise<void> {
  const selected = kubernetesStacks(stacks);
  if (selected.length === 0) {
    steps.note('kube: no stack manages Kubernetes objects: nothing to apply');
    return;
  }
  const dir = join(setup.workDir, 'emulator', 'kube');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const cluster = await startCluster(dir, servers, steps);
  if (!cluster) return;

  const applied: { stack: SynthesizedStack; json: StackJson; dir: string }[] = [];
  for (const stack of selected) {
    const copy = kubernetesCopy(stack.json, { host: cluster.host, token: ADMIN_TOKEN });
    const stackDir = join(dir, 'stacks', stack.name);
    mkdirSync(stackDir, { recursive: true });
    writeFileSync(join(stackDir, 'main.tf.json'), JSON.stringify(copy.json, null, 2));
    const ok = await steps.run(`kube: apply ${stack.name} (${copy.kept} Kubernetes objects; left out: ${droppedSummary(copy.dropped)})`, async () => {
      const init = await initWithoutBackend(setup, stackDir);
      if (init.code !== 0) throw new Error(firstError(init));
      return `${await apply(setup, stackDir, steps)} resources added`;
    });
    if (ok) applied.push({ stack, json: copy.json, dir: stackDir });
  }
  for (const { stack, dir: stackDir } of applied) {
    await steps.run(`kube: second plan of ${stack.name} shows no changes`, async () => {
      await planIsClean(setup, stackDir, steps);
      return '';
    });
  }
  const namespaces = applied.flatMap(({ json }) => resourcesOf(json, 'kubernetes_namespace_v1').map((r) => r.config as unknown as NamespaceConfig));
  // One team may own several namespaces (a service's environments share its group).
  const owned = new Map<string, Set<string>>();
  for (const { json } of applied) {
    for (const { config } of resourcesOf(json, 'kubernetes_role_binding_v1')) {
      const binding = config as { metadata: { namespace?: string }; subject: { kind: string; name: string }[] };
      const namespace = resolveNamespace(json, binding.metadata.namespace);
      for (const subject of binding.subject.filter((s) => s.kind === 'Group')) owned.set(subject.name, (owned.get(subject.name) ?? new Set()).add(namespace));
    }
  }
  for (const { stack, json } of applied) await checkBehaviour(cluster.kubeconfig, stack.name, json, namespaces, owned, steps);
  for (const { stack, dir: stackDir } of [...applied].reverse()) {
    await steps.run(`kube: destroy ${stack.name} (namespaces delete cleanly)`, async () => {
      const result = await terraform(setup, stackDir, ['destroy', '-auto-approve', '-input=false', '-no-color']);
      if (result.code !== 0) throw new Error(firstError(result));
      return /Resources: (\d+) destroyed/.exec(result.stdout)?.[0] ?? '';
    });
  }
}

function droppedSummary(dropped: Record<string, number>): string {
  const byProvider: Record<string, number> = {};
  for (const [type, count] of Object.entries(dropped)) byProvider[type.split('_')[0]] = (byProvider[type.split('_')[0]] ?? 0) + count;
  const parts = Object.entries(byProvider).map(([provider, count]) => `${count} ${provider}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing';
}

interface NamespaceConfig {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
}

/** Every check a stack's applied objects call for. */
async function checkBehaviour(
  kubeconfig: string,
  stackName: string,
  json: StackJson,
  allNamespaces: NamespaceConfig[],
  owned: ReadonlyMap<string, ReadonlySet<string>>,
  steps: Steps,
): Promise<void> {
  const namespaceOf = (config: Record<string, unknown>) => resolveNamespace(json, (config.metadata as { namespace?: string }).namespace);
  for (const { config } of resourcesOf(json, 'kubernetes_role_binding_v1')) {
    const binding = config as { metadata: { namespace?: string }; role_ref: { name: string }; subject: { kind: string; name: string }[] };
    const namespace = namespaceOf(config);
    for (const group of binding.subject.filter((s) => s.kind === 'Group').map((s) => s.name)) {
      const others = allNamespaces.map((n) => n.metadata.name).filter((n) => n !== namespace && !owned.get(group)?.has(n));
      await steps.run(`kube: ${group} (ClusterRole ${binding.role_ref.name}) works in ${namespace} and in no namespace it does not own`, async () => {
        const as = ['--as=member@example.com', `--as-group=${group}`];
        const can = (verb: string, resource: string, ns: string) => kubectl(kubeconfig, ['auth', 'can-i', verb, resource, '-n', ns, ...as]).stdout.trim();
        const problems: string[] = [];
        for (const [verb, resource] of [['create', 'deployments.apps'], ['delete', 'pods'], ['get', 'secrets']]) {
          if (can(verb, resource, namespace) !== 'yes') problems.push(`cannot ${verb} ${resource} in ${namespace}`);
        }
        // The team cannot grant access, even in its own namespace.
        if (can('create', 'rolebindings.rbac.authorization.k8s.io', namespace) !== 'no') problems.push(`can create rolebindings in ${namespace}`);
        for (const other of [...others, 'default', 'kube-system']) {
          if (can('get', 'pods', other) !== 'no') problems.push(`can get pods in ${other}`);
        }
        if (can('create', 'namespaces', 'default') !== 'no') problems.push('can create namespaces');
        // The platform's team role keeps the namespace's guard rails read-only.
        if (binding.role_ref.name === TEAM_CLUSTER_ROLE) {
          for (const resource of TEAM_READ_ONLY_RESOURCES) {
            if (can('update', resource, namespace) !== 'no') problems.push(`can update ${resource} in ${namespace}`);
          }
        }
        if (problems.length > 0) throw new Error(problems.join('; '));
        return `allowed in ${namespace}; refused in ${[...others, 'default', 'kube-system'].join(', ')}`;
      });
    }
  }
  for (const { config } of resourcesOf(json, 'kubernetes_resource_quota_v1')) {
    const quota = config as { metadata: { name: string }; spec: { hard: Record<string, string> } };
    const namespace = namespaceOf(config);
    const ns = allNamespaces.find((n) => n.metadata.name === namespace);
    await steps.run(`kube: quota ${quota.metadata.name} in force in ${namespace}`, async () => {
      const status = JSON.parse(kubectl(kubeconfig, ['get', 'resourcequota', quota.metadata.name, '-n', namespace, '-o', 'json']).stdout || '{}').status ?? {};
      const problems: string[] = [];
      const missing = Object.keys(quota.spec.hard).filter((key) => !(key in (status.hard ?? {})));
      if (missing.length > 0 || !status.used) problems.push(`status not enforced yet (missing ${missing.join(', ') || 'used'})`);
      const checks: [string, object, RegExp][] = [];
      if (quota.spec.hard['services.loadbalancers'] === '0') checks.push(['a LoadBalancer Service', service(namespace, 'LoadBalancer'), /exceeded quota/]);
      if (quota.spec.hard['services.nodeports'] === '0') checks.push(['a NodePort Service', service(namespace, 'NodePort'), /exceeded quota/]);
      if (quota.spec.hard['requests.cpu']) {
        const tooMuch = `${Math.ceil(cpuCores(quota.spec.hard['requests.cpu']) + 1)}`;
        checks.push([`a pod requesting ${tooMuch} CPUs`, pod(namespace, ns, { requests: { cpu: tooMuch }, limits: { cpu: tooMuch } }), /exceeded quota/]);
      }
      for (const [what, manifest, refusal] of checks) {
        const result = createDryRun(kubeconfig, manifest);
        if (result.code === 0 || !refusal.test(result.stderr)) problems.push(`${what} was not refused by the quota: ${result.stderr.trim() || 'admitted'}`);
      }
      if (problems.length > 0) throw new Error(problems.join('\n'));
      return `refused: ${checks.map(([what]) => what).join(', ')}`;
    });
  }
  for (const { config } of resourcesOf(json, 'kubernetes_limit_range_v1')) {
    const limits = config as { metadata: { name: string }; spec: { limit: { type: string; default_request?: Record<string, string>; default?: Record<string, string> }[] } };
    const namespace = namespaceOf(config);
    const container = limits.spec.limit.find((l) => l.type === 'Container');
    if (!container) continue;
    const ns = allNamespaces.find((n) => n.metadata.name === namespace);
    await steps.run(`kube: limit range ${limits.metadata.name} gives containers defaults in ${namespace}`, async () => {
      const result = createDryRun(kubeconfig, pod(namespace, ns));
      if (result.code !== 0) throw new Error(`a pod without resources was refused: ${result.stderr.trim()}`);
      const resources = JSON.parse(result.stdout).spec.containers[0].resources;
      const expected = { requests: container.default_request ?? {}, limits: container.default ?? {} };
      if (canonical(resources) !== canonical(expected)) throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(resources)}`);
      return `requests ${JSON.stringify(expected.requests)}, limits ${JSON.stringify(expected.limits)}`;
    });
  }
  for (const ns of resourcesOf(json, 'kubernetes_namespace_v1').map((r) => r.config as unknown as NamespaceConfig)) {
    const level = ns.metadata.labels?.['pod-security.kubernetes.io/enforce'];
    if (!level) {
      steps.note(`kube: ${ns.metadata.name} has no Pod Security enforce label (${stackName}): nothing to check`);
      continue;
    }
    await steps.run(`kube: Pod Security (${level}) refuses a privileged pod in ${ns.metadata.name}`, async () => {
      const privileged = pod(ns.metadata.name, ns, { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } }, true);
      const result = createDryRun(kubeconfig, privileged);
      if (result.code === 0 || !/violates PodSecurity/.test(result.stderr)) throw new Error(`a privileged hostPath pod was not refused: ${result.stderr.trim() || 'admitted'}`);
      return 'refused';
    });
  }
  for (const { config } of resourcesOf(json, 'kubernetes_manifest')) {
    const manifest = (config as { manifest: { kind: string; metadata: { name: string } } }).manifest;
    if (manifest.kind !== 'ValidatingAdmissionPolicy') continue;
    const check = ADMISSION_CHECKS[manifest.metadata.name];
    await steps.run(`kube: admission policy ${manifest.metadata.name} refuses what it must`, async () => {
      if (!check) throw new Error(`no check for this policy: add one to ADMISSION_CHECKS in lib/terraform/emulator/kube.ts`);
      return check(kubeconfig, allNamespaces);
    });
  }
}

/**
 * Per ValidatingAdmissionPolicy name: creates (server-side dry run) what it
 * must refuse and what it must admit; throws on a wrong answer. A policy
 * without an entry fails the run.
 */
export const ADMISSION_CHECKS: Record<string, (kubeconfig: string, namespaces: NamespaceConfig[]) => Promise<string>> = {
  // constructs/node-pool-placement-policy.ts
  'platform-node-pool-placement': async (kubeconfig, namespaces) => {
    const checked: string[] = [];
    const poolOf = (ns: NamespaceConfig) => ns.metadata.labels?.[NODE_POOL_LABEL];
    for (const pool of ALL_NODE_POOLS.filter((p) => p.dedicated)) {
      const own = namespaces.find((ns) => poolOf(ns) === pool.name);
      const other = namespaces.find((ns) => poolOf(ns) !== undefined && poolOf(ns) !== pool.name);
      if (!own || !other) throw new Error(`no applied namespace of the ${pool.name} pool and of another pool to check with: add services on both to the catalog`);
      const bare = { metadata: { ...own.metadata, annotations: {} } };
      expectRefused(kubeconfig, pod(own.metadata.name, bare), `must run on the ${pool.name} pool`, `a pod without node selector in ${own.metadata.name}`);
      expectAdmitted(kubeconfig, pod(own.metadata.name, own), `a pod selecting and tolerating ${pool.name} in ${own.metadata.name}`);
      const intruder = { metadata: { ...other.metadata, annotations: { ...other.metadata.annotations, 'platform/toleration': `${NODE_POOL_LABEL}=${pool.name}:NoSchedule` } } };
      expectRefused(kubeconfig, pod(other.metadata.name, intruder), `only pods in ${pool.name} namespaces may tolerate`, `a pod tolerating ${pool.name} in ${other.metadata.name}`);
      checked.push(`${pool.name}: bare pod refused and placed pod admitted in ${own.metadata.name}, tolerating pod refused in ${other.metadata.name}`);
    }
    return checked.join('; ');
  },
};

function expectRefused(kubeconfig: string, manifest: object, refusal: string, what: string): void {
  const result = createDryRun(kubeconfig, manifest);
  if (result.code === 0 || !result.stderr.includes(refusal)) throw new Error(`${what} was not refused with "${refusal}": ${result.stderr.trim() || 'admitted'}`);
}

function expectAdmitted(kubeconfig: string, manifest: object, what: string): void {
  const result = createDryRun(kubeconfig, manifest);
  if (result.code !== 0) throw new Error(`${what} was refused: ${result.stderr.trim()}`);
}

/** `metadata.namespace` of an object: a literal, or a reference to a namespace resource of the stack. */
function resolveNamespace(json: StackJson, value: string | undefined): string {
  const reference = /^\$\{(kubernetes_namespace_v1\.[A-Za-z0-9_-]+)\.metadata\[0\]\.name\}$/.exec(value ?? '');
  if (!reference) return value ?? 'default';
  const namespace = resourcesOf(json, 'kubernetes_namespace_v1').find((r) => r.address === reference[1]);
  return (namespace?.config as NamespaceConfig | undefined)?.metadata.name ?? 'default';
}

function createDryRun(kubeconfig: string, manifest: object): { code: number; stdout: string; stderr: string } {
  return kubectl(kubeconfig, ['create', '--dry-run=server', '-o', 'json', '-f', '-'], JSON.stringify(manifest));
}

function service(namespace: string, type: string): object {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: `check-${type.toLowerCase()}`, namespace }, spec: { type, selector: { app: 'check' }, ports: [{ port: 80 }] } };
}

/**
 * A pod that meets the namespace's other rules (restricted Pod Security, the
 * node selector and toleration its annotations ask for), so the rule under
 * test is the one that refuses it; `privileged` breaks Pod Security on purpose.
 */
function pod(namespace: string, ns: NamespaceConfig | undefined, resources?: object, privileged = false): object {
  const annotations = ns?.metadata.annotations ?? {};
  const [selectorKey, selectorValue] = (annotations['platform/node-selector'] ?? '').split('=');
  const toleration = /^([^=]+)=([^:]+):(\w+)$/.exec(annotations['platform/toleration'] ?? '');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'check', namespace },
    spec: {
      ...(selectorKey ? { nodeSelector: { [selectorKey]: selectorValue } } : {}),
      ...(toleration ? { tolerations: [{ key: toleration[1], operator: 'Equal', value: toleration[2], effect: toleration[3] }] } : {}),
      securityContext: privileged ? {} : { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      ...(privileged ? { volumes: [{ name: 'host', hostPath: { path: '/' } }] } : {}),
      containers: [
        {
          name: 'app',
          image: 'registry.example.com/app:1',
          ...(resources ? { resources } : {}),
          securityContext: privileged ? { privileged: true } : { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          ...(privileged ? { volumeMounts: [{ name: 'host', mountPath: '/host' }] } : {}),
        },
      ],
    },
  };
}

/** JSON with sorted keys, to compare objects whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b))) : item,
  );
}

function cpuCores(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}
