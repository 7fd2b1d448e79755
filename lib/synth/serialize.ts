// The bytes cdktf writes for a stack.

/**
 * `json-stable-stringify(value, { space: 2 })`, as cdktf writes cdk.tf.json
 * and manifest.json: keys sorted, two-space indent, and empty arrays/objects
 * written as `[\n<indent>]` (not `[]`). Reimplemented because that package is
 * not ours to depend on and is ~5x slower.
 */
export function stableStringify(value: unknown): string | undefined {
  return write(value, '');
}

function write(value: unknown, indent: string): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  const parts: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) parts.push(`\n${inner}${write(item, inner) ?? 'null'}`);
    return `[${parts.join(',')}\n${indent}]`;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) {
    const rendered = write(record[key], inner);
    if (rendered !== undefined) parts.push(`\n${inner}${JSON.stringify(key)}: ${rendered}`);
  }
  return `{${parts.join(',')}\n${indent}}`;
}
