import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changedStacks } from '../../lib/ci/changed-stacks';
import { configHash, markerObject, pendingStacks, renderMarker } from '../../lib/ci/apply-markers';

const HEAD = join(__dirname, 'fixtures', 'synth', 'head');
const BASE = join(__dirname, 'fixtures', 'synth', 'base');
const COMMIT = 'c'.repeat(40);

function markersFor(stacks: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'markers-'));
  for (const [stack, config] of Object.entries(stacks)) writeFileSync(join(dir, `${stack}.json`), renderMarker(stack, config, COMMIT, 1));
  return dir;
}
const config = (stack: string) => require(join(HEAD, 'stacks', stack, 'cdk.tf.json')) as unknown; // eslint-disable-line @typescript-eslint/no-require-imports

describe('apply markers: failed, cancelled and replaced applies run again', () => {
  const everyGcsStack = ['platform', 'service-orders-development', 'service-payment-development', 'service-payment-production', 'service-search-development'];

  it('selects nothing more when every stack is marked with its current configuration', () => {
    const markers = markersFor(Object.fromEntries(everyGcsStack.map((s) => [s, config(s)])));
    expect(pendingStacks(HEAD, markers, [])).toEqual([]);
  });

  it('selects a stack whose marker is older (its last apply failed or its queued job was replaced), or missing (never applied)', () => {
    const markers = markersFor({ ...Object.fromEntries(everyGcsStack.map((s) => [s, config(s)])), 'service-search-development': { old: true } });
    writeFileSync(join(markers, 'platform.json'), '{ broken');
    const pending = pendingStacks(HEAD, markers, []).map((c) => c.name);
    expect(pending).toEqual(['platform', 'service-search-development']);
  });

  it('does not repeat stacks the run already selects, and never selects local-state stacks (bootstrap)', () => {
    const already = changedStacks(BASE, HEAD);
    const pending = pendingStacks(HEAD, mkdtempSync(join(tmpdir(), 'none-')), already);
    expect(pending.map((c) => c.name)).toEqual(['platform', 'service-search-development']);
    expect(pending.every((c) => c.metadata && typeof c.metadata !== 'string')).toBe(true);
  });

  it('hashes configuration, not cdktf comments or key order', () => {
    expect(configHash({ '//': { version: 1 }, b: 1, a: { '//': 'x', c: 2 } })).toBe(configHash({ a: { c: 2 }, b: 1 }));
    expect(configHash({ a: 1 })).not.toBe(configHash({ a: 2 }));
  });

  it('keeps markers next to the state, outside the stacks/ prefix', () => {
    expect(markerObject('acme-terraform-state', 'platform')).toBe('gs://acme-terraform-state/applied/platform.json');
  });
});
