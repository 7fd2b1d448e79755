// Plan records made from the real `terraform show` fixtures of
// test/ci/fixtures/plan-text (scripts/ci/make-plan-fixtures.mjs), and the
// pull request summary of a 200-stack change committed in docs/samples/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlan } from '../../lib/ci/plan-json';
import { planRecord, type StackPlanRecord } from '../../lib/ci/plan-record';
import { renderSummary, type SummaryInput } from '../../lib/ci/pr-summary';

export const PLAN_TEXT_DIR = join(__dirname, 'fixtures', 'plan-text');
export type PlanTextFixture = 'create' | 'change' | 'labels';

const read = (file: string) => readFileSync(join(PLAN_TEXT_DIR, file), 'utf8');
const CONFIG_OF: Record<PlanTextFixture, string> = { create: 'head', change: 'head', labels: 'labels' };

/** The fixture's record for `stack`; the fixture's service name (checkout) replaced by the stack's. */
export function fixtureRecord(fixture: PlanTextFixture, stack = 'service-checkout-production', options: { allowDestroy?: boolean; job?: string } = {}): StackPlanRecord {
  const service = /^service-(.+)-[a-z]+$/.exec(stack)?.[1] ?? 'checkout';
  const rename = (text: string) => text.replace(/checkout/g, service);
  return planRecord({
    stack,
    plan: parsePlan(rename(read(`${fixture}.json`)), `${fixture}.json`),
    planText: rename(read(`${fixture}.txt`)),
    configs: [JSON.parse(read(`${CONFIG_OF[fixture]}.cdk.tf.json`)), JSON.parse(read('base.cdk.tf.json'))],
    allowDestroy: options.allowDestroy ?? false,
    job: options.job ?? `plan ${stack}`,
  });
}

export const SAMPLE_RUN = 'https://github.com/acme/infra/actions/runs/4242';
export const SAMPLE_COMMIT = '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39';

/**
 * A shared-construct change (one more label on every stack's buckets) that
 * touches 200 stacks: 100 services in development and production; one of
 * them also moves its database to another region (a replacement the destroy
 * guard blocks), one is a new service, and one stack's plan failed.
 */
export function sampleInput(stackCount = 200): SummaryInput {
  const stacks = Array.from({ length: stackCount / 2 }, (_, i) => `svc${String(i + 1).padStart(4, '0')}`).flatMap((s) => [`service-${s}-development`, `service-${s}-production`]);
  const records = new Map<string, StackPlanRecord>();
  stacks.forEach((stack, i) => {
    if (i === 7) return; // failed: no record
    const fixture: PlanTextFixture = i === 42 ? 'change' : i === 3 ? 'create' : 'labels';
    records.set(stack, fixtureRecord(fixture, stack));
  });
  // Each stack is its own job up to 256 stacks (lib/ci/changed-stacks.ts, shardMatrix).
  const jobUrls = new Map(stacks.map((stack, i) => [`plan ${stack}`, `${SAMPLE_RUN}/job/${90000 + i}`]));
  return { stacks, records, commit: SAMPLE_COMMIT, runUrl: SAMPLE_RUN, jobUrls };
}

export const SAMPLE_FILE = join(__dirname, '..', '..', 'docs', 'samples', 'pr-comment-200-stacks.md');

export function renderSample(): string {
  return renderSummary(sampleInput(), { fullReport: 'the job summary of the run and its artifact `plan-report`' });
}
