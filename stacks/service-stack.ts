import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { DataGoogleContainerCluster } from '@cdktf/provider-google/lib/data-google-container-cluster';
import { DataGoogleComputeNetwork } from '@cdktf/provider-google/lib/data-google-compute-network';
import { DataGoogleBigqueryDefaultServiceAccount } from '@cdktf/provider-google/lib/data-google-bigquery-default-service-account';
import { GoogleBetaProvider } from '@cdktf/provider-google-beta/lib/provider';
import type { Platform } from '../lib/catalog/schema';
import type { ServiceEnvironment } from '../lib/catalog/resolve';
import { IMAGE_REPOSITORY_ID, nodeServiceAccountEmails, workloadPool } from '../lib/catalog/names';
import { standardLabels } from '../lib/labels';
import { groupGrantee, serviceAccountMember } from '../lib/iam-roles';
import { configureStack } from './stack-defaults';
import { capabilities } from '../lib/capabilities/registry';
import type { BuildContext } from '../lib/capabilities/capability';
import { clusterKubernetesProvider, useProvider } from './cluster-access';
import { clusterNamed, type ClusterSpec } from '../lib/catalog/clusters';
import { workloadSinkName } from '../lib/catalog/collisions';
import { ServiceProject } from '../constructs/service-project';
import { WorkloadIdentity } from '../constructs/workload-identity';
import { CLOUD_SQL_CONNECTOR_PORT, CLOUD_SQL_LOGIN_ROLES } from '../constructs/cloud-sql-instance';
import { BigQueryLogSink, LOG_READER_PROJECT_ROLES } from '../constructs/bigquery-log-sink';
import { TeamNamespace, type TeamNamespaceProps } from '../constructs/team-namespace';
import { EncryptionKey } from '../constructs/encryption-key';
import { ImageRepository } from '../constructs/image-repository';

/** The Google service account the service's pods run as (one per project). */
export const APPLICATION_ACCOUNT_ID = 'application';

/** The log filter for the clusters a service runs in (GKE labels each entry with its cluster's name). */
function clusterNameFilter(clusters: readonly string[]): string {
  const terms = clusters.map((name) => `resource.labels.cluster_name="${name}"`);
  return terms.length === 1 ? terms[0] : `(${terms.join(' OR ')})`;
}

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
  /** The service's namespace in its first cluster (the home cluster unless it runs elsewhere only). */
  readonly namespace: TeamNamespace;
  /** Its namespace in every cluster it runs in, in platform.yaml order. */
  readonly namespaces: readonly TeamNamespace[];
  /** What each capability the service uses built, by capability key. */
  readonly capabilities: Readonly<Record<string, Construct>>;
  readonly logSink: BigQueryLogSink;
  readonly encryptionKey: EncryptionKey;
  readonly images: ImageRepository;

  constructor(scope: Construct, props: ServiceStackProps) {
    const { platform, service } = props;
    super(scope, service.stackName);
    configureStack(this, platform, service.stackName);
    const labels = standardLabels({ service: service.service, team: service.team, environment: service.environment });
    const host = platform.platformProject;

    // The home cluster keeps the stack's original addresses (SharedCluster,
    // the default kubernetes provider, Namespace); each further cluster the
    // service runs in gets its own under Clusters/<name>, with an aliased provider.
    const clusters = service.clusters.map((name) => clusterNamed(platform, name));
    const findCluster = (scope: Construct, spec: ClusterSpec) => new DataGoogleContainerCluster(scope, 'SharedCluster', { project: host, name: spec.name, location: spec.region });
    const homeCluster = clusters.find((c) => c.country === undefined);
    const shared = {
      cluster: homeCluster && findCluster(this, homeCluster),
      network: new DataGoogleComputeNetwork(this, 'SharedNetwork', { project: host, name: platform.network.name }),
    };
    if (shared.cluster) clusterKubernetesProvider(this, shared.cluster);
    const inClusters = new Construct(this, 'Clusters');
    const otherClusters = clusters
      .filter((c) => c !== homeCluster)
      .map((spec) => {
        const scope = new Construct(inClusters, spec.name);
        return { scope, provider: clusterKubernetesProvider(scope, findCluster(scope, spec), { alias: spec.name }) };
      });

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
      essentialContacts: [service.ownerGroup],
      lien: service.production,
    });
    const projectId = this.project.projectId;
    const ready: ITerraformDependable[] = [...this.project.apis.services];
    // The team's project roles, one grant each: the environment's baseline,
    // the service's teamRoles, what reading its log dataset needs, and Cloud
    // SQL login where the environment allows it.
    const team = groupGrantee(service.ownerGroup);
    const teamRoles = new Set([
      ...service.teamBaselineRoles,
      ...service.teamRoles,
      ...LOG_READER_PROJECT_ROLES,
      ...(service.cloudsql && service.teamDatabaseLogin ? CLOUD_SQL_LOGIN_ROLES : []),
    ]);
    this.project.grant(team, [...teamRoles].sort());

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
    // Service agents some products need before a key grant (KMS refuses
    // unknown members) are created explicitly; the resource is beta-only.
    const beta = new GoogleBetaProvider(this, 'google-beta', { region: platform.region });

    // The service's images, encrypted with the service's key: its team
    // pushes, every cluster's nodes pull (the Binary Authorization policy
    // admits images from here).
    const registryAgent = this.project.serviceAgent('artifactregistry.googleapis.com', beta);
    const registryKeyGrant = this.encryptionKey.grantEncrypterDecrypter(
      { key: 'serviceAccount:artifactregistry-agent', member: serviceAccountMember(this.project.serviceAgentEmail('artifactregistry.googleapis.com')) },
      { dependsOn: [registryAgent] },
    );
    this.images = new ImageRepository(this, 'Images', {
      project: projectId,
      location: platform.region,
      repositoryId: IMAGE_REPOSITORY_ID,
      labels,
      kmsKeyName: this.encryptionKey.keyId,
      dependsOn: [...ready, registryKeyGrant],
    });
    this.images.grantWriter(groupGrantee(service.ownerGroup));
    for (const email of nodeServiceAccountEmails(platform)) this.images.grantReader({ key: `serviceAccount:${email}`, member: serviceAccountMember(email) });

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
      betaProvider: beta,
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
    this.logSink.grantRead(team);
    // GKE writes pod logs to the cluster's project, not this one: route the
    // namespace's entries from there into the same dataset.
    this.logSink.addSourceProject('Workloads', {
      project: host,
      sinkName: workloadSinkName(service.namespace),
      filter: [
        'resource.type="k8s_container"',
        clusterNameFilter(service.clusters),
        `resource.labels.namespace_name="${service.namespace}"`,
      ].join(' AND '),
    });
    const namespaceProps: TeamNamespaceProps = {
      name: service.namespace,
      ownerGroup: service.ownerGroup,
      labels,
      nodePool: service.nodePool,
      quota: service.quota,
      serviceAccount: { name: service.service, googleServiceAccountEmail: this.application.email },
      callerNamespaces: service.callerNamespaces,
      calleeNamespaces: service.calleeNamespaces,
      // The Cloud SQL connectors and Auth Proxy reach the instance's private IP on 3307.
      privateEndpoints: service.cloudsql ? [{ cidr: platform.network.privateServiceAccessCidr, port: CLOUD_SQL_CONNECTOR_PORT }] : [],
      podSecurity: service.podSecurity,
    };
    const namespaces = [
      ...(homeCluster ? [new TeamNamespace(this, 'Namespace', namespaceProps)] : []),
      ...otherClusters.map(({ scope, provider }) => {
        const namespace = new TeamNamespace(scope, 'Namespace', namespaceProps);
        useProvider(namespace, provider);
        return namespace;
      }),
    ];
    this.namespaces = namespaces;
    this.namespace = namespaces[0];

    new TerraformOutput(this, 'project_id', { value: projectId });
    new TerraformOutput(this, 'namespace', { value: service.namespace });
    new TerraformOutput(this, 'application_service_account', { value: this.application.email });
  }
}
