// What a synthesized stack may contain before a trusted job runs Terraform on
// it with a cloud identity. The pull request's code produced the JSON, so the
// JSON is untrusted data: a provider, a data source, a provisioner, a file
// function or a backend setting can run code or read credentials as the
// planner. The allowlist (lib/ci/stack-allowlist.json) is derived from what
// our constructs emit (npm run allowlist); a test fails when it is stale.
import { lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from './plan-values';
import { STACK_METADATA_FILE, readStackMetadata, type StackMetadata } from '../stack-metadata';
import { platformClusters } from '../catalog/clusters';
import type { Platform } from '../catalog/schema';

export interface ProviderRule {
  /** Fully qualified: registry.terraform.io/<namespace>/<type>. */
  readonly source: string;
  /** Exact version; a range would let a pull request pick another build. */
  readonly version: string;
  /** Keys the provider block may set. */
  readonly configKeys: readonly string[];
  /**
   * Keys whose value must be one our constructs emit (canonical JSON), e.g.
   * the kubernetes provider's `exec` (a command the provider runs) and `host`
   * (where it sends the token). Every key not in FREE_PROVIDER_KEYS is pinned.
   */
  readonly pinned: Readonly<Record<string, readonly string[]>>;
}

export interface Allowlist {
  readonly topLevelKeys: readonly string[];
  readonly terraformKeys: readonly string[];
  /** By the local name the stacks use (the key of required_providers). */
  readonly providers: Readonly<Record<string, ProviderRule>>;
  readonly resourceTypes: readonly string[];
  readonly dataTypes: readonly string[];
  /** Terraform functions called inside `${...}`. */
  readonly functions: readonly string[];
}

/**
 * A pinned provider setting as compared: canonical JSON with the name of a
 * referenced data source left out (`${data.google_container_cluster.*.…}`),
 * since a stack reaching several clusters names one data source per cluster.
 */
export function pinnedForm(value: unknown): string {
  return canonicalJson(value).replace(/\$\{data\.([a-z0-9_]+)\.[A-Za-z0-9_-]+\./g, '${data.$1.*.');
}

/**
 * Provider settings that vary with the catalog and cannot redirect
 * credentials: any literal. `alias` is allowed on every provider (a catalog
 * with several clusters gives each further one an aliased configuration).
 */
export const FREE_PROVIDER_KEYS = ['alias', 'project', 'region', 'zone'];

/**
 * Never allowed, even if a construct emitted them: they hand a token, a
 * secret or another stack's state to whoever reads the plan or the state.
 */
export const DENIED_TYPES = [
  'google_client_config',
  'google_service_account_access_token',
  'google_service_account_id_token',
  'google_service_account_jwt',
  'google_service_account_key',
  'google_secret_manager_secret_version',
  'google_secret_manager_secret_version_access',
  'google_storage_bucket_object_content',
  'google_kms_secret',
  'terraform_remote_state',
];

/** Functions that read the runner's files (the auth action's credentials file among them). */
export const DENIED_FUNCTIONS = [
  'abspath',
  'file',
  'filebase64',
  'filebase64sha256',
  'filebase64sha512',
  'fileexists',
  'filemd5',
  'fileset',
  'filesha1',
  'filesha256',
  'filesha512',
  'pathexpand',
  'templatefile',
];

/** Inside a resource or data block, at any depth: they run commands or open connections. */
const DENIED_BLOCK_KEYS = ['provisioner', 'connection'];

/** The largest cdk.tf.json the check reads (the biggest stack today is well under 1 MB). */
export const MAX_STACK_BYTES = 20 * 1024 * 1024;

const REGISTRY = 'registry.terraform.io';
/** Stack names become paths and matrix values. */
const STACK_NAME = /^[a-z0-9][a-z0-9-]{0,127}$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `google`, `hashicorp/google` and `registry.terraform.io/hashicorp/google` are one provider. */
export function qualifiedSource(source: string): string {
  const parts = source.split('/');
  if (parts.length === 1) return `${REGISTRY}/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `${REGISTRY}/${parts[0]}/${parts[1]}`;
  return source;
}

/** Terraform functions called in `${...}` expressions anywhere in `value`. */
export function functionsCalled(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const expression of value.match(/\$\{[\s\S]*?\}/g) ?? []) {
      // A name directly followed by "(" (provider functions `provider::x::f(` included).
      for (const match of expression.matchAll(/([A-Za-z_][A-Za-z0-9_:]*)\s*\(/g)) into.add(match[1]);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) functionsCalled(item, into);
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      functionsCalled(key, into);
      functionsCalled(item, into);
    }
  }
  return into;
}

function deniedKeyPaths(value: unknown, path: string, into: string[]): string[] {
  if (Array.isArray(value)) value.forEach((item, i) => deniedKeyPaths(item, `${path}[${i}]`, into));
  else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (DENIED_BLOCK_KEYS.includes(key)) into.push(`${path}.${key}`);
      deniedKeyPaths(item, `${path}.${key}`, into);
    }
  }
  return into;
}

/** Provider blocks as cdktf writes them: `{ <name>: [ {config}, ... ] }` (an object is one block). */
function providerBlocks(config: Json): [string, Json][] {
  const providers = isObject(config.provider) ? config.provider : {};
  return Object.entries(providers).flatMap(([name, blocks]) =>
    (Array.isArray(blocks) ? blocks : [blocks]).map((block): [string, Json] => [name, isObject(block) ? block : {}]),
  );
}

/** Stacks CI plans keep their state in GCS; the others (bootstrap) are applied by an admin. */
function isCiStack(config: Json): boolean {
  return isObject(config.terraform) && isObject(config.terraform.backend) && 'gcs' in config.terraform.backend;
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

/**
 * The allowlist of everything `stacks` (synthesized JSON, as written to
 * cdk.tf.json) use. Only stacks with a GCS backend count: CI never plans the
 * others. Throws when a stack uses a denied type or function.
 */
export function deriveAllowlist(stacks: readonly unknown[]): Allowlist {
  const top = new Set<string>();
  const terraform = new Set<string>();
  const resources = new Set<string>();
  const data = new Set<string>();
  const functions = new Set<string>();
  const providers = new Map<string, { source: string; version: string; keys: Set<string>; pinned: Map<string, Set<string>> }>();
  for (const stack of stacks) {
    if (!isObject(stack) || !isCiStack(stack)) continue;
    Object.keys(stack).filter((k) => k !== '//').forEach((k) => top.add(k));
    Object.keys(stack.terraform as Json).forEach((k) => terraform.add(k));
    Object.keys(isObject(stack.resource) ? stack.resource : {}).forEach((t) => resources.add(t));
    Object.keys(isObject(stack.data) ? stack.data : {}).forEach((t) => data.add(t));
    functionsCalled(withoutComments(stack), functions);
    const required = ((stack.terraform as Json).required_providers ?? {}) as Record<string, { source: string; version: string }>;
    for (const [name, { source, version }] of Object.entries(required)) {
      const known = providers.get(name);
      const rule = known ?? { source: qualifiedSource(source), version, keys: new Set(), pinned: new Map() };
      if (known && (known.source !== rule.source || known.version !== version)) {
        throw new Error(`provider ${name}: stacks use ${known.source} ${known.version} and ${qualifiedSource(source)} ${version}; pin one version`);
      }
      providers.set(name, rule);
    }
    for (const [name, block] of providerBlocks(stack)) {
      const rule = providers.get(name);
      if (!rule) throw new Error(`provider ${name} is configured but not in required_providers`);
      for (const [key, value] of Object.entries(block)) {
        rule.keys.add(key);
        if (FREE_PROVIDER_KEYS.includes(key)) continue;
        const values = rule.pinned.get(key) ?? new Set<string>();
        values.add(pinnedForm(value));
        rule.pinned.set(key, values);
      }
    }
  }
  const denied = [...resources, ...data].filter((t) => DENIED_TYPES.includes(t));
  if (denied.length > 0) throw new Error(`the stacks use ${denied.join(', ')}, which hand out credentials or secrets; remove them`);
  const deniedFunctions = [...functions].filter((f) => DENIED_FUNCTIONS.includes(f));
  if (deniedFunctions.length > 0) throw new Error(`the stacks call ${deniedFunctions.join(', ')}, which read the runner's files; remove them`);
  return {
    topLevelKeys: sorted(top),
    terraformKeys: sorted(terraform),
    providers: Object.fromEntries(
      [...providers.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, rule]) => [
          name,
          {
            source: rule.source,
            version: rule.version,
            configKeys: sorted(rule.keys),
            pinned: Object.fromEntries([...rule.pinned.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, values]) => [key, sorted(values)])),
          },
        ]),
    ),
    resourceTypes: sorted(resources),
    dataTypes: sorted(data),
    functions: sorted(functions),
  };
}

/** The configuration without `"//"` comment keys (cdktf metadata), which Terraform ignores. */
function withoutComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutComments);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== '//').map(([k, v]) => [k, withoutComments(v)]));
}

/** A shared cluster a stack may read (and so send the planner's token to). */
export interface ClusterRef {
  readonly project: string;
  readonly location: string;
  readonly name: string;
}

/** What the default branch's platform.yaml says, which no pull request can change. */
export interface TrustedFacts {
  /** platform.yaml's stateBucket. */
  readonly stateBucket: string;
  /** Every cluster of platform.yaml: the only ones a `google_container_cluster` data source may name. */
  readonly clusters: readonly ClusterRef[];
}

export interface CheckContext extends TrustedFacts {
  /** The stack's directory name: its backend prefix must be stacks/<stack>. */
  readonly stack: string;
}

/** The trusted facts of a platform.yaml (the default branch's, in CI). */
export function trustedFacts(platform: Platform): TrustedFacts {
  return {
    stateBucket: platform.stateBucket,
    clusters: platformClusters(platform).map((c) => ({ project: platform.platformProject, location: c.region, name: c.name })),
  };
}

/**
 * The kubernetes and helm providers send the planner's token to the endpoint
 * of a cluster data source: each must name one of platform.yaml's clusters,
 * with literals only, or a pull request could point it at a cluster it owns.
 */
function clusterDataProblems(body: Json, clusters: readonly ClusterRef[]): string[] {
  const blocks = isObject(body.data) && isObject(body.data.google_container_cluster) ? body.data.google_container_cluster : {};
  const allowed = clusters.map((c) => canonicalJson({ location: c.location, name: c.name, project: c.project }));
  return Object.entries(blocks)
    .filter(([, block]) => !allowed.includes(canonicalJson(block)))
    .map(
      ([name, block]) =>
        `data.google_container_cluster.${name} reads ${JSON.stringify(block)}; it must be exactly one of platform.yaml's clusters on the default branch ` +
        `(${allowed.join(' or ')}): the cluster providers send the planner's token to it`,
    );
}

/** Every way `config` leaves the allowlist, each naming the stack, the place and the rule; empty when it passes. */
export function allowlistProblems(config: unknown, allowlist: Allowlist, context: CheckContext): string[] {
  const problems: string[] = [];
  const add = (message: string) => problems.push(`${context.stack}: ${message}`);
  if (!isObject(config)) return [`${context.stack}: cdk.tf.json is not a JSON object`];
  const body = withoutComments(config) as Json;

  // Terraform's JSON syntax also takes a list of objects for a block; our
  // constructs never write one, and a list would slip past the checks below.
  for (const [key, value] of Object.entries(body)) {
    if (!isObject(value)) add(`"${key}" must be an object (the form our constructs emit), not ${Array.isArray(value) ? 'a list' : typeof value}`);
  }
  for (const key of ['backend', 'required_providers']) {
    const value = isObject(body.terraform) ? body.terraform[key] : undefined;
    if (value !== undefined && !isObject(value)) add(`terraform.${key} must be an object (the form our constructs emit)`);
  }
  for (const kind of ['resource', 'data']) {
    for (const [type, value] of Object.entries(isObject(body[kind]) ? (body[kind] as Json) : {})) {
      if (!isObject(value)) add(`${kind}.${type} must be an object of named blocks (the form our constructs emit)`);
    }
  }
  for (const key of Object.keys(body)) {
    if (key === 'module') add('"module" blocks are refused: no module sources, every resource comes from our constructs');
    else if (!allowlist.topLevelKeys.includes(key)) add(`top-level "${key}" blocks are refused (allowed: ${allowlist.topLevelKeys.join(', ')})`);
  }

  // terraform { backend, required_providers }
  const terraform = isObject(body.terraform) ? body.terraform : {};
  for (const key of Object.keys(terraform)) {
    if (!allowlist.terraformKeys.includes(key)) add(`terraform.${key} is refused (allowed: ${allowlist.terraformKeys.join(', ')})`);
  }
  const expectedBackend = { gcs: { bucket: context.stateBucket, prefix: `stacks/${context.stack}` } };
  if (canonicalJson(terraform.backend) !== canonicalJson(expectedBackend)) {
    add(`terraform.backend must be exactly ${JSON.stringify(expectedBackend)} (the state bucket, prefix stacks/<stack>, nothing else); found ${JSON.stringify(terraform.backend ?? null)}`);
  }
  const required = isObject(terraform.required_providers) ? terraform.required_providers : {};
  for (const [name, raw] of Object.entries(required)) {
    const rule = allowlist.providers[name];
    const entry = isObject(raw) ? raw : {};
    const source = typeof entry.source === 'string' ? qualifiedSource(entry.source) : String(entry.source);
    if (!rule) {
      add(`provider "${name}" (${source}) is not allowed (allowed: ${Object.keys(allowlist.providers).join(', ')})`);
      continue;
    }
    if (source !== rule.source) add(`provider "${name}" must come from ${rule.source}, not ${source}`);
    if (entry.version !== rule.version) add(`provider "${name}" must be pinned to exactly ${rule.version}, not ${JSON.stringify(entry.version ?? null)}`);
    const extra = Object.keys(entry).filter((k) => k !== 'source' && k !== 'version');
    if (extra.length > 0) add(`required_providers.${name} sets ${extra.join(', ')}; only source and version are allowed`);
  }

  // provider blocks: known keys; pinned values for anything that could run a command or redirect a token.
  for (const [name, block] of providerBlocks(body)) {
    const rule = allowlist.providers[name];
    if (!rule || !(name in required)) {
      add(`provider "${name}" is configured but not an allowed entry of required_providers`);
      continue;
    }
    for (const [key, value] of Object.entries(block)) {
      if (!rule.configKeys.includes(key) && key !== 'alias') {
        add(`provider "${name}" sets "${key}", which is refused (allowed: ${rule.configKeys.join(', ')}); credentials, endpoints and commands come from the trusted workflow`);
      } else if (rule.pinned[key] && !rule.pinned[key].includes(pinnedForm(value))) {
        add(`provider "${name}" sets "${key}" to ${JSON.stringify(value)}, which is not what our constructs emit (allowed: ${rule.pinned[key].join(' or ')})`);
      } else if (!rule.pinned[key] && typeof value === 'string' && value.includes('${')) {
        add(`provider "${name}" sets "${key}" to an expression; only a literal is allowed there`);
      }
    }
  }

  // resources and data sources: only the types our constructs emit, no provisioners.
  for (const [kind, types] of [
    ['resource', allowlist.resourceTypes],
    ['data', allowlist.dataTypes],
  ] as const) {
    const blocks = isObject(body[kind]) ? (body[kind] as Json) : {};
    for (const [type, instances] of Object.entries(blocks)) {
      const label = kind === 'data' ? `data source type "${type}"` : `resource type "${type}"`;
      if (DENIED_TYPES.includes(type)) add(`${label} is refused: it hands out credentials, secrets or another stack's state`);
      else if (!types.includes(type)) add(`${label} is not one our constructs emit (see lib/ci/stack-allowlist.json)`);
      for (const path of deniedKeyPaths(instances, `${kind}.${type}`, [])) add(`${path}: provisioners and connections are refused (they run commands on the runner)`);
    }
  }

  for (const problem of clusterDataProblems(body, context.clusters)) add(problem);

  const calls = [...functionsCalled(body)];
  for (const fn of calls.filter((f) => DENIED_FUNCTIONS.includes(f)).sort()) add(`the function ${fn}() is refused: it reads files on the runner`);
  for (const fn of calls.filter((f) => !DENIED_FUNCTIONS.includes(f) && !allowlist.functions.includes(f)).sort()) {
    add(`the function ${fn}() is not one our constructs use (allowed: ${allowlist.functions.join(', ') || 'none'})`);
  }
  return problems;
}

export class AllowlistError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `The synthesized stacks are refused; nothing was planned (the trusted planner only runs Terraform on what our constructs emit):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'AllowlistError';
  }
}

/**
 * Checks every stack of an untrusted cdktf output folder (`<dir>/stacks/<stack>/cdk.tf.json`)
 * and, only if all pass, writes a clean copy of each (the parsed JSON and its
 * checked delivery.json, nothing else: no lock file, plugin or override) to `<outDir>/stacks/<stack>/`.
 * Returns the stack names; throws AllowlistError listing every problem otherwise.
 */
export function checkSynthDir(dir: string, outDir: string, allowlist: Allowlist, trusted: TrustedFacts): string[] {
  const problems: string[] = [];
  const checked = new Map<string, { config: unknown; metadata: StackMetadata }>();
  const stacksDir = join(dir, 'stacks');
  let names: string[] = [];
  try {
    // Folders only (not links): a stack is a folder holding cdk.tf.json.
    names = readdirSync(stacksDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch {
    names = []; // no stacks: nothing to plan
  }
  for (const name of names) {
    const file = join(stacksDir, name, 'cdk.tf.json');
    if (!STACK_NAME.test(name)) {
      problems.push(`stacks/${name}: the stack name must be lowercase letters, digits and hyphens`);
      continue;
    }
    let stat;
    try {
      stat = lstatSync(file);
    } catch {
      continue; // not a stack folder
    }
    if (!stat.isFile()) {
      problems.push(`${name}: cdk.tf.json is not a regular file (a link or a folder)`);
      continue;
    }
    if (stat.size > MAX_STACK_BYTES) {
      problems.push(`${name}: cdk.tf.json has ${stat.size} bytes, above the ${MAX_STACK_BYTES} the check reads`);
      continue;
    }
    let config: unknown;
    try {
      config = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push(`${name}: cdk.tf.json is not valid JSON (${(error as Error).message})`);
      continue;
    }
    // Local state: bootstrap, applied by an admin. CI never plans it, so it is not copied.
    if (isObject(config) && isObject(config.terraform) && isObject(config.terraform.backend) && Object.keys(config.terraform.backend).join() === 'local') continue;
    const found = allowlistProblems(config, allowlist, { ...trusted, stack: name });
    // Its facts (environment, kind) only group the plan jobs; a lie there changes no plan.
    const metadata = readStackMetadata(dir, name);
    if (typeof metadata === 'string') found.push(metadata);
    problems.push(...found);
    if (found.length === 0) checked.set(name, { config, metadata: metadata as StackMetadata });
  }
  if (problems.length > 0) throw new AllowlistError(problems);
  for (const [name, { config, metadata }] of checked) {
    mkdirSync(join(outDir, 'stacks', name), { recursive: true });
    writeFileSync(join(outDir, 'stacks', name, 'cdk.tf.json'), JSON.stringify(config, null, 2));
    writeFileSync(join(outDir, 'stacks', name, STACK_METADATA_FILE), JSON.stringify(metadata, null, 2));
  }
  return [...checked.keys()];
}

/** lib/ci/stack-allowlist.json, relative to the repository root. */
export const ALLOWLIST_FILE = join('lib', 'ci', 'stack-allowlist.json');

export function readAllowlist(root: string): Allowlist {
  return JSON.parse(readFileSync(join(root, ALLOWLIST_FILE), 'utf8')) as Allowlist;
}

/** The file's content: the allowlist and a note on where it comes from. */
export function renderAllowlist(allowlist: Allowlist): string {
  return `${JSON.stringify({ '//': 'Generated by npm run allowlist from the synthesized example catalog; review every change (lib/ci/stack-allowlist.ts).', ...allowlist }, null, 2)}\n`;
}
