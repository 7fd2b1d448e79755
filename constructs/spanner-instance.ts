import { Construct } from 'constructs';
import { SpannerInstance as SpannerInstanceResource } from '@cdktf/provider-google/lib/spanner-instance';
import { SpannerDatabase } from '@cdktf/provider-google/lib/spanner-database';
import { SpannerDatabaseIamMember } from '@cdktf/provider-google/lib/spanner-database-iam-member';
import type { ITerraformDependable } from 'cdktf';
import type { GoogleBetaProvider } from '@cdktf/provider-google-beta/lib/provider';
import type { Labels } from '../lib/labels';
import { ROLES, serviceAccountMember, type Grantee } from '../lib/iam-roles';
import { throwIfProblems } from '../lib/props';
import { processingUnitsProblem, SPANNER_DEFAULTS } from '../lib/domain/spanner';
import type { ServiceProject } from './service-project';
import type { EncryptionKey } from './encryption-key';

export interface SpannerInstanceProps {
  /** Created after its APIs; its Spanner service agent is created there when a key is given.
   *  A project id: a project made elsewhere (e.g. an emulator's), no API ordering and no encryptionKey. */
  readonly project: ServiceProject | string;
  /** e.g. regional-asia-northeast1. */
  readonly config: string;
  /** Multiples of 100 below 1000, of 1000 from there. @default 100 */
  readonly processingUnits?: number;
  /** @default no databases */
  readonly databases?: readonly string[];
  readonly labels: Labels;
  /** @default deletion protection on (databases) and no force-destroy (instance) */
  readonly deletionProtection?: boolean;
  /**
   * The key that encrypts the databases, in the config's region. Spanner's
   * service agent is created and granted encrypter/decrypter on it before
   * the instance. Changing it replaces the databases.
   * @default Google-managed encryption
   */
  readonly encryptionKey?: EncryptionKey;
  /** Creates the service agent (a beta-only resource); required with `encryptionKey`. @default none */
  readonly betaProvider?: GoogleBetaProvider;
}

/** A Spanner instance with its databases, each protected from deletion. */
export class SpannerInstance extends Construct {
  readonly instance: SpannerInstanceResource;
  private readonly databases = new Map<string, SpannerDatabase>();
  private readonly grants = new Construct(this, 'Iam');
  private readonly project: string;

  constructor(scope: Construct, id: string, props: SpannerInstanceProps) {
    super(scope, id);
    const processingUnits = props.processingUnits ?? SPANNER_DEFAULTS.processingUnits;
    const problems: string[] = [];
    const unitsProblem = processingUnitsProblem(processingUnits);
    if (unitsProblem) problems.push(`processingUnits ${unitsProblem}`);
    if (props.encryptionKey && !props.betaProvider) problems.push('betaProvider is required with encryptionKey: it creates the Spanner service agent the key is granted to');
    if (props.encryptionKey && typeof props.project === 'string') problems.push('encryptionKey needs the ServiceProject, not a project id: the Spanner service agent is created in it');
    throwIfProblems('SpannerInstance', this.node.path, problems);

    const project = typeof props.project === 'string' ? undefined : props.project;
    this.project = project?.projectId ?? (props.project as string);
    const protect = props.deletionProtection ?? true;
    const dependsOn: ITerraformDependable[] = [...(project?.apis.services ?? [])];
    if (project && props.encryptionKey && props.betaProvider) {
      // Spanner's agent appears only on first use, too late for the key grant
      // (KMS refuses unknown members): create it first. The member stays the
      // agent's documented address, known at plan time (an `email` reference
      // would replace the existing grant); the dependency orders the two.
      const agent = project.serviceAgent('spanner.googleapis.com', props.betaProvider);
      const member = serviceAccountMember(project.serviceAgentEmail('spanner.googleapis.com'));
      dependsOn.push(props.encryptionKey.grantEncrypterDecrypter({ key: 'serviceAccount:spanner-agent', member }, { dependsOn: [agent] }));
    }
    this.instance = new SpannerInstanceResource(this, 'Instance', {
      project: this.project,
      name: 'primary',
      displayName: 'primary',
      config: props.config,
      processingUnits,
      labels: { ...props.labels },
      forceDestroy: !protect,
      dependsOn,
    });
    const databases = new Construct(this, 'Databases');
    for (const name of [...(props.databases ?? [])].sort()) {
      this.databases.set(
        name,
        new SpannerDatabase(databases, name, {
          project: this.project,
          instance: this.instance.name,
          name,
          databaseDialect: 'GOOGLE_STANDARD_SQL',
          versionRetentionPeriod: '3d',
          deletionProtection: protect,
          enableDropProtection: protect,
          encryptionConfig: props.encryptionKey ? { kmsKeyName: props.encryptionKey.keyId } : undefined,
        }),
      );
    }
  }

  /** Lets `grantee` read and write data in every database of this instance. */
  grantDatabaseUser(grantee: Grantee): void {
    for (const [name, database] of this.databases) {
      new SpannerDatabaseIamMember(this.grants, `${grantee.key}=${name}`, {
        project: this.project,
        instance: this.instance.name,
        database: database.name,
        role: ROLES.spannerDatabaseUser,
        member: grantee.member,
      });
    }
  }
}
