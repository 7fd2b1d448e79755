// Tests that run the real terraform binary need it on PATH and the offline
// provider mirror (tests never download from the registry). Without them the
// suite says why it skips; .ci/run runs them (the mirror is beside the clone).
import { spawnSync } from 'node:child_process';
import { findProviderMirror } from '../../lib/terraform/cli';
import { REPO_ROOT } from '../helpers';

function reasonToSkip(): string | undefined {
  if (spawnSync('terraform', ['version'], { env: { ...process.env, CHECKPOINT_DISABLE: '1' } }).status !== 0) return 'terraform is not on PATH';
  if (!findProviderMirror(REPO_ROOT)) return 'no offline provider mirror (../shared/terraform-providers or TF_PROVIDER_MIRROR)';
  return undefined;
}

const reason = reasonToSkip();
if (reason) console.warn(`Skipping tests that run terraform: ${reason}`);

/** `describe` when terraform and the mirror are here, `describe.skip` otherwise. */
export const describeWithTerraform = reason ? describe.skip : describe;
