#!/usr/bin/env node
// npm run apply-marker -- write --stack <name> --config <cdk.tf.json> --commit <sha> --run-id <id>
//   Prints the marker the apply job writes to gs://<stateBucket>/applied/<stack>.json
//   after a successful apply (lib/ci/apply-markers.ts).
// npm run apply-marker -- prefix
//   Prints gs://<stateBucket>/applied/ for the catalog in the current folder.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MARKER_PREFIX, renderMarker } from '../lib/ci/apply-markers';
import { loadCatalog } from '../lib/catalog/load';
import { runCli, UsageError } from '../lib/ci/cli';

const USAGE = 'usage: npm run apply-marker -- write --stack <name> --config <cdk.tf.json> --commit <sha> --run-id <id>\n       npm run apply-marker -- prefix';

runCli(USAGE, () => {
  const { values, positionals } = parseArgs({
    options: { stack: { type: 'string' }, config: { type: 'string' }, commit: { type: 'string' }, 'run-id': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals[0] === 'prefix') {
    console.log(`gs://${loadCatalog(process.env.CATALOG_DIR ?? process.cwd()).platform.stateBucket}/${MARKER_PREFIX}/`);
    return;
  }
  if (positionals[0] !== 'write') throw new UsageError(`unknown command "${positionals[0] ?? ''}"`);
  if (!values.stack || !values.config || !values.commit || !values['run-id']) throw new UsageError('--stack, --config, --commit and --run-id are required');
  if (!/^[a-z0-9][a-z0-9-]{0,127}$/.test(values.stack)) throw new UsageError(`--stack ${values.stack}: expected a stack name`);
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
