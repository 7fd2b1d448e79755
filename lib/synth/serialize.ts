// The bytes cdktf writes for a stack.

/**
 * `json-stable-stringify(value, { space: 2 })`, as cdktf writes cdk.tf.json
 * and manifest.json: keys sorted, two-space indent, and empty arrays/objects
 * written as `[\n<indent>]` (not `[]`). Reimplemented because that package is
 * not ours to depend on and is ~5x slower.
 */
export function stableStringify(value: unknown): string | undefined {
  return write(value, 0);
}

/** Indentation by depth, made once. */
const INDENTS: string[] = [''];

function indentAt(depth: number): string {
  return (INDENTS[depth] ??= '  '.repeat(depth));
}

/** Object keys as JSON strings: a synth writes the same few thousand keys millions of times. */
const QUOTED_KEYS = new Map<string, string>();
const QUOTED_KEYS_MAX = 100_000;

function quotedKey(key: string): string {
  let quoted = QUOTED_KEYS.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (QUOTED_KEYS.size < QUOTED_KEYS_MAX) QUOTED_KEYS.set(key, quoted);
  }
  return quoted;
}

// One string built by concatenation (no array of parts per object): a tenth of the synth's time was here.
function write(value: unknown, depth: number): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = indentAt(depth + 1);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) out += `${i === 0 ? '\n' : ',\n'}${inner}${write(value[i], depth + 1) ?? 'null'}`;
    return `${out}\n${indentAt(depth)}]`;
  }
  const record = value as Record<string, unknown>;
  out = '{';
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const rendered = write(record[key], depth + 1);
    if (rendered === undefined) continue;
    out += `${first ? '\n' : ',\n'}${inner}${quotedKey(key)}: ${rendered}`;
    first = false;
  }
  return `${out}\n${indentAt(depth)}}`;
}
