import { Testing, TerraformStack } from 'cdktf';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { resolveFragment, takeResolvedFragment } from '../../lib/resolved-fragments';

function bucket(): StorageBucket {
  const stack = new TerraformStack(Testing.app(), 'fragments');
  return new StorageBucket(stack, 'Bucket', { name: 'b', location: 'asia-northeast1' });
}

describe('resolved fragments', () => {
  it('hands the policy resolution to the synth once, then resolves afresh', () => {
    const resource = bucket();
    const checked = resolveFragment(resource);
    expect(takeResolvedFragment(resource)).toBe(checked);
    const again = takeResolvedFragment(resource);
    expect(again).not.toBe(checked);
    expect(again).toEqual(checked);
  });

  it('never serves a stale resolution to the policy: a change after a check is seen', () => {
    const resource = bucket();
    resolveFragment(resource);
    resource.location = 'europe-west1';
    expect(JSON.stringify(resolveFragment(resource))).toContain('europe-west1');
    expect(JSON.stringify(takeResolvedFragment(resource))).toContain('europe-west1');
  });
});
