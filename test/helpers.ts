// Shared test helpers: temporary catalogs and typed access to synthesized JSON.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing, type TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { loadCatalog, type Catalog } from '../lib/catalog/load';
import { ServiceProject } from '../constructs/service-project';

export const REPO_ROOT = join(__dirname, '..');

/** The example services the tests describe. Tests read these files only, so
 *  a service added with `npm run new-service` never breaks them. */
export const EXAMPLE_SERVICES = ['gateway', 'payment', 'recommend', 'search'];

/** Every stack the example catalog synthesizes, sorted (written out: tests compare against it). */
export const EXAMPLE_STACKS = [
  'bootstrap',
  'cluster-production',
  'platform',
  'service-gateway-development',
  'service-gateway-production',
  'service-payment-development',
  'service-payment-production',
  'service-recommend-development',
  'service-recommend-production',
  'service-search-development',
  'service-search-production',
];

export function exampleCatalog(): Catalog {
  return loadCatalog(tempCatalog());
}

/**
 * A temporary catalog: the example platform.yaml and services unless
 * `files` replaces them (a value of `null` deletes the file).
 */
export function tempCatalog(files: Record<string, string | null> = {}, options: { withExampleServices?: boolean } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'catalog-'));
  mkdirSync(join(root, 'services'));
  const all: Record<string, string | null> = { 'platform.yaml': readFileSync(join(REPO_ROOT, 'platform.yaml'), 'utf8') };
  if (options.withExampleServices ?? true) {
    for (const name of EXAMPLE_SERVICES) {
      all[`services/${name}.yaml`] = readFileSync(join(REPO_ROOT, 'services', `${name}.yaml`), 'utf8');
    }
  }
  Object.assign(all, files);
  for (const [path, content] of Object.entries(all)) {
    if (content !== null) writeFileSync(join(root, path), content);
  }
  return root;
}

export type TerraformJson = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  terraform: Record<string, unknown>;
  provider?: Record<string, unknown[]>;
  output?: Record<string, { value: unknown }>;
};

export function synthJson(stack: TerraformStack): TerraformJson {
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

export function synthScopeJson(build: Parameters<typeof Testing.synthScope>[0]): TerraformJson {
  return JSON.parse(Testing.synthScope(build)) as TerraformJson;
}

/** Every resource of `type`, keyed by its Terraform name. */
export function resourcesOf(json: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return json.resource[type] ?? {};
}

/** The only resource of `type`; fails the test if there is not exactly one. */
export function onlyResource(json: TerraformJson, type: string): Record<string, any> {
  const all = Object.values(resourcesOf(json, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** Removes `//` metadata blocks so snapshots hold configuration only. */
export function withoutMetadata<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v) => (key === '//' ? undefined : v))) as T;
}

/** A service project for construct tests, attached to a Shared VPC host, with `apis` enabled. */
export function testProject(scope: Construct, apis: readonly string[] = [], projectId = 'acme-payment-prod'): ServiceProject {
  return new ServiceProject(scope, 'Project', {
    projectId,
    folder: 'folders/123',
    billingAccount: '01ABCD-23EF45-67AB89',
    labels: { service: 'payment', team: 'payments', environment: 'production', 'managed-by': 'cdktf' },
    apis,
    sharedVpcHostProject: 'acme-platform',
  });
}
