// Constructor validation shared by every construct: collect all problems,
// then throw once, naming the construct path.

/** Throws one error listing every problem of a construct's props. */
export function throwIfProblems(construct: string, path: string, problems: readonly string[]): void {
  if (problems.length === 0) return;
  throw new Error(`${construct} at ${path} has invalid props:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

/** Name rules shared by constructs and the catalog schema. */
export const PATTERNS = {
  /** GCP project ids and service account ids: 6-30 characters. */
  projectId: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
  /** Kubernetes namespaces and object names (DNS-1123 label). */
  dnsLabel: /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
  /** A Google group or user email. */
  email: /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/,
} as const;
