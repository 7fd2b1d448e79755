// References in a rendered stack: every `${type.name...}` (and `var.`,
// `local.`, `data.`, `module.`), every depends_on entry and every provider
// meta-argument must name an element of the same stack. cdktf tokens of
// another stack are refused while resolving (render.ts); this catches what
// tokens cannot: references written as strings.

/** Names that start an expression but are not elements. */
const BUILT_IN = new Set(['count', 'each', 'self', 'path', 'terraform']);

export interface UnknownReference {
  /** e.g. google_service_account.Sa, var.region, data.google_project.host */
  readonly address: string;
  /** Where in the stack's JSON, e.g. output.Email.value */
  readonly location: string;
  /** The construct path of the element that holds it, when the JSON says (resources and data sources do). */
  readonly constructPath?: string;
}

type Json = Record<string, unknown>;

/** The addresses `document` defines. */
export function definedAddresses(document: Json): Set<string> {
  const defined = new Set<string>();
  const blocks = (key: string): Json => (document[key] !== null && typeof document[key] === 'object' ? (document[key] as Json) : {});
  for (const [type, byName] of Object.entries(blocks('resource'))) for (const name of Object.keys(byName as Json)) defined.add(`${type}.${name}`);
  for (const [type, byName] of Object.entries(blocks('data'))) for (const name of Object.keys(byName as Json)) defined.add(`data.${type}.${name}`);
  for (const name of Object.keys(blocks('variable'))) defined.add(`var.${name}`);
  for (const name of Object.keys(blocks('locals'))) defined.add(`local.${name}`);
  for (const name of Object.keys(blocks('module'))) defined.add(`module.${name}`);
  for (const [type, configs] of Object.entries(blocks('provider'))) {
    defined.add(`provider ${type}`);
    for (const config of [configs].flat() as Json[]) if (typeof config?.alias === 'string') defined.add(`provider ${type}.${config.alias}`);
  }
  return defined;
}

/** Every reference in `document` to an address it does not define. */
export function unknownReferences(document: Json): UnknownReference[] {
  const defined = definedAddresses(document);
  const found: UnknownReference[] = [];
  // Where the walk is, as one array pushed and popped (joined only for a finding): most of the JSON holds no reference.
  const location: string[] = [];
  const visit = (value: unknown, constructPath: string | undefined): void => {
    if (typeof value === 'string') {
      if (!value.includes('${')) return;
      for (const address of expressionReferences(value)) {
        if (!defined.has(address)) found.push({ address, location: location.join('.'), constructPath });
      }
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        location.push(String(i));
        visit(value[i], constructPath);
        location.pop();
      }
      return;
    }
    const record = value as Json;
    // Resources and data sources carry their construct path in "//".
    const path = (record['//'] as { metadata?: { path?: unknown } } | undefined)?.metadata?.path;
    const here = typeof path === 'string' ? path : constructPath;
    // Meta-arguments that are references without ${ }.
    if (location.length === 3 && (location[0] === 'resource' || location[0] === 'data')) {
      if (typeof record.provider === 'string' && !defined.has(`provider ${record.provider}`)) {
        found.push({ address: `provider ${record.provider}`, location: [...location, 'provider'].join('.'), constructPath: here });
      }
      for (const dependency of Array.isArray(record.depends_on) ? record.depends_on : []) {
        if (typeof dependency === 'string' && !dependency.includes('${') && !defined.has(dependencyAddress(dependency))) {
          found.push({ address: dependencyAddress(dependency), location: [...location, 'depends_on'].join('.'), constructPath: here });
        }
      }
    }
    for (const key of Object.keys(record)) {
      if (key === '//') continue;
      location.push(key);
      visit(record[key], here);
      location.pop();
    }
  };
  for (const [key, block] of Object.entries(document)) {
    if (key === '//' || key === 'terraform') continue;
    location.push(key);
    visit(block, undefined);
    location.pop();
  }
  return found;
}

/** `google_x.y.id` -> `google_x.y`; `data.t.n` and `module.m` as they are. */
function dependencyAddress(dependency: string): string {
  const parts = dependency.split('.');
  return parts[0] === 'data' ? parts.slice(0, 3).join('.') : parts.slice(0, 2).join('.');
}

/** The element addresses the `${...}` expressions of `text` reference. */
export function expressionReferences(text: string): string[] {
  const addresses: string[] = [];
  for (const expression of interpolations(text)) {
    // String literals inside an expression are not references.
    const code = expression.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    const iterators = new Set<string>();
    for (const match of code.matchAll(/\bfor\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\b/g)) {
      iterators.add(match[1]);
      if (match[2]) iterators.add(match[2]);
    }
    for (const match of code.matchAll(/(?<![\w.-])([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?/g)) {
      const [, head, first, second] = match;
      if (BUILT_IN.has(head) || iterators.has(head)) continue;
      if (head === 'var' || head === 'local' || head === 'module') addresses.push(`${head}.${first}`);
      else if (head === 'data') {
        if (second !== undefined) addresses.push(`data.${first}.${second}`);
      } else addresses.push(`${head}.${first}`);
    }
  }
  return addresses;
}

/** The bodies of the `${...}` interpolations of `text` (`$${` is an escaped `${`). */
function interpolations(text: string): string[] {
  const bodies: string[] = [];
  let i = text.indexOf('${');
  while (i !== -1) {
    if (i > 0 && text[i - 1] === '$') {
      i = text.indexOf('${', i + 2);
      continue;
    }
    let depth = 1;
    let j = i + 2;
    let quoted = false;
    for (; j < text.length && depth > 0; j++) {
      const c = text[j];
      if (quoted) {
        if (c === '\\') j++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    bodies.push(text.slice(i + 2, j - 1));
    i = text.indexOf('${', j);
  }
  return bodies;
}
