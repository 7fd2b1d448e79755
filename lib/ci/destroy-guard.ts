// Stops a plan that deletes or replaces a resource holding data or carrying
// the platform (a replaced Cloud SQL instance is an empty one), unless the
// pull request says, with the `allow-destroy` label, that this is intended.
import { plannedChanges, type Plan } from './plan-json';
import { protectedTypes } from '../capabilities/resource-access';

export const ALLOW_DESTROY_LABEL = 'allow-destroy';

/**
 * Resource types whose loss loses data or takes services down, with a name
 * for people: derived from the resource map (lib/capabilities/resource-access.ts),
 * where each capability marks its stateful types.
 */
export const PROTECTED_TYPES: Readonly<Record<string, string>> = protectedTypes();

export interface ProtectedDestroy {
  readonly address: string;
  readonly kind: string;
  readonly effect: 'delete' | 'replace';
}

/** Every protected resource the plan deletes or replaces, by address. */
export function protectedDestroys(plan: Plan): ProtectedDestroy[] {
  return plannedChanges(plan).flatMap(({ resource, effect }) => {
    const kind = PROTECTED_TYPES[resource.type];
    if (!kind || (effect !== 'delete' && effect !== 'replace')) return [];
    return [{ address: resource.address, kind, effect }];
  });
}

export interface GuardResult {
  readonly ok: boolean;
  readonly destroys: readonly ProtectedDestroy[];
  /** For people: what is destroyed and what to do; empty when nothing is. */
  readonly message: string;
}

export function guard(plan: Plan, file: string, allowDestroy: boolean): GuardResult {
  const destroys = protectedDestroys(plan);
  if (destroys.length === 0) return { ok: true, destroys, message: '' };
  const list = destroys.map((d) => `  - ${d.address} (${d.kind}): ${d.effect}`).join('\n');
  const head = `${file} would ${destroys.some((d) => d.effect === 'delete') ? 'delete or replace' : 'replace'} ${destroys.length} protected resource${destroys.length === 1 ? '' : 's'}:\n${list}`;
  if (allowDestroy) {
    return { ok: true, destroys, message: `${head}\nAllowed: the pull request carries the "${ALLOW_DESTROY_LABEL}" label.` };
  }
  return {
    ok: false,
    destroys,
    message:
      `${head}\n` +
      `A replacement creates a new, empty resource: its data is lost. If the change that causes it is not intended, ` +
      `look for a renamed construct id or a changed immutable attribute in the plan comment. ` +
      `If it is intended (e.g. decommissioning), add the "${ALLOW_DESTROY_LABEL}" label to the pull request; the plan runs again.`,
  };
}
