import { findReviewedPlan, isTrustedPlanRun, parseDigestRecord, reviewedDigestFromRecord, TRUSTED_PLAN_WORKFLOW, type GithubGet, type WorkflowRun } from '../../lib/ci/plan-provenance';

const REPO = 'acme/platform';
const MERGE = '1'.repeat(40);
const HEAD = '2'.repeat(40);
const NAME = `plan-digests-${HEAD}`;

const run = (id: number, overrides: Partial<WorkflowRun> = {}): WorkflowRun => ({
  id,
  path: TRUSTED_PLAN_WORKFLOW,
  event: 'workflow_run',
  status: 'completed',
  repository: { full_name: REPO },
  created_at: `2026-12-01T10:00:${String(id).padStart(2, '0')}Z`,
  ...overrides,
});

/** A fake GitHub API: path -> JSON; a path it does not know fails the test. */
function github(runs: WorkflowRun[], pulls: unknown[] = [{ number: 42, merged_at: '2026-12-01T11:00:00Z', merge_commit_sha: MERGE, head: { sha: HEAD }, base: { ref: 'main' }, labels: [{ name: 'allow-destroy' }] }]): { get: GithubGet; paths: string[] } {
  const paths: string[] = [];
  const responses: Record<string, unknown> = {
    [`/repos/${REPO}/commits/${MERGE}/pulls`]: pulls,
    [`/repos/${REPO}/actions/artifacts?name=${NAME}&per_page=100`]: {
      artifacts: runs.map((r, i) => ({ id: 100 + i, name: NAME, expired: false, workflow_run: { id: r.id } })),
    },
    ...Object.fromEntries(runs.map((r) => [`/repos/${REPO}/actions/runs/${r.id}`, r])),
  };
  return {
    paths,
    get: async (path) => {
      paths.push(path);
      if (!(path in responses)) throw new Error(`unexpected GET ${path}`);
      return responses[path];
    },
  };
}

describe('digest provenance: the trusted plan run of the merged pull request head', () => {
  it('finds the merged pull request, its head, label and the newest trusted run', async () => {
    const api = github([run(1), run(3), run(2)]);
    expect(await findReviewedPlan(api.get, REPO, MERGE, 'main')).toEqual({ pullRequest: 42, headSha: HEAD, allowDestroy: true, planRunId: 3, artifactName: NAME });
  });

  it('ignores artifacts of that name uploaded by a branch workflow (push, pull_request, workflow_dispatch), another file or repository, or a running run', async () => {
    const forged = [
      run(11, { event: 'push' }),
      run(12, { event: 'pull_request' }),
      run(13, { event: 'workflow_dispatch' }),
      run(14, { path: '.github/workflows/evil.yml' }),
      run(15, { repository: { full_name: 'evil/platform' } }),
      run(16, { status: 'in_progress' }),
    ];
    const api = github([run(1), ...forged]);
    expect((await findReviewedPlan(api.get, REPO, MERGE, 'main')).planRunId).toBe(1);
    expect((await findReviewedPlan(github(forged).get, REPO, MERGE, 'main')).planRunId).toBeUndefined();
  });

  it('refuses a commit that is not the merge of one pull request into the default branch', async () => {
    await expect(findReviewedPlan(github([], []).get, REPO, MERGE, 'main')).rejects.toThrow(/is not the merge of a pull request into main: no plan was reviewed/);
    const intoOther = [{ number: 5, merged_at: 'x', merge_commit_sha: MERGE, head: { sha: HEAD }, base: { ref: 'release' } }];
    await expect(findReviewedPlan(github([], intoOther).get, REPO, MERGE, 'main')).rejects.toThrow(/not the merge of a pull request into main/);
  });

  it('builds no API path from anything but checked values', async () => {
    await expect(findReviewedPlan(github([]).get, 'acme/platform/../x', MERGE, 'main')).rejects.toThrow(/is not owner\/name/);
    await expect(findReviewedPlan(github([]).get, REPO, 'main; rm -rf /', 'main')).rejects.toThrow(/is not a commit SHA/);
  });

  it('accepts the workflow path with a ref suffix and nothing else', () => {
    expect(isTrustedPlanRun(run(1, { path: `${TRUSTED_PLAN_WORKFLOW}@refs/heads/main` }), REPO)).toBe(true);
    expect(isTrustedPlanRun(run(1, { path: `${TRUSTED_PLAN_WORKFLOW}x` }), REPO)).toBe(false);
  });
});

describe('the digest record', () => {
  const record = { pullRequest: 42, headSha: HEAD, synthRunId: 7, planRunId: 8, stacks: { platform: `sha256:${'a'.repeat(64)}` } };

  it('gives the stack digest only for the merged pull request and its head commit', () => {
    const parsed = parseDigestRecord(JSON.stringify(record));
    expect(reviewedDigestFromRecord(parsed, 'platform', { pullRequest: 42, headSha: HEAD })).toBe(record.stacks.platform);
    expect(reviewedDigestFromRecord(parsed, 'service-x-production', { pullRequest: 42, headSha: HEAD })).toBeUndefined();
    expect(() => reviewedDigestFromRecord(parsed, 'platform', { pullRequest: 43, headSha: HEAD })).toThrow(/not of the merged pull request #43/);
    expect(() => reviewedDigestFromRecord(parsed, 'platform', { pullRequest: 42, headSha: '3'.repeat(40) })).toThrow(/not of the merged pull request #42 at 3333/);
  });

  it('refuses a malformed record', () => {
    expect(() => parseDigestRecord('{')).toThrow(/not valid JSON/);
    expect(() => parseDigestRecord(JSON.stringify({ ...record, stacks: { platform: 'LGTM' } }))).toThrow(/expected \{pullRequest/);
    expect(() => parseDigestRecord(JSON.stringify({ ...record, stacks: { 'a b': record.stacks.platform } }))).toThrow(/expected/);
    expect(() => parseDigestRecord(JSON.stringify({ ...record, headSha: 'main' }))).toThrow(/expected/);
  });
});
