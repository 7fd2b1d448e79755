#!/usr/bin/env node
// npm run plan-comment -- --stack <name> <plan.json>            Markdown comment on stdout
//   --digest                                                    only the plan digest
//   --summary                                                   one line of counts
//   --verify-record <digests.json> --pull-request <n> --head-sha <sha>
//                                                               exit 1 unless the trusted plan run recorded this plan's digest
//   --verify-digest <sha256:...>                                exit 1 unless the plan has this digest
//   --commit <sha> --run-url <url>                              name the planned commit and the run in the comment
// <digests.json> is the artifact of the trusted plan run (lib/ci/plan-provenance.ts), never comment text.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readPlan } from '../lib/ci/plan-json';
import { renderPlanComment, oneLineSummary } from '../lib/ci/plan-comment';
import { checkDigest, checkExpectedDigest, planDigest } from '../lib/ci/plan-digest';
import { runCli, UsageError } from '../lib/ci/cli';
import { parseDigestRecord, reviewedDigestFromRecord } from '../lib/ci/plan-provenance';

const USAGE =
  'usage: npm run plan-comment -- --stack <name> <plan.json> [--digest | --summary | --verify-record <digests.json> --pull-request <n> --head-sha <sha> | --verify-digest <digest>]\n' +
  '       [--full-plan-location <text>] [--commit <sha>] [--run-url <url>]';

runCli(USAGE, () => {
  const { values, positionals } = parseArgs({
    options: {
      stack: { type: 'string' },
      digest: { type: 'boolean' },
      summary: { type: 'boolean' },
      'verify-record': { type: 'string' },
      'pull-request': { type: 'string' },
      'head-sha': { type: 'string' },
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
  if (values['verify-record'] !== undefined || values['verify-digest'] !== undefined) {
    const check = values['verify-digest'] !== undefined ? checkExpectedDigest(plan, stack, values['verify-digest']) : verifyRecord(plan, stack, values);
    (check.ok ? console.log : console.error)(check.message);
    return check.ok ? 0 : 1;
  }
  if (values.commit !== undefined && !/^[0-9a-f]{7,64}$/i.test(values.commit)) throw new UsageError(`--commit ${values.commit}: expected a commit SHA`);
  if (values['run-url'] !== undefined && !/^https:\/\/\S+$/.test(values['run-url'])) throw new UsageError(`--run-url ${values['run-url']}: expected an https:// URL`);
  process.stdout.write(renderPlanComment(plan, { stack, fullPlanLocation: values['full-plan-location'], commit: values.commit, runUrl: values['run-url'] }));
  return 0;
});

/** The check against the trusted plan run's record, for the merged pull request and its head commit. */
function verifyRecord(plan: ReturnType<typeof readPlan>, stack: string, values: { 'verify-record'?: string; 'pull-request'?: string; 'head-sha'?: string }) {
  const pullRequest = Number(values['pull-request']);
  const headSha = values['head-sha'] ?? '';
  if (!Number.isSafeInteger(pullRequest) || pullRequest < 1) throw new UsageError(`--pull-request ${values['pull-request'] ?? ''}: expected the merged pull request's number`);
  if (!/^[0-9a-f]{40}$/.test(headSha)) throw new UsageError(`--head-sha ${headSha}: expected the pull request's head commit SHA`);
  let text: string;
  try {
    text = readFileSync(values['verify-record'] as string, 'utf8');
  } catch {
    // No artifact: the trusted plan never planned this pull request's head.
    return checkDigest(plan, stack, undefined, `any trusted plan run of pull request #${pullRequest} at ${headSha.slice(0, 7)}`);
  }
  const record = parseDigestRecord(text);
  const reviewed = reviewedDigestFromRecord(record, stack, { pullRequest, headSha });
  return checkDigest(plan, stack, reviewed, `the trusted plan run ${record.planRunId} of pull request #${pullRequest} at ${headSha.slice(0, 7)}`);
}
