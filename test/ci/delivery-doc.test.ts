// README.md ("How changes reach production") shows the pull request comment
// rendered by the real module from the real terraform show fixtures; this
// keeps it in sync. UPDATE_PLAN_SAMPLE=1 rewrites the sample.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSummary } from '../../lib/ci/pr-summary';
import { fixtureRecord, SAMPLE_COMMIT, SAMPLE_RUN } from './pr-fixtures';

const README = join(__dirname, '..', '..', 'README.md');
const DOC = join(__dirname, '..', '..', 'docs', 'DELIVERY.md');
const BEGIN = '<!-- sample-plan-comment:begin -->\n';
const END = '<!-- sample-plan-comment:end -->';

/** A new service's pull request: its two stacks, every resource created. */
function sample(): string {
  const stacks = ['service-checkout-development', 'service-checkout-production'];
  const records = new Map(stacks.map((stack) => [stack, { ...fixtureRecord('create', stack), job: `plan ${stack}` }] as const));
  const jobUrls = new Map(stacks.map((stack, i) => [`plan ${stack}`, `${SAMPLE_RUN}/job/${9000 + i}`]));
  return renderSummary({ stacks, records, commit: SAMPLE_COMMIT, runUrl: SAMPLE_RUN, jobUrls });
}

describe('README.md', () => {
  it('shows the pull request comment the module renders for a new service, in "How changes reach production"', () => {
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf(BEGIN);
    const end = readme.indexOf(END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const section = readme.indexOf('\n## How changes reach production\n');
    const nextSection = readme.indexOf('\n## ', section + 1);
    expect(section).toBeGreaterThan(-1);
    expect(start).toBeGreaterThan(section);
    expect(end).toBeLessThan(nextSection === -1 ? readme.length : nextSection);
    const expected = sample();
    if (process.env.UPDATE_PLAN_SAMPLE === '1') {
      writeFileSync(README, readme.slice(0, start + BEGIN.length) + expected + readme.slice(end));
      return;
    }
    // If this fails, the comment format or the fixture changed: UPDATE_PLAN_SAMPLE=1 npx jest test/ci/delivery-doc.test.ts
    expect(readme.slice(start + BEGIN.length, end)).toBe(expected);
  });

  it('is the only copy: docs/DELIVERY.md points to it', () => {
    const doc = readFileSync(DOC, 'utf8');
    expect(doc).not.toContain('sample-plan-comment');
    expect(doc).toContain('(../README.md#how-changes-reach-production)');
  });
});

describe('docs/DELIVERY.md', () => {
  it('documents the command lines the workflows use', () => {
    const doc = readFileSync(DOC, 'utf8');
    expect(doc).toContain('npm run changed-stacks -- --base <synth-dir> --head <synth-dir>');
    expect(doc).toContain('npm run plan-comment -- --stack <name> <plan.json>');
    expect(doc).toContain('npm run destroy-guard -- <plan.json> [--allow-destroy]');
    for (const variable of ['GCP_WORKLOAD_IDENTITY_PROVIDER', 'GCP_PLANNER_SERVICE_ACCOUNT', 'GCP_APPLIER_SERVICE_ACCOUNT']) {
      expect(doc).toContain(variable);
      expect(readFileSync(join(__dirname, '..', '..', '.github', 'workflows', 'plan-trusted.yml'), 'utf8') + readFileSync(join(__dirname, '..', '..', '.github', 'workflows', 'apply.yml'), 'utf8')).toContain(variable);
    }
  });
});
