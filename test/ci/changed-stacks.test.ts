import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aspects, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import {
  changedStacks,
  compareStackNames,
  githubEnvironment,
  githubOutputs,
  readSynthDir,
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

  it('writes GitHub outputs: stacks CI plans, platform apart, removed stacks flagged, local stacks reported', () => {
    const outputs = githubOutputs(changes, ['development', 'production']);
    expect(JSON.parse(outputs.stacks)).toEqual(['service-legacy-development', 'service-orders-development', 'service-payment-development', 'service-payment-production']);
    expect(outputs.platform).toBe('false');
    expect(JSON.parse(outputs.platform_matrix)).toEqual([]);
    expect(JSON.parse(outputs.local)).toEqual(['bootstrap']);
    expect(JSON.parse(outputs.services_matrix)).toEqual([
      { stack: 'service-legacy-development', environment: 'development', removed: true },
      { stack: 'service-orders-development', environment: 'development', removed: false },
      { stack: 'service-payment-development', environment: 'development', removed: false },
      { stack: 'service-payment-production', environment: 'production', removed: false },
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

  it('orders platform first, then by name', () => {
    expect(['service-b', 'platform', 'bootstrap', 'service-a'].sort(compareStackNames)).toEqual(['platform', 'bootstrap', 'service-a', 'service-b']);
  });

  it('maps stacks to GitHub environments by their catalog environment, unknown ones to production', () => {
    expect(githubEnvironment('service-payment-development', ['development', 'production'])).toBe('development');
    expect(githubEnvironment('service-payment-production', ['development', 'production'])).toBe('production');
    expect(githubEnvironment('service-pre-prod', ['prod', 'pre-prod'])).toBe('pre-prod');
    expect(githubEnvironment('platform', ['development', 'production'])).toBe('production');
    expect(githubEnvironment('service-x-staging', ['development', 'production'])).toBe('production');
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
