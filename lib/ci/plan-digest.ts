// Reviewed plan = applied plan. The trusted plan run records a digest of the
// planned resource changes (shown in the comment too); after the merge, the
// apply job plans again and refuses to apply when the digest differs (the state, the code on main or a
// provider changed between review and merge).
import { createHash } from 'node:crypto';
import { plannedChanges, type Plan } from './plan-json';
import { attributeDiff, canonicalJson } from './plan-values';

export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

/**
 * sha256 over what the plan comment shows of each managed resource change, in
 * address order: address, actions, replacement paths, and the planned value of
 * every attribute path the change sets (a create: all of them; an update or a
 * replacement: those whose value changes; a delete: none, the resource goes).
 * Values are masked as in the comment. Left out: plan metadata (timestamps,
 * Terraform version) and attributes equal before and after, so a computed
 * field that moves on its own (a GKE master_version, an etag) between review
 * and merge does not change the digest, while any change to what is applied does.
 */
export function planDigest(plan: Plan): string {
  const changes = plannedChanges(plan).map(({ resource, effect }) => {
    const { actions, replace_paths } = resource.change;
    const { old, next, changed } = attributeDiff(resource.change);
    const paths = effect === 'create' ? [...next.keys()].sort() : effect === 'delete' || effect === 'forget' ? [] : changed;
    return {
      address: resource.address,
      actions,
      replace_paths: replace_paths ?? [],
      // Old and new value: a reviewed scale-up 3->4 must not pass as a 10->4.
      planned: paths.map((path) => [path, old.get(path) ?? null, next.get(path) ?? null]),
    };
  });
  return `sha256:${createHash('sha256').update(canonicalJson(changes)).digest('hex')}`;
}

/** The hidden line in a plan comment that carries its digest. */
export function digestMarker(stack: string, digest: string): string {
  return `<!-- plan-digest:${stack}:${digest} -->`;
}

/** The hidden first line of a stack's plan comment: the next run updates that comment. */
export function commentMarker(stack: string): string {
  return `<!-- plan:${stack} -->`;
}

export type DigestCheck = { readonly ok: true; readonly message: string } | { readonly ok: false; readonly message: string };

/**
 * Compares the plan about to be applied with the one reviewed: `reviewed` is
 * the digest the trusted plan run recorded for the stack (lib/ci/plan-provenance.ts),
 * never text from a comment; `source` names that run for the message.
 */
export function checkDigest(plan: Plan, stack: string, reviewed: string | undefined, source: string): DigestCheck {
  const current = planDigest(plan);
  if (!reviewed) {
    return {
      ok: false,
      message:
        `No reviewed plan for stack ${stack} in ${source}, so nothing of this plan (${current}) was reviewed. ` +
        `Nothing was applied. Changes reach production through a pull request that the trusted plan workflow planned. ` +
        MANUAL_APPLY(stack, current),
    };
  }
  if (reviewed !== current) {
    return {
      ok: false,
      message:
        `The plan for ${stack} differs from the plan reviewed in ${source}: reviewed ${reviewed}, now ${current}. ` +
        `Nothing was applied. Something changed between review and merge (another merge to the same stack, a change made outside Terraform, ` +
        `or a provider update). ${MANUAL_APPLY(stack, current)}`,
    };
  }
  return { ok: true, message: `The plan for ${stack} is the plan reviewed in ${source} (${current}).` };
}

const MANUAL_APPLY = (stack: string, digest: string) =>
  `Review the plan in this run's summary; to apply exactly that plan, run the apply workflow by hand: ` +
  `gh workflow run apply.yml -f stack=${stack} -f digest=${digest} (or Actions > apply > Run workflow).`;

/** For a run by hand: applies only the plan whose digest the operator read and typed in. */
export function checkExpectedDigest(plan: Plan, stack: string, expected: string): DigestCheck {
  const current = planDigest(plan);
  if (expected === current) return { ok: true, message: `The plan for ${stack} is the plan you reviewed (${current}).` };
  const what = DIGEST_PATTERN.test(expected) ? `differs from the one you reviewed (${expected}): it is now ${current}` : `was not reviewed yet (no digest given): it is ${current}`;
  return { ok: false, message: `The plan for ${stack} ${what}. Nothing was applied. ${MANUAL_APPLY(stack, current)}` };
}
