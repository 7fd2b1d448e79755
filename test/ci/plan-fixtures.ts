// Plan fixtures (Terraform's JSON plan representation) and a builder for
// plans made up in a test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlan, type Plan } from '../../lib/ci/plan-json';

export const PLANS_DIR = join(__dirname, 'fixtures', 'plans');

export function fixturePath(name: 'new-service' | 'replace-database' | 'delete-protected' | 'no-changes'): string {
  return join(PLANS_DIR, `${name}.json`);
}

export function fixtureText(name: Parameters<typeof fixturePath>[0]): string {
  return readFileSync(fixturePath(name), 'utf8');
}

export function fixture(name: Parameters<typeof fixturePath>[0]): Plan {
  return parsePlan(fixtureText(name), `${name}.json`);
}

/** A plan with `count` created buckets whose names are `width` characters long. */
export function bigPlan(count: number, width = 200): Plan {
  const resource_changes = Array.from({ length: count }, (_, i) => ({
    address: `google_storage_bucket.Bucket_${String(i).padStart(5, '0')}`,
    mode: 'managed',
    type: 'google_storage_bucket',
    name: `Bucket_${i}`,
    change: { actions: ['create'], before: null, after: { name: 'b'.repeat(width), location: 'ASIA-NORTHEAST1' }, after_unknown: { id: true } },
  }));
  return parsePlan(JSON.stringify({ format_version: '1.2', terraform_version: '1.11.4', resource_changes }), 'big.json');
}
