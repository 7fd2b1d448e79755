#!/usr/bin/env node
// Writes schemas/*.schema.json from the catalog's zod schema.
import { renameSync, writeFileSync } from 'node:fs';
import { catalogJsonSchemas } from '../lib/catalog/json-schema';

for (const [path, content] of Object.entries(catalogJsonSchemas())) {
  writeFileSync(`${path}.tmp`, content);
  renameSync(`${path}.tmp`, path);
  console.log(`wrote ${path}`);
}
