import { CAUTION_LIST_LIMIT, GITHUB_COMMENT_LIMIT, renderPlanComment, oneLineSummary } from '../../lib/ci/plan-comment';
import { planDigest } from '../../lib/ci/plan-digest';
import { parsePlan } from '../../lib/ci/plan-json';
import { bigPlan, fixture, fixtureText } from './plan-fixtures';

const STACK = 'service-checkout-production';

describe('renderPlanComment', () => {
  const comment = renderPlanComment(fixture('new-service'), { stack: STACK });

  it('starts with the hidden marker, so the next run updates this comment', () => {
    expect(comment.split('\n')[0]).toBe(`<!-- plan:${STACK} -->`);
  });

  it('shows the counts and every changed address', () => {
    expect(comment).toContain('**14 to create, 0 to update, 0 to replace, 0 to delete**');
    expect(comment).toContain('| create | `google_sql_database_instance.CloudSql_Instance_4E1E454C` |');
    expect(comment).toContain('| create | `kubernetes_namespace_v1.Namespace_ADFEA57E` |');
    expect(comment).not.toContain('data.google_bigquery_default_service_account');
  });

  it('collapses the full plan, with values and (known after apply)', () => {
    expect(comment).toMatch(/<details><summary>Full plan \(14 resources\)<\/summary>\n\n```diff\n/);
    expect(comment).toContain('+   settings[0].tier = "db-custom-1-3840"');
    expect(comment).toContain('+   number = (known after apply)');
    expect(comment).toContain('+   settings[0].ip_configuration[0].private_network = "projects/acme-platform-prod/global/networks/platform"');
  });

  it('never shows a sensitive value', () => {
    // The fixture leaves root_password unset, as the service does; the plan JSON
    // would hold a set one in clear text.
    const raw = JSON.parse(fixtureText('new-service'));
    const sql = raw.resource_changes.find((c: { address: string }) => c.address.startsWith('google_sql_database_instance.'));
    sql.change.after.root_password = 'hunter2-do-not-print';
    const withSecret = renderPlanComment(parsePlan(JSON.stringify(raw), 'edited.json'), { stack: STACK });
    expect(withSecret).not.toContain('hunter2');
    expect(withSecret).toContain('+   root_password = (sensitive value)');
    expect(comment).toContain('+   root_password = (sensitive value)');
  });

  it('carries the digest of the planned changes, visibly and in a hidden marker', () => {
    const digest = planDigest(fixture('new-service'));
    expect(comment).toContain(`Plan digest: \`${digest}\``);
    expect(comment).toContain(`<!-- plan-digest:${STACK}:${digest} -->`);
  });

  it('marks replacements, the attribute that forces them, and warns about protected resources', () => {
    const replace = renderPlanComment(fixture('replace-database'), { stack: STACK });
    expect(replace).toContain('**0 to create, 1 to update, 2 to replace, 0 to delete**');
    expect(replace).toContain('!   database_version: "POSTGRES_16" -> "MYSQL_8_0"  # forces replacement');
    expect(replace).toContain('!   node_config[0].machine_type: "n1-highmem-8" -> "n1-highmem-16"  # forces replacement');
    expect(replace).toContain('!   default_table_expiration_ms: 1209600000 -> 7776000000');
    expect(replace).toContain('> [!CAUTION]');
    expect(replace).toContain('> - `google_sql_database_instance.CloudSql_Instance_5E6F7A8B` (Cloud SQL instance): **replace**');
    expect(replace).toContain('`allow-destroy` label');
    expect(comment).not.toContain('[!CAUTION]');
  });

  it('says so when nothing changes', () => {
    const none = renderPlanComment(fixture('no-changes'), { stack: STACK });
    expect(none).toContain('**No changes.**');
    expect(none).not.toContain('<details>');
  });

  it('keeps a code fence that no value can close', () => {
    const plan = parsePlan(
      JSON.stringify({
        format_version: '1.2',
        resource_changes: [{ address: 'google_storage_bucket.a', mode: 'managed', type: 'google_storage_bucket', name: 'a', change: { actions: ['create'], before: null, after: { name: 'x```y' } } }],
      }),
      'p.json',
    );
    expect(renderPlanComment(plan, { stack: STACK })).toContain('````diff\n');
  });
});

describe('renderPlanComment under the GitHub comment limit', () => {
  it('leaves a plan that fits untouched', () => {
    expect(renderPlanComment(bigPlan(20), { stack: STACK })).not.toContain('truncated');
  });

  it('cuts the full plan of a large plan, says so, and keeps the table and the digest', () => {
    const plan = bigPlan(600);
    const comment = renderPlanComment(plan, { stack: STACK, fullPlanLocation: 'the plan job log' });
    expect(comment.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(comment).toMatch(/… truncated: the full plan has \d+ characters, more than fit in a GitHub comment; see the plan job log\./);
    expect(comment).toContain('| create | `google_storage_bucket.Bucket_00599` |');
    expect(comment).toContain(`<!-- plan-digest:${STACK}:${planDigest(plan)} -->`);
    expect(comment.trimEnd().endsWith('</sub>')).toBe(true);
    // The fence is closed before </details>.
    expect(comment).toMatch(/\n```\n\n<\/details>/);
  });

  it('cuts the address table too when even that does not fit, and says how many are left out', () => {
    const plan = bigPlan(3000, 10);
    const comment = renderPlanComment(plan, { stack: STACK });
    expect(comment.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(comment).toMatch(/_…and \d+ more changed resources; truncated to fit GitHub's comment limit/);
    expect(comment).toContain('_Full plan omitted');
    expect(comment).toContain(`<!-- plan-digest:${STACK}:${planDigest(plan)} -->`);
  });

  it('caps the caution list of thousands of protected deletions and counts it in the budget', () => {
    const resource_changes = Array.from({ length: 3000 }, (_, i) => ({
      address: `google_storage_bucket.Service_${String(i).padStart(4, '0')}_Data_${'x'.repeat(20)}`,
      mode: 'managed',
      type: 'google_storage_bucket',
      name: `b${i}`,
      change: { actions: ['delete'], before: { name: `bucket-${i}`, location: 'ASIA-NORTHEAST1' }, after: null },
    }));
    const plan = parsePlan(JSON.stringify({ format_version: '1.2', resource_changes }), 'deletes.json');
    const comment = renderPlanComment(plan, { stack: STACK });
    expect(comment.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(comment).toContain('> This plan deletes or replaces 3000 protected resources');
    expect(comment.split('\n').filter((line) => /^> - `google_storage_bucket\./.test(line))).toHaveLength(CAUTION_LIST_LIMIT);
    expect(comment).toContain(`> - …and ${3000 - CAUTION_LIST_LIMIT} more protected resources; the destroy guard in the plan job's log names them all`);
    expect(comment).toContain(`<!-- plan-digest:${STACK}:${planDigest(plan)} -->`);
  });

  it('names fewer protected deletions when their addresses alone would not fit', () => {
    const resource_changes = Array.from({ length: 60 }, (_, i) => ({
      address: `google_storage_bucket.B${i}_${'y'.repeat(400)}`,
      mode: 'managed',
      type: 'google_storage_bucket',
      name: `b${i}`,
      change: { actions: ['delete'], before: { name: `b-${i}` }, after: null },
    }));
    const comment = renderPlanComment(parsePlan(JSON.stringify({ format_version: '1.2', resource_changes }), 'p.json'), { stack: STACK, maxChars: 8000 });
    expect(comment.length).toBeLessThanOrEqual(8000);
    expect(comment).toMatch(/> - …and \d+ more protected resources/);
    expect(comment).toContain('plan-digest:');
  });

  it('honours a smaller limit', () => {
    const comment = renderPlanComment(bigPlan(50), { stack: STACK, maxChars: 5000 });
    expect(comment.length).toBeLessThanOrEqual(5000);
    expect(comment).toContain('truncated');
  });
});

describe('oneLineSummary', () => {
  it('gives counts without values', () => {
    expect(oneLineSummary(fixture('replace-database'), 'platform')).toBe('platform: 0 to create, 1 to update, 2 to replace, 0 to delete');
    expect(oneLineSummary(fixture('no-changes'), 'platform')).toBe('platform: no changes');
  });
});
