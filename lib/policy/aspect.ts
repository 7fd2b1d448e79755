// Runs the policy rules on every synth. The aspect collects the stack's
// resources as cdktf visits them and checks them all when it reaches the
// stack's last node (so changes made by other aspects to earlier nodes are
// seen), then throws one error listing every violation: a developer fixes
// them all in one round. Throwing from the aspect (not a validation) also
// fails Testing.synth and App({ skipValidation: true }).
import { type IConstruct } from 'constructs';
import { Aspects, type IAspect, TerraformResource, TerraformStack } from 'cdktf';
import { resolveFragment } from '../resolved-fragments';
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

/** The attributes of `resource` as they will appear in cdk.tf.json. */
export function resolvedConfig(resource: TerraformResource): Record<string, unknown> {
  const json = resolveFragment(resource) as { resource: Record<string, Record<string, Record<string, unknown>>> };
  const [config] = Object.values(json.resource[resource.terraformResourceType]);
  return config;
}

/** Every violation of `rules` by `resource`, waived ones included (see {@link findWaiver}). */
export function checkResource(resource: TerraformResource, rules: readonly PolicyRule[] = RULES): Violation[] {
  const subject: PolicyResource = {
    type: resource.terraformResourceType,
    path: resource.node.path,
    config: resolvedConfig(resource),
    resource,
  };
  return rules.flatMap((rule) => rule.check(subject).map((problem) => ({ rule: rule.id, path: subject.path, problem, fix: rule.fix })));
}

interface StackRun {
  readonly last: IConstruct;
  readonly resources: TerraformResource[];
}

export class PolicyAspect implements IAspect {
  private readonly rules: readonly PolicyRule[];
  private readonly log: (line: string) => void;
  private readonly runs = new Map<TerraformStack, StackRun>();
  /** The waiver lines of the last check of each stack. */
  readonly notices = new Map<TerraformStack, string[]>();

  constructor(options: PolicyAspectOptions = {}) {
    this.rules = options.rules ?? RULES;
    this.log = options.log ?? (() => {});
  }

  visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) {
      // A new synth of this stack: aspects visit in the order of findAll().
      this.runs.set(node, { last: node.node.findAll().at(-1) ?? node, resources: [] });
    }
    const stack = TerraformStack.of(node);
    const run = this.runs.get(stack);
    if (!run) return;
    if (TerraformResource.isTerraformResource(node)) run.resources.push(node);
    if (node === run.last) this.finish(stack, run.resources);
  }

  private finish(stack: TerraformStack, resources: readonly TerraformResource[]): void {
    this.runs.delete(stack);
    const violations: Violation[] = [];
    const usedWaivers = new Set<string>();
    for (const resource of resources) {
      for (const violation of checkResource(resource, this.rules)) {
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
  }
}

/** The waiver lines of `stack`'s last policy check (a notice each; synth prints them once, not as errors). */
export function policyNotices(stack: TerraformStack): string[] {
  return Aspects.of(stack)
    .all.filter((aspect): aspect is PolicyAspect => aspect instanceof PolicyAspect)
    .flatMap((aspect) => aspect.notices.get(stack) ?? []);
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
