import { CatalogError, loadCatalog } from '../../lib/catalog/load';
import { platformClusters } from '../../lib/catalog/clusters';
import { exampleCatalog, tempCatalog } from '../helpers';
import { platformWithUs } from '../fixtures/countries';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers';

const EXAMPLE = readFileSync(join(REPO_ROOT, 'platform.yaml'), 'utf8');

/** The example platform.yaml with `yaml` (indented by two) added to the home cluster. */
function withCluster(yaml: string): string {
  const indented = yaml.replace(/^/gm, '  ');
  return EXAMPLE.replace('cluster:\n  name: production\n', `cluster:\n  name: production\n${indented}\n`);
}

/** `nodePools:\n  <pool>:\n    upgrade: ...` goes into the example's existing pool entry instead. */
function withSettings(yaml: string): string {
  const pool = /^nodePools:\n {2}(\w+):\n {4}(.*)$/s.exec(yaml);
  return pool ? EXAMPLE.replace(`    ${pool[1]}:\n`, `    ${pool[1]}:\n      ${pool[2]}\n`) : withCluster(yaml);
}

function problemsOf(platformYaml: string): string[] {
  try {
    loadCatalog(tempCatalog({ 'platform.yaml': platformYaml }));
  } catch (error) {
    if (error instanceof CatalogError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the catalog to be rejected');
}

describe('cluster defaults', () => {
  const [home] = platformClusters(exampleCatalog().platform);

  it('scale down sooner (OPTIMIZE_UTILIZATION) and keep the daily 17:00 window without exclusions', () => {
    expect(home.autoscalingProfile).toBe('OPTIMIZE_UTILIZATION');
    expect(home.maintenance).toEqual({ exclusions: {} });
  });

  it('upgrade standard by surge and highmem blue-green', () => {
    expect(home.nodePools.standard.upgrade).toEqual({ strategy: 'SURGE' });
    expect(home.nodePools.highmem.upgrade).toEqual({ strategy: 'BLUE_GREEN' });
  });

  it('apply the same to a further country', () => {
    const [, us] = platformClusters(loadCatalog(tempCatalog({ 'platform.yaml': platformWithUs() })).platform);
    expect(us).toMatchObject({ autoscalingProfile: 'OPTIMIZE_UTILIZATION', releaseChannel: 'REGULAR', maintenance: { exclusions: {} } });
    expect(us.nodePools.highmem.upgrade.strategy).toBe('BLUE_GREEN');
  });
});

describe('cluster settings are accepted', () => {
  it('a recurring weekend window and a campaign exclusion', () => {
    const catalog = loadCatalog(
      tempCatalog({
        'platform.yaml': withCluster(`autoscalingProfile: BALANCED
maintenance:
  recurringWindow:
    startTime: "2026-01-03T15:00:00Z"
    endTime: "2026-01-03T23:00:00Z"
    recurrence: FREQ=WEEKLY;BYDAY=SA,SU
  exclusions:
    year-end-sale:
      startTime: "2026-12-20T00:00:00Z"
      endTime: "2027-01-05T00:00:00Z"`),
      }),
    );
    expect(catalog.platform.cluster.autoscalingProfile).toBe('BALANCED');
    expect(catalog.platform.cluster.maintenance.exclusions['year-end-sale'].scope).toBe('NO_UPGRADES');
  });
});

describe('cluster settings fail if', () => {
  it.each([
    ['the autoscaling profile is unknown', 'autoscalingProfile: FAST', /cluster\.autoscalingProfile: expected one of OPTIMIZE_UTILIZATION, BALANCED, got "FAST"/],
    ['the daily start is not a time of day', 'maintenance:\n  dailyStartTime: "25:00"', /cluster\.maintenance\.dailyStartTime: expected a time of day \(UTC\)/],
    [
      'both a daily and a recurring window are set',
      'maintenance:\n  dailyStartTime: "17:00"\n  recurringWindow: { startTime: "2026-01-03T15:00:00Z", endTime: "2026-01-03T23:00:00Z", recurrence: FREQ=DAILY }',
      /cluster\.maintenance\.dailyStartTime: a cluster has one maintenance window/,
    ],
    [
      'a recurring occurrence is shorter than 4 hours',
      'maintenance:\n  recurringWindow: { startTime: "2026-01-03T15:00:00Z", endTime: "2026-01-03T17:00:00Z", recurrence: FREQ=DAILY }',
      /cluster\.maintenance\.recurringWindow\.endTime: each occurrence lasts 2 hours; GKE needs at least 4/,
    ],
    [
      'a recurring window allows under 48 hours in 32 days',
      'maintenance:\n  recurringWindow: { startTime: "2026-01-03T15:00:00Z", endTime: "2026-01-03T20:00:00Z", recurrence: FREQ=WEEKLY;BYDAY=SA }',
      /cluster\.maintenance\.recurringWindow: the window allows 20 hours in 32 days; GKE needs at least 48/,
    ],
    ['the recurrence is not DAILY or WEEKLY', 'maintenance:\n  recurringWindow: { startTime: "2026-01-03T15:00:00Z", endTime: "2026-01-03T23:00:00Z", recurrence: FREQ=MONTHLY }', /recurrence: expected a recurrence rule/],
    [
      'a NO_UPGRADES exclusion lasts over 30 days',
      'maintenance:\n  exclusions:\n    freeze: { startTime: "2026-12-01T00:00:00Z", endTime: "2027-01-15T00:00:00Z" }',
      /cluster\.maintenance\.exclusions\.freeze\.endTime: a NO_UPGRADES exclusion lasts at most 30 days, this one 45/,
    ],
    [
      'an exclusion ends before it starts',
      'maintenance:\n  exclusions:\n    freeze: { startTime: "2026-12-10T00:00:00Z", endTime: "2026-12-01T00:00:00Z", scope: NO_MINOR_UPGRADES }',
      /exclusions\.freeze\.endTime: 2026-12-01T00:00:00Z is not after startTime/,
    ],
    ['an exclusion scope is unknown', 'maintenance:\n  exclusions:\n    freeze: { startTime: "2026-12-01T00:00:00Z", endTime: "2026-12-05T00:00:00Z", scope: NO_PATCHES }', /scope: expected one of NO_UPGRADES/],
    ['surge could replace nothing', 'nodePools:\n  standard:\n    upgrade: { maxSurge: 0, maxUnavailable: 0 }', /cluster\.nodePools\.standard\.upgrade\.maxSurge: maxSurge and maxUnavailable are both 0/],
    ['a surge pool gets blue-green settings', 'nodePools:\n  standard:\n    upgrade: { nodePoolSoakMinutes: 30 }', /standard\.upgrade\.nodePoolSoakMinutes: applies to strategy BLUE_GREEN only/],
    ['a blue-green pool gets surge settings', 'nodePools:\n  highmem:\n    upgrade: { maxSurge: 2 }', /highmem\.upgrade\.maxSurge: applies to strategy SURGE only/],
    ['a batch is given as a count and a share', 'nodePools:\n  highmem:\n    upgrade: { batchNodeCount: 2, batchPercentage: 0.5 }', /highmem\.upgrade\.batchPercentage: set batchNodeCount or batchPercentage, not both/],
    ['a batch share is above 1', 'nodePools:\n  highmem:\n    upgrade: { batchPercentage: 1.5 }', /highmem\.upgrade\.batchPercentage: 1\.5 is not a share of the pool/],
    ['the pool soak is over 7 days', 'nodePools:\n  highmem:\n    upgrade: { nodePoolSoakMinutes: 20000 }', /highmem\.upgrade\.nodePoolSoakMinutes: expected a whole number from 0 to 10080/],
    ['the strategy is unknown', 'nodePools:\n  highmem:\n    upgrade: { strategy: ROLLING }', /highmem\.upgrade\.strategy: expected one of SURGE, BLUE_GREEN, got "ROLLING"/],
  ])('%s', (_, yaml, message) => {
    expect(problemsOf(withSettings(yaml))).toContainEqual(expect.stringMatching(message));
  });
});
