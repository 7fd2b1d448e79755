import { checkDigest, checkExpectedDigest, commentMarker, planDigest, DIGEST_PATTERN } from '../../lib/ci/plan-digest';
import { renderPlanComment } from '../../lib/ci/plan-comment';
import { parsePlan, type Plan } from '../../lib/ci/plan-json';
import { fixture, fixtureText } from './plan-fixtures';

const STACK = 'service-payment-production';

function edit(mutate: (raw: { [key: string]: unknown; resource_changes: { address: string; change: { after: Record<string, unknown> } }[] }) => void): Plan {
  const raw = JSON.parse(fixtureText('new-service'));
  mutate(raw);
  return parsePlan(JSON.stringify(raw), 'edited.json');
}

describe('planDigest', () => {
  const digest = planDigest(fixture('new-service'));

  it('is a sha256', () => {
    expect(digest).toMatch(DIGEST_PATTERN);
  });

  it('does not change with plan metadata or the order of resource changes', () => {
    const same = edit((raw) => {
      raw.timestamp = '2027-01-01T00:00:00Z';
      raw.terraform_version = '1.12.0';
      raw.resource_changes.reverse();
    });
    expect(planDigest(same)).toBe(digest);
  });

  it('changes when a planned value changes', () => {
    const other = edit((raw) => {
      const sql = raw.resource_changes.find((c) => c.address.startsWith('google_sql_database_instance.'));
      (sql!.change.after.settings as { tier: string }[])[0].tier = 'db-custom-4-15360';
    });
    expect(planDigest(other)).not.toBe(digest);
  });

  describe('on an update', () => {
    const update = (before: Record<string, unknown>, after: Record<string, unknown>) =>
      planDigest(
        parsePlan(
          JSON.stringify({
            format_version: '1.2',
            resource_changes: [{ address: 'google_container_cluster.Cluster', mode: 'managed', type: 'google_container_cluster', name: 'c', change: { actions: ['update'], before, after } }],
          }),
          'update.json',
        ),
      );
    const reviewed = update({ master_version: '1.30.5-gke.100', etag: 'a1', node_count: 3 }, { master_version: '1.30.5-gke.100', etag: 'a1', node_count: 4 });

    it('ignores attributes that are equal before and after, even when they moved on their own since review', () => {
      // GKE upgraded the master and the etag changed between review and merge: nothing Terraform applies changed.
      expect(update({ master_version: '1.30.6-gke.200', etag: 'b2', node_count: 3 }, { master_version: '1.30.6-gke.200', etag: 'b2', node_count: 4 })).toBe(reviewed);
    });

    it('changes when a planned value changes, or another attribute starts changing', () => {
      expect(update({ master_version: '1.30.5-gke.100', etag: 'a1', node_count: 3 }, { master_version: '1.30.5-gke.100', etag: 'a1', node_count: 5 })).not.toBe(reviewed);
      expect(update({ master_version: '1.30.5-gke.100', etag: 'a1', node_count: 3 }, { master_version: '1.31.0-gke.1', etag: 'a1', node_count: 4 })).not.toBe(reviewed);
    });

    it('changes when the old value of a changed attribute differs: a reviewed 3->4 is not a 10->4', () => {
      expect(update({ master_version: '1.30.5-gke.100', etag: 'a1', node_count: 10 }, { master_version: '1.30.5-gke.100', etag: 'a1', node_count: 4 })).not.toBe(reviewed);
    });
  });

  it('does not depend on sensitive values (they are never shown for review)', () => {
    const other = edit((raw) => {
      const sql = raw.resource_changes.find((c) => c.address.startsWith('google_sql_database_instance.'));
      sql!.change.after.root_password = 'a-secret';
    });
    expect(planDigest(other)).toBe(digest);
  });
});

describe('checkDigest', () => {
  const plan = fixture('new-service');
  const comment = renderPlanComment(plan, { stack: STACK });
  const source = 'the trusted plan run 99 of pull request #42';

  it('the comment shows the digest and starts with the stack marker (for people; the apply reads the trusted record)', () => {
    expect(comment).toContain(planDigest(plan));
    expect(comment.startsWith(commentMarker(STACK))).toBe(true);
  });

  it('passes when the plan to apply is the reviewed plan', () => {
    const check = checkDigest(plan, STACK, planDigest(plan), source);
    expect(check).toEqual({ ok: true, message: expect.stringMatching(/is the plan reviewed in the trusted plan run 99 of pull request #42/) });
  });

  it('stops, saying why, when the plan differs from the reviewed one', () => {
    const check = checkDigest(fixture('replace-database'), STACK, planDigest(plan), source);
    expect(check.ok).toBe(false);
    expect(check.message).toMatch(/differs from the plan reviewed in the trusted plan run 99 of pull request #42: reviewed sha256:[0-9a-f]{64}, now sha256:[0-9a-f]{64}\. Nothing was applied\./);
    expect(check.message).toMatch(/gh workflow run apply.yml -f stack=service-payment-production -f digest=sha256:/);
  });

  it('stops when the trusted run recorded no digest for the stack', () => {
    const check = checkDigest(plan, STACK, undefined, source);
    expect(check.ok).toBe(false);
    expect(check.message).toMatch(/No reviewed plan for stack service-payment-production in the trusted plan run 99/);
  });

  it('for a run by hand, applies only the digest the operator reviewed', () => {
    expect(checkExpectedDigest(plan, STACK, planDigest(plan)).ok).toBe(true);
    expect(checkExpectedDigest(plan, STACK, 'none')).toEqual({ ok: false, message: expect.stringMatching(/was not reviewed yet \(no digest given\)/) });
    const stale = checkExpectedDigest(plan, STACK, planDigest(fixture('replace-database')));
    expect(stale.ok).toBe(false);
    expect(stale.message).toMatch(/differs from the one you reviewed/);
  });
});
