import { GcsBackend, type TerraformStack } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import type { Platform } from '../lib/catalog/schema';

/**
 * What every remote-state stack shares: its own state (one GCS prefix per
 * stack, never shared) and the google provider in the platform's region.
 * (The security policy is added to every stack by buildStacks.)
 */
export function configureStack(stack: TerraformStack, platform: Platform, stackName: string, defaultProject?: string): GoogleProvider {
  new GcsBackend(stack, { bucket: platform.stateBucket, prefix: `stacks/${stackName}` });
  return new GoogleProvider(stack, 'google', { project: defaultProject, region: platform.region });
}

/**
 * The bucket that receives the usage logs of the platform's buckets. The
 * bootstrap stack creates it (paired with the state bucket: each logs into
 * the other); other stacks point their buckets at it by this name.
 */
export function accessLogBucketName(platform: Platform): string {
  return `${platform.platformProject}-bucket-access-logs`;
}
