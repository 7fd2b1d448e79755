// Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/):
// the namespace labels the built-in admission controller reads. Team
// namespaces and the policy rule that checks every namespace use these.

export const POD_SECURITY_LEVELS = ['restricted', 'baseline'] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

/**
 * The standards' version the labels pin: a new Kubernetes minor cannot
 * tighten the rules under running workloads. Raise it deliberately, after
 * the `warn` results of the new version are clean. Must not be newer than
 * the cluster's minor (GKE REGULAR channel).
 */
export const POD_SECURITY_VERSION = 'v1.34';

const PREFIX = 'pod-security.kubernetes.io';
export const POD_SECURITY_MODES = ['enforce', 'warn', 'audit'] as const;

/**
 * The labels of a namespace that enforces `level`: warn and audit always use
 * restricted, so an exception still shows (kubectl warnings, audit log) what
 * restricted would refuse.
 */
export function podSecurityLabels(level: PodSecurityLevel, version: string = POD_SECURITY_VERSION): Record<string, string> {
  return {
    [`${PREFIX}/enforce`]: level,
    [`${PREFIX}/enforce-version`]: version,
    [`${PREFIX}/warn`]: 'restricted',
    [`${PREFIX}/warn-version`]: version,
    [`${PREFIX}/audit`]: 'restricted',
    [`${PREFIX}/audit-version`]: version,
  };
}

/** What is wrong with a namespace's labels for Pod Security; empty when they are complete and pinned. */
export function podSecurityLabelProblems(labels: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  for (const mode of POD_SECURITY_MODES) {
    const level = labels[`${PREFIX}/${mode}`];
    const version = labels[`${PREFIX}/${mode}-version`];
    const allowed: readonly string[] = mode === 'enforce' ? POD_SECURITY_LEVELS : ['restricted'];
    if (typeof level !== 'string' || !allowed.includes(level)) problems.push(`${PREFIX}/${mode} is ${JSON.stringify(level ?? null)}, not ${allowed.join(' or ')}`);
    if (typeof version !== 'string' || !/^v1\.\d+$/.test(version)) problems.push(`${PREFIX}/${mode}-version is ${JSON.stringify(version ?? null)}, not a pinned version like ${POD_SECURITY_VERSION}`);
  }
  return problems;
}

export const POD_SECURITY_ENFORCE_LABEL = `${PREFIX}/enforce`;
