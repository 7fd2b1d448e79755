#!/usr/bin/env node
// The pull request's one plan comment (lib/ci/pr-summary.ts).
// npm run pr-summary -- record --stack <name> --plan-json <plan.json> --plan-text <plan.txt> --config <cdk.tf.json>... [--allow-destroy] [--job <name>]
//   the stack's record (JSON) on stdout; the plan job writes one per stack
// npm run pr-summary -- render --stacks <json list> --records <dir> --comment <file> --summary <file> --report <file>
//                              [--commit <sha>] [--run-url <url>] [--jobs <tsv: job name, tab, URL>]
//   the comment (GitHub's limit), the job summary (1 MiB) and the full report (everything)
// npm run pr-summary -- refused --report <refused.md>
//   the comment for an allowlist refusal on stdout
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readPlan } from '../lib/ci/plan-json';
import { parsePlanRecord, planRecord, type StackPlanRecord } from '../lib/ci/plan-record';
import { renderRefusedComment, renderSummary, STEP_SUMMARY_LIMIT } from '../lib/ci/pr-summary';
import { runCli, stackList, UsageError } from '../lib/ci/cli';

const USAGE =
  'usage: npm run pr-summary -- record --stack <name> --plan-json <plan.json> --plan-text <plan.txt> --config <cdk.tf.json>... [--allow-destroy] [--job <name>]\n' +
  '       npm run pr-summary -- render --stacks <json list> --records <dir> --comment <file> --summary <file> --report <file> [--commit <sha>] [--run-url <url>] [--jobs <tsv>]\n' +
  '       npm run pr-summary -- refused --report <refused.md>';

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`${file}: cannot read ${what}`);
  }
}

function record(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: { stack: { type: 'string' }, 'plan-json': { type: 'string' }, 'plan-text': { type: 'string' }, config: { type: 'string', multiple: true }, 'allow-destroy': { type: 'boolean' }, job: { type: 'string' } },
    strict: true,
  });
  if (!values.stack || !values['plan-json'] || !values['plan-text']) throw new UsageError('record: --stack, --plan-json and --plan-text are required');
  // A configuration that is not there (a stack new in head has no base) names no construct paths.
  const configs = (values.config ?? []).filter((file) => existsSync(file)).map((file) => JSON.parse(readText(file, 'the stack configuration')) as unknown);
  const result = planRecord({
    stack: values.stack,
    plan: readPlan(values['plan-json']),
    planText: readText(values['plan-text'], 'the output of terraform show -no-color'),
    configs,
    allowDestroy: values['allow-destroy'] === true,
    job: values.job,
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

function readRecords(dir: string): Map<string, StackPlanRecord> {
  const records = new Map<string, StackPlanRecord>();
  if (!existsSync(dir)) return records; // no plan job uploaded anything
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json')) continue;
    const parsed = parsePlanRecord(readText(join(dir, name), 'a plan record'), join(dir, name));
    records.set(parsed.stack, parsed);
  }
  return records;
}

/** `gh api .../jobs --jq '.jobs[] | [.name, .html_url] | @tsv'` output. */
function readJobUrls(file: string | undefined): Map<string, string> {
  if (file === undefined || !existsSync(file)) return new Map();
  return new Map(
    readText(file, 'the job list')
      .split('\n')
      .map((line) => line.split('\t'))
      .filter((cells): cells is [string, string] => cells.length === 2 && /^https:\/\/\S+$/.test(cells[1])),
  );
}

function render(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      stacks: { type: 'string' },
      records: { type: 'string' },
      comment: { type: 'string' },
      summary: { type: 'string' },
      report: { type: 'string' },
      commit: { type: 'string' },
      'run-url': { type: 'string' },
      jobs: { type: 'string' },
    },
    strict: true,
  });
  if (values.stacks === undefined || !values.records || !values.comment || !values.summary || !values.report) {
    throw new UsageError('render: --stacks, --records, --comment, --summary and --report are required');
  }
  if (values.commit !== undefined && !/^[0-9a-f]{7,64}$/i.test(values.commit)) throw new UsageError(`--commit ${values.commit}: expected a commit SHA`);
  if (values['run-url'] !== undefined && !/^https:\/\/\S+$/.test(values['run-url'])) throw new UsageError(`--run-url ${values['run-url']}: expected an https:// URL`);
  const input = { stacks: stackList(values.stacks), records: readRecords(values.records), commit: values.commit, runUrl: values['run-url'], jobUrls: readJobUrls(values.jobs) };
  const full = 'the job summary of the workflow run and its artifact `plan-report`';
  writeFileSync(values.comment, renderSummary(input, { fullReport: full }));
  // Below 1 MiB: other steps of the job may add to the summary too.
  writeFileSync(values.summary, renderSummary(input, { maxBytes: STEP_SUMMARY_LIMIT - 16 * 1024, fullReport: 'the artifact `plan-report`' }));
  writeFileSync(values.report, renderSummary(input, { maxBytes: Infinity, textLimit: Infinity }));
  const missing = input.stacks.filter((s) => !input.records.has(s));
  console.error(`${input.stacks.length} stack(s) planned, ${input.records.size} record(s)${missing.length > 0 ? `; no record from: ${missing.join(', ')}` : ''}`);
  return 0;
}

runCli(USAGE, () => {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'record') return record(args);
  if (command === 'render') return render(args);
  if (command === 'refused') {
    const { values } = parseArgs({ args, options: { report: { type: 'string' } }, strict: true });
    if (!values.report) throw new UsageError('refused: --report is required');
    process.stdout.write(renderRefusedComment(readText(values.report, 'the allowlist report')));
    return 0;
  }
  throw new UsageError(command === undefined ? 'expected a command: record, render or refused' : `unknown command ${command}: expected record, render or refused`);
});
