// Reads platform.yaml and services/*.yaml, validates all of them, and either
// returns the whole catalog or throws one error listing every problem: no
// stack is built from a catalog with a single bad file.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { platformSchema, serviceSchema, type Platform } from './schema';
import { resolveService, type ServiceEnvironment } from './resolve';
import { serviceNameProblems } from './names';
import { platformProblems } from './platform';
import { capabilities } from '../capabilities/registry';
import type { CatalogService } from '../capabilities/capability';

export const PLATFORM_FILE = 'platform.yaml';
export const SERVICES_DIR = 'services';

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
  constructor(readonly problems: readonly string[]) {
    super(`The catalog has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was synthesized:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CatalogError';
  }
}

/** Loads the catalog under `root` (the folder holding platform.yaml and services/). */
export function loadCatalog(root: string): Catalog {
  const problems: string[] = [];
  const platform = parseFile(root, PLATFORM_FILE, platformSchema, problems);
  if (platform) problems.push(...platformProblems(platform).map((p) => `${PLATFORM_FILE}: ${p.path}: ${p.message}`));
  const services: ServiceDefinition[] = [];
  const seen = new Map<string, string>();
  for (const fileName of listServiceFiles(root, problems)) {
    const file = `${SERVICES_DIR}/${fileName}`;
    const name = fileName.replace(/\.ya?ml$/, '');
    if (!fileName.endsWith('.yaml')) {
      problems.push(`${file}: service files end in .yaml; rename it to ${SERVICES_DIR}/${name}.yaml`);
      continue;
    }
    const other = seen.get(name.toLowerCase());
    if (other) {
      problems.push(`${file}: duplicates ${other} (names are compared ignoring letter case); keep one file per service`);
      continue;
    }
    seen.set(name.toLowerCase(), file);
    const spec = parseFile(root, file, serviceSchema, problems);
    if (!platform) continue; // names and environments depend on platform.yaml
    for (const problem of serviceNameProblems(name, platform)) problems.push(`${file}: file name: ${problem}`);
    if (!spec) continue;
    const resolved = resolveService(name, spec, platform);
    problems.push(...resolved.problems.map((p) => `${file}: ${p.path}: ${p.message}`));
    services.push({ name, file, team: spec.team, ownerGroup: spec.ownerGroup, environments: resolved.environments });
  }
  for (const capability of capabilities()) {
    for (const p of capability.checkCatalog?.(services as unknown as CatalogService[]) ?? []) problems.push(`${p.file}: ${p.path}: ${p.message}`);
  }
  if (problems.length > 0 || !platform) throw new CatalogError(problems);
  services.sort((a, b) => a.name.localeCompare(b.name));
  return { platform, services };
}

function listServiceFiles(root: string, problems: string[]): string[] {
  const dir = join(root, SERVICES_DIR);
  if (!existsSync(dir)) {
    problems.push(`${SERVICES_DIR}/: folder not found under ${root}; create it (npm run new-service -- <name> ...)`);
    return [];
  }
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/i.test(f))
    .sort();
}

/** Parses and validates one YAML file; problems are appended, never thrown. */
function parseFile<T extends z.ZodType>(root: string, file: string, schema: T, problems: string[]): z.infer<T> | undefined {
  let source: string;
  try {
    source = readFileSync(join(root, file), 'utf8');
  } catch {
    problems.push(`${file}: file not found under ${root}`);
    return undefined;
  }
  const document = parseDocument(source, { uniqueKeys: true });
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const line = error.linePos?.[0];
      problems.push(`${file}${line ? `:${line.line}:${line.col}` : ''}: not valid YAML: ${error.message.split(' at line ')[0].split('\n')[0]}`);
    }
    return undefined;
  }
  const value = document.toJS() ?? {};
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    problems.push(`${file}: ${formatPath(issue.path)}: ${issue.message}`);
  }
  return undefined;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i > 0 ? '.' : ''}${String(key)}`)).join('');
}
