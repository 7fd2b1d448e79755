// The drift run's verdict. Each stack's job writes `<stack>.tsv` (status, tab,
// one line for people); a stack of the run without a file (its job failed
// before recording, timed out or never started) counts as an error, so no
// stack drops out of the report unnoticed.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type DriftStatus = 'clean' | 'drift' | 'error';

export interface DriftResult {
  readonly stack: string;
  readonly status: DriftStatus;
  readonly line: string;
}

export interface DriftReport {
  /** True only when every expected stack reported `clean`. */
  readonly ok: boolean;
  readonly results: readonly DriftResult[];
  /** Expected stacks without a result file. */
  readonly missing: readonly string[];
  /** Markdown for the run summary and the drift issue. */
  readonly markdown: string;
}

/** One result file's content; anything but a known status is an error. */
export function parseResult(stack: string, text: string): DriftResult {
  const [first = ''] = text.split('\n');
  const tab = first.indexOf('\t');
  const status = (tab < 0 ? first : first.slice(0, tab)).trim();
  const line = tab < 0 ? '' : first.slice(tab + 1).trim();
  if (status === 'clean' || status === 'drift' || status === 'error') return { stack, status, line: line || stack };
  return { stack, status: 'error', line: `${stack}: unreadable result ${JSON.stringify(first.slice(0, 80))}, see the job log` };
}

/** `<stack>.tsv` files of `dir` by stack name; a missing folder has none (no job uploaded anything). */
export function readResults(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return files;
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('.tsv')) files.set(name.slice(0, -'.tsv'.length), readFileSync(join(dir, name), 'utf8'));
  }
  return files;
}

const ORDER: Record<DriftStatus, number> = { error: 0, drift: 1, clean: 2 };

/** Markdown table cells: pipes and line breaks would break the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function driftReport(expected: readonly string[], files: ReadonlyMap<string, string>, runUrl?: string): DriftReport {
  const missing = expected.filter((stack) => !files.has(stack));
  const results = [
    ...[...files].map(([stack, text]) => parseResult(stack, text)),
    ...missing.map((stack): DriftResult => ({ stack, status: 'error', line: `${stack}: no result (the job failed before recording one, or never ran), see the run` })),
  ].sort((a, b) => ORDER[a.status] - ORDER[b.status] || (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0));
  const count = (status: DriftStatus) => results.filter((r) => r.status === status).length;
  const ok = expected.length > 0 && results.every((r) => r.status === 'clean');
  const lines = [
    '## Drift',
    '',
    expected.length === 0 ? '**No stack to check.**' : `**${expected.length} stacks: ${count('drift')} drifted, ${count('error')} failed to plan or report, ${count('clean')} clean.**`,
  ];
  if (missing.length > 0) lines.push('', `No result from: ${missing.map((s) => `\`${s}\``).join(', ')}.`);
  if (results.length > 0) lines.push('', '| Status | Stack |', '| --- | --- |', ...results.map((r) => `| ${r.status} | ${cell(r.line)} |`));
  if (runUrl) lines.push('', `Run: ${runUrl}`);
  return { ok, results, missing, markdown: `${lines.join('\n')}\n` };
}
