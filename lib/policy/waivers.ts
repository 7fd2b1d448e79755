// Waivers: the only way past a policy rule. A waiver names one rule, sits on
// one construct (covering the resources beneath it) and carries a written
// reason; synth lists every waiver once (a notice), and docs/SECURITY.md lists them.
import type { IConstruct } from 'constructs';
import { RULE_IDS } from './rules';

export const WAIVER_METADATA = 'platform:policy-waiver';
const MIN_REASON_LENGTH = 20;

export interface Waiver {
  readonly rule: string;
  readonly reason: string;
  /** Path of the construct the waiver sits on. */
  readonly path: string;
}

/**
 * Exempts `construct` and everything beneath it from `rule`.
 * The reason is listed by every synth: say why the risk is accepted.
 */
export function waive(construct: IConstruct, rule: string, reason: string): void {
  const problems: string[] = [];
  if (!RULE_IDS.includes(rule)) problems.push(`rule "${rule}" is not a policy rule; use one of: ${RULE_IDS.join(', ')}`);
  if (reason.trim().length < MIN_REASON_LENGTH) problems.push(`reason "${reason}" is too short; write at least ${MIN_REASON_LENGTH} characters saying why the risk is accepted`);
  if (problems.length > 0) throw new Error(`waive() at ${construct.node.path}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  construct.node.addMetadata(WAIVER_METADATA, { rule, reason: reason.trim() });
}

/** The waivers declared on `construct` itself. */
export function waiversOn(construct: IConstruct): Waiver[] {
  return construct.node.metadata
    .filter((entry) => entry.type === WAIVER_METADATA)
    .map((entry) => ({ ...(entry.data as { rule: string; reason: string }), path: construct.node.path }));
}

/** The waiver of `rule` that covers `construct` (its own, or the nearest ancestor's). */
export function findWaiver(construct: IConstruct, rule: string): Waiver | undefined {
  for (const scope of [...construct.node.scopes].reverse()) {
    const waiver = waiversOn(scope).find((w) => w.rule === rule);
    if (waiver) return waiver;
  }
  return undefined;
}

/** Every waiver declared in `root`'s tree, in tree order. */
export function allWaivers(root: IConstruct): Waiver[] {
  return root.node.findAll().flatMap(waiversOn);
}
