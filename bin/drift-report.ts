#!/usr/bin/env node
// npm run drift-report -- --stacks <json list> --results <dir> [--run-url <url>]
// Markdown report on stdout; exit 0 when every stack is clean, 1 when one
// drifted, failed to plan or reported nothing, 2 on bad arguments.
import { parseArgs } from 'node:util';
import { driftReport, readResults } from '../lib/ci/drift-report';
import { runCli, stackList, UsageError } from '../lib/ci/cli';

const USAGE = 'usage: npm run drift-report -- --stacks <json list of stack names> --results <dir> [--run-url <url>]';

runCli(USAGE, () => {
  const { values } = parseArgs({ options: { stacks: { type: 'string' }, results: { type: 'string' }, 'run-url': { type: 'string' } }, strict: true });
  if (values.stacks === undefined || !values.results) throw new UsageError('--stacks and --results are required');
  const report = driftReport(stackList(values.stacks), readResults(values.results), values['run-url']);
  process.stdout.write(report.markdown);
  if (report.missing.length > 0) console.error(`no result from ${report.missing.length} stack(s): ${report.missing.join(', ')}`);
  return report.ok ? 0 : 1;
});
