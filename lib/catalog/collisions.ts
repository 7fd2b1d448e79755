// Names derived from the catalog must each mean one thing: two services or
// environments that derive the same stack, project, namespace or log sink
// would fight over one resource, and a stack name that reads two ways would
// let a production stack pass for another environment. Checked across the
// whole catalog, naming both sides.
import type { Platform } from './schema';
import type { FieldProblem, ServiceEnvironment } from './resolve';
import { EXTERNAL_DNS_NAMESPACE, BACKUP_NAMESPACE, RESERVED_SERVICE_NAMES } from './names';

/** The log sink each service environment owns in the platform project (ServiceStack: `<namespace>-workloads`). */
export function workloadSinkName(namespace: string): string {
  return `${namespace}-workloads`;
}

interface Owner {
  readonly file: string;
  readonly service: string;
  readonly environment: string;
}

const describe = (o: Owner) => `${o.file} (service ${o.service}, environment ${o.environment})`;

/**
 * Problems of platform.yaml's environments on their own: two environments
 * with one projectSuffix own the same projects; an environment name ending
 * in another's makes stack names ambiguous.
 */
export function environmentProblems(platform: Platform): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const bySuffix = new Map<string, string>();
  for (const [name, environment] of Object.entries(platform.environments)) {
    const other = bySuffix.get(environment.projectSuffix);
    if (other) {
      problems.push({
        path: `environments.${name}.projectSuffix`,
        message:
          `"${environment.projectSuffix}" is also the suffix of environment ${other}; ` +
          `both would own the same projects and namespaces (e.g. <service>-${environment.projectSuffix}); give each environment its own suffix`,
      });
    } else bySuffix.set(environment.projectSuffix, name);
  }
  // `service-<a>-<b>` must read one way only: with environments production
  // and pre-production, service web-pre's production stack reads as service
  // web in pre-production (and each service's pre-production stack as
  // service <name>-pre in production).
  const names = Object.keys(platform.environments);
  for (const name of names) {
    for (const other of names) {
      if (name !== other && name.endsWith(`-${other}`)) {
        problems.push({
          path: `environments.${name}`,
          message:
            `the name ends with "-${other}", another environment, so stack names read two ways ` +
            `(service-web-${name} is also service "web-${name.slice(0, -(other.length + 1))}" in ${other}); rename one of them (e.g. ${name.replace(`-${other}`, '')} or staging)`,
        });
      }
    }
  }
  return problems;
}

/**
 * Every collision or ambiguity among the names the services derive (stack
 * name, project id, namespace, sink name), with the other side named.
 */
export function derivedNameProblems(platform: Platform, services: readonly { file: string; environments: readonly ServiceEnvironment[] }[]): string[] {
  const problems: string[] = [];
  const seen = { stack: new Map<string, Owner>(), project: new Map<string, Owner>(), namespace: new Map<string, Owner>(), sink: new Map<string, Owner>() };
  const reservedNamespaces = new Set([EXTERNAL_DNS_NAMESPACE, BACKUP_NAMESPACE, ...RESERVED_SERVICE_NAMES]);
  for (const service of services) {
    for (const env of service.environments) {
      const owner: Owner = { file: service.file, service: env.service, environment: env.environment };
      const claim = (kind: keyof typeof seen, label: string, value: string) => {
        const other = seen[kind].get(value);
        const fix = other?.file === service.file ? 'give each environment its own projectSuffix in platform.yaml' : 'rename one of the services';
        if (other) problems.push(`${service.file}: ${label} "${value}" of environment ${env.environment} is also the ${label} of ${describe(other)}; ${fix}`);
        else seen[kind].set(value, owner);
      };
      claim('stack', 'stack name', env.stackName);
      claim('project', 'project id', env.projectId);
      claim('namespace', 'namespace', env.namespace);
      claim('sink', 'log sink name', workloadSinkName(env.namespace));
      if (env.projectId === platform.platformProject) {
        problems.push(`${service.file}: project id "${env.projectId}" of environment ${env.environment} is the platform project (platform.yaml platformProject); rename the service`);
      }
      if (reservedNamespaces.has(env.namespace)) {
        problems.push(`${service.file}: namespace "${env.namespace}" of environment ${env.environment} is a platform namespace; rename the service`);
      }
    }
  }
  return problems;
}
