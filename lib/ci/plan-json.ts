// Terraform's machine-readable plan (`terraform show -json <planfile>`), the
// parts this project reads, and what each resource change means. Reference:
// https://developer.hashicorp.com/terraform/internals/json-format
import { readFileSync } from 'node:fs';

/** Terraform's change actions, as written in `resource_changes[].change.actions`. */
export type Action = 'no-op' | 'create' | 'read' | 'update' | 'delete' | 'forget';
const ACTIONS: readonly string[] = ['no-op', 'create', 'read', 'update', 'delete', 'forget'];

export interface ResourceChange {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly change: {
    readonly actions: readonly Action[];
    readonly before?: unknown;
    readonly after?: unknown;
    readonly after_unknown?: unknown;
    readonly before_sensitive?: unknown;
    readonly after_sensitive?: unknown;
    readonly replace_paths?: readonly (readonly (string | number)[])[];
  };
  readonly action_reason?: string;
}

export interface OutputChange {
  readonly actions: readonly Action[];
}

export interface Plan {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes: readonly ResourceChange[];
  readonly output_changes: Readonly<Record<string, OutputChange>>;
}

/** What a change does to the real resource, in the words of `terraform plan`. */
export type Effect = 'create' | 'update' | 'replace' | 'delete' | 'forget';
export const EFFECTS: readonly Effect[] = ['create', 'update', 'replace', 'delete', 'forget'];

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/**
 * The effect of a list of actions, or undefined when nothing changes (no-op,
 * or a data source read). `["delete","create"]` and `["create","delete"]`
 * (create_before_destroy) are both replacements.
 */
export function effectOf(actions: readonly Action[]): Effect | undefined {
  const key = actions.join(',');
  switch (key) {
    case 'no-op':
    case 'read':
      return undefined;
    case 'create':
    case 'update':
    case 'delete':
    case 'forget':
      return key;
    case 'delete,create':
    case 'create,delete':
      return 'replace';
    default:
      throw new PlanError(
        `unknown action combination [${actions.join(', ')}]; known: one of ${ACTIONS.join(', ')}, or a replacement [delete, create] / [create, delete] (a newer Terraform? check its JSON plan format)`,
      );
  }
}

export interface PlannedChange {
  readonly resource: ResourceChange;
  readonly effect: Effect;
}

/** Managed resources that change, sorted by address (data sources only read). */
export function plannedChanges(plan: Plan): PlannedChange[] {
  const changes: PlannedChange[] = [];
  for (const resource of plan.resource_changes) {
    if (resource.mode !== 'managed') continue;
    const effect = effectOf(resource.change.actions);
    if (effect) changes.push({ resource, effect });
  }
  return changes.sort((a, b) => (a.resource.address < b.resource.address ? -1 : a.resource.address > b.resource.address ? 1 : 0));
}

export function countEffects(changes: readonly PlannedChange[]): Record<Effect, number> {
  const counts = Object.fromEntries(EFFECTS.map((e) => [e, 0])) as Record<Effect, number>;
  for (const change of changes) counts[change.effect]++;
  return counts;
}

/** Output names whose value changes (values are not read: outputs may be secrets). */
export function changedOutputs(plan: Plan): string[] {
  return Object.entries(plan.output_changes)
    .filter(([, change]) => !(change?.actions ?? ['no-op']).every((a) => a === 'no-op'))
    .map(([name]) => name)
    .sort();
}

/** Validates the parts of a plan this project reads; `file` names it in errors. */
export function parsePlan(text: string, file: string): Plan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PlanError(`${file}: not JSON (${(error as Error).message}); write it with: terraform show -json <planfile> > ${file}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new PlanError(`${file}: expected a JSON object from terraform show -json <planfile>`);
  }
  const plan = raw as Record<string, unknown>;
  const version = plan.format_version;
  if (typeof version !== 'string' || !/^1\.\d+$/.test(version)) {
    throw new PlanError(`${file}: format_version ${JSON.stringify(version)} is not supported; expected 1.x from terraform show -json <planfile> (Terraform 1.0 or later)`);
  }
  if (!('planned_values' in plan) && !('resource_changes' in plan) && 'values' in plan) {
    throw new PlanError(`${file}: this is a state, not a plan; run terraform show -json on the file written by terraform plan -out`);
  }
  const problems: string[] = [];
  const changes = plan.resource_changes ?? [];
  if (!Array.isArray(changes)) throw new PlanError(`${file}: resource_changes: expected a list`);
  changes.forEach((change: unknown, i: number) => {
    const where = `${file}: resource_changes[${i}]`;
    const c = change as Partial<ResourceChange> | null;
    if (!c || typeof c.address !== 'string') return problems.push(`${where}.address: expected a string`);
    if (c.mode !== 'managed' && c.mode !== 'data') problems.push(`${where} (${c.address}).mode: expected "managed" or "data", got ${JSON.stringify(c.mode)}`);
    if (typeof c.type !== 'string') problems.push(`${where} (${c.address}).type: expected a string`);
    const actions = c.change?.actions;
    if (!Array.isArray(actions) || actions.length === 0) return problems.push(`${where} (${c.address}).change.actions: expected a list of actions`);
    const unknown = actions.filter((a) => !ACTIONS.includes(a));
    if (unknown.length > 0) return problems.push(`${where} (${c.address}).change.actions: unknown action ${unknown.map((a) => JSON.stringify(a)).join(', ')}; known: ${ACTIONS.join(', ')}`);
    try {
      effectOf(actions);
    } catch (error) {
      problems.push(`${where} (${c.address}).change.actions: ${(error as Error).message}`);
    }
    return undefined;
  });
  const outputs = plan.output_changes ?? {};
  if (outputs === null || typeof outputs !== 'object' || Array.isArray(outputs)) problems.push(`${file}: output_changes: expected a mapping`);
  if (problems.length > 0) throw new PlanError(`${file} is not a plan this tool understands:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return {
    format_version: version,
    terraform_version: typeof plan.terraform_version === 'string' ? plan.terraform_version : undefined,
    resource_changes: changes as ResourceChange[],
    output_changes: outputs as Record<string, OutputChange>,
  };
}

export function readPlan(file: string): Plan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new PlanError(`${file}: file not found; write it with: terraform show -json <planfile> > ${file}`);
  }
  return parsePlan(text, file);
}
