import { Construct } from 'constructs';
import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { BigqueryDatasetIamMember } from '@cdktf/provider-google/lib/bigquery-dataset-iam-member';
import { LoggingProjectSink } from '@cdktf/provider-google/lib/logging-project-sink';
import type { ITerraformDependable } from 'cdktf';
import type { Labels } from '../lib/labels';
import { ROLES } from '../lib/iam-roles';
import { throwIfProblems } from '../lib/props';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface BigQueryLogSinkProps {
  readonly project: string;
  /** BigQuery location, e.g. asia-northeast1. */
  readonly location: string;
  /** Letters, digits and underscores. @default logs */
  readonly datasetId?: string;
  /** Partitions older than this are deleted. @default 30 */
  readonly retentionDays?: number;
  /** Logging filter. @default every log entry of the project */
  readonly filter?: string;
  readonly labels: Labels;
  /**
   * Cloud KMS key (id) that encrypts the dataset's tables; BigQuery's service
   * agent must hold encrypter/decrypter on it before the dataset is created.
   * @default Google-managed encryption
   */
  readonly kmsKeyName?: string;
  /** @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Routes a project's logs into its own BigQuery dataset: a partitioned
 * dataset with a retention, a project sink with a unique writer identity, and
 * that identity granted to write into the dataset (and nowhere else).
 */
export class BigQueryLogSink extends Construct {
  readonly dataset: BigqueryDataset;
  readonly sink: LoggingProjectSink;

  constructor(scope: Construct, id: string, props: BigQueryLogSinkProps) {
    super(scope, id);
    const datasetId = props.datasetId ?? 'logs';
    const retentionDays = props.retentionDays ?? 30;
    const problems: string[] = [];
    if (!/^[A-Za-z0-9_]{1,1024}$/.test(datasetId)) problems.push(`datasetId "${datasetId}" may hold only letters, digits and underscores (e.g. "logs")`);
    if (!Number.isInteger(retentionDays) || retentionDays < 1) problems.push(`retentionDays ${retentionDays} must be a whole number of days, at least 1 (e.g. 30)`);
    throwIfProblems('BigQueryLogSink', this.node.path, problems);

    this.dataset = new BigqueryDataset(this, 'Dataset', {
      project: props.project,
      datasetId,
      location: props.location,
      description: 'Logs routed by the project log sink',
      defaultPartitionExpirationMs: retentionDays * DAY_MS,
      deleteContentsOnDestroy: false,
      defaultEncryptionConfiguration: props.kmsKeyName ? { kmsKeyName: props.kmsKeyName } : undefined,
      labels: { ...props.labels },
      dependsOn: props.dependsOn,
    });
    this.sink = new LoggingProjectSink(this, 'Sink', {
      project: props.project,
      name: 'bigquery-logs',
      destination: `bigquery.googleapis.com/projects/${props.project}/datasets/${this.dataset.datasetId}`,
      filter: props.filter,
      uniqueWriterIdentity: true,
      bigqueryOptions: { usePartitionedTables: true },
    });
    new BigqueryDatasetIamMember(this, 'SinkWriter', {
      project: props.project,
      datasetId: this.dataset.datasetId,
      role: ROLES.bigQueryDataEditor,
      member: this.sink.writerIdentity,
    });
  }
}
