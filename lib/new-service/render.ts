// Renders services/<name>.yaml for a validated request: only schema fields,
// each with a short comment, so the developer can edit the file without
// reading the schema. Values are validated before they get here, so they are
// safe as plain YAML scalars; the loader re-checks the result before writing.
import type { Platform } from '../catalog/schema';
import { DEFAULTS } from '../catalog/resolve';
import { capabilities } from '../capabilities/registry';
import { serviceStackName } from '../catalog/names';
import type { NewServiceRequest } from './validate';
import { codeownersOwner } from '../codeowners';

export function renderServiceYaml(request: NewServiceRequest, platform: Platform): string {
  const { name } = request;
  const stacks = request.environments.map((env) => serviceStackName(name, env)).join(', ');
  const lines = [
    '# yaml-language-server: $schema=../schemas/service.schema.json',
    `# ${name}: created by \`npm run new-service\`; edit freely. Schema and defaults:`,
    `# lib/catalog/schema.ts (serviceSchema). Stacks: ${stacks}.`,
    '',
    ...ownerComments(request, platform),
    '# Where the pods run: standard (n1-standard) or highmem (n1-highmem, for memory-hungry work).',
    `nodePool: ${request.nodePool}`,
    '# APIs to enable besides the baseline, e.g. [pubsub.googleapis.com].',
    'apis: []',
    "# Predefined roles for ownerGroup in the service projects on top of the environment's",
    '# baseline, e.g. [roles/pubsub.editor] (basic and IAM-changing roles are refused).',
    'teamRoles: []',
    '# Services whose pods may call this one, e.g. [gateway] (default: none).',
    'allowFrom: []',
  ];
  // Each capability renders its own part; those under one group (databases:) share its line.
  let group: string | undefined;
  for (const capability of capabilities()) {
    const choice = request.capabilities[capability.key];
    if (choice === undefined || !capability.newService) continue;
    const parent = capability.path.length === 2 ? capability.path[0] : undefined;
    if (parent !== undefined && parent !== group) lines.push(`${parent}:`);
    group = parent;
    lines.push(...capability.newService.render(choice, platform));
  }
  lines.push(
    `# Namespace quota (defaults: cpu "${DEFAULTS.quota.cpu}", memory ${DEFAULTS.quota.memory}, pods ${DEFAULTS.quota.pods}), e.g.`,
    '# namespace:',
    '#   quota:',
    '#     memory: 32Gi',
    '# Pod Security: restricted unless an exception is written down (never privileged), e.g.',
    '# podSecurity:',
    '#   level: baseline',
    '#   reason: <which pods need what restricted forbids, and why>',
    `# Days the logs are kept in the service's BigQuery dataset (default ${DEFAULTS.logRetentionDays}), e.g.`,
    '# logs:',
    '#   retentionDays: 90',
    `# The environments the service runs in (platform.yaml has ${Object.keys(platform.environments).join(', ')}),`,
    '# each with overrides of any field above, e.g. production: { nodePool: highmem }.',
    'environments:',
    ...request.environments.map((env) => `  ${env}: {}`),
  );
  return `${lines.join('\n')}\n`;
}

/**
 * team and ownerGroup with their comments. Who reviews the file depends on
 * platform.yaml: the GitHub team named like `team` when it names the
 * repository, else the group's email (lib/codeowners.ts).
 */
function ownerComments(request: NewServiceRequest, platform: Platform): string[] {
  const team = `team: ${request.team}`;
  const group = `ownerGroup: ${request.ownerGroup}`;
  if (!platform.github) {
    return [
      '# The owning team: labels every resource of the service.',
      team,
      "# The team's Google group: the team role in the namespace, the teamRoles below,",
      '# and review of this file (.github/CODEOWNERS).',
      group,
    ];
  }
  return [
    '# The owning team: labels every resource of the service, and its GitHub team',
    `# ${codeownersOwner(request, platform.github)} reviews changes to this file (.github/CODEOWNERS).`,
    team,
    "# The team's Google group: the team role in the namespace and the teamRoles below.",
    group,
  ];
}
