import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import type { Labels } from '../lib/labels';
import { ROLES, type Grantee } from '../lib/iam-roles';
import { throwIfProblems } from '../lib/props';

const DAY_SECONDS = 24 * 60 * 60;

export interface ImageRepositoryProps {
  readonly project: string;
  /** A region, e.g. asia-northeast1: images are pulled from `<location>-docker.pkg.dev`. */
  readonly location: string;
  /** @default images */
  readonly repositoryId?: string;
  readonly labels: Labels;
  /** The most recent versions of each image, kept whatever their age or tags. @default 10 */
  readonly keepRecentVersions?: number;
  /** Untagged versions older than this are deleted unless among the most recent; tagged
   *  versions are kept (a running release must stay pullable). @default 14 */
  readonly deleteUntaggedAfterDays?: number;
  /** A Cloud KMS key (same location) the Artifact Registry service agent may use.
   *  @default Google-managed encryption */
  readonly kmsKeyName?: string;
  /** @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A Docker repository in Artifact Registry: vulnerability scanning on
 * (Container Scanning API of the project), immutable tags (a tag that was
 * admitted and scanned cannot be moved to other bytes), and cleanup policies
 * that keep the recent versions and every tagged one, and delete old untagged
 * ones.
 */
export class ImageRepository extends Construct {
  readonly repository: ArtifactRegistryRepository;
  /** `<location>-docker.pkg.dev/<project>/<repository>`: what images are named under. */
  readonly path: string;
  private readonly grants = new Construct(this, 'Iam');

  constructor(scope: Construct, id: string, props: ImageRepositoryProps) {
    super(scope, id);
    const repositoryId = props.repositoryId ?? 'images';
    const keep = props.keepRecentVersions ?? 10;
    const days = props.deleteUntaggedAfterDays ?? 14;
    const problems: string[] = [];
    if (!/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(repositoryId)) problems.push(`repositoryId "${repositoryId}" must be lowercase letters, digits and hyphens (e.g. "images")`);
    if (!Number.isInteger(keep) || keep < 1) problems.push(`keepRecentVersions ${keep} must be a whole number of at least 1 (e.g. 10)`);
    if (!Number.isInteger(days) || days < 1) problems.push(`deleteUntaggedAfterDays ${days} must be a whole number of at least 1 (e.g. 14)`);
    throwIfProblems('ImageRepository', this.node.path, problems);

    this.repository = new ArtifactRegistryRepository(this, 'Repository', {
      project: props.project,
      location: props.location,
      repositoryId,
      format: 'DOCKER',
      description: 'Container images of the service; scanned, cleaned up',
      kmsKeyName: props.kmsKeyName,
      dockerConfig: { immutableTags: true },
      vulnerabilityScanningConfig: { enablementConfig: 'INHERITED' },
      cleanupPolicyDryRun: false,
      cleanupPolicies: [
        { id: 'keep-recent', action: 'KEEP', mostRecentVersions: { keepCount: keep } },
        { id: 'delete-untagged', action: 'DELETE', condition: { tagState: 'UNTAGGED', olderThan: `${days * DAY_SECONDS}s` } },
      ],
      labels: { ...props.labels },
      dependsOn: props.dependsOn,
    });
    this.path = `${props.location}-docker.pkg.dev/${props.project}/${repositoryId}`;
  }

  /** Lets `grantee` (a team group, CI) push images to this repository only. */
  grantWriter(grantee: Grantee): void {
    this.grant(grantee, ROLES.artifactRegistryWriter);
  }

  /** Lets `grantee` (cluster nodes) pull images from this repository only. */
  grantReader(grantee: Grantee): void {
    this.grant(grantee, ROLES.artifactRegistryReader);
  }

  private grant(grantee: Grantee, role: string): void {
    new ArtifactRegistryRepositoryIamMember(this.grants, `${grantee.key}=${role}`, {
      project: this.repository.project,
      location: this.repository.location,
      repository: this.repository.name,
      role,
      member: grantee.member,
    });
  }
}
