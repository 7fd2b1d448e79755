#!/usr/bin/env node
// npm run plan-comment -- --stack <name> <plan.json>            Markdown comment on stdout
//   --digest                                                    only the plan digest
//   --summary                                                   one line of counts
//   --verify-comments <file> --pull-request <number>            exit 1 unless the reviewed digest matches
//   --verify-digest <sha256:...>                                exit 1 unless the plan has this digest
//   --commit <sha> --run-url <url>                              name the planned commit and the run in the comment
// <file> holds the pull request's comment bodies: one JSON string per line, or a JSON list.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readPlan } from '../lib/ci/plan-json';
import { renderPlanComment, oneLineSummary } from '../lib/ci/plan-comment';
import { checkDigest, checkExpectedDigest, planDigest } from '../lib/ci/plan-digest';
import { runCli, UsageError } from '../lib/ci/cli';

const USAGE =
  'usage: npm run plan-comment -- --stack <name> <plan.json> [--digest | --summary | --verify-comments <file> --pull-request <number> | --verify-digest <digest>]\n' +
  '       [--full-plan-location <text>] [--commit <sha>] [--run-url <url>]';

function readComments(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`${file}: file not found`);
  }
  if (text.trimStart().startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${file}: not a JSON list (${(error as Error).message}); expected the comment bodies as a JSON list of strings, or one JSON string per line`);
    }
    if (!Array.isArray(list) || !list.every((body) => typeof body === 'string')) {
      throw new UsageError(`${file}: expected a JSON list of strings (the comment bodies)`);
    }
    return list;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try {
        const body: unknown = JSON.parse(line);
        if (typeof body !== 'string') throw new Error('not a string');
        return body;
      } catch {
        throw new UsageError(`${file}:${i + 1}: expected one JSON string per line (gh api ... --jq '.[].body | @json')`);
      }
    });
}

runCli(USAGE, () => {
  const { values, positionals } = parseArgs({
    options: {
      stack: { type: 'string' },
      digest: { type: 'boolean' },
      summary: { type: 'boolean' },
      'verify-comments': { type: 'string' },
      'pull-request': { type: 'string' },
      'verify-digest': { type: 'string' },
      'full-plan-location': { type: 'string' },
      commit: { type: 'string' },
      'run-url': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (!values.stack) throw new UsageError('--stack is required');
  if (positionals.length !== 1) throw new UsageError(`expected one plan file, got ${positionals.length}`);
  const plan = readPlan(positionals[0]);
  const stack = values.stack;
  if (values.digest) {
    console.log(planDigest(plan));
    return 0;
  }
  if (values.summary) {
    console.log(oneLineSummary(plan, stack));
    return 0;
  }
  if (values['verify-comments'] !== undefined || values['verify-digest'] !== undefined) {
    const check =
      values['verify-digest'] !== undefined
        ? checkExpectedDigest(plan, stack, values['verify-digest'])
        : checkDigest(plan, stack, readComments(values['verify-comments'] as string), `#${values['pull-request'] ?? '?'}`);
    (check.ok ? console.log : console.error)(check.message);
    return check.ok ? 0 : 1;
  }
  if (values.commit !== undefined && !/^[0-9a-f]{7,64}$/i.test(values.commit)) throw new UsageError(`--commit ${values.commit}: expected a commit SHA`);
  if (values['run-url'] !== undefined && !/^https:\/\/\S+$/.test(values['run-url'])) throw new UsageError(`--run-url ${values['run-url']}: expected an https:// URL`);
  process.stdout.write(renderPlanComment(plan, { stack, fullPlanLocation: values['full-plan-location'], commit: values.commit, runUrl: values['run-url'] }));
  return 0;
});
