import type { Construct } from 'constructs';
import { TerraformResource, type TerraformProvider } from 'cdktf';
import type { DataGoogleContainerCluster } from '@cdktf/provider-google/lib/data-google-container-cluster';
import { KubernetesProvider, type KubernetesProviderExec } from '@cdktf/provider-kubernetes/lib/provider';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';

/**
 * How the kubernetes and helm providers authenticate: a short-lived token
 * from gke-gcloud-auth-plugin, fetched by the provider at plan/apply time and
 * never written to state (unlike `data.google_client_config.access_token`,
 * terraform-provider-google #11451). The runner needs the plugin on PATH
 * (docs/DELIVERY.md).
 */
export const GKE_AUTH_EXEC: KubernetesProviderExec = {
  apiVersion: 'client.authentication.k8s.io/v1beta1',
  command: 'gke-gcloud-auth-plugin',
};

/**
 * The control plane's DNS-based endpoint (`gke-<id>.<region>.gke.goog`):
 * reachable from any runner, authorized by IAM (container.clusters.connect)
 * instead of a CIDR allowlist, and served with a publicly trusted
 * certificate, so no cluster CA certificate is needed.
 */
export function clusterDnsEndpoint(cluster: DataGoogleContainerCluster): string {
  return `https://${cluster.controlPlaneEndpointsConfig.get(0).dnsEndpointConfig.get(0).endpoint}`;
}

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
  return new KubernetesProvider(scope, options.alias ? `kubernetes-${options.alias}` : 'kubernetes', {
    alias: options.alias,
    host: clusterDnsEndpoint(cluster),
    exec: [GKE_AUTH_EXEC],
  });
}

/** The helm provider of such a stack (Helm releases of the platform's add-ons), connected like the kubernetes one. */
export function clusterHelmProvider(scope: Construct, cluster: DataGoogleContainerCluster, options: ClusterProviderOptions = {}): HelmProvider {
  return new HelmProvider(scope, options.alias ? `helm-${options.alias}` : 'helm', {
    alias: options.alias,
    kubernetes: { host: clusterDnsEndpoint(cluster), exec: GKE_AUTH_EXEC },
  });
}

/** Points every resource under `scope` at `provider` (objects of one cluster among several). */
export function useProvider(scope: Construct, provider: TerraformProvider): void {
  for (const child of scope.node.findAll()) {
    if (child instanceof TerraformResource && child.terraformResourceType.startsWith(`${provider.terraformResourceType}_`)) child.provider = provider;
  }
}
