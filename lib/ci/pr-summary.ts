// The one plan comment of a pull request: a table of the changed stacks
// (resource counts, destroy guard, a link to the job that planned each), then
// each stack's `terraform show` text collapsed in <details>. The same renderer
// writes the job summary and the full report (an artifact) with larger
// limits. At any scale the comment stays under GitHub's limit: rows and
// details are kept in order of importance (failed, blocked by the destroy
// guard, allowed destroys, changes, no changes) and the rest is counted.
//
// Plan text is data from the pull request (names, descriptions): it only
// appears inside a code fence longer than any backtick run in it, so it can
// close neither the fence nor a <details> block, and GitHub neither renders
// its HTML nor notifies its @mentions. Every other value outside code is
// HTML-escaped, with `@` as an entity.
import { compareStackNames } from './changed-stacks';
import { EFFECTS, type Effect } from './plan-json';
import { ALLOW_DESTROY_LABEL } from './destroy-guard';
import { GITHUB_COMMENT_LIMIT } from './plan-comment';
import type { StackPlanRecord } from './plan-record';

// GitHub refuses comment bodies longer than 65,536 characters; bytes are counted here (never fewer than characters).
export { GITHUB_COMMENT_LIMIT };
/** $GITHUB_STEP_SUMMARY takes at most 1 MiB per step. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;
/** The first line of the comment: the sticky comment is found (and updated) by it. */
export const SUMMARY_MARKER = '<!-- terraform-plan-summary -->';
/** One stack's plan text is cut here in the comment, so one huge plan does not hide the others. */
export const COMMENT_TEXT_LIMIT = 12_000;
/** Protected destroys named in the caution block; the rest are counted. */
export const CAUTION_LIMIT = 20;

export type StackStatus = 'failed' | 'blocked' | 'allowed' | 'changes' | 'unchanged';
const ORDER: readonly StackStatus[] = ['failed', 'blocked', 'allowed', 'changes', 'unchanged'];

export interface StackRow {
  readonly stack: string;
  readonly status: StackStatus;
  /** Undefined when the stack has no record (its plan failed or never ran). */
  readonly record?: StackPlanRecord;
}

export interface SummaryInput {
  /** Every stack the run planned (the check job's `stacks` output). */
  readonly stacks: readonly string[];
  /** Records by stack name; an expected stack without one failed. */
  readonly records: ReadonlyMap<string, StackPlanRecord>;
  readonly commit?: string;
  readonly runUrl?: string;
  /** Job name -> job URL (each row links to the job that planned it; else the run). */
  readonly jobUrls?: ReadonlyMap<string, string>;
  /** Changed stacks with local state, not planned in CI (bootstrap). */
  readonly local?: readonly string[];
}

export interface RenderOptions {
  /** Size limit in UTF-8 bytes. @default GITHUB_COMMENT_LIMIT */
  readonly maxBytes?: number;
  /** Each stack's plan text is cut at this many bytes. @default COMMENT_TEXT_LIMIT */
  readonly textLimit?: number;
  /** Where everything left out can be read, in the truncation notes. @default "the full report" */
  readonly fullReport?: string;
}

export function stackStatus(record: StackPlanRecord | undefined): StackStatus {
  if (!record) return 'failed';
  if (record.guard === 'blocked') return 'blocked';
  if (record.guard === 'allowed') return 'allowed';
  return EFFECTS.some((e) => record.counts[e] > 0) || record.outputs.length > 0 ? 'changes' : 'unchanged';
}

/** Every expected stack (and any recorded one), most important first, then platform first and by name. */
export function stackRows(input: SummaryInput): StackRow[] {
  const names = [...new Set([...input.stacks, ...input.records.keys()])];
  return names
    .map((stack): StackRow => ({ stack, status: stackStatus(input.records.get(stack)), record: input.records.get(stack) }))
    .sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status) || compareStackNames(a.stack, b.stack));
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const number = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`) => `${number(n)} ${n === 1 ? one : many}`;

/** Text outside code: no HTML, no markdown emphasis or links, no @mention, no table break. */
export function escapeText(text: string): string {
  return text
    .replace(/([\\`*_[\]|#~])/g, '\\$1')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, '&#64;')
    .replace(/\s*\n\s*/g, ' ');
}

/** An inline code span that no backtick in `text` can close; pipes escaped for table cells. */
export function codeSpan(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
  const ticks = '`'.repeat(Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** A code block whose fence is longer than any backtick run in `text`. */
export function codeBlock(text: string): string {
  const fence = '`'.repeat(Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  return `${fence}text\n${text}\n${fence}`;
}

/** `text` cut at a line boundary to at most `limit` bytes, with a note of what was cut. */
export function cutText(text: string, limit: number, where: string): string {
  if (bytes(text) <= limit) return text;
  const lines = text.split('\n');
  const note = (n: number) => `… ${plural(n, 'more line')} in ${where}`;
  let kept = '';
  let count = 0;
  for (const line of lines) {
    const next = count === 0 ? line : `${kept}\n${line}`;
    if (bytes(next) + bytes(note(lines.length)) + 1 > limit) break;
    kept = next;
    count++;
  }
  return count === 0 ? note(lines.length) : `${kept}\n${note(lines.length - count)}`;
}

function effectsLine(counts: Readonly<Record<Effect, number>>): string {
  const parts = [`${number(counts.create)} to create`, `${number(counts.update)} to update`, `${number(counts.replace)} to replace`, `${number(counts.delete)} to delete`];
  if (counts.forget > 0) parts.push(`${number(counts.forget)} to forget`);
  return parts.join(', ');
}

const GUARD_CELL: Record<StackStatus, (r?: StackPlanRecord) => string> = {
  failed: () => '**plan failed**',
  blocked: (r) => `**blocked**: ${plural(r!.destroys.length, 'protected resource')}`,
  allowed: (r) => `allowed (\`${ALLOW_DESTROY_LABEL}\`): ${plural(r!.destroys.length, 'protected resource')}`,
  changes: () => 'ok',
  unchanged: () => 'ok',
};

function linkOf(input: SummaryInput, row: StackRow): string | undefined {
  const job = row.record?.job ?? `plan ${row.stack}`;
  return input.jobUrls?.get(job) ?? input.runUrl;
}

function tableRow(input: SummaryInput, row: StackRow): string {
  const counts = row.record ? EFFECTS.filter((e) => e !== 'forget').map((e) => number(row.record!.counts[e])) : ['–', '–', '–', '–'];
  const url = linkOf(input, row);
  const link = url ? `[${row.record ? 'log' : 'see the log'}](${url})` : '';
  return `| ${codeSpan(row.stack)} | ${counts.join(' | ')} | ${GUARD_CELL[row.status](row.record)} | ${link} |`;
}

function totals(rows: readonly StackRow[]): Record<Effect, number> {
  const sum = Object.fromEntries(EFFECTS.map((e) => [e, 0])) as Record<Effect, number>;
  for (const { record } of rows) if (record) for (const e of EFFECTS) sum[e] += record.counts[e];
  return sum;
}

function headLines(input: SummaryInput, rows: readonly StackRow[]): string[] {
  const count = (status: StackStatus) => rows.filter((r) => r.status === status).length;
  const lines = [SUMMARY_MARKER, '### Terraform plan'];
  const source = [input.commit ? `commit ${codeSpan(input.commit.slice(0, 7))}` : '', input.runUrl ? `[workflow run](${input.runUrl})` : ''].filter(Boolean);
  if (source.length > 0) lines.push('', `<sub>Planned from ${source.join(', ')}</sub>`);
  lines.push('');
  if (rows.length === 0) {
    lines.push('**No stack changes.** The synthesized configuration of every stack is the same as on the base branch.');
  } else {
    const parts = [`${number(count('changes') + count('allowed'))} with changes`];
    if (count('blocked') > 0) parts.push(`**${number(count('blocked'))} blocked by the destroy guard**`);
    if (count('failed') > 0) parts.push(`**${number(count('failed'))} failed**`);
    parts.push(`${number(count('unchanged'))} without changes`);
    lines.push(`**${plural(rows.length, 'stack')} planned**: ${parts.join(', ')}. Resources: ${effectsLine(totals(rows))}.`);
  }
  const destroying = rows.filter((r) => r.status === 'blocked' || r.status === 'allowed');
  if (destroying.length > 0) {
    const items = destroying.flatMap((r) =>
      r.record!.destroys.map((d) => `> - ${codeSpan(r.stack)}: ${codeSpan(d.address)}${d.path ? ` (${codeSpan(d.path)})` : ''}, ${escapeText(d.kind)}: **${d.effect}**${r.status === 'allowed' ? ' (allowed by the label)' : ''}`),
    );
    const blocked = rows.filter((r) => r.status === 'blocked').length;
    lines.push(
      '',
      '> [!CAUTION]',
      `> **${plural(items.length, 'protected resource')} deleted or replaced** in ${plural(destroying.length, 'stack')} (a replacement is a new, empty resource):`,
      ...items.slice(0, CAUTION_LIMIT),
      ...(items.length > CAUTION_LIMIT ? [`> - …and ${number(items.length - CAUTION_LIMIT)} more, in the table and the full report`] : []),
    );
    if (blocked > 0) lines.push('>', `> The plan check fails until the pull request has the \`${ALLOW_DESTROY_LABEL}\` label.`);
  }
  const failed = rows.filter((r) => r.status === 'failed');
  if (failed.length > 0) {
    lines.push('', '> [!WARNING]', `> **${plural(failed.length, 'stack')} failed to plan** (no result): see ${input.runUrl ? `[the run's log](${input.runUrl})` : "the run's log"}.`);
  }
  if (input.local && input.local.length > 0) {
    lines.push('', `Changed, not planned in CI (local state, an admin applies them): ${input.local.map(codeSpan).join(', ')}.`);
  }
  return lines;
}

const TABLE_HEAD = ['| Stack | Create | Update | Replace | Delete | Destroy guard | Details |', '| --- | ---: | ---: | ---: | ---: | --- | --- |'];

function detailsBlock(row: StackRow, textLimit: number, where: string): string {
  const record = row.record!;
  const status = row.status === 'blocked' ? ', **blocked by the destroy guard**' : row.status === 'allowed' ? ', deletes protected resources (allowed)' : '';
  const outputs = record.outputs.length > 0 ? ['', `Outputs changing: ${record.outputs.slice(0, 20).map(codeSpan).join(', ')}${record.outputs.length > 20 ? `, and ${number(record.outputs.length - 20)} more` : ''}`] : [];
  return [
    `<details><summary><code>${escapeText(row.stack)}</code>: ${effectsLine(record.counts)}${status}</summary>`,
    ...outputs,
    '',
    codeBlock(cutText(record.planText, textLimit, where)),
    '',
    `Plan digest: ${codeSpan(record.digest)}`,
    '',
    '</details>',
  ].join('\n');
}

/**
 * The summary as Markdown within `maxBytes`: head (counts of every stack,
 * destroys, failures), then as many table rows as fit, then as many details
 * as fit, each in order of importance; what is left out is counted and
 * pointed to `fullReport`.
 */
export function renderSummary(input: SummaryInput, options: RenderOptions = {}): string {
  const maxBytes = options.maxBytes ?? GITHUB_COMMENT_LIMIT;
  const textLimit = options.textLimit ?? COMMENT_TEXT_LIMIT;
  const where = options.fullReport ?? 'the full report';
  const rows = stackRows(input);
  const head = headLines(input, rows).join('\n');
  if (rows.length === 0) return `${head}\n`;

  // Room for the notes of what is left out (their numbers are not known yet).
  const reserve = 600 + bytes(where) * 3;
  let used = bytes(head) + reserve;
  const table: string[] = [];
  const addRows = (limit: number) => {
    for (const row of rows.slice(table.length)) {
      const line = tableRow(input, row);
      if (used + bytes(line) + 1 > limit) break;
      table.push(line);
      used += bytes(line) + 1;
    }
  };
  if (used + bytes(TABLE_HEAD.join('\n')) + 2 <= maxBytes) {
    used += bytes(TABLE_HEAD.join('\n')) + 2;
    // The table takes at most two thirds first, so the most important plans still show.
    addRows(used + ((maxBytes - used) * 2) / 3);
  }
  const details: string[] = [];
  let detailed = 0;
  const withText = rows.filter((r) => r.record && r.status !== 'unchanged');
  for (const row of withText) {
    let block = detailsBlock(row, textLimit, where);
    // The first block that does not fit whole is cut to the room left, if that still shows something.
    if (used + bytes(block) + 2 > maxBytes) {
      const room = maxBytes - used - (bytes(detailsBlock({ ...row, record: { ...row.record!, planText: '' } }, textLimit, where)) + 2) - 100;
      if (room < 1500) break;
      block = detailsBlock(row, Math.min(textLimit, room), where);
      if (used + bytes(block) + 2 > maxBytes) break;
    }
    details.push(block);
    used += bytes(block) + 2;
    detailed++;
  }
  // Whatever room the plans left goes to more rows.
  if (table.length > 0) addRows(maxBytes);

  const parts = [head];
  if (table.length > 0) parts.push('', ...TABLE_HEAD, ...table);
  const hiddenRows = rows.slice(table.length);
  if (hiddenRows.length > 0) {
    const count = (s: StackStatus) => hiddenRows.filter((r) => r.status === s).length;
    const kinds = ORDER.filter((s) => count(s) > 0).map((s) => `${number(count(s))} ${s === 'changes' ? 'with changes' : s === 'unchanged' ? 'without changes' : s}`);
    parts.push('', `_…and ${plural(hiddenRows.length, 'more stack')} (${kinds.join(', ')}): counted above, listed in ${where}._`);
  }
  if (details.length > 0) parts.push('', '#### Plans', '', details.join('\n\n'));
  if (detailed < withText.length) parts.push('', `_Plan text of ${plural(withText.length - detailed, 'more stack')} not shown here (GitHub's size limit): see ${where}._`);
  const text = `${parts.join('\n')}\n`;
  if (bytes(text) > maxBytes) throw new RangeError(`the summary has ${bytes(text)} bytes, above ${maxBytes}: raise the reserve in renderSummary`);
  return text;
}

/**
 * The sticky comment when the allowlist check refused the pull request's
 * stacks: check-stacks' report (Markdown it already stripped of <, >,
 * backticks, @ and brackets), under this comment's marker instead of its own.
 */
export function renderRefusedComment(report: string, maxBytes = GITHUB_COMMENT_LIMIT): string {
  const body = report.replace(/^<!--[^\n]*-->\n/, '').replace(/\s+$/, '');
  return `${SUMMARY_MARKER}\n${cutText(body, maxBytes - bytes(SUMMARY_MARKER) - 2, 'the log of the job "allowlist check"')}\n`;
}
