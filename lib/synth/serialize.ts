// The bytes cdktf writes for a stack.

/**
 * `json-stable-stringify(value, { space: 2 })`, as cdktf writes cdk.tf.json
 * and manifest.json: keys sorted, two-space indent, and empty arrays/objects
 * written as `[\n<indent>]` (not `[]`). Reimplemented because that package is
 * not ours to depend on and is ~5x slower.
 */
export function stableStringify(value: unknown): string | undefined {
  const pieces: string[] = [];
  // One join at the end: a flat string (concatenation would keep a rope of every piece alive until written).
  return emit(pieces, value, 0) ? pieces.join('') : undefined;
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

/**
 * Appends `value` written at `depth` to `pieces`, all into one array (no
 * array and join per object: a tenth of the synth's time was there).
 * False when the value writes nothing (undefined, a function).
 */
function emit(pieces: string[], value: unknown, depth: number): boolean {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) return false;
    pieces.push(text);
    return true;
  }
  const inner = indentAt(depth + 1);
  if (Array.isArray(value)) {
    pieces.push('[');
    for (let i = 0; i < value.length; i++) {
      pieces.push(i === 0 ? '\n' : ',\n', inner);
      if (!emit(pieces, value[i], depth + 1)) pieces.push('null');
    }
    pieces.push('\n', indentAt(depth), ']');
    return true;
  }
  const record = value as Record<string, unknown>;
  pieces.push('{');
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const mark = pieces.length;
    pieces.push(first ? '\n' : ',\n', inner, quotedKey(key), ': ');
    if (emit(pieces, record[key], depth + 1)) first = false;
    else pieces.length = mark; // an undefined member is left out, as JSON.stringify does
  }
  pieces.push('\n', indentAt(depth), '}');
  return true;
}
