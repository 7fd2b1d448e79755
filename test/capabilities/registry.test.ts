// Derived, not remembered: what a capability emits is checked against what
// CI can do with it and what the destroy guard protects. A new capability
// (or a new resource in one) fails here until its module declares the
// resource type with its roles, and marks stateful types as protected.
import { Testing, TerraformStack } from 'cdktf';
import { parse } from 'yaml';
import { buildStacks } from '../../lib/app';
import { loadCatalog, type Catalog } from '../../lib/catalog/load';
import { CAPABILITIES, capabilities } from '../../lib/capabilities/registry';
import { BASELINE_RESOURCES, DATA_SOURCES, resourceAccess } from '../../lib/capabilities/resource-access';
import { rolesAt } from '../../lib/capabilities/ci-roles';
import type { RoleScope } from '../../lib/capabilities/capability';
import { PROTECTED_TYPES } from '../../lib/ci/destroy-guard';
import { renderServiceYaml } from '../../lib/new-service/render';
import { exampleCatalog, synthJson, tempCatalog, type TerraformJson } from '../helpers';

function synthAll(catalog: Catalog): Record<string, TerraformJson> {
  const app = Testing.app();
  buildStacks(app, catalog);
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
  return Object.fromEntries(stacks.map((stack) => [stack.node.id, synthJson(stack)]));
}

const catalog = exampleCatalog();
const example = synthAll(catalog);
const platformProject = catalog.platform.platformProject;
const serviceStacks = new Set(catalog.services.flatMap((s) => s.environments.map((e) => e.stackName)));
/** Where a resource lives when its type does not say: the platform project, else a service project (folder). */
const whereIs = (stack: string, project: unknown): RoleScope => (project === platformProject || !serviceStacks.has(stack) ? 'platform' : 'folder');

/** `probe`: a new service using only `key` (as new-service writes it), or none. */
function probe(key?: string): TerraformJson {
  const capability = capabilities().find((c) => c.key === key);
  const choice = capability?.newService?.value?.choices[0] ?? true;
  const yaml = renderServiceYaml(
    { name: 'probe', team: 'probe', ownerGroup: 'probe@example.com', nodePool: 'standard', environments: ['production'], capabilities: key ? { [key]: choice } : {} },
    catalog.platform,
  );
  return synthAll(loadCatalog(tempCatalog({ 'services/probe.yaml': yaml })))['service-probe-production'];
}

const types = (json: TerraformJson) => Object.keys(json.resource);
const plain = probe();

/** Every resource of every stack CI applies (bootstrap is applied by an admin). */
const applied = Object.entries(example).filter(([name]) => name !== 'bootstrap');

describe('every resource type the stacks emit', () => {
  const emitted = [...new Set(applied.flatMap(([, json]) => types(json)))].sort();

  it.each(emitted)('%s has planner and applier roles (lib/capabilities/resource-access.ts or its capability)', (type) => {
    expect(Object.keys(resourceAccess())).toContain(type);
  });

  const grants = applied.flatMap(([stack, json]) =>
    Object.entries(json.resource).flatMap(([type, resources]) =>
      Object.values(resources).map((config) => ({ stack, type, project: config.project as unknown })),
    ),
  );
  const cases = [...new Map(grants.map((g) => [`${g.type} in ${serviceStacks.has(g.stack) ? 'a service stack' : g.stack} (project ${g.project === platformProject ? 'platform' : 'other'})`, g])).entries()];

  it.each(cases)('%s: the planner and the applier hold its roles where it lives', (_name, { stack, type, project }) => {
    const access = resourceAccess()[type];
    expect(access).toBeDefined();
    const where = whereIs(stack, project);
    expect(rolesAt('applier', access.scope ?? where)).toContain(access.applier);
    expect(rolesAt('planner', access.plannerScope ?? access.scope ?? where)).toContain(access.planner);
  });

  const reads = applied.flatMap(([stack, json]) =>
    Object.entries(json.data ?? {}).flatMap(([type, sources]) => Object.values(sources).map((config) => ({ stack, type, project: config.project as unknown }))),
  );
  const dataCases = [...new Map(reads.map((r) => [`${r.type} (project ${r.project === platformProject ? 'platform' : 'other'})`, r])).entries()];
  it.each(dataCases)('data source %s is readable by both identities where it lives', (_name, { stack, type, project }) => {
    expect(Object.keys(DATA_SOURCES)).toContain(type);
    const access = DATA_SOURCES[type];
    if (access === null) return;
    const where = whereIs(stack, project);
    expect(rolesAt('planner', where)).toContain(access.planner);
    expect(rolesAt('applier', where)).toContain(access.applier);
  });

  // Stateful: the resource carries a deletion guard of its own, or its kind holds data.
  const STATEFUL_NAME = /_(instance|database|dataset|bucket|cluster|node_pool|managed_zone|crypto_key|key_ring|topic|subscription|network|subnetwork|repository)$/;
  const stateful = [...new Set(
    applied.flatMap(([, json]) =>
      Object.entries(json.resource)
        .filter(([type, resources]) => STATEFUL_NAME.test(type) || Object.values(resources).some((r) => 'deletion_protection' in r || 'force_destroy' in r || 'deletion_policy' in r || (r.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy))
        .map(([type]) => type),
    ),
  )].sort();

  it.each(stateful)('stateful %s is destroy-guarded', (type) => {
    expect(Object.keys(PROTECTED_TYPES)).toContain(type);
  });
});

describe.each(capabilities().map((c) => [c.key, c] as const))('capability %s', (key, capability) => {
  it('is used by the example catalog (so the checks above cover it)', () => {
    const used = catalog.services.some((s) => s.environments.some((e) => (e as unknown as Record<string, unknown>)[key] !== undefined));
    expect(used).toBe(true);
  });

  it('declares every resource type it adds to a service stack', () => {
    const added = types(probe(key)).filter((type) => !types(plain).includes(type) && !(type in BASELINE_RESOURCES));
    expect(Object.keys(capability.resources)).toEqual(expect.arrayContaining(added));
  });

  it('declares no type it never emits (the example catalog uses all of them)', () => {
    const emitted = new Set(applied.flatMap(([, json]) => types(json)));
    for (const type of Object.keys(capability.resources)) expect([...emitted]).toContain(type);
  });

  it('enables the APIs it declares in the service project', () => {
    const stack = probe(key);
    const settings = (loadCatalog(tempCatalog({ 'services/probe.yaml': renderServiceYaml({ name: 'probe', team: 'probe', ownerGroup: 'probe@example.com', nodePool: 'standard', environments: ['production'], capabilities: { [key]: capability.newService?.value?.choices[0] ?? true } }, catalog.platform) }))
      .services.find((s) => s.name === 'probe')!.environments[0] as unknown as Record<string, unknown>)[key];
    const enabled = Object.values(stack.resource.google_project_service).map((s) => s.service);
    expect(enabled).toEqual(expect.arrayContaining([...capability.apis(settings)]));
  });

  it('is offered by new-service, and what it writes parses to its schema part', () => {
    expect(capability.newService).toBeDefined();
    const yaml = renderServiceYaml(
      { name: 'probe', team: 'probe', ownerGroup: 'probe@example.com', nodePool: 'standard', environments: ['production'], capabilities: { [key]: capability.newService!.value?.choices[0] ?? true } },
      catalog.platform,
    );
    let node = parse(yaml) as Record<string, unknown>;
    for (const step of capability.path) node = node[step] as Record<string, unknown>;
    expect(capability.schema.safeParse(node).success).toBe(true);
  });

  it('proves its settings in terraform test: assertions over the types it emits (npm run test:terraform plans them)', () => {
    const settings = catalog.services.flatMap((s) => s.environments).map((e) => (e as unknown as Record<string, unknown>)[key]).find((s) => s !== undefined);
    const listed: string[] = [];
    const assertions = capability.planAssertions(settings, { platform: catalog.platform, list: (type) => (listed.push(type), `[${type}.x]`) });
    expect(assertions.length).toBeGreaterThan(0);
    for (const { condition, message } of assertions) {
      expect(condition).toMatch(/\[[a-z_]+\.x\]/);
      expect(message.length).toBeGreaterThan(10);
    }
    // It reads its own types (and the service's key at most), never a list it does not emit.
    for (const type of listed) expect([...Object.keys(capability.resources), 'google_kms_crypto_key']).toContain(type);
  });

  it('describes itself for the dry run', () => {
    const settings = catalog.services.flatMap((s) => s.environments).map((e) => (e as unknown as Record<string, unknown>)[key]).find((s) => s !== undefined);
    expect(capability.describe(settings).join('\n')).toMatch(new RegExp(capability.title, 'i'));
  });
});

it('the registry lists each capability once, by a unique key and path', () => {
  expect(new Set(CAPABILITIES.map((c) => c.key)).size).toBe(CAPABILITIES.length);
  expect(new Set(CAPABILITIES.map((c) => c.path.join('.'))).size).toBe(CAPABILITIES.length);
});
