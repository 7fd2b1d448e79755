// The platform's clusters as one list: the home cluster (`cluster`, in
// `region`, on the `network` subnet) first, then one per further country
// (`countries.<key>`). Everything that is per cluster iterates this list.
import type { Platform } from './schema';

type HomeCluster = Platform['cluster'];
type ClusterSettings = Omit<HomeCluster, 'name' | 'masterCidr'>;

export interface ClusterSpec extends ClusterSettings {
  /** The country key, or undefined for the home cluster (which keeps the platform's original addresses). */
  readonly country?: string;
  readonly name: string;
  readonly region: string;
  readonly subnetCidr: string;
  readonly podsCidr: string;
  readonly servicesCidr: string;
  readonly masterCidr: string;
  /** Where its settings are in platform.yaml, for messages: `cluster` or `countries.<key>`. */
  readonly path: string;
}

export type NodePoolSettings = ClusterSpec['nodePools']['standard'];
export type UpgradeSettings = NodePoolSettings['upgrade'];
export type MaintenanceSettings = ClusterSpec['maintenance'];

export function platformClusters(platform: Platform): ClusterSpec[] {
  const home: ClusterSpec = {
    ...platform.cluster,
    region: platform.region,
    subnetCidr: platform.network.subnetCidr,
    podsCidr: platform.network.podsCidr,
    servicesCidr: platform.network.servicesCidr,
    path: 'cluster',
  };
  // `countries` may be missing on a Platform built by hand (tests); the schema defaults it to {}.
  const countries = Object.entries(platform.countries ?? {}).map(([country, settings]): ClusterSpec => ({ ...settings, country, path: `countries.${country}` }));
  return [home, ...countries];
}

/** The cluster named `name`. Throws if the platform has none (names are checked when the catalog loads). */
export function clusterNamed(platform: Platform, name: string): ClusterSpec {
  const cluster = platformClusters(platform).find((c) => c.name === name);
  if (!cluster) throw new Error(`platform.yaml has no cluster named "${name}"`);
  return cluster;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** GKE refuses a window shorter than this per occurrence. */
export const MIN_WINDOW_HOURS = 4;
/** GKE refuses a window that allows fewer hours than this in any 32 days. */
export const MIN_HOURS_PER_32_DAYS = 48;
/** GKE refuses a NO_UPGRADES exclusion longer than this. */
export const MAX_NO_UPGRADES_DAYS = 30;
/** GKE's daily window when only a start time is given. */
export const DAILY_WINDOW_HOURS = 4;
export const DEFAULT_DAILY_START = '17:00';

/** What the Kubernetes Engine API would refuse in `maintenance`, as `field: message` pairs. */
export function maintenanceProblems(maintenance: MaintenanceSettings): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const window = maintenance.recurringWindow;
  if (window && maintenance.dailyStartTime !== undefined) {
    problems.push({ field: 'dailyStartTime', message: 'a cluster has one maintenance window: remove dailyStartTime or recurringWindow' });
  }
  if (window) {
    const minutes = (Date.parse(window.endTime) - Date.parse(window.startTime)) / MINUTE_MS;
    if (!(minutes > 0)) {
      problems.push({ field: 'recurringWindow.endTime', message: `${window.endTime} is not after startTime ${window.startTime}; each occurrence runs from startTime to endTime` });
    } else if (minutes < MIN_WINDOW_HOURS * 60) {
      problems.push({ field: 'recurringWindow.endTime', message: `each occurrence lasts ${minutes / 60} hours; GKE needs at least ${MIN_WINDOW_HOURS} (e.g. endTime 8 hours after startTime)` });
    } else if (minutes >= DAY_MS / MINUTE_MS && window.recurrence.startsWith('FREQ=DAILY')) {
      problems.push({ field: 'recurringWindow.endTime', message: 'a daily occurrence must be shorter than 24 hours; GKE then has no time outside the window to refuse' });
    } else {
      const days = /BYDAY=([A-Z,]+)/.exec(window.recurrence)?.[1].split(',').length;
      const perWeek = window.recurrence.startsWith('FREQ=DAILY') ? 7 : (days ?? 1);
      // Any 32 days hold at least four whole weeks.
      const hours = (Math.min(perWeek * 4, 32) * minutes) / 60;
      if (hours < MIN_HOURS_PER_32_DAYS) {
        problems.push({
          field: 'recurringWindow',
          message: `the window allows ${hours} hours in 32 days; GKE needs at least ${MIN_HOURS_PER_32_DAYS}: make each occurrence longer or add days (e.g. FREQ=WEEKLY;BYDAY=SA,SU with 8 hours)`,
        });
      }
    }
  }
  for (const [name, exclusion] of Object.entries(maintenance.exclusions)) {
    const days = (Date.parse(exclusion.endTime) - Date.parse(exclusion.startTime)) / DAY_MS;
    if (!(days > 0)) {
      problems.push({ field: `exclusions.${name}.endTime`, message: `${exclusion.endTime} is not after startTime ${exclusion.startTime}` });
    } else if (exclusion.scope === 'NO_UPGRADES' && days > MAX_NO_UPGRADES_DAYS) {
      problems.push({
        field: `exclusions.${name}.endTime`,
        message: `a NO_UPGRADES exclusion lasts at most ${MAX_NO_UPGRADES_DAYS} days, this one ${Math.ceil(days)}; shorten it or use scope NO_MINOR_UPGRADES (patches still apply)`,
      });
    }
  }
  return problems;
}

const SURGE_FIELDS = ['maxSurge', 'maxUnavailable'] as const;
const BLUE_GREEN_FIELDS = ['nodePoolSoakMinutes', 'batchNodeCount', 'batchPercentage', 'batchSoakMinutes'] as const;

/** What the Kubernetes Engine API would refuse in a pool's `upgrade`, as `field: message` pairs. */
export function upgradeProblems(upgrade: UpgradeSettings): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const [other, otherStrategy] = upgrade.strategy === 'SURGE' ? [BLUE_GREEN_FIELDS, 'BLUE_GREEN'] : [SURGE_FIELDS, 'SURGE'];
  for (const field of other) {
    if (upgrade[field] !== undefined) problems.push({ field, message: `applies to strategy ${otherStrategy} only, this pool uses ${upgrade.strategy}; remove it or change strategy` });
  }
  if (upgrade.strategy === 'SURGE' && (upgrade.maxSurge ?? 1) === 0 && (upgrade.maxUnavailable ?? 0) === 0) {
    problems.push({ field: 'maxSurge', message: 'maxSurge and maxUnavailable are both 0, so no node could ever be replaced; set maxSurge: 1' });
  }
  if (upgrade.batchNodeCount !== undefined && upgrade.batchPercentage !== undefined) {
    problems.push({ field: 'batchPercentage', message: 'set batchNodeCount or batchPercentage, not both' });
  }
  if (upgrade.batchPercentage !== undefined && !(upgrade.batchPercentage > 0 && upgrade.batchPercentage <= 1)) {
    problems.push({ field: 'batchPercentage', message: `${upgrade.batchPercentage} is not a share of the pool; use a number above 0 and at most 1 (e.g. 0.25)` });
  }
  return problems;
}
