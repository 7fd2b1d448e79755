// Stack selection: `npm run synth -- 'service-payment-*'` and STACKS=...

export class StackSelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackSelectionError';
  }
}

/** `service-payment-*` as a RegExp: `*` is any run of characters, `?` one character. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/**
 * The stack filter for `patterns` (globs; blanks ignored), or undefined for
 * "every stack" when there are none. Every pattern must match one of
 * `known`, so a typo fails loudly instead of synthesizing nothing.
 */
export function stackSelector(patterns: readonly string[], known: readonly string[]): ((stackName: string) => boolean) | undefined {
  const globs = patterns.map((p) => p.trim()).filter((p) => p !== '');
  if (globs.length === 0) return undefined;
  const expressions = globs.map(globToRegExp);
  const unmatched = globs.filter((_, i) => !known.some((name) => expressions[i].test(name)));
  if (unmatched.length > 0) {
    const hints = unmatched.map((glob) => {
      const service = known.some((name) => name.startsWith(`service-${glob}-`));
      return service ? `"${glob}" (did you mean "service-${glob}-*"?)` : `"${glob}"`;
    });
    throw new StackSelectionError(
      `No stack matches ${hints.join(', ')}. Stacks are named ${known.slice(0, 3).join(', ')}${known.length > 3 ? ', ...' : ''}; ` +
        `select them with globs, e.g. npm run synth -- 'service-payment-*' or STACKS='service-payment-*,platform'.`,
    );
  }
  return (stackName) => expressions.some((expression) => expression.test(stackName));
}
