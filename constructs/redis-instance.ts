import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { RedisInstance as RedisInstanceResource } from '@cdktf/provider-google/lib/redis-instance';
import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import type { GoogleBetaProvider } from '@cdktf/provider-google-beta/lib/provider';
import type { Labels } from '../lib/labels';
import { serviceAccountMember, type Grantee } from '../lib/iam-roles';
import { throwIfProblems } from '../lib/props';
import { REDIS_CONNECT_PERMISSIONS, REDIS_DEFAULTS, REDIS_TIERS, REDIS_VERSIONS, redisMemoryProblem, type RedisTier } from '../lib/domain/redis';
import type { ServiceProject } from './service-project';
import type { EncryptionKey } from './encryption-key';

export interface RedisInstanceProps {
  /** Created after its APIs and the Shared VPC attachment (its address is on the host network). */
  readonly project: ServiceProject;
  readonly region: string;
  /** The Shared VPC network with private service access (its `id`): the only way in. */
  readonly network: { readonly id: string };
  /** @default 1 */
  readonly memorySizeGb?: number;
  /** STANDARD_HA: a replica in another zone with automatic failover. @default BASIC */
  readonly tier?: RedisTier;
  /** @default REDIS_7_2 */
  readonly version?: string;
  readonly labels: Labels;
  /**
   * Encrypts data at rest (CMEK), in the instance's region; Memorystore's
   * service agent is created and granted encrypter/decrypter on it first.
   * @default Google-managed encryption
   */
  readonly encryptionKey?: EncryptionKey;
  /** Creates the service agent (a beta-only resource); required with `encryptionKey`. @default none */
  readonly betaProvider?: GoogleBetaProvider;
  /** @default deletion protection on (`prevent_destroy`: the API has no flag of its own) */
  readonly deletionProtection?: boolean;
}

/**
 * A Memorystore for Redis instance reachable only through private service
 * access on the Shared VPC, with AUTH and TLS (server authentication) on,
 * RDB snapshots, a Sunday-night maintenance window, CMEK, labels and
 * `prevent_destroy`.
 */
export class RedisInstance extends Construct {
  readonly instance: RedisInstanceResource;
  private readonly project: ServiceProject;
  private readonly grants = new Construct(this, 'Iam');
  private connectRole?: ProjectIamCustomRole;

  constructor(scope: Construct, id: string, props: RedisInstanceProps) {
    super(scope, id);
    const tier = props.tier ?? 'BASIC';
    const version = props.version ?? REDIS_DEFAULTS.version;
    const memorySizeGb = props.memorySizeGb ?? REDIS_DEFAULTS.memorySizeGb;
    const problems: string[] = [];
    const memory = redisMemoryProblem(memorySizeGb);
    if (memory) problems.push(`memorySizeGb: ${memory}`);
    if (!REDIS_TIERS.includes(tier)) problems.push(`tier "${tier}" must be one of ${REDIS_TIERS.join(', ')}`);
    if (!(REDIS_VERSIONS as readonly string[]).includes(version)) problems.push(`version "${version}" must be one of ${REDIS_VERSIONS.join(', ')}`);
    if (!props.network.id) problems.push('network is required: the instance has no public address');
    if (props.encryptionKey && !props.betaProvider) problems.push('betaProvider is required with encryptionKey: it creates the Memorystore service agent the key is granted to');
    throwIfProblems('RedisInstance', this.node.path, problems);

    const project = props.project;
    this.project = project;
    const dependsOn: ITerraformDependable[] = [...project.apis.services, ...(project.sharedVpcAttachment ? [project.sharedVpcAttachment] : [])];
    if (props.encryptionKey && props.betaProvider) {
      const agent = project.serviceAgent('redis.googleapis.com', props.betaProvider);
      const agentEmail = `service-${project.project.number}@cloud-redis.iam.gserviceaccount.com`;
      dependsOn.push(props.encryptionKey.grantEncrypterDecrypter({ key: 'serviceAccount:redis-agent', member: serviceAccountMember(agentEmail) }, { dependsOn: [agent] }));
    }
    this.instance = new RedisInstanceResource(this, 'Instance', {
      project: project.projectId,
      name: 'primary',
      region: props.region,
      tier,
      memorySizeGb,
      redisVersion: version,
      authorizedNetwork: props.network.id,
      connectMode: 'PRIVATE_SERVICE_ACCESS',
      authEnabled: true,
      transitEncryptionMode: 'SERVER_AUTHENTICATION',
      customerManagedKey: props.encryptionKey?.keyId,
      persistenceConfig: { persistenceMode: 'RDB', rdbSnapshotPeriod: 'TWELVE_HOURS' },
      maintenancePolicy: { weeklyMaintenanceWindow: [{ day: 'SUNDAY', startTime: { hours: 18, minutes: 0 } }] },
      labels: { ...props.labels },
      lifecycle: { preventDestroy: props.deletionProtection ?? true },
      dependsOn,
    });
  }

  /**
   * Lets `grantee` connect: read the instance's address and CA certificate and
   * its AUTH string, nothing else (a project custom role, since predefined
   * roles with the AUTH string also change instances).
   */
  grantConnect(grantee: Grantee): void {
    this.connectRole ??= new ProjectIamCustomRole(this, 'ConnectRole', {
      project: this.project.projectId,
      roleId: 'redisConnector',
      title: 'Redis connector',
      description: 'Read the address, CA certificate and AUTH string of the Memorystore instance',
      permissions: [...REDIS_CONNECT_PERMISSIONS],
      dependsOn: this.project.apis.services,
    });
    new ProjectIamMember(this.grants, `${grantee.key}=redisConnector`, { project: this.project.projectId, role: this.connectRole.name, member: grantee.member });
  }
}
