// Builds the stacks of a catalog into an App. bin/main.ts only wires this to
// the command line; tests and the benchmark call it directly.
import type { App } from 'cdktf';
import type { Catalog } from './catalog/load';
import { PlatformStack } from '../stacks/platform-stack';
import { ServiceStack } from '../stacks/service-stack';
import { BootstrapStack } from '../stacks/bootstrap-stack';
import { ClusterStack } from '../stacks/cluster-stack';
import { BOOTSTRAP_STACK, PLATFORM_STACK, clusterStackName, imageRepositoryPath } from './catalog/names';
import { platformClusters } from './catalog/clusters';
import { applyPolicies } from './policy/aspect';

export interface BuildOptions {
  /** Only stacks whose name this accepts are constructed. @default every stack */
  readonly include?: (stackName: string) => boolean;
}

/**
 * The names of every stack the catalog defines, in apply order: platform, the
 * cluster stacks, the services; bootstrap (applied by an admin) last.
 */
export function stackNames(catalog: Catalog): string[] {
  return [PLATFORM_STACK, ...platformClusters(catalog.platform).map((c) => clusterStackName(c.name)), ...catalog.services.flatMap((s) => s.environments.map((e) => e.stackName)), BOOTSTRAP_STACK];
}

export function buildStacks(app: App, catalog: Catalog, options: BuildOptions = {}): void {
  const include = options.include ?? (() => true);
  if (include(PLATFORM_STACK)) {
    const imageRepositories = catalog.services.flatMap((s) => s.environments.map((e) => imageRepositoryPath(catalog.platform, e.projectId)));
    new PlatformStack(app, { platform: catalog.platform, imageRepositories });
  }
  for (const cluster of platformClusters(catalog.platform)) {
    if (include(clusterStackName(cluster.name))) new ClusterStack(app, { platform: catalog.platform, cluster });
  }
  for (const service of catalog.services) {
    for (const environment of service.environments) {
      if (include(environment.stackName)) new ServiceStack(app, { platform: catalog.platform, service: environment });
    }
  }
  if (include(BOOTSTRAP_STACK)) new BootstrapStack(app, { platform: catalog.platform });
  // The security policy checks every stack and fails synth on a violation.
  applyPolicies(app);
}
