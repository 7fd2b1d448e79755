import { Construct } from 'constructs';
import { SpannerInstance as SpannerInstanceResource } from '@cdktf/provider-google/lib/spanner-instance';
import { SpannerDatabase } from '@cdktf/provider-google/lib/spanner-database';
import { SpannerDatabaseIamMember } from '@cdktf/provider-google/lib/spanner-database-iam-member';
import type { ITerraformDependable } from 'cdktf';
import type { Labels } from '../lib/labels';
import { ROLES, type Grantee } from '../lib/iam-roles';
import { throwIfProblems } from '../lib/props';

export interface SpannerInstanceProps {
  readonly project: string;
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
   * Cloud KMS key (id) that encrypts the databases; Spanner's service agent
   * must hold encrypter/decrypter on it before they are created. Changing it
   * replaces the databases.
   * @default Google-managed encryption
   */
  readonly kmsKeyName?: string;
  /** @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/** A Spanner instance with its databases, each protected from deletion. */
export class SpannerInstance extends Construct {
  readonly instance: SpannerInstanceResource;
  private readonly databases = new Map<string, SpannerDatabase>();
  private readonly grants = new Construct(this, 'Iam');
  private readonly project: string;

  constructor(scope: Construct, id: string, props: SpannerInstanceProps) {
    super(scope, id);
    const processingUnits = props.processingUnits ?? 100;
    const problems: string[] = [];
    if (processingUnits < 100 || (processingUnits < 1000 && processingUnits % 100 !== 0) || (processingUnits >= 1000 && processingUnits % 1000 !== 0)) {
      problems.push(`processingUnits ${processingUnits} is not allowed; use a multiple of 100 below 1000 or of 1000 from 1000 (e.g. 300)`);
    }
    throwIfProblems('SpannerInstance', this.node.path, problems);

    this.project = props.project;
    const protect = props.deletionProtection ?? true;
    this.instance = new SpannerInstanceResource(this, 'Instance', {
      project: props.project,
      name: 'primary',
      displayName: 'primary',
      config: props.config,
      processingUnits,
      labels: { ...props.labels },
      forceDestroy: !protect,
      dependsOn: props.dependsOn,
    });
    const databases = new Construct(this, 'Databases');
    for (const name of [...(props.databases ?? [])].sort()) {
      this.databases.set(
        name,
        new SpannerDatabase(databases, name, {
          project: props.project,
          instance: this.instance.name,
          name,
          databaseDialect: 'GOOGLE_STANDARD_SQL',
          versionRetentionPeriod: '3d',
          deletionProtection: protect,
          enableDropProtection: protect,
          encryptionConfig: props.kmsKeyName ? { kmsKeyName: props.kmsKeyName } : undefined,
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
