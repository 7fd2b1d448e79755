import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driftReport, parseResult, readResults } from '../../lib/ci/drift-report';

const files = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('driftReport', () => {
  it('passes only when every stack of the run reported clean', () => {
    const report = driftReport(['platform', 'service-a-production'], files({ platform: 'clean\tplatform: no drift\n', 'service-a-production': 'clean\tservice-a-production: no drift\n' }));
    expect(report.ok).toBe(true);
    expect(report.missing).toEqual([]);
    expect(report.markdown).toContain('**2 stacks: 0 drifted, 0 failed to plan or report, 2 clean.**');
  });

  it('counts a stack without a result as an error and names it (its job failed before recording)', () => {
    const report = driftReport(['platform', 'service-a-production', 'service-b-production'], files({ platform: 'clean\tplatform: no drift\n' }));
    expect(report.ok).toBe(false);
    expect(report.missing).toEqual(['service-a-production', 'service-b-production']);
    expect(report.markdown).toContain('No result from: `service-a-production`, `service-b-production`.');
    expect(report.markdown).toContain('| error | service-a-production: no result (the job failed before recording one, or never ran), see the run |');
    expect(report.markdown).toContain('**3 stacks: 0 drifted, 2 failed to plan or report, 1 clean.**');
  });

  it('fails when nothing reported at all, or nothing was to be checked', () => {
    expect(driftReport(['platform'], files({})).ok).toBe(false);
    expect(driftReport([], files({})).ok).toBe(false);
  });

  it('lists errors, then drift, then clean stacks, and links the run', () => {
    const report = driftReport(
      ['platform', 'service-a-production', 'service-b-production'],
      files({ platform: 'clean\tplatform: no drift\n', 'service-a-production': 'drift\tservice-a-production: 0 to create, 1 to update\n', 'service-b-production': 'error\tservice-b-production: the plan failed\n' }),
      'https://github.com/acme/infra/actions/runs/1',
    );
    expect(report.ok).toBe(false);
    expect(report.results.map((r) => r.status)).toEqual(['error', 'drift', 'clean']);
    expect(report.markdown).toContain('| drift | service-a-production: 0 to create, 1 to update |');
    expect(report.markdown.trimEnd().endsWith('Run: https://github.com/acme/infra/actions/runs/1')).toBe(true);
  });
});

describe('parseResult', () => {
  it('reads status and line, and treats anything else as an error', () => {
    expect(parseResult('p', 'drift\tp: 1 to update\n')).toEqual({ stack: 'p', status: 'drift', line: 'p: 1 to update' });
    expect(parseResult('p', '')).toEqual({ stack: 'p', status: 'error', line: 'p: unreadable result "", see the job log' });
    expect(parseResult('p', 'weird\tx')).toMatchObject({ status: 'error' });
    expect(parseResult('p', 'clean')).toEqual({ stack: 'p', status: 'clean', line: 'p' });
  });

  it('keeps a pipe in the line from breaking the table', () => {
    expect(driftReport(['p'], files({ p: 'drift\tp: a | b\n' })).markdown).toContain('| drift | p: a \\| b |');
  });
});

describe('readResults', () => {
  it('reads <stack>.tsv files, and nothing from a missing folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'results-'));
    writeFileSync(join(dir, 'platform.tsv'), 'clean\tplatform: no drift\n');
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    expect([...readResults(dir).keys()]).toEqual(['platform']);
    expect(readResults(join(dir, 'nope')).size).toBe(0);
  });
});
