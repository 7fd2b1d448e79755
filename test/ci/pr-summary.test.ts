import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { annotatePlanText, constructPaths, parsePlanRecord } from '../../lib/ci/plan-record';
import {
  codeSpan,
  cutText,
  escapeText,
  GITHUB_COMMENT_LIMIT,
  renderRefusedComment,
  renderSummary,
  stackRows,
  STEP_SUMMARY_LIMIT,
  SUMMARY_MARKER,
  type SummaryInput,
} from '../../lib/ci/pr-summary';
import { fixtureRecord, renderSample, sampleInput, SAMPLE_FILE } from './pr-fixtures';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** The Markdown outside fenced code blocks and inline code spans: where GitHub renders HTML and mentions. */
function outsideCode(markdown: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const open = /^(`{3,})/.exec(line)?.[1];
    if (fence === undefined && open) fence = open;
    else if (fence !== undefined && line === fence) fence = undefined;
    else if (fence === undefined) out.push(line.replace(/(`+)(?:(?!\1).)*?\1/g, ''));
  }
  expect(fence).toBeUndefined(); // every fence closed
  return out.join('\n');
}

describe('plan records', () => {
  it('count the effects of the change fixture (real terraform show output) and name its protected destroys with their construct paths', () => {
    const record = fixtureRecord('change');
    expect(record.counts).toEqual({ create: 1, update: 2, replace: 1, delete: 1, forget: 0 });
    expect(record.guard).toBe('blocked');
    expect(record.destroys).toEqual([
      { address: 'google_sql_database_instance.CloudSql_Instance_4E1E454C', kind: 'Cloud SQL instance', effect: 'replace', path: 'CloudSql/Instance' },
      // Gone from the head configuration: its path comes from the base one.
      { address: 'google_storage_bucket.Exports_Bucket_0F0F0F0F', kind: 'bucket', effect: 'delete', path: 'Exports/Bucket' },
    ]);
    expect(fixtureRecord('change', undefined, { allowDestroy: true }).guard).toBe('allowed');
    expect(fixtureRecord('labels').guard).toBe('none');
    expect(record.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('keep the terraform show text, with the construct path next to each hashed address', () => {
    const text = fixtureRecord('change').planText;
    expect(text).toContain('  # google_sql_database_instance.CloudSql_Instance_4E1E454C must be replaced  [construct: CloudSql/Instance]\n-/+ resource "google_sql_database_instance"');
    expect(text).toContain('  # google_storage_bucket.Exports_Bucket_0F0F0F0F will be destroyed  [construct: Exports/Bucket]\n  # (because google_storage_bucket.Exports_Bucket_0F0F0F0F is not in configuration)\n');
    expect(text).toContain('~ region                         = "asia-northeast1" -> "asia-northeast2" # forces replacement');
    expect(text).toContain('Plan: 2 to add, 2 to change, 2 to destroy.');
  });

  it('find paths of resources and data sources, the first configuration winning', () => {
    const block = (path: string) => ({ '//': { metadata: { path } } });
    const paths = constructPaths({ resource: { google_project: { P_1: block('s/Project/Project') } }, data: { google_compute_network: { N_2: block('s/Network') } } }, { resource: { google_project: { P_1: block('s/Old') } } });
    expect([...paths]).toEqual([
      ['google_project.P_1', 'Project/Project'],
      ['data.google_compute_network.N_2', 'Network'],
    ]);
    expect(annotatePlanText('  # google_project.P_1["a"] will be created\n  # (because google_project.P_1 is gone)', paths)).toBe(
      '  # google_project.P_1["a"] will be created  [construct: Project/Project]\n  # (because google_project.P_1 is gone)',
    );
  });

  it('round-trip through JSON, and a broken record names the file and every problem', () => {
    const record = fixtureRecord('labels');
    expect(parsePlanRecord(JSON.stringify(record), 'r.json')).toEqual(record);
    expect(() => parsePlanRecord('{"stack":"Bad Name","counts":{},"guard":"maybe"}', 'records/x.json')).toThrow(
      /records\/x\.json is not a plan record:\n {2}- stack: expected a stack name\n {2}- counts: [^\n]+\n {2}- outputs: [^\n]+\n {2}- destroys: [^\n]+\n {2}- guard: expected none, allowed or blocked\n {2}- digest: [^\n]+\n {2}- planText: /,
    );
    expect(() => parsePlanRecord('nope', 'r.json')).toThrow(/r\.json: not JSON/);
  });
});

describe('the pull request summary', () => {
  const input = (stacks: string[], records: ReturnType<typeof fixtureRecord>[]): SummaryInput => ({
    stacks,
    records: new Map(records.map((r) => [r.stack, r])),
    runUrl: 'https://github.com/acme/infra/actions/runs/1',
  });

  it('starts with the marker the sticky comment is found by, and says so when no stack changed', () => {
    const text = renderSummary(input([], []));
    expect(text.split('\n')[0]).toBe(SUMMARY_MARKER);
    expect(text).toContain('**No stack changes.**');
  });

  it('orders failed, blocked, allowed, changed and unchanged stacks, platform first within each', () => {
    const unchanged = { ...fixtureRecord('labels', 'service-a-production'), counts: { create: 0, update: 0, replace: 0, delete: 0, forget: 0 } };
    const rows = stackRows(
      input(
        ['platform', 'service-a-production', 'service-b-production', 'service-c-production', 'service-d-production'],
        [fixtureRecord('labels', 'platform'), unchanged, fixtureRecord('change', 'service-b-production', { allowDestroy: true }), fixtureRecord('change', 'service-d-production')],
      ),
    );
    expect(rows.map((r) => [r.stack, r.status])).toEqual([
      ['service-c-production', 'failed'],
      ['service-d-production', 'blocked'],
      ['service-b-production', 'allowed'],
      ['platform', 'changes'],
      ['service-a-production', 'unchanged'],
    ]);
  });

  it('shows a destroy prominently: a caution block before the table naming stack, address, construct path and effect, and the label to add', () => {
    const text = renderSummary(input(['service-a-production', 'service-b-production'], [fixtureRecord('labels', 'service-a-production'), fixtureRecord('change', 'service-b-production')]));
    const caution = text.indexOf('> [!CAUTION]');
    expect(caution).toBeGreaterThan(-1);
    expect(caution).toBeLessThan(text.indexOf('| Stack |'));
    expect(text).toContain('> - `service-b-production`: `google_sql_database_instance.CloudSql_Instance_4E1E454C` (`CloudSql/Instance`), Cloud SQL instance: **replace**');
    expect(text).toContain('> - `service-b-production`: `google_storage_bucket.Exports_Bucket_0F0F0F0F` (`Exports/Bucket`), bucket: **delete**');
    expect(text).toContain('> The plan check fails until the pull request has the `allow-destroy` label.');
    expect(text).toContain('| `service-b-production` | 1 | 2 | 1 | 1 | **blocked**: 2 protected resources | [log](https://github.com/acme/infra/actions/runs/1) |');
    expect(text).toContain('**2 stacks planned**: 1 with changes, **1 blocked by the destroy guard**, 0 without changes. Resources: 1 to create, 4 to update, 1 to replace, 1 to delete.');
  });

  it('counts a stack without a record as failed and warns', () => {
    const text = renderSummary(input(['service-a-production', 'service-b-production'], [fixtureRecord('labels', 'service-a-production')]));
    expect(text).toContain('> **1 stack failed to plan** (no result)');
    expect(text).toContain('| `service-b-production` | – | – | – | – | **plan failed** | [see the log](https://github.com/acme/infra/actions/runs/1) |');
  });

  it('links each row to the job that planned the stack when its URL is known', () => {
    const text = renderSummary({ ...input(['platform'], [fixtureRecord('labels', 'platform')]), jobUrls: new Map([['plan platform', 'https://github.com/acme/infra/actions/runs/1/job/7']]) });
    expect(text).toContain('| `platform` | 0 | 2 | 0 | 0 | ok | [log](https://github.com/acme/infra/actions/runs/1/job/7) |');
  });

  it('collapses each plan in <details> as terraform show prints it', () => {
    const text = renderSummary(input(['service-a-production'], [fixtureRecord('change', 'service-a-production')]));
    expect(text).toContain('<details><summary><code>service-a-production</code>: 1 to create, 2 to update, 1 to replace, 1 to delete, **blocked by the destroy guard**</summary>');
    expect(text).toContain('  # google_sql_database_instance.CloudSql_Instance_4E1E454C must be replaced  [construct: CloudSql/Instance]');
    expect(text).toContain('Plan: 2 to add, 2 to change, 2 to destroy.');
  });

  it('shows plan text from the pull request as text: no closed fence or <details>, no HTML, no @mention outside code', () => {
    const text = renderSummary(input(['service-a-production'], [fixtureRecord('change', 'service-a-production')]));
    // The fixture's description holds ``` </details> <img ...> @acme/platform.
    expect(text).toContain('~ description = "Checkout application" -> "Checkout ``` </details> <img src=x onerror=alert(1)> @acme/platform"');
    expect(text).toContain('````text\n');
    const rendered = outsideCode(text);
    expect(rendered.match(/<details>/g)?.length).toBe(1);
    expect(rendered.match(/<\/details>/g)?.length).toBe(1);
    expect(rendered).not.toContain('<img');
    expect(rendered).not.toContain('@acme');
  });

  it('escapes text outside code and keeps code spans closed', () => {
    expect(escapeText('<b>@team</b> | *x* `y`')).toBe('&lt;b&gt;&#64;team&lt;/b&gt; \\| \\*x\\* \\`y\\`');
    expect(codeSpan('a`b|c')).toBe('``a`b\\|c``');
    expect(codeSpan('`x')).toBe('`` `x ``');
  });

  it('cuts long text at a line boundary and says how much is left', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const cut = cutText(text, 200, 'the report');
    expect(bytes(cut)).toBeLessThanOrEqual(200);
    expect(cut).toMatch(/^line 0\n[\s\S]*\n… \d+ more lines in the report$/);
    expect(cutText('short', 200, 'x')).toBe('short');
  });

  it('stays within the comment limit at 2,000 changed stacks, counting every one and keeping the destroy and the failure visible', () => {
    const sample = sampleInput(2000);
    expect(sample.stacks.length).toBe(2000);
    const text = renderSummary(sample, { fullReport: 'the artifact `plan-report`' });
    expect(bytes(text)).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    // Every stack counted in the head line: 1,998 with changes, 1 blocked, 1 failed.
    expect(text).toContain('**2,000 stacks planned**: 1,998 with changes, **1 blocked by the destroy guard**, **1 failed**, 0 without changes.');
    const records = [...sample.records.values()];
    const sum = (effect: 'create' | 'update' | 'replace' | 'delete') => records.reduce((n, r) => n + r.counts[effect], 0).toLocaleString('en-US');
    expect(text).toContain(`Resources: ${sum('create')} to create, ${sum('update')} to update, ${sum('replace')} to replace, ${sum('delete')} to delete.`);
    // Rows left out are counted, and the shown plus the counted are all 2,000.
    const shownRows = text.split('\n').filter((l) => l.startsWith('| `service-')).length;
    const more = /_…and ([\d,]+) more stacks \(([\d,]+) with changes\): counted above, listed in the artifact `plan-report`\._/.exec(text);
    expect(more).not.toBeNull();
    expect(shownRows + Number(more![1].replace(/,/g, ''))).toBe(2000);
    expect(shownRows).toBeGreaterThan(100);
    // The failed and the blocked stack are the first rows, and the destroy is in the caution block.
    const firstRows = text.split('\n').filter((l) => l.startsWith('| `service-')).slice(0, 2);
    expect(firstRows[0]).toContain('**plan failed**');
    expect(firstRows[1]).toContain('**blocked**');
    expect(text).toContain('> [!CAUTION]');
    expect(text).toMatch(/_Plan text of [\d,]+ more stacks not shown here \(GitHub's size limit\): see the artifact `plan-report`\._/);
  });

  it('writes the full report (the artifact) with every row and every plan, and the job summary within 1 MiB', () => {
    const sample = sampleInput(2000);
    const full = renderSummary(sample, { maxBytes: Infinity, textLimit: Infinity });
    expect(full.split('\n').filter((l) => l.startsWith('| `service-')).length).toBe(2000);
    expect(full.match(/<details>/g)?.length).toBe(1999);
    expect(full).not.toContain('more stacks');
    const summary = renderSummary(sample, { maxBytes: STEP_SUMMARY_LIMIT, fullReport: 'the artifact `plan-report`' });
    expect(bytes(summary)).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT);
    expect(summary.split('\n').filter((l) => l.startsWith('| `service-')).length).toBe(2000);
  });

  it('fits the allowlist refusal in one comment under the same marker', () => {
    const report = `<!-- plan:refused -->\n### Plan refused\n\n${Array.from({ length: 5000 }, (_, i) => `- stack-${i}: resource type null_resource is not allowed`).join('\n')}\n`;
    const text = renderRefusedComment(report);
    expect(text.startsWith(`${SUMMARY_MARKER}\n### Plan refused\n`)).toBe(true);
    expect(bytes(text)).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(text).toMatch(/… [\d,]+ more lines in the log of the job "allowlist check"\n$/);
  });
});

describe('docs/samples/pr-comment-200-stacks.md', () => {
  it('is the comment the renderer writes for the 200-stack fixture change (UPDATE_PR_SAMPLE=1 rewrites it)', () => {
    const expected = renderSample();
    if (process.env.UPDATE_PR_SAMPLE === '1') {
      mkdirSync(dirname(SAMPLE_FILE), { recursive: true });
      writeFileSync(SAMPLE_FILE, expected);
    }
    // If this fails, the renderer or the fixtures changed: UPDATE_PR_SAMPLE=1 npx jest test/ci/pr-summary.test.ts
    expect(readFileSync(SAMPLE_FILE, 'utf8')).toBe(expected);
    expect(bytes(expected)).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(expected).toContain('**200 stacks planned**');
  });
});
