import { Construct } from 'constructs';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import type { ITerraformDependable } from 'cdktf';
import type { Labels } from '../lib/labels';
import { ROLES, type Grantee } from '../lib/iam-roles';
import { throwIfProblems } from '../lib/props';

/** The group Cloud Storage writes usage logs as (https://cloud.google.com/storage/docs/access-logs). */
export const USAGE_LOG_WRITER = 'group:cloud-storage-analytics@google.com';

export interface SecureBucketProps {
  readonly project: string;
  /** Globally unique bucket name. */
  readonly name: string;
  /** e.g. asia-northeast1. */
  readonly location: string;
  readonly labels: Labels;
  /** Noncurrent object versions older than this are deleted. @default 90 */
  readonly noncurrentVersionRetentionDays?: number;
  /** @default prevent_destroy on and no force_destroy */
  readonly deletionProtection?: boolean;
  /**
   * The bucket that receives this bucket's usage logs (an hourly record of
   * every request). A SecureBucket is allowed to receive them here; a bucket
   * of another stack, given by name, calls allowUsageLogWrites() there.
   * @default this bucket itself, under usage-logs/ (checkov CKV_GCP_63 flags a
   * bucket logging to itself: pair two buckets instead)
   */
  readonly accessLogBucket?: SecureBucket | string;
  /** @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A bucket for state and backups: versioned, uniform bucket-level access,
 * public access prevention enforced, soft delete, usage logs, and protected
 * from deletion.
 */
export class SecureBucket extends Construct {
  readonly bucket: StorageBucket;
  private readonly grants = new Construct(this, 'Iam');

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    if (!/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/.test(props.name)) {
      throwIfProblems('SecureBucket', this.node.path, [`name "${props.name}" must be 3-63 lowercase letters, digits, dots, hyphens or underscores (e.g. "acme-velero-backups")`]);
    }
    const protect = props.deletionProtection ?? true;
    this.bucket = new StorageBucket(this, 'Bucket', {
      project: props.project,
      name: props.name,
      location: props.location,
      storageClass: 'STANDARD',
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      versioning: { enabled: true },
      softDeletePolicy: { retentionDurationSeconds: 7 * 24 * 60 * 60 },
      lifecycleRule: [
        {
          action: { type: 'Delete' },
          condition: { daysSinceNoncurrentTime: props.noncurrentVersionRetentionDays ?? 90, withState: 'ARCHIVED' },
        },
      ],
      logging: {
        logBucket: typeof props.accessLogBucket === 'string' ? props.accessLogBucket : (props.accessLogBucket?.bucket.name ?? props.name),
        logObjectPrefix: props.accessLogBucket ? props.name : `usage-logs/${props.name}`,
      },
      forceDestroy: !protect,
      labels: { ...props.labels },
      lifecycle: { preventDestroy: protect },
      dependsOn: props.dependsOn,
    });
    if (props.accessLogBucket === undefined) this.allowUsageLogWrites();
    else if (typeof props.accessLogBucket !== 'string') props.accessLogBucket.allowUsageLogWrites();
  }

  /** Lets Cloud Storage write usage logs of other buckets (or this one) into this bucket. Idempotent. */
  allowUsageLogWrites(): void {
    const id = `${USAGE_LOG_WRITER}=${ROLES.storageObjectCreator}`;
    if (this.grants.node.tryFindChild(id)) return;
    new StorageBucketIamMember(this.grants, id, { bucket: this.bucket.name, role: ROLES.storageObjectCreator, member: USAGE_LOG_WRITER });
  }

  /** Lets `grantee` read, write and delete objects (not change the bucket or its IAM). */
  grantObjectAdmin(grantee: Grantee): void {
    new StorageBucketIamMember(this.grants, `${grantee.key}=${ROLES.storageObjectAdmin}`, {
      bucket: this.bucket.name,
      role: ROLES.storageObjectAdmin,
      member: grantee.member,
    });
  }
}
