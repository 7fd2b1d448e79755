import type { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { DataGoogleContainerCluster } from '@cdktf/provider-google/lib/data-google-container-cluster';
import { DataGoogleComputeNetwork } from '@cdktf/provider-google/lib/data-google-compute-network';
import { DataGoogleBigqueryDefaultServiceAccount } from '@cdktf/provider-google/lib/data-google-bigquery-default-service-account';
import { GoogleBetaProvider } from '@cdktf/provider-google-beta/lib/provider';
import type { Platform } from '../lib/catalog/schema';
import type { ServiceEnvironment } from '../lib/catalog/resolve';
import { workloadPool } from '../lib/catalog/names';
import { standardLabels } from '../lib/labels';
import { groupGrantee, serviceAccountMember } from '../lib/iam-roles';
import { configureStack } from './stack-defaults';
import { capabilities } from '../lib/capabilities/registry';
import type { BuildContext } from '../lib/capabilities/capability';
import { clusterKubernetesProvider } from './cluster-access';
import { ServiceProject } from '../constructs/service-project';
import { WorkloadIdentity } from '../constructs/workload-identity';
import { BigQueryLogSink } from '../constructs/bigquery-log-sink';
import { TeamNamespace } from '../constructs/team-namespace';
import { EncryptionKey } from '../constructs/encryption-key';

/** The Google service account the service's pods run as (one per project). */
export const APPLICATION_ACCOUNT_ID = 'application';

export interface ServiceStackProps {
  readonly platform: Platform;
  readonly service: ServiceEnvironment;
}

/**
 * One service in one environment: its own project and state. Shared things
 * (the cluster, the network) are found by name through data sources, never
 * through another stack's state.
 */
export class ServiceStack extends TerraformStack {
  readonly project: ServiceProject;
  readonly application: WorkloadIdentity;
  readonly namespace: TeamNamespace;
  /** What each capability the service uses built, by capability key. */
  readonly capabilities: Readonly<Record<string, Construct>>;
  readonly logSink: BigQueryLogSink;
  readonly encryptionKey: EncryptionKey;

  constructor(scope: Construct, props: ServiceStackProps) {
    const { platform, service } = props;
    super(scope, service.stackName);
    configureStack(this, platform, service.stackName);
    const labels = standardLabels({ service: service.service, team: service.team, environment: service.environment });
    const host = platform.platformProject;

    const shared = {
      cluster: new DataGoogleContainerCluster(this, 'SharedCluster', { project: host, name: platform.cluster.name, location: platform.region }),
      network: new DataGoogleComputeNetwork(this, 'SharedNetwork', { project: host, name: platform.network.name }),
    };
    clusterKubernetesProvider(this, shared.cluster);

    const used = capabilities().flatMap((capability) => {
      const settings = (service as unknown as Record<string, unknown>)[capability.key];
      return settings === undefined ? [] : [{ capability, settings }];
    });
    const apis = [...service.apis, ...used.flatMap(({ capability, settings }) => capability.apis(settings))];
    this.project = new ServiceProject(this, 'Project', {
      projectId: service.projectId,
      displayName: `${service.service} ${service.environment}`,
      folder: platform.serviceProjectsFolder,
      billingAccount: platform.billingAccount,
      labels,
      apis,
      sharedVpcHostProject: host,
    });
    const projectId = this.project.projectId;
    const ready: ITerraformDependable[] = [...this.project.apis.services];
    this.project.grant(groupGrantee(service.ownerGroup), service.teamRoles);

    this.application = new WorkloadIdentity(this, 'ApplicationIdentity', {
      project: projectId,
      accountId: APPLICATION_ACCOUNT_ID,
      displayName: `${service.service} application`,
      workloadPool: workloadPool(platform),
      namespace: service.namespace,
      kubernetesServiceAccount: service.service,
      dependsOn: ready,
    });

    // Customer-managed encryption for the service's data at rest (BigQuery
    // logs, Spanner): a key in the service's own project, used by the
    // products' service agents only.
    this.encryptionKey = new EncryptionKey(this, 'EncryptionKey', {
      project: projectId,
      location: platform.region,
      keyRingName: 'service-data',
      labels,
      dependsOn: ready,
    });
    const bigQueryAgent = new DataGoogleBigqueryDefaultServiceAccount(this, 'BigQueryAgent', { project: projectId, dependsOn: ready });
    const bigQueryKeyGrant = this.encryptionKey.grantEncrypterDecrypter({ key: 'serviceAccount:bigquery-agent', member: serviceAccountMember(bigQueryAgent.email) });

    let betaProvider: GoogleBetaProvider | undefined;
    const context: BuildContext = {
      scope: this,
      platform,
      service,
      project: this.project,
      application: this.application,
      encryptionKey: this.encryptionKey,
      network: shared.network,
      labels,
      ready,
      // Beta-only resources (service agents): only stacks that need it configure google-beta.
      betaProvider: () => (betaProvider ??= new GoogleBetaProvider(this, 'google-beta', { region: platform.region })),
    };
    this.capabilities = Object.fromEntries(used.map(({ capability, settings }) => [capability.key, capability.build(context, settings)]));
    this.logSink = new BigQueryLogSink(this, 'LogSink', {
      project: projectId,
      location: platform.region,
      retentionDays: service.logRetentionDays,
      labels,
      kmsKeyName: this.encryptionKey.keyId,
      dependsOn: [...ready, bigQueryKeyGrant],
    });
    // GKE writes pod logs to the cluster's project, not this one: route the
    // namespace's entries from there into the same dataset.
    this.logSink.addSourceProject('Workloads', {
      project: host,
      sinkName: `${service.namespace}-workloads`,
      filter: [
        'resource.type="k8s_container"',
        `resource.labels.cluster_name="${platform.cluster.name}"`,
        `resource.labels.namespace_name="${service.namespace}"`,
      ].join(' AND '),
    });
    this.namespace = new TeamNamespace(this, 'Namespace', {
      name: service.namespace,
      ownerGroup: service.ownerGroup,
      labels,
      nodePool: service.nodePool,
      quota: service.quota,
      serviceAccount: { name: service.service, googleServiceAccountEmail: this.application.email },
    });

    new TerraformOutput(this, 'project_id', { value: projectId });
    new TerraformOutput(this, 'namespace', { value: service.namespace });
    new TerraformOutput(this, 'application_service_account', { value: this.application.email });
  }
}
