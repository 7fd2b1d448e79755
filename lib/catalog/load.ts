// Reads platform.yaml and services/*.yaml, validates all of them, and either
// returns the whole catalog or throws one error listing every problem: no
// stack is built from a catalog with a single bad file. Each problem points
// at its line and column with an excerpt (lib/catalog/source.ts).
import type { z } from 'zod';
import { platformSchema, serviceSchema, type Platform } from './schema';
import { resolveService, type FieldProblem, type ServiceEnvironment } from './resolve';
import { serviceNameProblems } from './names';
import { platformProblems } from './platform';
import { linkServiceCalls } from './calls';
import { catalogRoot, listCatalogFolder, readCatalogFile, renderProblem, YamlSource, type CatalogProblem, type FieldPath } from './source';
import { capabilities } from '../capabilities/registry';
import type { CatalogService } from '../capabilities/capability';
import { derivedNameProblems, environmentProblems } from './collisions';

export const PLATFORM_FILE = 'platform.yaml';
export const SERVICES_DIR = 'services';
export type { CatalogProblem } from './source';

export interface ServiceDefinition {
  readonly name: string;
  /** Relative to the catalog root, e.g. `services/payment.yaml`. */
  readonly file: string;
  readonly team: string;
  readonly ownerGroup: string;
  /** One entry per environment the service runs in, in platform.yaml order. */
  readonly environments: readonly ServiceEnvironment[];
}

export interface Catalog {
  readonly platform: Platform;
  /** Sorted by name. */
  readonly services: readonly ServiceDefinition[];
}

export class CatalogError extends Error {
  /** One line each: `<file>: <field path>: <message>`. */
  readonly problems: readonly string[];
  /** The same problems with their location and excerpt, where they have one. */
  readonly located: readonly CatalogProblem[];

  constructor(problems: readonly (string | CatalogProblem)[]) {
    const located = problems.map((p) => (typeof p === 'string' ? { text: p } : p));
    const count = located.length;
    const body = located.map((p) => renderProblem(p).map((line, i) => (i === 0 ? `  - ${line}` : `    ${line}`)).join('\n'));
    super(`The catalog has ${count} problem${count === 1 ? '' : 's'}; nothing was synthesized:\n${body.join('\n')}`);
    this.name = 'CatalogError';
    this.located = located;
    this.problems = located.map((p) => p.text);
  }
}

/** Loads the catalog under `root` (the folder holding platform.yaml and services/). */
export function loadCatalog(root: string): Catalog {
  const problems: CatalogProblem[] = [];
  const base = catalogRoot(root);
  if (base.problem !== undefined) throw new CatalogError([base.problem]);
  const realRoot = base.real;
  const platformFile = parseFile(realRoot, root, PLATFORM_FILE, platformSchema, platformSchema.partial(), problems);
  const platform = platformFile.value;
  if (platformFile.partial && platformFile.source) {
    problems.push(...locateAll(platformFile.source, platformProblems(platformFile.partial as Platform), platformFile.badPaths));
  }
  if (platform && platformFile.source) problems.push(...locateAll(platformFile.source, environmentProblems(platform), platformFile.badPaths));
  const services: ServiceDefinition[] = [];
  const sources = new Map<string, YamlSource>();
  const seen = new Map<string, string>();
  const listing = listCatalogFolder(realRoot, SERVICES_DIR, root);
  if (listing.problem !== undefined) {
    problems.push({
      text: listing.problem.includes('file not found') ? `${SERVICES_DIR}/: folder not found under ${root}; create it (npm run new-service -- <name> ...)` : listing.problem,
    });
  }
  const fileNames = (listing.names ?? []).filter((f) => /\.ya?ml$/i.test(f));
  // allowFrom names other services: every file name is one, whether or not its file is valid.
  const serviceNames = fileNames.map((fileName) => fileName.replace(/\.ya?ml$/i, ''));
  for (const fileName of fileNames) {
    const file = `${SERVICES_DIR}/${fileName}`;
    const name = fileName.replace(/\.ya?ml$/, '');
    if (!fileName.endsWith('.yaml')) {
      problems.push({ text: `${file}: service files end in .yaml; rename it to ${SERVICES_DIR}/${name}.yaml` });
      continue;
    }
    const other = seen.get(name.toLowerCase());
    if (other) {
      problems.push({ text: `${file}: duplicates ${other} (names are compared ignoring letter case); keep one file per service` });
      continue;
    }
    seen.set(name.toLowerCase(), file);
    const parsed = parseFile(realRoot, root, file, serviceSchema, serviceSchema.partial({ team: true, ownerGroup: true }), problems);
    if (!platform) continue; // names and environments depend on platform.yaml
    for (const problem of serviceNameProblems(name, platform)) problems.push({ text: `${file}: file name: ${problem}` });
    if (!parsed.partial || !parsed.source) continue;
    // With schema problems, the rest of the file is still checked (the bad
    // fields left out), so one run reports every independent problem.
    const spec = parsed.partial as z.infer<typeof serviceSchema>;
    const resolved = resolveService(name, { ...spec, team: spec.team ?? '', ownerGroup: spec.ownerGroup ?? '' }, platform, serviceNames);
    problems.push(...locateAll(parsed.source, resolved.problems, parsed.badPaths));
    if (parsed.value) services.push({ name, file, team: parsed.value.team, ownerGroup: parsed.value.ownerGroup, environments: resolved.environments });
    sources.set(file, parsed.source);
  }
  // Checks across services (a subscription names another service's topic).
  for (const capability of capabilities()) {
    for (const p of capability.checkCatalog?.(services as unknown as CatalogService[]) ?? []) {
      const source = sources.get(p.file);
      problems.push(...(source ? locateAll(source, [p], []) : [{ text: `${p.file}: ${p.path}: ${p.message}` }]));
    }
  }
  if (platform) problems.push(...derivedNameProblems(platform, services).map((text) => ({ text })));
  if (problems.length > 0 || !platform) throw new CatalogError(inFileOrder(problems));
  services.sort((a, b) => a.name.localeCompare(b.name));
  return { platform, services: linkServiceCalls(platform, services) };
}

/** Each file's problems top to bottom (files keep their order; located ones after those about the whole file). */
function inFileOrder(problems: readonly CatalogProblem[]): CatalogProblem[] {
  const files = [...new Set(problems.map((p) => p.file ?? p.text.split(':')[0]))];
  const fileOf = (p: CatalogProblem) => files.indexOf(p.file ?? p.text.split(':')[0]);
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => fileOf(a.problem) - fileOf(b.problem) || (a.problem.line ?? 0) - (b.problem.line ?? 0) || (a.problem.column ?? 0) - (b.problem.column ?? 0) || a.index - b.index)
    .map(({ problem }) => problem);
}

interface Parsed<T> {
  /** The file's value when it passed the schema. */
  readonly value?: T;
  /** The value with every field the schema refused left out, for the cross-field checks. */
  readonly partial?: unknown;
  readonly source?: YamlSource;
  /** Dotted paths the schema refused: cross-field problems at or under them would only repeat them. */
  readonly badPaths: readonly string[];
}

/** Parses and validates one YAML file; problems are appended, never thrown. */
function parseFile<T extends z.ZodType>(realRoot: string, shownRoot: string, file: string, schema: T, lenient: z.ZodType, problems: CatalogProblem[]): Parsed<z.infer<T>> {
  const read = readCatalogFile(realRoot, file, shownRoot);
  if (read.problem !== undefined) {
    problems.push({ text: read.problem });
    return { badPaths: [] };
  }
  const source = new YamlSource(file, read.text);
  if (source.document.errors.length > 0) {
    problems.push(...yamlErrors(source));
    return { badPaths: [] };
  }
  let value: unknown;
  try {
    value = source.document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    const alias = source.firstAlias();
    const text = `${file}: not valid YAML: ${error instanceof ReferenceError ? `its aliases (*name) expand to more than ${MAX_ALIAS_COUNT} copies, which looks like an alias bomb; write the values out instead of aliasing them` : `cannot be read (${(error as Error).message})`}`;
    problems.push(alias ? source.range(alias, text) : source.at(0, 1, text));
    return { badPaths: [] };
  }
  const result = schema.safeParse(value);
  if (result.success) return { value: result.data, partial: result.data, source, badPaths: [] };
  const deletions: FieldPath[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // One problem per key, each at its key.
      const messages = issue.message.split(/; (?=unknown key ")/);
      issue.keys.forEach((key, i) => {
        problems.push(source.locate(issue.path, `${file}: ${formatPath(issue.path)}: ${messages[i] ?? issue.message}`, { key }));
        deletions.push([...issue.path, key]);
      });
    } else {
      problems.push(source.locate(issue.path, `${file}: ${formatPath(issue.path)}: ${issue.message}`));
      deletions.push(issue.path);
    }
  }
  const repaired = lenient.safeParse(without(value, deletions));
  return { source, partial: repaired.success ? repaired.data : undefined, badPaths: deletions.map(dotted) };
}

/** Aliases a catalog file may expand (yaml's own default); a billion-laughs file is refused. */
const MAX_ALIAS_COUNT = 100;

/** yaml's parse errors, folded: one per position, and one per kind of error with a count of the others. */
function yamlErrors(source: YamlSource): CatalogProblem[] {
  const errors = [...source.document.errors].sort((a, b) => a.pos[0] - b.pos[0]);
  const byCode = new Map<string, { first: (typeof errors)[number]; lines: Set<number> }>();
  for (const error of errors) {
    const line = error.linePos?.[0].line ?? 0;
    const group = byCode.get(error.code);
    if (group) group.lines.add(line);
    else if (![...byCode.values()].some((g) => g.first.pos[0] === error.pos[0])) byCode.set(error.code, { first: error, lines: new Set([line]) });
  }
  return [...byCode.values()].map(({ first, lines }) => {
    const others = lines.size - 1;
    const more = others > 0 ? ` (and ${others} more line${others === 1 ? '' : 's'} like it)` : '';
    const text = `${source.file}: not valid YAML: ${yamlMessage(first.code, first.message)}${more}`;
    return source.at(first.pos[0], Math.max(1, first.pos[1] - first.pos[0]), text);
  });
}

function yamlMessage(code: string, message: string): string {
  const plain = message.split(' at line ')[0].split('\n')[0];
  if (code === 'RESOURCE_EXHAUSTION') return 'nested too deeply to read; catalog files nest a few levels at most';
  if (['BAD_INDENT', 'BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY', 'MISSING_CHAR', 'UNEXPECTED_TOKEN'].includes(code)) {
    return `${plain}; check the indentation around this line (spaces only, two per level)`;
  }
  return plain;
}

/** Problems of the cross-field checks, each at its field, except those that repeat a schema problem. */
function locateAll(source: YamlSource, problems: readonly FieldProblem[], badPaths: readonly string[]): CatalogProblem[] {
  return problems
    .filter((p) => !badPaths.some((bad) => p.path === bad || p.path.startsWith(`${bad}.`)))
    .map((p) => source.locate(p.path.split('.'), `${source.file}: ${p.path}: ${p.message}`, { value: p.value, occurrence: p.occurrence }));
}

/** `value` with the fields at `paths` removed (list items by index, the highest first). */
function without(value: unknown, paths: readonly FieldPath[]): unknown {
  if (paths.some((path) => path.length === 0)) return undefined;
  const copy = structuredClone(value) as Record<PropertyKey, unknown>;
  const order = [...paths].sort((a, b) => comparePaths(b, a));
  for (const path of order) {
    let parent: unknown = copy;
    for (const key of path.slice(0, -1)) parent = (parent as Record<PropertyKey, unknown> | undefined)?.[key as string];
    const last = path[path.length - 1];
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else if (parent && typeof parent === 'object') delete (parent as Record<PropertyKey, unknown>)[last as string];
  }
  return copy;
}

function comparePaths(a: FieldPath, b: FieldPath): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    if (typeof a[i] === 'number' && typeof b[i] === 'number') return (a[i] as number) - (b[i] as number);
    return String(a[i]) < String(b[i]) ? -1 : 1;
  }
  return a.length - b.length;
}

function dotted(path: FieldPath): string {
  return path.map(String).join('.');
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i > 0 ? '.' : ''}${String(key)}`)).join('');
}
