import { Testing, TerraformStack, type App } from 'cdktf';
import { buildStacks } from '../../lib/app';
import { exampleCatalog, synthJson, type TerraformJson } from '../helpers';

// No credential may reach Terraform state: a data source's or provider's
// secret attribute referenced anywhere ends up in the state of that stack.
const CREDENTIAL_REFERENCE = /google_client_config|access_token|\.token\b|password|private_key|client_key/;

function synthAll(): Record<string, TerraformJson> {
  const app: App = Testing.app();
  buildStacks(app, exampleCatalog());
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
  return Object.fromEntries(stacks.map((stack) => [stack.node.id, synthJson(stack)]));
}

const stacks = synthAll();
const withKubernetes = Object.entries(stacks).filter(([, json]) => (json.provider as Record<string, unknown> | undefined)?.kubernetes);

describe('cluster access: no credentials in state', () => {
  it.each(Object.keys(stacks))('%s references no google_client_config, token, password or private key', (name) => {
    const text = JSON.stringify(stacks[name]);
    expect(text).not.toMatch(CREDENTIAL_REFERENCE);
    expect((stacks[name].data as Record<string, unknown> | undefined)?.google_client_config).toBeUndefined();
  });

  it('the check above sees a token reference when there is one', () => {
    expect(JSON.stringify({ token: '${data.google_client_config.ClientConfig.access_token}' })).toMatch(CREDENTIAL_REFERENCE);
  });

  it('every service stack and the cluster stack reach the cluster', () => {
    expect(withKubernetes.map(([name]) => name).sort()).toEqual(Object.keys(stacks).filter((n) => n.startsWith('service-') || n.startsWith('cluster-')).sort());
  });

  it.each(withKubernetes.map(([name]) => name))('%s authenticates with gke-gcloud-auth-plugin on the DNS endpoint', (name) => {
    const [provider] = (stacks[name].provider as { kubernetes: Record<string, unknown>[] }).kubernetes;
    expect(provider).toEqual({
      host: expect.stringMatching(/^https:\/\/\$\{data\.google_container_cluster\.(SharedCluster|Cluster)\.control_plane_endpoints_config\[0\]\.dns_endpoint_config\[0\]\.endpoint\}$/),
      exec: [{ api_version: 'client.authentication.k8s.io/v1beta1', command: 'gke-gcloud-auth-plugin' }],
    });
  });
});

describe('the cluster', () => {
  it('opens the IAM-authorized DNS endpoint and keeps authorized networks for the IP endpoint', () => {
    const clusters = stacks.platform.resource.google_container_cluster as Record<string, Record<string, unknown>>;
    const [cluster] = Object.values(clusters);
    expect(cluster.control_plane_endpoints_config).toEqual({ dns_endpoint_config: { allow_external_traffic: true } });
    expect((cluster.master_authorized_networks_config as { cidr_blocks: unknown[] }).cidr_blocks.length).toBeGreaterThan(0);
  });
});
