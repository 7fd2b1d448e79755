// Reviewed plan = applied plan, with provenance. The trusted plan workflow
// (plan-trusted.yml, run by workflow_run from the default branch's
// definition) uploads one artifact per pull request head commit,
// `plan-digests-<head sha>`, holding the digest of every stack it planned.
// The apply job takes the reviewed digest from there, never from comment
// text: it finds the merged pull request of the pushed commit, its head
// commit, and the newest completed run of the trusted workflow that uploaded
// that artifact. A branch's own workflow can upload an artifact of that name,
// but its run is not a workflow_run of the trusted file: GitHub only triggers
// workflow_run from the default branch's workflow definition.
import { DIGEST_PATTERN } from './plan-digest';

export const TRUSTED_PLAN_WORKFLOW = '.github/workflows/plan-trusted.yml';
export const DIGEST_RECORD_FILE = 'digests.json';
const SHA = /^[0-9a-f]{40}$/;
const STACK = /^[a-z0-9][a-z0-9-]{0,127}$/;

export function digestArtifactName(headSha: string): string {
  if (!SHA.test(headSha)) throw new ProvenanceError(`"${headSha}" is not a commit SHA`);
  return `plan-digests-${headSha}`;
}

export class ProvenanceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProvenanceError';
  }
}

/** What the trusted plan run writes: which pull request, commit and runs the digests belong to. */
export interface DigestRecord {
  readonly pullRequest: number;
  readonly headSha: string;
  /** The pull_request run of plan.yml whose synthesized stacks were planned (data only). */
  readonly synthRunId: number;
  /** The trusted run that checked them against the allowlist and planned them. */
  readonly planRunId: number;
  /** Stack name to plan digest; stacks whose plan failed are absent. */
  readonly stacks: Readonly<Record<string, string>>;
}

export function parseDigestRecord(text: string): DigestRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ProvenanceError(`${DIGEST_RECORD_FILE}: not valid JSON (${(error as Error).message})`);
  }
  const r = value as Partial<DigestRecord> | null;
  const positive = (n: unknown) => Number.isSafeInteger(n) && (n as number) > 0;
  if (
    !r ||
    !positive(r.pullRequest) ||
    typeof r.headSha !== 'string' ||
    !SHA.test(r.headSha) ||
    !positive(r.synthRunId) ||
    !positive(r.planRunId) ||
    r.stacks === null ||
    typeof r.stacks !== 'object' ||
    !Object.entries(r.stacks).every(([stack, digest]) => STACK.test(stack) && typeof digest === 'string' && DIGEST_PATTERN.test(digest))
  ) {
    throw new ProvenanceError(`${DIGEST_RECORD_FILE}: expected {pullRequest, headSha, synthRunId, planRunId, stacks: {<stack>: "sha256:..."}}`);
  }
  return r as DigestRecord;
}

/** The reviewed digest of `stack` in `record`, after checking the record belongs to this pull request and commit. */
export function reviewedDigestFromRecord(record: DigestRecord, stack: string, expected: { pullRequest: number; headSha: string }): string | undefined {
  if (record.pullRequest !== expected.pullRequest || record.headSha !== expected.headSha) {
    throw new ProvenanceError(
      `The plan digests are of pull request #${record.pullRequest} at ${record.headSha}, not of the merged pull request #${expected.pullRequest} at ${expected.headSha}; nothing was applied`,
    );
  }
  return record.stacks[stack];
}

// ---------------------------------------------------------------- finding the trusted run

/** The fields of GitHub's REST objects this module reads. */
export interface PullRequest {
  readonly number: number;
  readonly merged_at: string | null;
  readonly merge_commit_sha?: string | null;
  readonly head: { readonly sha: string };
  readonly base: { readonly ref: string };
  readonly labels?: readonly { readonly name: string }[];
}
export interface Artifact {
  readonly id: number;
  readonly name: string;
  readonly expired: boolean;
  readonly workflow_run?: { readonly id: number } | null;
}
export interface WorkflowRun {
  readonly id: number;
  readonly path: string;
  readonly event: string;
  readonly status: string;
  readonly repository: { readonly full_name: string };
  readonly created_at: string;
}

/** GET a GitHub REST path (`/repos/...`) and return the parsed JSON; injected so tests need no network. */
export type GithubGet = (path: string) => Promise<unknown>;

export interface ReviewedPlan {
  readonly pullRequest: number;
  readonly headSha: string;
  readonly allowDestroy: boolean;
  /** The trusted plan run whose digest artifact to download; undefined when none exists. */
  readonly planRunId?: number;
  readonly artifactName: string;
}

/**
 * The merged pull request of `commit` (a push to the default branch) and the
 * trusted plan run of its head commit. Throws ProvenanceError when the commit
 * has no merged pull request (nothing was reviewed).
 */
export async function findReviewedPlan(get: GithubGet, repository: string, commit: string, defaultBranch: string): Promise<ReviewedPlan> {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) throw new ProvenanceError(`"${repository}" is not owner/name`);
  if (!SHA.test(commit)) throw new ProvenanceError(`"${commit}" is not a commit SHA`);
  const pulls = (await get(`/repos/${repository}/commits/${commit}/pulls`)) as PullRequest[];
  const merged = pulls.filter((p) => p.merged_at !== null && p.base.ref === defaultBranch && (p.merge_commit_sha === undefined || p.merge_commit_sha === commit));
  if (merged.length !== 1) {
    throw new ProvenanceError(
      merged.length === 0
        ? `Commit ${commit} is not the merge of a pull request into ${defaultBranch}: no plan was reviewed, so nothing is applied`
        : `Commit ${commit} is the merge of ${merged.length} pull requests (${merged.map((p) => `#${p.number}`).join(', ')}); cannot tell which plan was reviewed`,
    );
  }
  const pull = merged[0];
  const artifactName = digestArtifactName(pull.head.sha);
  const allowDestroy = (pull.labels ?? []).some((l) => l.name === 'allow-destroy');
  const listing = (await get(`/repos/${repository}/actions/artifacts?name=${artifactName}&per_page=100`)) as { artifacts: Artifact[] };
  const candidates: { run: WorkflowRun }[] = [];
  for (const artifact of listing.artifacts ?? []) {
    if (artifact.name !== artifactName || artifact.expired || !artifact.workflow_run) continue;
    const run = (await get(`/repos/${repository}/actions/runs/${artifact.workflow_run.id}`)) as WorkflowRun;
    if (isTrustedPlanRun(run, repository)) candidates.push({ run });
  }
  candidates.sort((a, b) => (a.run.created_at === b.run.created_at ? b.run.id - a.run.id : a.run.created_at < b.run.created_at ? 1 : -1));
  return { pullRequest: pull.number, headSha: pull.head.sha, allowDestroy, planRunId: candidates[0]?.run.id, artifactName };
}

/**
 * A run of the trusted plan workflow as defined on the default branch: a
 * workflow_run event (which GitHub only starts from the default branch's
 * file; a branch can dispatch or push its own copy, but not as workflow_run),
 * of this repository, completed.
 */
export function isTrustedPlanRun(run: WorkflowRun, repository: string): boolean {
  return run.path.split('@')[0] === TRUSTED_PLAN_WORKFLOW && run.event === 'workflow_run' && run.status === 'completed' && run.repository.full_name === repository;
}
