#!/usr/bin/env node
// npm run apply-marker -- --stack <name> --config <cdk.tf.json> --commit <sha> --run-id <id>
// Prints the marker the apply job writes to gs://<stateBucket>/applied/<stack>.json
// after a successful apply (lib/ci/apply-markers.ts).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { renderMarker } from '../lib/ci/apply-markers';
import { runCli, UsageError } from '../lib/ci/cli';

const USAGE = 'usage: npm run apply-marker -- --stack <name> --config <cdk.tf.json> --commit <sha> --run-id <id>';

runCli(USAGE, () => {
  const { values } = parseArgs({ options: { stack: { type: 'string' }, config: { type: 'string' }, commit: { type: 'string' }, 'run-id': { type: 'string' } }, strict: true });
  if (!values.stack || !values.config || !values.commit || !values['run-id']) throw new UsageError('--stack, --config, --commit and --run-id are required');
  if (!/^[0-9a-f]{40}$/.test(values.commit)) throw new UsageError(`--commit ${values.commit}: expected a commit SHA`);
  const runId = Number(values['run-id']);
  if (!Number.isSafeInteger(runId) || runId < 1) throw new UsageError(`--run-id ${values['run-id']}: expected a positive number`);
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(values.config, 'utf8'));
  } catch (error) {
    throw new UsageError(`${values.config}: ${(error as Error).message}`);
  }
  process.stdout.write(renderMarker(values.stack, config, values.commit, runId));
});
