// HCL literals for generated `terraform test` files (lib/terraform/tftest.ts
// and the capabilities' plan assertions).

/** An HCL string literal (template sequences escaped). */
export function hclString(value: string): string {
  return JSON.stringify(value).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

export function hclList(values: readonly string[]): string {
  return `[${values.map(hclString).join(', ')}]`;
}

export function hclObject(values: Record<string, string>): string {
  return `{ ${Object.entries(values)
    .map(([key, value]) => `${key} = ${hclString(value)}`)
    .join(', ')} }`;
}
