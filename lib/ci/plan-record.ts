// What the plan job keeps of one stack's plan for the pull request summary
// (lib/ci/pr-summary.ts): counts, destroy-guard verdict, digest, and the plan
// text as `terraform show -no-color` prints it, with each resource's construct
// path next to its hashed cdktf address. No values beyond what `terraform show`
// prints (it masks sensitive ones); plan.json never leaves the plan job.
import { changedOutputs, countEffects, EFFECTS, plannedChanges, PlanError, type Effect, type Plan } from './plan-json';
import { planDigest, DIGEST_PATTERN } from './plan-digest';
import { protectedDestroys, type ProtectedDestroy } from './destroy-guard';

/** `none`: nothing protected is deleted or replaced; `allowed`: it is, and the pull request carries `allow-destroy`; `blocked`: it is, without the label. */
export type GuardStatus = 'none' | 'allowed' | 'blocked';

export interface RecordedDestroy extends ProtectedDestroy {
  /** The construct path (below the stack) of the resource, when the configuration names it. */
  readonly path?: string;
}

export interface StackPlanRecord {
  readonly stack: string;
  readonly counts: Readonly<Record<Effect, number>>;
  /** Names of outputs whose value changes. */
  readonly outputs: readonly string[];
  readonly destroys: readonly RecordedDestroy[];
  readonly guard: GuardStatus;
  readonly digest: string;
  /** `terraform show -no-color` of the plan, construct paths added to the resource headers. */
  readonly planText: string;
  /** The name of the job that planned it (links the summary row to its log). */
  readonly job?: string;
}

type Config = { resource?: Record<string, Record<string, { '//'?: { metadata?: { path?: unknown } } }>>; data?: Config['resource'] };

/**
 * Address -> construct path below the stack (`Project/Project` for
 * `google_project.Project_3096086A`), from the `//` metadata cdktf writes on
 * every block of cdk.tf.json. Several configurations (head, then base for the
 * resources a change removes): the first that names an address wins.
 */
export function constructPaths(...configs: readonly unknown[]): Map<string, string> {
  const paths = new Map<string, string>();
  for (const config of configs) {
    const { resource = {}, data = {} } = (config ?? {}) as Config;
    for (const [prefix, blocks] of [['', resource], ['data.', data]] as const) {
      for (const [type, byName] of Object.entries(blocks ?? {})) {
        for (const [name, block] of Object.entries(byName ?? {})) {
          const path = block?.['//']?.metadata?.path;
          const address = `${prefix}${type}.${name}`;
          // cdktf paths start with the stack name: it is the same for every resource of the stack.
          if (typeof path === 'string' && !paths.has(address)) paths.set(address, path.slice(path.indexOf('/') + 1));
        }
      }
    }
  }
  return paths;
}

/** `  # <address>[index] will be ...` (or `must be`, `has moved`, ...): the header of each resource in `terraform show`. */
const RESOURCE_HEADER = /^(\s*# )((?:data\.)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)((?:\[[^\]]*\])?) (.*)$/;

/** Adds `[construct: <path>]` to each resource header line whose address a configuration names. */
export function annotatePlanText(text: string, paths: ReadonlyMap<string, string>): string {
  return text
    .split('\n')
    .map((line) => {
      const match = RESOURCE_HEADER.exec(line);
      const path = match && !match[4].startsWith('(') ? paths.get(match[2]) : undefined;
      return path === undefined ? line : `${line}  [construct: ${path}]`;
    })
    .join('\n');
}

export function guardStatus(destroys: readonly ProtectedDestroy[], allowDestroy: boolean): GuardStatus {
  if (destroys.length === 0) return 'none';
  return allowDestroy ? 'allowed' : 'blocked';
}

export interface RecordInput {
  readonly stack: string;
  readonly plan: Plan;
  /** `terraform show -no-color <planfile>`. */
  readonly planText: string;
  /** The stack's cdk.tf.json (head, then base), parsed. */
  readonly configs: readonly unknown[];
  readonly allowDestroy: boolean;
  readonly job?: string;
}

export function planRecord(input: RecordInput): StackPlanRecord {
  const paths = constructPaths(...input.configs);
  const destroys = protectedDestroys(input.plan).map((d): RecordedDestroy => (paths.has(d.address) ? { ...d, path: paths.get(d.address) } : d));
  return {
    stack: input.stack,
    counts: countEffects(plannedChanges(input.plan)),
    outputs: changedOutputs(input.plan),
    destroys,
    guard: guardStatus(destroys, input.allowDestroy),
    digest: planDigest(input.plan),
    planText: annotatePlanText(input.planText.replace(/^\n+/, '').replace(/\s+$/, ''), paths),
    ...(input.job ? { job: input.job } : {}),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks a record file written by the plan job; every problem named with `file`. */
export function parsePlanRecord(text: string, file: string): StackPlanRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PlanError(`${file}: not JSON (${(error as Error).message}); the plan job writes it with npm run pr-summary -- record`);
  }
  const problems: string[] = [];
  if (!isObject(raw)) throw new PlanError(`${file}: expected a JSON object written by npm run pr-summary -- record`);
  if (typeof raw.stack !== 'string' || !/^[a-z0-9][a-z0-9-]{0,127}$/.test(raw.stack)) problems.push('stack: expected a stack name');
  const counts = raw.counts;
  if (!isObject(counts) || !EFFECTS.every((e) => Number.isSafeInteger(counts[e]) && (counts[e] as number) >= 0)) problems.push(`counts: expected a whole number for each of ${EFFECTS.join(', ')}`);
  if (!Array.isArray(raw.outputs) || !raw.outputs.every((o) => typeof o === 'string')) problems.push('outputs: expected a list of names');
  const destroysOk =
    Array.isArray(raw.destroys) &&
    raw.destroys.every((d) => isObject(d) && typeof d.address === 'string' && typeof d.kind === 'string' && (d.effect === 'delete' || d.effect === 'replace') && (d.path === undefined || typeof d.path === 'string'));
  if (!destroysOk) problems.push('destroys: expected a list of {address, kind, effect, path?}');
  if (raw.guard !== 'none' && raw.guard !== 'allowed' && raw.guard !== 'blocked') problems.push('guard: expected none, allowed or blocked');
  if (typeof raw.digest !== 'string' || !DIGEST_PATTERN.test(raw.digest)) problems.push('digest: expected sha256:<64 hex digits>');
  if (typeof raw.planText !== 'string') problems.push('planText: expected the text of terraform show');
  if (raw.job !== undefined && typeof raw.job !== 'string') problems.push('job: expected a job name');
  if (problems.length > 0) throw new PlanError(`${file} is not a plan record:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return raw as unknown as StackPlanRecord;
}
