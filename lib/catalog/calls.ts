// Who calls whom: a service's allowFrom names the services whose pods may
// call it. Both ends are derived from that one list: the callee's ingress
// admits the callers' namespaces, and each caller's egress admits the
// callee's namespace, per environment.
import type { Platform } from './schema';
import type { ServiceEnvironment } from './resolve';
import { serviceNamespace } from './names';

export interface ServiceCalls {
  readonly name: string;
  readonly environments: readonly ServiceEnvironment[];
}

/**
 * `services` with callerNamespaces and calleeNamespaces filled in for each
 * environment. A caller that does not run in an environment is left out
 * there (e.g. a gateway that runs in production only).
 */
export function linkServiceCalls<T extends ServiceCalls>(platform: Platform, services: readonly T[]): T[] {
  const running = (service: string, environment: string) =>
    services.some((s) => s.name === service && s.environments.some((e) => e.environment === environment));
  return services.map((service) => ({
    ...service,
    environments: service.environments.map((env) => ({
      ...env,
      callerNamespaces: env.allowFrom.filter((caller) => running(caller, env.environment)).map((caller) => serviceNamespace(platform, caller, env.environment)).sort(),
      calleeNamespaces: services
        .filter((other) => other.environments.some((e) => e.environment === env.environment && e.allowFrom.includes(service.name)))
        .map((other) => serviceNamespace(platform, other.name, env.environment))
        .sort(),
    })),
  }));
}
