// JSON Schemas of the catalog files, generated from the zod schema (the one
// definition), so editors validate YAML as it is typed. Committed under
// schemas/; a test fails when they are stale (`npm run schemas` refreshes).
import { z } from 'zod';
import { platformSchema, serviceSchema } from './schema';

export function catalogJsonSchemas(): Record<string, string> {
  const render = (schema: z.ZodType, title: string) =>
    `${JSON.stringify({ ...z.toJSONSchema(schema, { io: 'input' }), title }, null, 2)}\n`;
  return {
    'schemas/platform.schema.json': render(platformSchema, 'platform.yaml'),
    'schemas/service.schema.json': render(serviceSchema, 'services/<name>.yaml'),
  };
}
