import { changedOutputs, countEffects, effectOf, parsePlan, plannedChanges, readPlan } from '../../lib/ci/plan-json';
import { fixture, fixturePath } from './plan-fixtures';

describe('effectOf', () => {
  it.each([
    [['create'], 'create'],
    [['update'], 'update'],
    [['delete'], 'delete'],
    [['delete', 'create'], 'replace'],
    [['create', 'delete'], 'replace'],
    [['forget'], 'forget'],
    [['no-op'], undefined],
    [['read'], undefined],
  ] as const)('%j is %s', (actions, effect) => {
    expect(effectOf(actions)).toBe(effect);
  });
});

describe('plannedChanges', () => {
  it('keeps managed resources that change, sorted by address, and leaves out no-ops and data reads', () => {
    const changes = plannedChanges(fixture('replace-database'));
    expect(changes.map((c) => `${c.effect} ${c.resource.address}`)).toEqual([
      'update google_bigquery_dataset.LogSink_Dataset_55667788',
      'replace google_container_node_pool.NodePools_highmem_NodePool_0A1B2C3D',
      'replace google_sql_database_instance.CloudSql_Instance_5E6F7A8B',
    ]);
    expect(plannedChanges(fixture('no-changes'))).toEqual([]);
  });

  it('counts creates, updates, replaces and deletes', () => {
    expect(countEffects(plannedChanges(fixture('new-service')))).toEqual({ create: 14, update: 0, replace: 0, delete: 0, forget: 0 });
    expect(countEffects(plannedChanges(fixture('replace-database')))).toEqual({ create: 0, update: 1, replace: 2, delete: 0, forget: 0 });
    expect(countEffects(plannedChanges(fixture('delete-protected')))).toEqual({ create: 0, update: 0, replace: 0, delete: 3, forget: 0 });
  });

  it('lists changed outputs by name only', () => {
    expect(changedOutputs(fixture('new-service'))).toEqual(['application_service_account', 'namespace', 'project_id']);
    expect(changedOutputs(fixture('no-changes'))).toEqual([]);
  });
});

describe('parsePlan', () => {
  it('reads a fixture from disk', () => {
    expect(readPlan(fixturePath('new-service')).format_version).toBe('1.2');
  });

  it('says how to produce the file when it is missing or not JSON', () => {
    expect(() => readPlan('/nonexistent/plan.json')).toThrow(/plan.json: file not found; write it with: terraform show -json <planfile>/);
    expect(() => parsePlan('Terraform will perform the following actions', 'plan.json')).toThrow(/plan.json: not JSON .*terraform show -json/);
  });

  it('refuses an unsupported format_version', () => {
    expect(() => parsePlan(JSON.stringify({ format_version: '2.0', resource_changes: [] }), 'plan.json')).toThrow(/format_version "2.0" is not supported; expected 1.x/);
    expect(() => parsePlan(JSON.stringify({ resource_changes: [] }), 'plan.json')).toThrow(/format_version undefined is not supported/);
  });

  it('recognises a state file given by mistake', () => {
    expect(() => parsePlan(JSON.stringify({ format_version: '1.0', values: {} }), 'state.json')).toThrow(/this is a state, not a plan/);
  });

  it('lists every malformed resource change with its index and address', () => {
    const text = JSON.stringify({
      format_version: '1.2',
      resource_changes: [
        { address: 'google_project.a', mode: 'managed', type: 'google_project', change: { actions: ['explode'] } },
        { address: 'google_project.b', mode: 'managed', type: 'google_project', change: { actions: ['update', 'delete'] } },
        { mode: 'managed' },
      ],
    });
    expect(() => parsePlan(text, 'plan.json')).toThrow(
      /resource_changes\[0\] \(google_project.a\).change.actions: unknown action "explode"[\s\S]*resource_changes\[1\] \(google_project.b\).change.actions: unknown action combination \[update, delete\][\s\S]*resource_changes\[2\].address: expected a string/,
    );
  });
});
