import type { Construct } from 'constructs';
import { Fn } from 'cdktf';
import type { DataGoogleContainerCluster } from '@cdktf/provider-google/lib/data-google-container-cluster';
import { DataGoogleClientConfig } from '@cdktf/provider-google/lib/data-google-client-config';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';

/**
 * The kubernetes provider of a stack that manages objects inside a shared
 * cluster the stack does not create (found by name through a data source).
 * Every stack that reaches into a cluster configures it here, in one place.
 */
export function clusterKubernetesProvider(scope: Construct, cluster: DataGoogleContainerCluster): KubernetesProvider {
  const client = new DataGoogleClientConfig(scope, 'ClientConfig', {});
  return new KubernetesProvider(scope, 'kubernetes', {
    host: `https://${cluster.endpoint}`,
    token: client.accessToken,
    clusterCaCertificate: Fn.base64decode(cluster.masterAuth.get(0).clusterCaCertificate),
  });
}
