#!/usr/bin/env node
// npm run changed-stacks -- --base <synth-dir> --head <synth-dir> [--github-output <file>] [--only <stack>] [--max-jobs <n>] [--markers <dir>]
// Prints the JSON list of stacks CI plans whose configuration differs.
// --only keeps one stack (a run by hand), and fails if it did not change.
// --max-jobs caps the jobs of the `shards` output (default 256, GitHub's matrix limit).
// --markers adds the stacks whose last apply did not finish (lib/ci/apply-markers.ts):
// <dir> holds the apply markers copied from gs://<stateBucket>/applied/.
// --drift-day <YYYY-MM-DD> keeps the stacks the drift run plans that day
// (lib/ci/drift-rotation.ts: production daily, the others weekly) and prints the count.
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { changedStacks, githubOutputs, isPlannedInCi, GITHUB_MATRIX_LIMIT } from '../lib/ci/changed-stacks';
import { runCli, UsageError } from '../lib/ci/cli';
import { pendingStacks } from '../lib/ci/apply-markers';
import { driftStacksFor, rotationSummary } from '../lib/ci/drift-rotation';

const USAGE = 'usage: npm run changed-stacks -- --base <synth-dir> --head <synth-dir> [--github-output <file>] [--only <stack>] [--max-jobs <n>] [--markers <dir>] [--drift-day <YYYY-MM-DD>]';

runCli(USAGE, () => {
  const { values } = parseArgs({
    options: { base: { type: 'string' }, head: { type: 'string' }, 'github-output': { type: 'string' }, only: { type: 'string' }, 'max-jobs': { type: 'string' }, markers: { type: 'string' }, 'drift-day': { type: 'string' } },
    strict: true,
  });
  if (!values.base || !values.head) throw new UsageError('--base and --head are required');
  const maxJobs = values['max-jobs'] === undefined ? GITHUB_MATRIX_LIMIT : Number(values['max-jobs']);
  if (!Number.isInteger(maxJobs) || maxJobs < 1 || maxJobs > GITHUB_MATRIX_LIMIT) {
    throw new UsageError(`--max-jobs ${values['max-jobs']}: expected a whole number from 1 to ${GITHUB_MATRIX_LIMIT} (GitHub's matrix limit)`);
  }
  let changes = changedStacks(values.base, values.head);
  if (values.markers !== undefined) {
    const pending = pendingStacks(values.head, values.markers, changes);
    for (const stack of pending) console.error(`${stack.name}: not applied as configured on this commit (its last apply failed, was cancelled or never ran): applying it again`);
    changes = [...changes, ...pending];
  }
  const driftDay = values['drift-day'];
  if (driftDay !== undefined) {
    const date = new Date(`${driftDay}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(driftDay) || Number.isNaN(date.getTime())) throw new UsageError(`--drift-day ${driftDay}: expected a date YYYY-MM-DD (e.g. $(date -u +%F))`);
    // A stack without delivery facts counts as production (planned daily); githubOutputs refuses it anyway.
    const rotated = changes.filter(isPlannedInCi).map((c) => ({ change: c, name: c.name, production: typeof c.metadata === 'string' || c.metadata.production }));
    const today = driftStacksFor(rotated, date);
    console.error(rotationSummary(rotated, today, date));
    changes = today.map((t) => t.change);
  }
  if (values.only !== undefined) {
    const only = values.only;
    changes = changes.filter((c) => c.name === only);
    if (changes.length === 0) throw new UsageError(`--only ${only}: no such stack among the changed stacks of ${values.head} (compared with ${values.base})`);
  }
  for (const change of changes) {
    const where = isPlannedInCi(change) ? '' : ` (local state: not planned in CI; an admin applies it, see docs/DELIVERY.md)`;
    console.error(`${change.name}: ${change.change}${where}`);
  }
  if (changes.length === 0) console.error('no stack changed');
  console.log(JSON.stringify(changes.filter(isPlannedInCi).map((c) => c.name)));
  if (values['github-output']) {
    // Kinds and environments come from what synth wrote next to each stack (delivery.json).
    const outputs = githubOutputs(changes, maxJobs);
    appendFileSync(values['github-output'], Object.entries(outputs).map(([key, value]) => `${key}=${value}\n`).join(''));
  }
});
