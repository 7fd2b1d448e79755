// Runs the policy rules on every synth, over the stack's rendered Terraform
// JSON: what Terraform will see, after every aspect and override, with each
// element resolved once (by the synth, not by the policy). Our synth
// (lib/synth/render.ts) hands each stack's document to `check`; under
// cdktf's own synth (app.synth, Testing.synth) the aspect checks the document
// the stack's toTerraform() returns. One error lists every violation: a
// developer fixes them all in one round. It is thrown from synth (not a
// validation), so Testing.synth and App({ skipValidation: true }) fail too.
import { type IConstruct } from 'constructs';
import { Aspects, type IAspect, TerraformResource, TerraformStack } from 'cdktf';
import { type PolicyResource, type PolicyRule, RULES } from './rules';
import { allWaivers, findWaiver, type Waiver } from './waivers';

export interface Violation {
  readonly rule: string;
  readonly path: string;
  readonly problem: string;
  readonly fix: string;
}

export interface PolicyAspectOptions {
  /** @default every rule in RULES */
  readonly rules?: readonly PolicyRule[];
  /** Also called with each waiver line as the stack is checked. @default none: synth lists them once, as notices ({@link policyNotices}) */
  readonly log?: (line: string) => void;
}

export class PolicyError extends Error {
  constructor(
    readonly stackName: string,
    readonly violations: readonly Violation[],
  ) {
    super(
      `Security policy: ${violations.length} violation(s) in stack "${stackName}":\n` +
        violations.map((v) => `  - [${v.path}] ${v.rule}: ${v.problem}. Fix: ${v.fix}.`).join('\n') +
        `\nA rule can be waived for one construct only with a written reason: waive(construct, '<rule>', '<reason>') from lib/policy (see docs/SECURITY.md).`,
    );
    this.name = 'PolicyError';
  }
}

/** A stack's Terraform JSON as synth renders it (only the parts the policy reads). */
export interface StackDocument {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Record<string, unknown>>>>>;
}

/** The attributes of `resource` in `document`, as they appear in cdk.tf.json. */
export function resolvedConfig(resource: TerraformResource, document: StackDocument): Record<string, unknown> {
  const config = document.resource?.[resource.terraformResourceType]?.[resource.friendlyUniqueId];
  if (config === undefined) throw new Error(`Policy: ${resource.node.path} (${resource.terraformResourceType}.${resource.friendlyUniqueId}) is not in its stack's rendered JSON`);
  return config;
}

/** Every violation of `rules` by `resource` as rendered in `document`, waived ones included (see {@link findWaiver}). */
export function checkResource(resource: TerraformResource, document: StackDocument, rules: readonly PolicyRule[] = RULES): Violation[] {
  const subject: PolicyResource = {
    type: resource.terraformResourceType,
    path: resource.node.path,
    config: resolvedConfig(resource, document),
    resource,
  };
  return rules.flatMap((rule) => rule.check(subject).map((problem) => ({ rule: rule.id, path: subject.path, problem, fix: rule.fix })));
}

/** The stack's own resources (not those of nested stacks), in construct order. */
function stackResources(stack: TerraformStack): TerraformResource[] {
  return stack.node.findAll().filter((node): node is TerraformResource => TerraformResource.isTerraformResource(node) && TerraformStack.of(node) === stack);
}

export class PolicyAspect implements IAspect {
  private readonly rules: readonly PolicyRule[];
  private readonly log: (line: string) => void;
  private readonly guarded = new WeakSet<TerraformStack>();
  /** The waiver lines of the last check of each stack. */
  readonly notices = new Map<TerraformStack, string[]>();

  constructor(options: PolicyAspectOptions = {}) {
    this.rules = options.rules ?? RULES;
    this.log = options.log ?? (() => {});
  }

  /**
   * Under cdktf's own synth, checks the document the stack renders: its
   * toTerraform() runs after every aspect and validation. (Our synth renders
   * with the class method and calls `check` itself.)
   */
  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node) || this.guarded.has(node)) return;
    this.guarded.add(node);
    const render = node.toTerraform.bind(node);
    node.toTerraform = () => {
      const document = render();
      this.check(node, document as StackDocument);
      return document;
    };
  }

  /** Checks `stack` as rendered in `document`: returns its waiver lines (notices), throws a PolicyError listing every violation. */
  check(stack: TerraformStack, document: StackDocument): string[] {
    const violations: Violation[] = [];
    const usedWaivers = new Set<string>();
    for (const resource of stackResources(stack)) {
      for (const violation of checkResource(resource, document, this.rules)) {
        const waiver = findWaiver(resource, violation.rule);
        if (waiver) usedWaivers.add(waiverKey(waiver));
        else violations.push(violation);
      }
    }
    const notices: string[] = [];
    for (const waiver of allWaivers(stack)) {
      const unused = usedWaivers.has(waiverKey(waiver)) ? '' : ' (waives nothing: remove it)';
      const line = `policy waiver: [${waiver.path}] ${waiver.rule}: ${waiver.reason}${unused}`;
      notices.push(line);
      this.log(line);
    }
    this.notices.set(stack, notices);
    if (violations.length > 0) throw new PolicyError(stack.node.id, violations);
    return notices;
  }
}

/** The waiver lines of `stack`'s last policy check (a notice each; synth prints them once, not as errors). */
export function policyNotices(stack: TerraformStack): string[] {
  return policiesOf(stack).flatMap((aspect) => aspect.notices.get(stack) ?? []);
}

/** The policy aspects `applyPolicies` put on `stack` (our synth calls their `check`). */
export function policiesOf(stack: TerraformStack): PolicyAspect[] {
  return Aspects.of(stack).all.filter((aspect): aspect is PolicyAspect => aspect instanceof PolicyAspect);
}

function waiverKey(waiver: Waiver): string {
  return `${waiver.path}\u0000${waiver.rule}`;
}

/**
 * Adds the policy to `scope` if it is a stack, else to every stack beneath it.
 * Idempotent: a stack gets one policy aspect however often this is called.
 * (Aspects on the App itself are never run by cdktf: each stack is its own root.)
 */
export function applyPolicies(scope: IConstruct, options: PolicyAspectOptions = {}): void {
  const stacks = TerraformStack.isStack(scope) ? [scope] : scope.node.findAll().filter(TerraformStack.isStack);
  for (const stack of stacks) {
    if (Aspects.of(stack).all.some((aspect) => aspect instanceof PolicyAspect)) continue;
    Aspects.of(stack).add(new PolicyAspect(options));
  }
}
