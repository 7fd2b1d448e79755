// The building blocks of the catalog schema: every field is one of these, so
// messages read the same everywhere ("expected <what> like <example>, got ...").
// Capability modules (lib/capabilities/) build their schema parts from them.
import { z } from 'zod';

/** Service, team and environment names: lowercase letters, digits, hyphens. */
export const NAME_PATTERN = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;

/** Renders a YAML value the way a reader of the file would recognise it. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'a list' : 'a mapping';
}

/** `expected <what>, got <value>`, or `required: <what>` for a missing key. */
export function expected(what: string, input: unknown): string {
  return input === undefined ? `required: ${what}` : `expected ${what}, got ${show(input)}`;
}

/**
 * A string that must match `pattern`; the message shows `example`. `mismatch`
 * words the message for a string that does not match, where "expected <what>"
 * alone would not say which strings are allowed.
 */
export function text(pattern: RegExp, what: string, example: string, mismatch?: (input: string) => string) {
  const message = (iss: { input?: unknown }) => expected(`${what} like ${example}`, iss.input);
  const wrongString = mismatch ? (iss: { input?: unknown }) => mismatch(String(iss.input)) : message;
  return z.string({ error: message }).regex(pattern, { error: wrongString });
}

export function integer(min: number, max: number, example: number) {
  const message = (iss: { input?: unknown }) => expected(`a whole number from ${min} to ${max} like ${example}`, iss.input);
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });
}

export function flag() {
  return z.boolean({ error: (iss) => expected('true or false', iss.input) });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (iss) => expected(`one of ${values.join(', ')}`, iss.input),
  });
}

export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** A mapping whose unknown keys are errors (a typo must never be ignored). */
export function mapping<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') {
        return iss.keys
          .map((key) => {
            const near = allowed.find((candidate) => editDistance(key, candidate) <= 2);
            const hint = near ? `did you mean "${near}"?` : `allowed keys: ${allowed.join(', ')}`;
            return `unknown key "${key}"; ${hint}`;
          })
          .join('; ');
      }
      return expected(`a mapping with keys ${allowed.join(', ')}`, iss.input);
    },
  });
}

export function list<T extends z.ZodType>(item: T, what: string) {
  return z.array(item, { error: (iss) => expected(`a list of ${what}`, iss.input) });
}

export function dictionary<T extends z.ZodType>(key: z.ZodType<string>, value: T, what: string) {
  return z.record(key, value, {
    // A bad key says what keys look like (the key schema's own message).
    error: (iss) => (iss.code === 'invalid_key' && iss.issues[0]?.message) || expected(`a mapping of ${what}`, iss.input),
  });
}

/** What a field means, for editors (hover and completion) through the JSON Schemas. */
export function about(description: string, defaultValue?: unknown): { description: string; default?: unknown } {
  return defaultValue === undefined ? { description } : { description, default: defaultValue };
}
