// One token resolution per element and synth. The policy aspect resolves
// every resource to check it, and the synth then needs the same fragment for
// cdk.tf.json: resolving twice was a quarter of a large synth. The policy
// stores what it resolved; the synth takes it (once) or resolves itself.
import { TerraformStack, type TerraformElement } from 'cdktf';
import { resolve } from 'cdktf/lib/_tokens';

const resolved = new WeakMap<TerraformElement, unknown>();

/** Resolves `element.toTerraform()` now (never from the cache: the element may have changed) and keeps it for the synth. */
export function resolveFragment(element: TerraformElement): unknown {
  const fragment = resolve(TerraformStack.of(element), element.toTerraform());
  resolved.set(element, fragment);
  return fragment;
}

/** The fragment the policy just resolved, else a fresh resolution; each stored fragment is used once. */
export function takeResolvedFragment(element: TerraformElement): unknown {
  const fragment = resolved.get(element);
  if (fragment === undefined) return resolve(TerraformStack.of(element), element.toTerraform());
  resolved.delete(element);
  return fragment;
}
