import { GcsBackend, type TerraformStack } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import type { Platform } from '../lib/catalog/schema';

/**
 * What every stack shares: its own state (one GCS prefix per stack, never
 * shared) and the google provider in the platform's region.
 */
export function configureStack(stack: TerraformStack, platform: Platform, stackName: string, defaultProject?: string): GoogleProvider {
  new GcsBackend(stack, { bucket: platform.stateBucket, prefix: `stacks/${stackName}` });
  return new GoogleProvider(stack, 'google', { project: defaultProject, region: platform.region });
}
