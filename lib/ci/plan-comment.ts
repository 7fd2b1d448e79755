// The pull request comment for one stack's plan: counts, the changed
// addresses, a collapsed attribute-level plan, and the digest the apply job
// checks. Kept under GitHub's comment limit; sensitive values never appear.
import { changedOutputs, countEffects, plannedChanges, type Effect, type Plan, type PlannedChange } from './plan-json';
import { attributeDiff, pathToString } from './plan-values';
import { commentMarker, digestMarker, planDigest } from './plan-digest';
import { ALLOW_DESTROY_LABEL, protectedDestroys } from './destroy-guard';

/** GitHub refuses comment bodies longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65536;

export interface CommentOptions {
  readonly stack: string;
  /** @default GITHUB_COMMENT_LIMIT */
  readonly maxChars?: number;
  /** Where the untruncated plan can be read, named in the truncation note. @default "the plan job's log" */
  readonly fullPlanLocation?: string;
  /** The commit that was planned (shown short), so a reviewer knows which push the plan is of. */
  readonly commit?: string;
  /** The workflow run that planned it. */
  readonly runUrl?: string;
}

/** Protected deletions listed by name in the caution block; the rest are counted. */
export const CAUTION_LIST_LIMIT = 50;
/** Changed outputs listed by name; the rest are counted. */
export const OUTPUT_LIST_LIMIT = 50;

/** The first `limit` items, then "…and N more" when some are left out. */
function capped(items: readonly string[], limit: number, more: (n: number) => string): string[] {
  return items.length <= limit ? [...items] : [...items.slice(0, limit), more(items.length - limit)];
}

const SIGN: Record<Effect, string> = { create: '+', update: '!', replace: '!', delete: '-', forget: '-' };

/** One line per attribute that the change sets, changes or removes. */
export function attributeLines(change: PlannedChange): string[] {
  const { replace_paths } = change.resource.change;
  const { old, next, changed } = attributeDiff(change.resource.change);
  const forcing = new Set((replace_paths ?? []).map(pathToString));
  const note = (path: string) => ([...forcing].some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`)) ? '  # forces replacement' : '');
  switch (change.effect) {
    case 'create':
      return [...next].map(([path, value]) => `+   ${path} = ${value}`);
    case 'delete':
    case 'forget':
      return [...old].map(([path, value]) => `-   ${path} = ${value}`);
    default: {
      return changed.map((path) => `!   ${path}: ${old.get(path) ?? 'null'} -> ${next.get(path) ?? 'null'}${note(path)}`);
    }
  }
}

/** The plan as text, like a short `terraform plan`: one block per changed resource. */
export function renderFullPlan(changes: readonly PlannedChange[]): string {
  return changes
    .map((change) => [`${SIGN[change.effect]} ${change.resource.address}: ${change.effect}`, ...attributeLines(change)].join('\n'))
    .join('\n\n');
}

/** A code fence longer than any backtick run in `text`, so values cannot close it. */
function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

/** Markdown table cells: pipes and line breaks would break the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function summaryLine(counts: Record<Effect, number>): string {
  const parts = [`${counts.create} to create`, `${counts.update} to update`, `${counts.replace} to replace`, `${counts.delete} to delete`];
  if (counts.forget > 0) parts.push(`${counts.forget} to forget (removed from state, kept in GCP)`);
  return parts.join(', ');
}

/**
 * The comment for `stack`. The first line is the hidden marker the workflow
 * finds the previous comment by; the digest line is what the apply job reads.
 */
export function renderPlanComment(plan: Plan, options: CommentOptions): string {
  const { stack } = options;
  const maxChars = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  const changes = plannedChanges(plan);
  const counts = countEffects(changes);
  const digest = planDigest(plan);
  const outputs = changedOutputs(plan);
  const destroys = protectedDestroys(plan);

  // cautionShown: how many protected deletions are named (all parts count
  // towards the limit: the list is cut further if nothing else is left to cut).
  const headLines = (cautionShown: number): string[] => {
    const head: string[] = [commentMarker(stack), `### Terraform plan: \`${stack}\``, ''];
    const source = [options.commit ? `commit \`${options.commit.slice(0, 7)}\`` : '', options.runUrl ? `[workflow run](${options.runUrl})` : ''].filter(Boolean);
    if (source.length > 0) head.push(`<sub>Planned from ${source.join(', ')}</sub>`, '');
    if (changes.length === 0 && outputs.length === 0) {
      head.push('**No changes.** The infrastructure matches the configuration.');
    } else {
      head.push(`**${summaryLine(counts)}**`);
    }
    if (destroys.length > 0) {
      head.push(
        '',
        '> [!CAUTION]',
        `> This plan deletes or replaces ${destroys.length} protected resource${destroys.length === 1 ? '' : 's'} (a replacement is a new, empty resource):`,
        ...capped(
          destroys.map((d) => `> - \`${d.address}\` (${d.kind}): **${d.effect}**`),
          cautionShown,
          (n) => `> - …and ${n} more protected resource${n === 1 ? '' : 's'}; the destroy guard in the plan job's log names them all`,
        ),
        `>`,
        `> The plan check fails until the pull request has the \`${ALLOW_DESTROY_LABEL}\` label.`,
      );
    }
    return head;
  };
  const tail = [
    '',
    `Plan digest: \`${digest}\` (the apply job applies only a plan with this digest)`,
    digestMarker(stack, digest),
    plan.terraform_version ? `<sub>Terraform ${plan.terraform_version}, plan format ${plan.format_version}</sub>` : `<sub>plan format ${plan.format_version}</sub>`,
  ];

  const rows = changes.map((c) => `| ${c.effect} | \`${cell(c.resource.address)}\` |`);
  const outputNames = capped(
    outputs.map((o) => `\`${o}\``),
    OUTPUT_LIST_LIMIT,
    (n) => `and ${n} more`,
  );
  const outputLine = outputs.length > 0 ? [``, `Outputs changing: ${outputNames.join(', ')}`] : [];
  const fullPlan = renderFullPlan(changes);
  const location = options.fullPlanLocation ?? "the plan job's log";

  const assemble = (shownRows: number, planText: string | undefined, cautionShown = CAUTION_LIST_LIMIT): string => {
    const parts = headLines(cautionShown);
    if (changes.length > 0) {
      parts.push('', '| Action | Address |', '| --- | --- |', ...rows.slice(0, shownRows));
      if (shownRows < rows.length) parts.push('', `_…and ${rows.length - shownRows} more changed resources; truncated to fit GitHub's comment limit, see ${location}._`);
    }
    parts.push(...outputLine);
    if (changes.length > 0) {
      if (planText === undefined) {
        parts.push('', `_Full plan omitted: it does not fit GitHub's comment limit; see ${location}._`);
      } else {
        const f = fence(planText);
        parts.push('', `<details><summary>Full plan (${changes.length} resource${changes.length === 1 ? '' : 's'})</summary>`, '', `${f}diff`, planText, f, '', '</details>');
      }
    }
    return [...parts, ...tail].join('\n') + '\n';
  };

  const whole = assemble(rows.length, fullPlan);
  if (whole.length <= maxChars) return whole;

  // Too long: keep the head, the table and the digest; cut the full plan at a
  // line boundary and say so, and only if that is not enough, the table too.
  const note = `\n… truncated: the full plan has ${fullPlan.length} characters, more than fit in a GitHub comment; see ${location}.`;
  const withoutPlan = assemble(rows.length, '').length + note.length + 16; // 16: room for a longer fence
  if (withoutPlan < maxChars) {
    let room = maxChars - withoutPlan;
    let cut = fullPlan.slice(0, room);
    cut = cut.slice(0, Math.max(0, cut.lastIndexOf('\n')));
    let text = assemble(rows.length, cut + note);
    while (text.length > maxChars && room > 0) {
      room -= text.length - maxChars;
      cut = fullPlan.slice(0, Math.max(0, room));
      cut = cut.slice(0, Math.max(0, cut.lastIndexOf('\n')));
      text = assemble(rows.length, cut + note);
    }
    return text;
  }
  let shown = rows.length;
  let text = assemble(shown, undefined);
  while (text.length > maxChars && shown > 0) {
    const average = Math.max(1, Math.ceil((assemble(shown, undefined).length - assemble(0, undefined).length) / shown));
    shown = Math.max(0, shown - Math.ceil((text.length - maxChars) / average) - 1);
    text = assemble(shown, undefined);
  }
  // Only very long addresses get here: name fewer protected deletions.
  for (let caution = CAUTION_LIST_LIMIT; text.length > maxChars && caution > 0; ) {
    caution = Math.floor(caution / 2);
    text = assemble(0, undefined, caution);
  }
  return text;
}

/** Counts in one line for logs and job summaries (no values). */
export function oneLineSummary(plan: Plan, stack: string): string {
  const changes = plannedChanges(plan);
  return changes.length === 0 ? `${stack}: no changes` : `${stack}: ${summaryLine(countEffects(changes))}`;
}
