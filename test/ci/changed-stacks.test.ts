import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aspects, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import {
  changedStacks,
  compareStackNames,
  githubOutputs,
  readSynthDir,
  shardMatrix,
  stateObjectOf,
  type MatrixEntry,
  withoutMetadata,
} from '../../lib/ci/changed-stacks';
import { buildStacks } from '../../lib/app';
import { exampleCatalog } from '../helpers';

const FIXTURES = join(__dirname, 'fixtures', 'synth');
const BASE = join(FIXTURES, 'base');
const HEAD = join(FIXTURES, 'head');

describe('changedStacks on two synth folders (fixtures)', () => {
  const changes = changedStacks(BASE, HEAD);

  it('lists the stacks a shared-construct change touches, the added and the removed ones, platform first', () => {
    expect(changes.map((c) => `${c.name}:${c.change}`)).toEqual([
      'bootstrap:changed',
      'service-legacy-development:removed',
      'service-orders-development:added',
      'service-payment-development:changed',
      'service-payment-production:changed',
    ]);
  });

  it('ignores cdktf metadata, the cdktf version stamp and key order', () => {
    // platform: only "//" paths and the version stamp differ; search: also key order.
    expect(changes.map((c) => c.name)).not.toContain('platform');
    expect(changes.map((c) => c.name)).not.toContain('service-search-development');
  });

  it('records each stack backend, so local-state stacks stay out of CI plans', () => {
    expect(changes.find((c) => c.name === 'bootstrap')?.backend).toBe('local');
    expect(changes.find((c) => c.name === 'service-legacy-development')?.backend).toBe('gcs');
  });

  it('writes GitHub outputs: stacks CI plans, platform apart, removed stacks apart (destroyed first), local stacks reported', () => {
    const outputs = githubOutputs(changes);
    expect(JSON.parse(outputs.stacks)).toEqual(['service-legacy-development', 'service-orders-development', 'service-payment-development', 'service-payment-production']);
    expect(outputs.platform).toBe('false');
    expect(JSON.parse(outputs.platform_matrix)).toEqual([]);
    expect(JSON.parse(outputs.local)).toEqual(['bootstrap']);
    expect(JSON.parse(outputs.removed_matrix)).toEqual([
      { stack: 'service-legacy-development', environment: 'development', removed: true, added: false, state: 'gs://acme-terraform-state/stacks/service-legacy-development/default.tfstate' },
    ]);
    expect(JSON.parse(outputs.services_matrix)).toEqual([
      { stack: 'service-orders-development', environment: 'development', removed: false, added: true, state: 'gs://acme-terraform-state/stacks/service-orders-development/default.tfstate' },
      { stack: 'service-payment-development', environment: 'development', removed: false, added: false, state: 'gs://acme-terraform-state/stacks/service-payment-development/default.tfstate' },
      { stack: 'service-payment-production', environment: 'production', removed: false, added: false, state: 'gs://acme-terraform-state/stacks/service-payment-production/default.tfstate' },
    ]);
    expect(JSON.parse(outputs.matrix)).toHaveLength(4);
  });

  it('finds nothing when both sides are the same folder', () => {
    expect(changedStacks(HEAD, HEAD)).toEqual([]);
  });

  it('counts every stack as added against a folder without stacks (a base that predates the project)', () => {
    const empty = mkdtempSync(join(tmpdir(), 'synth-empty-'));
    expect(changedStacks(empty, HEAD).every((c) => c.change === 'added')).toBe(true);
    expect(changedStacks(empty, HEAD)).toHaveLength(6);
  });
});

describe('readSynthDir', () => {
  it('fails on a missing folder, naming it and the fix', () => {
    expect(() => readSynthDir('/nonexistent/cdktf.out')).toThrow(/\/nonexistent\/cdktf.out: not a folder; pass the cdktf output folder/);
  });

  it('fails on a stack file that is not JSON, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-bad-'));
    mkdirSync(join(dir, 'stacks', 'platform'), { recursive: true });
    writeFileSync(join(dir, 'stacks', 'platform', 'cdk.tf.json'), '{ not json');
    expect(() => readSynthDir(dir)).toThrow(/stacks\/platform\/cdk.tf.json: not valid JSON .*re-run npm run synth/);
  });

  it('refuses stack names that are unsafe in paths and shell', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-name-'));
    mkdirSync(join(dir, 'stacks', 'Bad Name'), { recursive: true });
    writeFileSync(join(dir, 'stacks', 'Bad Name', 'cdk.tf.json'), '{}');
    expect(() => readSynthDir(dir)).toThrow(/stack name "Bad Name" must be lowercase letters, digits and hyphens/);
  });
});

describe('helpers', () => {
  it('withoutMetadata drops every "//" key at any depth and keeps the rest', () => {
    expect(withoutMetadata({ '//': { version: '1' }, a: { '//': 'x', b: [{ '//': 1, c: 2 }] } })).toEqual({ a: { b: [{ c: 2 }] } });
  });

  it('names the state object of a gcs backend (<prefix>/default.tfstate), none for other backends', () => {
    expect(stateObjectOf({ terraform: { backend: { gcs: { bucket: 'b', prefix: 'stacks/platform' } } } })).toBe('gs://b/stacks/platform/default.tfstate');
    expect(stateObjectOf({ terraform: { backend: { gcs: { bucket: 'b', prefix: '/stacks/x/' } } } })).toBe('gs://b/stacks/x/default.tfstate');
    expect(stateObjectOf({ terraform: { backend: { gcs: { bucket: 'b' } } } })).toBe('gs://b/default.tfstate');
    expect(stateObjectOf({ terraform: { backend: { local: { path: 'x' } } } })).toBe('');
    expect(stateObjectOf({})).toBe('');
  });

  it('orders platform first, then by name', () => {
    expect(['service-b', 'platform', 'bootstrap', 'service-a'].sort(compareStackNames)).toEqual(['platform', 'bootstrap', 'service-a', 'service-b']);
  });

  it("takes each stack's GitHub environment and kind from the facts synth wrote, never from its name", () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-facts-'));
    const stack = (name: string, facts: object) => {
      mkdirSync(join(dir, 'stacks', name), { recursive: true });
      writeFileSync(join(dir, 'stacks', name, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { gcs: { bucket: 'b', prefix: `stacks/${name}` } } } }));
      writeFileSync(join(dir, 'stacks', name, 'delivery.json'), JSON.stringify({ stack: name, ...facts }));
    };
    // The name ends in "-pre-production", yet the stack is service web-pre in production.
    stack('service-web-pre-production', { kind: 'service', environment: 'production', production: true });
    stack('cluster-tokyo', { kind: 'cluster', environment: 'production', production: true });
    stack('platform', { kind: 'platform', environment: 'production', production: true });
    const outputs = githubOutputs(changedStacks(mkdtempSync(join(tmpdir(), 'synth-empty-')), dir));
    expect(JSON.parse(outputs.services_matrix)).toEqual([expect.objectContaining({ stack: 'service-web-pre-production', environment: 'production' })]);
    expect(JSON.parse(outputs.clusters_matrix)).toEqual([expect.objectContaining({ stack: 'cluster-tokyo', environment: 'production' })]);
    expect(JSON.parse(outputs.platform_matrix)).toEqual([expect.objectContaining({ stack: 'platform' })]);
  });

  it('refuses to guess: a planned stack without delivery.json fails, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-nofacts-'));
    mkdirSync(join(dir, 'stacks', 'service-x-production'), { recursive: true });
    writeFileSync(join(dir, 'stacks', 'service-x-production', 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { gcs: { bucket: 'b', prefix: 'p' } } } }));
    expect(() => githubOutputs(changedStacks(mkdtempSync(join(tmpdir(), 'synth-empty-')), dir))).toThrow(/service-x-production\/delivery.json: missing; re-run npm run synth/);
  });

});

describe('shardMatrix', () => {
  const entry = (stack: string, environment: string): MatrixEntry => ({ stack, environment, removed: false, added: false, state: '' });
  /** platform, then service-NNN-development and service-NNN-production for `services` services, in changed-stacks order. */
  const everyStack = (services: number): MatrixEntry[] => [
    entry('platform', 'production'),
    ...Array.from({ length: services }, (_, i) => String(i).padStart(3, '0')).flatMap((n) => [entry(`service-${n}-development`, 'development'), entry(`service-${n}-production`, 'production')]),
  ];
  const flat = (shards: ReturnType<typeof shardMatrix>) => shards.flatMap((s) => s.stacks.map((e) => e.stack));

  it('keeps one stack per job, named after it, up to the limit', () => {
    const shards = shardMatrix(everyStack(100));
    expect(shards).toHaveLength(201);
    expect(shards.every((s) => s.stacks.length === 1 && s.name === s.stacks[0].stack)).toBe(true);
    expect(shards[0].name).toBe('platform');
  });

  it('fits 2 x 300 services + platform in 256 jobs, every stack once, platform first', () => {
    const stacks = everyStack(300);
    const shards = shardMatrix(stacks);
    expect(shards.length).toBeLessThanOrEqual(256);
    expect(flat(shards).sort()).toEqual(stacks.map((e) => e.stack).sort());
    expect(shards[0].stacks[0].stack).toBe('platform');
    expect(shards.map((s) => s.name)).toContain(`1-of-${shards.length}`);
  });

  it('never mixes environments in one shard (the apply job runs in one)', () => {
    for (const shard of shardMatrix(everyStack(300), 10)) {
      expect(new Set(shard.stacks.map((e) => e.environment))).toEqual(new Set([shard.environment]));
    }
    expect(shardMatrix(everyStack(300), 10)).toHaveLength(10);
  });

  it('keeps the order inside an environment', () => {
    const production = flat(shardMatrix(everyStack(300), 20)).filter((s) => s === 'platform' || s.endsWith('-production'));
    expect(production).toEqual([...production].sort(compareStackNames));
    expect(production[0]).toBe('platform');
  });

  it('refuses a limit below one job, or below the number of environments', () => {
    expect(() => shardMatrix(everyStack(2), 0)).toThrow(/maxJobs must be a positive integer/);
    expect(() => shardMatrix(everyStack(2), 1)).toThrow(/2 environments cannot share 1 jobs/);
  });

  it('is part of the GitHub outputs', () => {
    const changes = changedStacks(mkdtempSync(join(tmpdir(), 'synth-empty-')), HEAD);
    const shards = JSON.parse(githubOutputs(changes, 2).shards);
    expect(shards.map((s: { environment: string }) => s.environment)).toEqual(['production', 'development']);
    expect(shards[0].stacks[0].stack).toBe('platform');
  });

  it('flags a shard holding a removed stack (its job needs the base output)', () => {
    const stacks = [entry('platform', 'production'), { ...entry('service-a-production', 'production'), removed: true }, entry('service-b-production', 'production')];
    expect(shardMatrix(stacks).map((s) => s.removed)).toEqual([false, true, false]);
    expect(shardMatrix(stacks, 1).map((s) => s.removed)).toEqual([true]);
  });
});

/** Simulates a change to the shared Cloud SQL construct: every instance it builds gets a new setting. */
class CloudSqlConstructChange implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof SqlDatabaseInstance) node.addOverride('settings.backup_configuration.transaction_log_retention_days', 3);
  }
}

function synthTo(outdir: string, changeConstruct: boolean): void {
  const app = new App({ outdir, stackTraces: false });
  buildStacks(app, exampleCatalog());
  // cdktf invokes aspects from each stack down, so the aspect goes on every stack.
  if (changeConstruct) for (const stack of app.node.children) Aspects.of(stack).add(new CloudSqlConstructChange());
  app.synth();
}

describe('changedStacks on the real example catalog', () => {
  it('a change to a shared construct plans exactly the stacks that use it', () => {
    const base = mkdtempSync(join(tmpdir(), 'synth-base-'));
    const head = mkdtempSync(join(tmpdir(), 'synth-head-'));
    synthTo(base, false);
    synthTo(head, true);
    const stacks = readSynthDir(head);
    const withCloudSql = [...stacks]
      .filter(([, s]) => JSON.stringify(s.config).includes('"google_sql_database_instance"'))
      .map(([name]) => name)
      .sort(compareStackNames);
    expect(withCloudSql.length).toBeGreaterThan(0);
    expect(withCloudSql.length).toBeLessThan(stacks.size);
    expect(changedStacks(base, head).map((c) => c.name)).toEqual(withCloudSql);
    expect(changedStacks(base, base)).toEqual([]);
  }, 60_000);
});
