import { GcsBackend, type TerraformStack } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import type { Platform } from '../lib/catalog/schema';
import { applyPolicies } from '../lib/policy/aspect';

/**
 * What every stack shares: its own state (one GCS prefix per stack, never
 * shared), the google provider in the platform's region, and the security
 * policy (lib/policy), which fails synth on any violation.
 */
export function configureStack(stack: TerraformStack, platform: Platform, stackName: string, defaultProject?: string): GoogleProvider {
  applyPolicies(stack);
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
