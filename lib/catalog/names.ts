// Deterministic names derived from the catalog. Service stacks find shared
// things by these names, never through another stack's state, so every name
// has exactly one definition here.
import type { Platform } from './schema';
import { NAME_PATTERN } from './schema-kit';
import { NODE_POOLS } from '../domain/node-pools';
import { platformClusters, type ClusterSpec } from './clusters';

export const PLATFORM_STACK = 'platform';
export const BOOTSTRAP_STACK = 'bootstrap';

/** Namespaces of the platform's own workloads in the shared cluster. */
export const EXTERNAL_DNS_NAMESPACE = 'external-dns';
export const BACKUP_NAMESPACE = 'velero';

/** Google service accounts of the add-ons in the platform project (Workload Identity, same in every cluster). */
export const EXTERNAL_DNS_ACCOUNT_ID = 'external-dns';
export const BACKUP_ACCOUNT_ID = 'velero';

export function platformServiceAccountEmail(platform: Platform, accountId: string): string {
  return `${accountId}@${platform.platformProject}.iam.gserviceaccount.com`;
}

/** Velero's bucket (one for the platform: each cluster writes under its own prefix). */
export function backupBucketName(platform: Platform): string {
  return `${platform.platformProject}-velero-backups`;
}

/** Names a service may not take: platform namespaces and stacks. */
export const RESERVED_SERVICE_NAMES = [
  PLATFORM_STACK,
  BOOTSTRAP_STACK,
  'default',
  EXTERNAL_DNS_NAMESPACE,
  BACKUP_NAMESPACE,
  'cert-manager',
  'ingress-nginx',
  'istio-system',
  'monitoring',
  'service',
];
export const RESERVED_SERVICE_PREFIXES = ['kube-', 'gke-', 'gmp-', 'goog'];
/** Strings GCP refuses inside project ids. */
export const RESTRICTED_PROJECT_ID_WORDS = ['google', 'ssl', 'null', 'undefined'];

/** The stack of the in-cluster platform objects (admission policies, the team role) of one cluster. */
export function clusterStackName(clusterName: string): string {
  return `cluster-${clusterName}`;
}

export function serviceStackName(service: string, environment: string): string {
  return `service-${service}-${environment}`;
}

export function serviceProjectId(platform: Platform, service: string, environment: string): string {
  const prefix = platform.projectIdPrefix ? `${platform.projectIdPrefix}-` : '';
  return `${prefix}${service}-${platform.environments[environment].projectSuffix}`;
}

export function serviceNamespace(platform: Platform, service: string, environment: string): string {
  return `${service}-${platform.environments[environment].projectSuffix}`;
}

/** The Workload Identity pool of the shared cluster (its project's). */
export function workloadPool(platform: Platform): string {
  return `${platform.platformProject}.svc.id.goog`;
}

/** A node pool's service account id: `gke-<pool>-nodes` in the home cluster, `gke-<country>-<pool>-nodes` in a further country's. */
export function nodeServiceAccountId(cluster: Pick<ClusterSpec, 'country'>, pool: string): string {
  return cluster.country === undefined ? `gke-${pool}-nodes` : `gke-${cluster.country}-${pool}-nodes`;
}

/** Every node pool's service account, in every cluster: what may pull the platform's images. */
export function nodeServiceAccountEmails(platform: Platform): string[] {
  return platformClusters(platform).flatMap((cluster) =>
    NODE_POOLS.map((pool) => `${nodeServiceAccountId(cluster, pool)}@${platform.platformProject}.iam.gserviceaccount.com`),
  );
}

/** The Artifact Registry repository of every service project. */
export const IMAGE_REPOSITORY_ID = 'images';

/** Where a service project's images live: `<region>-docker.pkg.dev/<project>/images`. */
export function imageRepositoryPath(platform: Platform, projectId: string): string {
  return `${platform.region}-docker.pkg.dev/${projectId}/${IMAGE_REPOSITORY_ID}`;
}

export function networkSelfLink(platform: Platform): string {
  return `projects/${platform.platformProject}/global/networks/${platform.network.name}`;
}

/** The longest service name whose project ids stay within GCP's 30 characters in every environment. */
export function maxServiceNameLength(platform: Platform): number {
  return 30 - Math.max(...Object.keys(platform.environments).map((env) => serviceProjectId(platform, '', env).length));
}

/**
 * Everything wrong with `name` as a service name under `platform`, each as
 * one sentence with the rule and a corrected example; empty when it is fine.
 */
export function serviceNameProblems(name: string, platform: Platform, isTaken: (name: string) => boolean = () => false): string[] {
  const problems: string[] = [];
  // Every example is itself a valid, free name (never "Foo-v2" or "-app").
  const valid = (candidate: string) => validServiceName(candidate, platform, isTaken);
  const example = valid(suggestName(name));
  if (!NAME_PATTERN.test(name)) {
    problems.push(
      `"${name}" is not a valid name: use lowercase letters, digits and hyphens, start with a letter and do not end with a hyphen (e.g. "${example}")`,
    );
  }
  for (const word of RESTRICTED_PROJECT_ID_WORDS) {
    if (name.includes(word)) {
      problems.push(`"${name}" contains "${word}", which GCP refuses in project ids; choose another name (e.g. "${valid(name.replace(word, 'svc'))}")`);
    }
  }
  if (RESERVED_SERVICE_NAMES.includes(name) || RESERVED_SERVICE_PREFIXES.some((prefix) => name.startsWith(prefix))) {
    problems.push(
      `"${name}" is reserved for the platform (${[...RESERVED_SERVICE_NAMES, ...RESERVED_SERVICE_PREFIXES.map((p) => `${p}*`)].join(', ')}); choose another name (e.g. "${valid(`${name.replace(/^(kube|gke|gmp|goog)-?/, '')}-app`)}")`,
    );
  }
  // The room for the name is what the longest environment suffix leaves: a
  // name that fits one environment may not fit another.
  const environments = Object.keys(platform.environments);
  const room = maxServiceNameLength(platform);
  for (const environment of environments) {
    const projectId = serviceProjectId(platform, name, environment);
    if (projectId.length < 6 || projectId.length > 30) {
      problems.push(
        `project id "${projectId}" (environment ${environment}) has ${projectId.length} characters; GCP allows 6 to 30, so the service name may have at most ${room} characters (e.g. "${valid(name.slice(0, Math.max(room, 1)))}")`,
      );
      break;
    }
  }
  return problems;
}

/**
 * `candidate` if it breaks no rule of serviceNameProblems and is not taken,
 * else the nearest name that breaks none (`Pay_ment` -> `pay-ment`), with
 * `-v2`, `-v3`, ... when that is taken.
 */
export function validServiceName(candidate: string, platform: Platform, isTaken: (name: string) => boolean = () => false): string {
  const valid = nearestValidName(candidate, platform);
  if (!isTaken(valid)) return valid;
  const room = Math.max(maxServiceNameLength(platform), 1);
  for (let version = 2; version < 1000; version++) {
    const suffix = `-v${version}`;
    const next = nearestValidName(`${valid.slice(0, room - suffix.length).replace(/-+$/, '')}${suffix}`, platform);
    if (!isTaken(next)) return next;
  }
  return valid;
}

function nearestValidName(candidate: string, platform: Platform): string {
  const room = Math.max(maxServiceNameLength(platform), 1);
  const breaks = (name: string) =>
    !NAME_PATTERN.test(name) ||
    RESTRICTED_PROJECT_ID_WORDS.some((word) => name.includes(word)) ||
    RESERVED_SERVICE_NAMES.includes(name) ||
    RESERVED_SERVICE_PREFIXES.some((prefix) => name.startsWith(prefix)) ||
    Object.keys(platform.environments).some((env) => !/^.{6,30}$/.test(serviceProjectId(platform, name, env)));
  if (!breaks(candidate)) return candidate;
  let repaired = suggestName(candidate);
  while (RESERVED_SERVICE_PREFIXES.some((prefix) => repaired.startsWith(prefix))) repaired = repaired.replace(/^[a-z]+-?/, '');
  if (RESERVED_SERVICE_NAMES.includes(repaired)) repaired = `${repaired}-app`;
  repaired = repaired.slice(0, room).replace(/-+$/, '').replace(/^[^a-z]+/, '');
  return breaks(repaired) ? 'app' : repaired;
}

function suggestName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '');
  const allowed = RESTRICTED_PROJECT_ID_WORDS.reduce((name, word) => name.replace(word, 'svc'), cleaned);
  return allowed || 'payment';
}

/** Team names label every resource (GCP label values: at most 63 characters). */
export const TEAM_NAME_MAX_LENGTH = 63;

/**
 * Everything wrong with `team` as a team name: the character rules of
 * service names, and short enough to be a label value unchanged (a longer one
 * would be cut, and two teams could end up with the same label).
 */
export function teamNameProblems(team: string): string[] {
  const problems: string[] = [];
  if (!NAME_PATTERN.test(team)) {
    problems.push(
      `"${team}" is not a valid team name: use lowercase letters, digits and hyphens, start with a letter and do not end with a hyphen (e.g. "${suggestName(team)}")`,
    );
  }
  if (team.length > TEAM_NAME_MAX_LENGTH) {
    problems.push(`"${team}" has ${team.length} characters; team names are label values and may have at most ${TEAM_NAME_MAX_LENGTH} (e.g. "${team.slice(0, TEAM_NAME_MAX_LENGTH).replace(/-+$/, '')}")`);
  }
  return problems;
}

/**
 * The existing service whose name equals `name` ignoring letter case, given
 * the file names in services/ (`Checkout.yaml` blocks `checkout`: on a
 * case-insensitive file system they are the same file).
 */
export function existingServiceFile(name: string, serviceFiles: readonly string[]): string | undefined {
  const wanted = name.toLowerCase();
  return serviceFiles.find((file) => file.replace(/\.ya?ml$/i, '').toLowerCase() === wanted);
}
