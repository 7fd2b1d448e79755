// docs/DELIVERY.md shows a plan comment rendered by the real module from a
// fixture; this keeps it in sync. UPDATE_DELIVERY_DOC=1 rewrites the sample.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderPlanComment } from '../../lib/ci/plan-comment';
import { fixture } from './plan-fixtures';

const DOC = join(__dirname, '..', '..', 'docs', 'DELIVERY.md');
const BEGIN = '<!-- sample-plan-comment:begin -->\n';
const END = '<!-- sample-plan-comment:end -->';

function sample(): string {
  return renderPlanComment(fixture('new-service'), { stack: 'service-checkout-production', fullPlanLocation: 'the log of the job "plan service-checkout-production"' });
}

describe('docs/DELIVERY.md', () => {
  it('shows the plan comment the module renders for the new-service fixture', () => {
    const doc = readFileSync(DOC, 'utf8');
    const start = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const expected = sample();
    if (process.env.UPDATE_DELIVERY_DOC === '1') {
      writeFileSync(DOC, doc.slice(0, start + BEGIN.length) + expected + doc.slice(end));
      return;
    }
    // If this fails, the comment format changed: UPDATE_DELIVERY_DOC=1 npx jest test/ci/delivery-doc.test.ts
    expect(doc.slice(start + BEGIN.length, end)).toBe(expected);
  });

  it('documents the command lines the workflows use', () => {
    const doc = readFileSync(DOC, 'utf8');
    expect(doc).toContain('npm run changed-stacks -- --base <synth-dir> --head <synth-dir>');
    expect(doc).toContain('npm run plan-comment -- --stack <name> <plan.json>');
    expect(doc).toContain('npm run destroy-guard -- <plan.json> [--allow-destroy]');
    for (const variable of ['GCP_WORKLOAD_IDENTITY_PROVIDER', 'GCP_PLANNER_SERVICE_ACCOUNT', 'GCP_APPLIER_SERVICE_ACCOUNT']) {
      expect(doc).toContain(variable);
      expect(readFileSync(join(__dirname, '..', '..', '.github', 'workflows', 'plan.yml'), 'utf8') + readFileSync(join(__dirname, '..', '..', '.github', 'workflows', 'apply.yml'), 'utf8')).toContain(variable);
    }
  });
});
