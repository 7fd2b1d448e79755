import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogJsonSchemas } from '../../lib/catalog/json-schema';
import { DEFAULTS } from '../../lib/catalog/resolve';
import { CLOUD_SQL_DEFAULTS } from '../../lib/domain/cloud-sql';
import { REPO_ROOT } from '../helpers';

describe('the committed JSON Schemas', () => {
  it.each(Object.entries(catalogJsonSchemas()))('%s is up to date (run npm run schemas)', (path, content) => {
    expect(readFileSync(join(REPO_ROOT, path), 'utf8')).toBe(content);
  });

  it('forbid unknown keys and require team and ownerGroup', () => {
    const service = JSON.parse(catalogJsonSchemas()['schemas/service.schema.json']);
    expect(service.additionalProperties).toBe(false);
    expect(service.required).toEqual(expect.arrayContaining(['team', 'ownerGroup']));
  });
});

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  description?: string;
  default?: unknown;
};

/** Every property below `schema` with its path and whether its parent requires it. */
function properties(schema: JsonSchema, path = ''): { path: string; schema: JsonSchema; required: boolean }[] {
  const found: { path: string; schema: JsonSchema; required: boolean }[] = [];
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    found.push({ path: `${path}${key}`, schema: child, required: (schema.required ?? []).includes(key) });
    found.push(...properties(child, `${path}${key}.`));
  }
  for (const branch of schema.anyOf ?? []) found.push(...properties(branch, path));
  if (typeof schema.additionalProperties === 'object') found.push(...properties(schema.additionalProperties, `${path}<name>.`));
  return found;
}

describe('the JSON Schemas teach', () => {
  it.each(Object.entries(catalogJsonSchemas()))('%s: every field has a description and says its default (or that it is required)', (_, content) => {
    const fields = properties(JSON.parse(content) as JsonSchema);
    expect(fields.length).toBeGreaterThan(15);
    const silent = fields.filter(({ schema }) => !schema.description).map((f) => f.path);
    expect(silent).toEqual([]);
    const noDefault = fields
      .filter(({ schema, required }) => !required && schema.default === undefined && !/Default: /.test(schema.description ?? '') && !/^Required with /.test(schema.description ?? ''))
      .map((f) => f.path);
    expect(noDefault).toEqual([]);
    const requiredSaid = fields.filter(({ schema, required }) => required && !/^Required[. ]/.test(schema.description ?? '')).map((f) => f.path);
    expect(requiredSaid).toEqual([]);
  });

  it('shows the defaults resolve.ts applies', () => {
    const service = JSON.parse(catalogJsonSchemas()['schemas/service.schema.json']) as JsonSchema;
    const cloudsql = service.properties!.databases.properties!.cloudsql.properties!;
    expect(cloudsql.tier.default).toBe(CLOUD_SQL_DEFAULTS.tier);
    expect(cloudsql.diskSizeGb.default).toBe(CLOUD_SQL_DEFAULTS.diskSizeGb);
    expect(service.properties!.namespace.properties!.quota.properties!.memory.default).toBe(DEFAULTS.quota.memory);
    expect(service.properties!.logs.properties!.retentionDays.default).toBe(DEFAULTS.logRetentionDays);
    expect(service.properties!.nodePool.default).toBe(DEFAULTS.nodePool);
  });
});
