// Works out everything `npm run new-service` would write and create, and
// proves the new file loads: the whole catalog plus the new file is loaded
// from a temporary copy with the same loader synth uses. Nothing under the
// catalog root is touched here.
import { copyFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogError, loadCatalog, PLATFORM_FILE, SERVICES_DIR, type Catalog } from '../catalog/load';
import type { ServiceEnvironment } from '../catalog/resolve';
import { CODEOWNERS_FILE, codeownersLine, codeownersOwner, readCodeowners, renderCodeowners } from '../codeowners';
import { renderServiceYaml } from './render';
import { capabilities } from '../capabilities/registry';
import type { CatalogContext, NewServiceRequest } from './validate';

export interface FileChange {
  /** Relative to the catalog root. */
  readonly path: string;
  readonly content: string;
  /** The file's content before, or undefined for a new file. */
  readonly before?: string;
}

export interface NewServicePlan {
  readonly serviceFile: FileChange;
  readonly codeowners: FileChange;
  readonly codeownersLine: string;
  /** The existing CODEOWNERS did not match the catalog: regenerating changes other lines too. */
  readonly codeownersWasStale: boolean;
  /** What must exist on GitHub for the line to take effect (a reviewer GitHub cannot resolve is ignored). */
  readonly codeownersPrerequisite: string;
  /** One per environment, in platform.yaml order. */
  readonly environments: readonly ServiceEnvironment[];
}

export function planNewService(request: NewServiceRequest, context: CatalogContext): { plan?: NewServicePlan; problems: string[] } {
  const file = `${SERVICES_DIR}/${request.name}.yaml`;
  const content = renderServiceYaml(request, context.catalog.platform);
  let catalog: Catalog;
  try {
    catalog = loadWithNewFile(context.root, file, content);
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    // The inputs passed every check, so this is a gap in those checks: say so.
    return { problems: [`the generated ${file} does not load; please report this with the command you ran:${error.problems.map((p) => `\n      ${p}`).join('')}`] };
  }
  const service = catalog.services.find((s) => s.name === request.name)!;
  let before: string | undefined;
  try {
    before = readCodeowners(context.root);
  } catch (error) {
    return { problems: [`${CODEOWNERS_FILE}: cannot be read (${(error as Error).message}); it must be a text file, or absent to start from the default header`] };
  }
  const { github } = catalog.platform;
  const codeowners = renderCodeowners(catalog.services, github);
  const line = codeownersLine(service, github);
  return {
    problems: [],
    plan: {
      serviceFile: { path: file, content },
      codeowners: { path: CODEOWNERS_FILE, content: codeowners, before },
      codeownersLine: line,
      codeownersPrerequisite: github
        ? `the GitHub team ${codeownersOwner(service, github)} (slug "${service.team}") must exist with write access to ${github.repository}; GitHub ignores owners it cannot resolve`
        : `${service.ownerGroup} must be the email of a GitHub user account (GitHub cannot resolve a group's email); set github.repository in platform.yaml to use GitHub teams`,
      codeownersWasStale: before !== undefined && renderCodeowners(catalog.services.filter((s) => s !== service), github) !== before,
      environments: service.environments,
    },
  };
}

function loadWithNewFile(root: string, file: string, content: string): Catalog {
  const copy = mkdtempSync(join(tmpdir(), 'new-service-'));
  try {
    copyFileSync(join(root, PLATFORM_FILE), join(copy, PLATFORM_FILE));
    cpSync(join(root, SERVICES_DIR), join(copy, SERVICES_DIR), { recursive: true });
    writeFileSync(join(copy, file), content);
    return loadCatalog(copy);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** The stacks and their main resources, for the dry run and the next steps. */
export function describeStacks(environments: readonly ServiceEnvironment[]): string[] {
  const lines: string[] = [];
  for (const env of environments) {
    lines.push(`${env.stackName}`);
    lines.push(`  GCP project ${env.projectId} (own state, IAM and billing; labels team=${env.team})`);
    lines.push(`  Kubernetes namespace ${env.namespace} in the shared cluster, node pool ${env.nodePool}, team role for ${env.ownerGroup}, Pod Security ${env.podSecurity.level}`);
    lines.push(`  Workload Identity: Kubernetes service account ${env.namespace}/${env.service} acts as a Google service account of the project`);
    for (const capability of capabilities()) {
      const settings = (env as unknown as Record<string, unknown>)[capability.key];
      if (settings !== undefined) lines.push(...capability.describe(settings).map((line) => `  ${line}`));
    }
    lines.push(`  Log sink to a BigQuery dataset, ${env.logRetentionDays} days retention`);
  }
  return lines;
}
