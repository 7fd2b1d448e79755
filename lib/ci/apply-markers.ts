// A stack whose apply failed, was cancelled, or never ran (its queued job
// replaced by a newer one) is applied again by the next run of main. After a
// successful apply, the apply job writes a marker object next to the stack's
// state, gs://<stateBucket>/applied/<stack>.json, with the hash of the
// configuration it applied. The next run selects every stack whose
// synthesized configuration differs from its marker, not only the stacks its
// own push changed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSynthDir, withoutMetadata, type ChangedStack } from './changed-stacks';
import { canonicalJson } from './plan-values';

export const MARKER_PREFIX = 'applied';

export interface ApplyMarker {
  readonly stack: string;
  /** sha256 of the configuration (cdktf comments left out) that was applied. */
  readonly config: string;
  /** The commit of main it was synthesized from. */
  readonly commit: string;
  readonly runId: number;
}

/** The hash a marker records: comments ("//") and key order do not count, as in change detection. */
export function configHash(config: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(withoutMetadata(config))).digest('hex')}`;
}

/** Where a stack's marker lives in the state bucket. */
export function markerObject(stateBucket: string, stack: string): string {
  return `gs://${stateBucket}/${MARKER_PREFIX}/${stack}.json`;
}

export function renderMarker(stack: string, config: unknown, commit: string, runId: number): string {
  const marker: ApplyMarker = { stack, config: configHash(config), commit, runId };
  return `${JSON.stringify(marker, null, 2)}\n`;
}

/** The configuration hash a marker file records, or undefined when it is missing or unreadable (apply again). */
export function markedConfig(markersDir: string, stack: string): string | undefined {
  const file = join(markersDir, `${stack}.json`);
  if (!existsSync(file)) return undefined;
  try {
    const marker = JSON.parse(readFileSync(file, 'utf8')) as Partial<ApplyMarker>;
    return marker.stack === stack && typeof marker.config === 'string' ? marker.config : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stacks of `headDir` that CI applies and whose configuration is not what
 * their marker says was applied last (failed, cancelled, queued and
 * replaced, or never applied), as changes to add to the run's own.
 */
export function pendingStacks(headDir: string, markersDir: string, already: readonly ChangedStack[]): ChangedStack[] {
  const known = new Set(already.map((c) => c.name));
  const pending: ChangedStack[] = [];
  for (const [name, stack] of readSynthDir(headDir)) {
    if (known.has(name) || stack.backend !== 'gcs') continue;
    if (markedConfig(markersDir, name) !== configHash(stack.config)) {
      pending.push({ name, change: 'changed', backend: stack.backend, state: stack.state, metadata: stack.metadata });
    }
  }
  return pending;
}
