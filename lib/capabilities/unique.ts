import type { ResolveContext } from './capability';

/** Reports names listed twice (each becomes one resource, keyed by name). */
export function checkUnique(names: readonly string[], field: readonly string[], context: ResolveContext, what = 'database'): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) context.report(field, `"${name}" is listed twice; list each ${what} once`, { value: name, occurrence: 2 });
    seen.add(name);
  }
}
