#!/usr/bin/env node
// npm run plan-provenance -- find --repo <owner/name> --commit <sha> --default-branch <branch> [--github-output <file>]
//   The merged pull request of a push to the default branch, its head commit,
//   allow-destroy label, and the trusted plan run whose digests to download
//   (GitHub's REST API: GITHUB_API_URL, token in GH_TOKEN).
// npm run plan-provenance -- record --pull-request <n> --head-sha <sha> --synth-run <id> --plan-run <id> --digests <dir> --out <file>
//   Writes digests.json from <dir>/<stack>.digest files (the trusted plan jobs' output).
import { appendFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli, UsageError } from '../lib/ci/cli';
import { findReviewedPlan, parseDigestRecord, ProvenanceError, type DigestRecord } from '../lib/ci/plan-provenance';

const USAGE =
  'usage: npm run plan-provenance -- find --repo <owner/name> --commit <sha> --default-branch <branch> [--github-output <file>]\n' +
  '       npm run plan-provenance -- record --pull-request <n> --head-sha <sha> --synth-run <id> --plan-run <id> --digests <dir> --out <file>';

async function githubGet(path: string): Promise<unknown> {
  const base = process.env.GITHUB_API_URL ?? 'https://api.github.com';
  const token = process.env.GH_TOKEN ?? process.env.GITHUB_TOKEN;
  const response = await fetch(`${base}${path}`, {
    headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  if (!response.ok) throw new ProvenanceError(`GET ${path}: ${response.status} ${response.statusText}`);
  return response.json();
}

const positive = (name: string, value: string | undefined) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${name} ${value ?? ''}: expected a positive number`);
  return n;
};

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      repo: { type: 'string' },
      commit: { type: 'string' },
      'default-branch': { type: 'string' },
      'github-output': { type: 'string' },
      'pull-request': { type: 'string' },
      'head-sha': { type: 'string' },
      'synth-run': { type: 'string' },
      'plan-run': { type: 'string' },
      digests: { type: 'string' },
      out: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [command] = positionals;
  if (command === 'find') {
    if (!values.repo || !values.commit || !values['default-branch']) throw new UsageError('find needs --repo, --commit and --default-branch');
    const found = await findReviewedPlan(githubGet, values.repo, values.commit, values['default-branch']);
    const outputs = {
      pull_request: String(found.pullRequest),
      head_sha: found.headSha,
      allow_destroy: String(found.allowDestroy),
      plan_run: found.planRunId === undefined ? '' : String(found.planRunId),
      artifact: found.artifactName,
    };
    console.log(`Merged pull request #${found.pullRequest} (head ${found.headSha}); trusted plan run: ${outputs.plan_run || 'none'}`);
    if (values['github-output']) appendFileSync(values['github-output'], Object.entries(outputs).map(([k, v]) => `${k}=${v}\n`).join(''));
    return 0;
  }
  if (command === 'record') {
    if (!values.digests || !values.out) throw new UsageError('record needs --digests and --out');
    const stacks: Record<string, string> = {};
    for (const file of readdirSync(values.digests).filter((f) => f.endsWith('.digest')).sort()) {
      stacks[file.slice(0, -'.digest'.length)] = readFileSync(join(values.digests, file), 'utf8').trim();
    }
    const record: DigestRecord = {
      pullRequest: positive('pull-request', values['pull-request']),
      headSha: values['head-sha'] ?? '',
      synthRunId: positive('synth-run', values['synth-run']),
      planRunId: positive('plan-run', values['plan-run']),
      stacks,
    };
    const text = `${JSON.stringify(record, null, 2)}\n`;
    parseDigestRecord(text); // the same check the apply job makes: refuse to write what it would refuse to read
    writeFileSync(values.out, text);
    console.log(`recorded ${Object.keys(stacks).length} digest(s) for pull request #${record.pullRequest} at ${record.headSha}`);
    return 0;
  }
  throw new UsageError(`unknown command "${command ?? ''}"`);
}

// runCli is synchronous; the API calls are not: report the same way once settled.
main().then(
  (code) => runCli(USAGE, () => code),
  (error: unknown) =>
    runCli(USAGE, () => {
      throw error;
    }),
);
