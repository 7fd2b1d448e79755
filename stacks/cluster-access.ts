import type { Construct } from 'constructs';
import { Fn, TerraformResource, type TerraformProvider } from 'cdktf';
import type { DataGoogleContainerCluster } from '@cdktf/provider-google/lib/data-google-container-cluster';
import { DataGoogleClientConfig } from '@cdktf/provider-google/lib/data-google-client-config';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';

/** How a stack names a provider configuration for one of several clusters. */
export interface ClusterProviderOptions {
  /** Provider alias: set for every cluster but the stack's default one. @default none: the default configuration */
  readonly alias?: string;
}

/**
 * The kubernetes provider of a stack that manages objects inside a shared
 * cluster the stack does not create (found by name through a data source).
 * Every stack that reaches into a cluster configures it here, in one place.
 */
export function clusterKubernetesProvider(scope: Construct, cluster: DataGoogleContainerCluster, options: ClusterProviderOptions = {}): KubernetesProvider {
  return new KubernetesProvider(scope, options.alias ? `kubernetes-${options.alias}` : 'kubernetes', { alias: options.alias, ...clusterConnection(scope, cluster) });
}

/** The helm provider of such a stack (Helm releases of the platform's add-ons), connected like the kubernetes one. */
export function clusterHelmProvider(scope: Construct, cluster: DataGoogleContainerCluster, options: ClusterProviderOptions = {}): HelmProvider {
  return new HelmProvider(scope, options.alias ? `helm-${options.alias}` : 'helm', { alias: options.alias, kubernetes: clusterConnection(scope, cluster) });
}

/** Endpoint, CA and credentials of `cluster`; one client config per scope, shared by its providers. */
function clusterConnection(scope: Construct, cluster: DataGoogleContainerCluster) {
  const client = (scope.node.tryFindChild('ClientConfig') as DataGoogleClientConfig | undefined) ?? new DataGoogleClientConfig(scope, 'ClientConfig', {});
  return {
    host: `https://${cluster.endpoint}`,
    token: client.accessToken,
    clusterCaCertificate: Fn.base64decode(cluster.masterAuth.get(0).clusterCaCertificate),
  };
}

/** Points every resource under `scope` at `provider` (objects of one cluster among several). */
export function useProvider(scope: Construct, provider: TerraformProvider): void {
  for (const child of scope.node.findAll()) {
    if (child instanceof TerraformResource && child.terraformResourceType.startsWith(`${provider.terraformResourceType}_`)) child.provider = provider;
  }
}
