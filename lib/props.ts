// Constructor validation shared by every construct: collect all problems,
// then throw once, naming the construct path.

/** Throws one error listing every problem of a construct's props. */
export function throwIfProblems(construct: string, path: string, problems: readonly string[]): void {
  if (problems.length === 0) return;
  throw new Error(`${construct} at ${path} has invalid props:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
