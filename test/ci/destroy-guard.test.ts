import { guard, protectedDestroys, PROTECTED_TYPES } from '../../lib/ci/destroy-guard';
import { parsePlan } from '../../lib/ci/plan-json';
import { fixture } from './plan-fixtures';

function planOf(type: string, actions: string[]) {
  return parsePlan(
    JSON.stringify({ format_version: '1.2', resource_changes: [{ address: `${type}.x`, mode: 'managed', type, name: 'x', change: { actions, before: {}, after: null } }] }),
    'p.json',
  );
}

describe('protectedDestroys', () => {
  it('names replaced protected resources, including create_before_destroy replacements', () => {
    expect(protectedDestroys(fixture('replace-database'))).toEqual([
      { address: 'google_container_node_pool.NodePools_highmem_NodePool_0A1B2C3D', kind: 'GKE node pool', effect: 'replace' },
      { address: 'google_sql_database_instance.CloudSql_Instance_5E6F7A8B', kind: 'Cloud SQL instance', effect: 'replace' },
    ]);
  });

  it('names deleted protected resources and leaves out unprotected ones (an IAM member)', () => {
    expect(protectedDestroys(fixture('delete-protected')).map((d) => d.address)).toEqual([
      'google_bigquery_dataset.LogSink_Dataset_55667788',
      'google_storage_bucket.BackupBucket_6B752926',
    ]);
  });

  it('finds nothing in a plan that only creates', () => {
    expect(protectedDestroys(fixture('new-service'))).toEqual([]);
  });

  it.each(Object.keys(PROTECTED_TYPES))('protects %s against delete and replace, not update', (type) => {
    expect(protectedDestroys(planOf(type, ['delete']))).toHaveLength(1);
    expect(protectedDestroys(planOf(type, ['delete', 'create']))).toHaveLength(1);
    expect(protectedDestroys(planOf(type, ['update']))).toHaveLength(0);
  });

  it('covers projects, Cloud SQL, Spanner, the cluster, node pools, the DNS zone, buckets and BigQuery datasets', () => {
    expect(Object.keys(PROTECTED_TYPES)).toEqual(
      expect.arrayContaining([
        'google_project',
        'google_sql_database_instance',
        'google_spanner_instance',
        'google_container_cluster',
        'google_container_node_pool',
        'google_dns_managed_zone',
        'google_storage_bucket',
        'google_bigquery_dataset',
      ]),
    );
  });
});

describe('the protected types this repository creates', () => {
  it.each([
    ['kubernetes_namespace_v1', 'Kubernetes namespace'],
    ['google_kms_crypto_key', 'KMS key'],
    ['google_kms_key_ring', 'KMS key ring'],
    ['google_compute_network', 'VPC network'],
    ['google_compute_subnetwork', 'subnetwork'],
    ['google_service_networking_connection', 'private services connection'],
    ['google_compute_shared_vpc_host_project', 'Shared VPC host project'],
    ['google_service_account', 'service account'],
    ['google_artifact_registry_repository', 'image repository'],
  ])('stops a plan that deletes a %s, naming it a %s', (type, kind) => {
    const result = guard(planOf(type, ['delete']), 'plan.json', false);
    expect(result.ok).toBe(false);
    expect(result.message).toContain(`  - ${type}.x (${kind}): delete`);
    expect(guard(planOf(type, ['create', 'delete']), 'plan.json', false).ok).toBe(false);
  });

  it('leaves their IAM members unprotected (a binding is recreated as it was)', () => {
    expect(guard(planOf('google_service_account_iam_member', ['delete']), 'plan.json', false).ok).toBe(true);
    expect(guard(planOf('google_kms_crypto_key_iam_member', ['delete', 'create']), 'plan.json', false).ok).toBe(true);
  });
});

describe('guard', () => {
  it('fails naming each address, its kind and what happens, and says how to allow it', () => {
    const result = guard(fixture('replace-database'), 'plan.json', false);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^plan.json would replace 2 protected resources:/);
    expect(result.message).toContain('  - google_sql_database_instance.CloudSql_Instance_5E6F7A8B (Cloud SQL instance): replace');
    expect(result.message).toContain('add the "allow-destroy" label to the pull request');
  });

  it('passes with --allow-destroy and still names what is destroyed', () => {
    const result = guard(fixture('delete-protected'), 'plan.json', true);
    expect(result.ok).toBe(true);
    expect(result.message).toMatch(/delete or replace 2 protected resources[\s\S]*google_storage_bucket.BackupBucket_6B752926 \(bucket\): delete[\s\S]*Allowed: the pull request carries the "allow-destroy" label/);
  });

  it('passes silently when nothing protected is destroyed', () => {
    expect(guard(fixture('new-service'), 'plan.json', false)).toEqual({ ok: true, destroys: [], message: '' });
  });
});
