// The pull request comment for one stack's plan: counts, the changed
// addresses, a collapsed attribute-level plan, and the digest the apply job
// checks. Kept under GitHub's comment limit; sensitive values never appear.
import { changedOutputs, countEffects, plannedChanges, type Effect, type Plan, type PlannedChange } from './plan-json';
import { flatten, maskValue, pathToString } from './plan-values';
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
}

const SIGN: Record<Effect, string> = { create: '+', update: '!', replace: '!', delete: '-', forget: '-' };

/** One line per attribute that the change sets, changes or removes. */
export function attributeLines(change: PlannedChange): string[] {
  const { before, after, after_unknown, before_sensitive, after_sensitive, replace_paths } = change.resource.change;
  const old = flatten(maskValue(before ?? null, before_sensitive));
  const next = flatten(maskValue(after ?? null, after_sensitive, after_unknown));
  const forcing = new Set((replace_paths ?? []).map(pathToString));
  const note = (path: string) => ([...forcing].some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`)) ? '  # forces replacement' : '');
  switch (change.effect) {
    case 'create':
      return [...next].map(([path, value]) => `+   ${path} = ${value}`);
    case 'delete':
    case 'forget':
      return [...old].map(([path, value]) => `-   ${path} = ${value}`);
    default: {
      const paths = [...new Set([...old.keys(), ...next.keys()])].sort();
      return paths
        .filter((path) => old.get(path) !== next.get(path))
        .map((path) => `!   ${path}: ${old.get(path) ?? 'null'} -> ${next.get(path) ?? 'null'}${note(path)}`);
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

  const head: string[] = [commentMarker(stack), `### Terraform plan: \`${stack}\``, ''];
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
      ...destroys.map((d) => `> - \`${d.address}\` (${d.kind}): **${d.effect}**`),
      `>`,
      `> The plan check fails until the pull request has the \`${ALLOW_DESTROY_LABEL}\` label.`,
    );
  }
  const tail = [
    '',
    `Plan digest: \`${digest}\` (the apply job applies only a plan with this digest)`,
    digestMarker(stack, digest),
    plan.terraform_version ? `<sub>Terraform ${plan.terraform_version}, plan format ${plan.format_version}</sub>` : `<sub>plan format ${plan.format_version}</sub>`,
  ];

  const rows = changes.map((c) => `| ${c.effect} | \`${cell(c.resource.address)}\` |`);
  const outputLine = outputs.length > 0 ? [``, `Outputs changing: ${outputs.map((o) => `\`${o}\``).join(', ')}`] : [];
  const fullPlan = renderFullPlan(changes);
  const location = options.fullPlanLocation ?? "the plan job's log";

  const assemble = (shownRows: number, planText: string | undefined): string => {
    const parts = [...head];
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
  return text;
}

/** Counts in one line for logs and job summaries (no values). */
export function oneLineSummary(plan: Plan, stack: string): string {
  const changes = plannedChanges(plan);
  return changes.length === 0 ? `${stack}: no changes` : `${stack}: ${summaryLine(countEffects(changes))}`;
}
