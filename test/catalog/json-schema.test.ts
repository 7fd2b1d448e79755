import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogJsonSchemas } from '../../lib/catalog/json-schema';
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
