// Attribute values of a planned change, as a reviewer may see them: sensitive
// values hidden (the JSON plan holds them in clear text), values known only
// after apply marked as such.

/** A value the plan does not show: sensitive, or unknown until apply. */
export class Hidden {
  constructor(readonly text: '(sensitive value)' | '(known after apply)') {}
}
export const SENSITIVE = new Hidden('(sensitive value)');
export const UNKNOWN = new Hidden('(known after apply)');

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return value !== null && typeof value === 'object' && !(value instanceof Hidden);
}

/**
 * `value` with every subtree marked sensitive replaced by SENSITIVE and every
 * subtree marked unknown by UNKNOWN. The marker trees mirror the value's
 * shape, with `true` where the whole subtree is marked.
 */
export function maskValue(value: unknown, sensitive: unknown, unknown?: unknown): unknown {
  if (sensitive === true) return SENSITIVE;
  if (unknown === true) return UNKNOWN;
  const markedChild = (tree: unknown, key: string | number) => (isContainer(tree) ? (tree as Record<string, unknown>)[key as string] : undefined);
  if (Array.isArray(value) || Array.isArray(unknown)) {
    const items = Array.isArray(value) ? value : [];
    const length = Math.max(items.length, Array.isArray(unknown) ? unknown.length : 0);
    return Array.from({ length }, (_, i) => maskValue(items[i] ?? null, markedChild(sensitive, i), markedChild(unknown, i)));
  }
  if (isContainer(value) || isContainer(unknown)) {
    const object = isContainer(value) ? (value as Record<string, unknown>) : {};
    const keys = new Set([...Object.keys(object), ...(isContainer(unknown) ? Object.keys(unknown) : [])]);
    const result: Record<string, unknown> = {};
    for (const key of [...keys].sort()) result[key] = maskValue(object[key] ?? null, markedChild(sensitive, key), markedChild(unknown, key));
    return result;
  }
  return value;
}

/** JSON with sorted keys and markers spelled out: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  if (value instanceof Hidden) return JSON.stringify({ '(hidden)': value.text });
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Leaves of a masked value by attribute path (`settings[0].tier`); null leaves are left out. */
export function flatten(value: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (value instanceof Hidden) {
    out.set(path, value.text);
  } else if (Array.isArray(value)) {
    if (value.length === 0 && path) out.set(path, '[]');
    value.forEach((item, i) => flatten(item, `${path}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0 && path) out.set(path, '{}');
    for (const key of keys) {
      const segment = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
      flatten((value as Record<string, unknown>)[key], path ? (segment.startsWith('"') ? `${path}[${segment}]` : `${path}.${segment}`) : segment, out);
    }
  } else if (value !== null && value !== undefined) {
    out.set(path, JSON.stringify(value));
  }
  return out;
}

export function pathToString(path: readonly (string | number)[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i > 0 ? '.' : ''}${part}`)).join('');
}

/** What a reviewer sees of one resource change: its leaves before and after, masked. */
export interface AttributeDiff {
  readonly old: Map<string, string>;
  readonly next: Map<string, string>;
  /** Sorted paths whose shown value differs between before and after. */
  readonly changed: readonly string[];
}

export function attributeDiff(change: {
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: unknown;
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
}): AttributeDiff {
  const old = flatten(maskValue(change.before ?? null, change.before_sensitive));
  const next = flatten(maskValue(change.after ?? null, change.after_sensitive, change.after_unknown));
  const changed = [...new Set([...old.keys(), ...next.keys()])].sort().filter((path) => old.get(path) !== next.get(path));
  return { old, next, changed };
}
