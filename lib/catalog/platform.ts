// Checks of platform.yaml that span fields or need arithmetic, run after the
// schema: every CIDR range is a real, network-aligned IPv4 range, the VPC's
// ranges do not overlap (GKE and private service access refuse that only at
// apply time, half way through), and the control plane is not opened to the
// internet.
import type { Platform } from './schema';
import type { FieldProblem } from './resolve';
import { teamRoleProblem } from './team-roles';
import { maintenanceProblems, platformClusters, upgradeProblems, type ClusterSpec } from './clusters';

/** An IPv4 range as numbers: `start` is the address as an unsigned 32-bit value. */
interface Range {
  readonly start: number;
  readonly size: number;
}

/** Shorter prefixes than this in cluster.authorizedNetworks cover a large part of the internet. */
export const MIN_AUTHORIZED_PREFIX = 8;

/**
 * Parses `a.b.c.d/n` (the schema already checked that shape). Returns the
 * range, or why it is not a usable one.
 */
export function parseCidr(cidr: string): Range | string {
  const [address, prefixText] = cidr.split('/');
  const octets = address.split('.').map(Number);
  const prefix = Number(prefixText);
  const tooBig = octets.find((octet) => octet > 255);
  if (tooBig !== undefined) return `${cidr} is not an IPv4 range: ${tooBig} is above 255`;
  if (prefix > 32) return `${cidr} is not an IPv4 range: the prefix length /${prefix} is above 32`;
  const value = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  const size = 2 ** (32 - prefix);
  const start = value - (value % size);
  if (start !== value) {
    return `${cidr} has bits set after the first ${prefix}; its network address is ${formatAddress(start)}, so write ${formatAddress(start)}/${prefix}`;
  }
  return { start, size };
}

function formatAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

function overlaps(a: Range, b: Range): boolean {
  return a.start < b.start + b.size && b.start < a.start + a.size;
}

/** Every problem of `platform` the schema cannot see, as `path: message` pairs. */
export function platformProblems(platform: Platform): FieldProblem[] {
  const problems: FieldProblem[] = [];
  // The ranges that share the VPC, in the order the messages name them.
  const clusters = platformClusters(platform);
  const vpcRanges: [string, string][] = [
    ['network.subnetCidr', platform.network.subnetCidr],
    ['network.podsCidr', platform.network.podsCidr],
    ['network.servicesCidr', platform.network.servicesCidr],
    ['cluster.masterCidr', platform.cluster.masterCidr],
    ['network.privateServiceAccessCidr', platform.network.privateServiceAccessCidr],
    // Every further country's subnet shares the one global VPC.
    ...clusters
      .filter((c) => c.country !== undefined)
      .flatMap((c): [string, string][] => (['subnetCidr', 'podsCidr', 'servicesCidr', 'masterCidr'] as const).map((field) => [`${c.path}.${field}`, c[field]])),
  ];
  const valid: { path: string; cidr: string; range: Range }[] = [];
  for (const [path, cidr] of vpcRanges) {
    const range = parseCidr(cidr);
    if (typeof range === 'string') {
      problems.push({ path, message: range });
      continue;
    }
    for (const earlier of valid) {
      if (overlaps(earlier.range, range)) {
        problems.push({ path, message: `${cidr} overlaps ${earlier.path} ${earlier.cidr}; choose a range outside it` });
      }
    }
    valid.push({ path, cidr, range });
  }
  for (const [environment, settings] of Object.entries(platform.environments)) {
    for (const role of settings.teamRoles ?? []) {
      const problem = teamRoleProblem(role);
      if (problem) problems.push({ path: `environments.${environment}.teamRoles`, message: problem });
    }
  }
  for (const cluster of clusters) problems.push(...clusterProblems(cluster, clusters));
  return problems;
}

/** Problems of one cluster's own settings, and of it against the others (names and regions are unique). */
function clusterProblems(cluster: ClusterSpec, clusters: readonly ClusterSpec[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const first = (predicate: (c: ClusterSpec) => boolean) => clusters.find(predicate);
  const sameName = first((c) => c.name === cluster.name);
  if (sameName !== cluster && sameName) problems.push({ path: `${cluster.path}.name`, message: `"${cluster.name}" is already the name of ${sameName.path}; each cluster needs its own name` });
  const sameRegion = first((c) => c.region === cluster.region);
  if (sameRegion !== cluster && sameRegion) {
    problems.push({ path: `${cluster.path}.region`, message: `${cluster.region} already has ${sameRegion.path}; one cluster per country, each in its own region (its subnet is named after the region)` });
  }
  for (const { field, message } of maintenanceProblems(cluster.maintenance)) problems.push({ path: `${cluster.path}.maintenance.${field}`, message });
  for (const [pool, settings] of Object.entries(cluster.nodePools)) {
    for (const { field, message } of upgradeProblems(settings.upgrade)) problems.push({ path: `${cluster.path}.nodePools.${pool}.upgrade.${field}`, message });
  }
  for (const [name, cidr] of Object.entries(cluster.authorizedNetworks)) {
    const path = `${cluster.path}.authorizedNetworks.${name}`;
    const range = parseCidr(cidr);
    if (typeof range === 'string') {
      problems.push({ path, message: range });
    } else if (range.size > 2 ** (32 - MIN_AUTHORIZED_PREFIX)) {
      problems.push({
        path,
        message: `${cidr} opens the control plane to most of the internet; list the specific ranges that need it, each /${MIN_AUTHORIZED_PREFIX} or longer (e.g. 203.0.113.0/24)`,
      });
    }
  }
  return problems;
}
