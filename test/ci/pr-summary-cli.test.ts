// The pull request summary's command lines as the workflows run them: the
// bundled tools (dist/ci-tools, scripts/build-ci-tools.mjs), copied away from
// the repository so they run without node_modules.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers';
import { GITHUB_COMMENT_LIMIT, SUMMARY_MARKER } from '../../lib/ci/pr-summary';
import { PLAN_TEXT_DIR } from './pr-fixtures';

const work = mkdtempSync(join(tmpdir(), 'ci-tools-'));
const tool = (name: string, args: string[]) => {
  const result = spawnSync(process.execPath, [join(work, 'tools', `${name}.js`), ...args], { cwd: work, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-ci-tools.mjs'], { cwd: REPO_ROOT });
  mkdirSync(join(work, 'tools'));
  for (const name of ['pr-summary', 'plan-comment', 'destroy-guard']) copyFileSync(join(REPO_ROOT, 'dist', 'ci-tools', `${name}.js`), join(work, 'tools', `${name}.js`));
}, 60_000);

describe('the bundled CI tools', () => {
  it('record each stack, then render the comment, the job summary and the full report', () => {
    mkdirSync(join(work, 'records'));
    for (const [stack, fixture] of [['service-a-production', 'change'], ['service-b-production', 'labels']]) {
      const args = ['record', '--stack', stack, '--plan-json', join(PLAN_TEXT_DIR, `${fixture}.json`), '--plan-text', join(PLAN_TEXT_DIR, `${fixture}.txt`)];
      // The base configuration of a stack new in head does not exist: no paths from it, no error.
      const configs = ['--config', join(PLAN_TEXT_DIR, 'head.cdk.tf.json'), '--config', join(work, 'missing', 'cdk.tf.json'), '--job', `plan ${stack}`];
      const { code, stdout, stderr } = tool('pr-summary', [...args, ...configs]);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      writeFileSync(join(work, 'records', `${stack}.json`), stdout);
    }
    writeFileSync(join(work, 'jobs.tsv'), 'plan service-b-production\thttps://github.com/acme/infra/actions/runs/9/job/2\nnot a job line\n');
    const out = (f: string) => join(work, f);
    const stacks = JSON.stringify(['service-a-production', 'service-b-production', 'service-c-production']);
    const { code, stderr } = tool('pr-summary', ['render', '--stacks', stacks, '--records', out('records'), '--comment', out('comment.md'), '--summary', out('summary.md'), '--report', out('report.md'), '--run-url', 'https://github.com/acme/infra/actions/runs/9', '--commit', 'abcdef1234567', '--jobs', out('jobs.tsv')]);
    expect(code).toBe(0);
    expect(stderr).toContain('3 stack(s) planned, 2 record(s); no record from: service-c-production');
    const comment = readFileSync(out('comment.md'), 'utf8');
    expect(comment.split('\n')[0]).toBe(SUMMARY_MARKER);
    expect(Buffer.byteLength(comment)).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(comment).toContain('| `service-b-production` | 0 | 2 | 0 | 0 | ok | [log](https://github.com/acme/infra/actions/runs/9/job/2) |');
    expect(comment).toContain('| `service-c-production` | – | – | – | – | **plan failed** |');
    expect(comment).toContain('**blocked**: 2 protected resources');
    expect(comment).toContain('must be replaced  [construct: CloudSql/Instance]');
    expect(readFileSync(out('report.md'), 'utf8')).toContain('Plan: 0 to add, 2 to change, 0 to destroy.');
    expect(readFileSync(out('summary.md'), 'utf8')).toContain('<sub>Planned from commit `abcdef1`');
  });

  it('refuse a record that is not one, naming the file', () => {
    mkdirSync(join(work, 'bad'));
    writeFileSync(join(work, 'bad', 'x.json'), '{"stack":"x"}');
    const { code, stderr } = tool('pr-summary', ['render', '--stacks', '["x"]', '--records', join(work, 'bad'), '--comment', 'c', '--summary', 's', '--report', 'r']);
    expect(code).toBe(2);
    expect(stderr).toContain(`${join(work, 'bad', 'x.json')} is not a plan record`);
  });

  it('exit 2 with the usage on a bad command line', () => {
    expect(tool('pr-summary', []).stderr).toContain('expected a command: record, render or refused');
    const bad = tool('pr-summary', ['render', '--stacks', '[]', '--records', 'r', '--comment', 'c', '--summary', 's', '--report', 'r', '--run-url', 'javascript:alert(1)']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--run-url javascript:alert(1): expected an https:// URL');
  });

  it('wrap an allowlist refusal in the same sticky comment', () => {
    writeFileSync(join(work, 'refused.md'), '<!-- plan:refused -->\n### Plan refused\n\n- x: resource type null_resource is not allowed\n');
    const { code, stdout } = tool('pr-summary', ['refused', '--report', join(work, 'refused.md')]);
    expect(code).toBe(0);
    expect(stdout).toBe(`${SUMMARY_MARKER}\n### Plan refused\n\n- x: resource type null_resource is not allowed\n`);
  });

  it('run the destroy guard and the digest without node_modules', () => {
    expect(tool('destroy-guard', [join(PLAN_TEXT_DIR, 'change.json')]).code).toBe(1);
    expect(tool('plan-comment', ['--stack', 's', join(PLAN_TEXT_DIR, 'labels.json'), '--digest']).stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
  });
});
