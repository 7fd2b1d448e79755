import { Construct } from 'constructs';
import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { BigqueryDatasetIamMember } from '@cdktf/provider-google/lib/bigquery-dataset-iam-member';
import { LoggingProjectSink } from '@cdktf/provider-google/lib/logging-project-sink';
import type { ITerraformDependable } from 'cdktf';
import type { Labels } from '../lib/labels';
import { ROLES, type Grantee } from '../lib/iam-roles';
import { throwIfProblems } from '../lib/props';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What a reader of the dataset ({@link BigQueryLogSink.grantRead}) needs on the project its queries run in. */
export const LOG_READER_PROJECT_ROLES = [ROLES.bigQueryJobUser] as const;

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

export interface LogSourceProject {
  /** The project whose log entries are routed (e.g. the cluster's project, where GKE writes pod logs). */
  readonly project: string;
  /** The sink's name in that project: unique there, e.g. `<namespace>-workloads`. */
  readonly sinkName: string;
  /** Which entries: required, because every other entry of that project belongs to someone else. */
  readonly filter: string;
}

/**
 * Routes a project's logs into its own BigQuery dataset: a partitioned
 * dataset with a retention, a project sink with a unique writer identity, and
 * that identity granted to write into the dataset (and nowhere else).
 * {@link BigQueryLogSink.addSourceProject} adds entries of other projects.
 */
export class BigQueryLogSink extends Construct {
  readonly dataset: BigqueryDataset;
  readonly sink: LoggingProjectSink;
  private readonly project: string;

  constructor(scope: Construct, id: string, props: BigQueryLogSinkProps) {
    super(scope, id);
    const datasetId = props.datasetId ?? 'logs';
    const retentionDays = props.retentionDays ?? 30;
    const problems: string[] = [];
    if (!/^[A-Za-z0-9_]{1,1024}$/.test(datasetId)) problems.push(`datasetId "${datasetId}" may hold only letters, digits and underscores (e.g. "logs")`);
    if (!Number.isInteger(retentionDays) || retentionDays < 1) problems.push(`retentionDays ${retentionDays} must be a whole number of days, at least 1 (e.g. 30)`);
    throwIfProblems('BigQueryLogSink', this.node.path, problems);

    this.project = props.project;
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
    this.sink = this.sinkInto(this, props.project, 'bigquery-logs', props.filter);
  }

  /**
   * Also routes the entries of `source.filter` in `source.project` into this
   * dataset: a sink there, whose writer is granted on this dataset. Cloud
   * Logging gives all sinks of one project the same writer (its logging service
   * agent), so every sink in `source.project` could write here: only the
   * Terraform applier may create sinks in the platform project. Grouped under
   * `Sources/<id>` (the id is part of the addresses).
   */
  addSourceProject(id: string, source: LogSourceProject): LoggingProjectSink {
    const problems: string[] = [];
    if (!/^[A-Za-z0-9_.-]{1,100}$/.test(source.sinkName)) problems.push(`sinkName "${source.sinkName}" may hold only letters, digits, "_", "-" and ".", at most 100 (e.g. "payment-prod-workloads")`);
    if (source.filter.trim() === '') problems.push(`filter is empty: it would copy every log entry of ${source.project} into this dataset; select the entries, e.g. resource.labels.namespace_name="payment-prod"`);
    throwIfProblems('BigQueryLogSink', `${this.node.path}/Sources/${id}`, problems);

    const sources = (this.node.tryFindChild('Sources') as Construct | undefined) ?? new Construct(this, 'Sources');
    return this.sinkInto(new Construct(sources, id), source.project, source.sinkName, source.filter);
  }

  /**
   * Lets `grantee` read the logs: BigQuery Data Viewer on this dataset only
   * (no other dataset of the project), keyed `Readers/<grantee key>`. Queries
   * also need {@link LOG_READER_PROJECT_ROLES} on a project they run in; grant
   * those with the grantee's other project roles (one grant per role).
   */
  grantRead(grantee: Grantee): void {
    const readers = (this.node.tryFindChild('Readers') as Construct | undefined) ?? new Construct(this, 'Readers');
    new BigqueryDatasetIamMember(readers, grantee.key, {
      project: this.project,
      datasetId: this.dataset.datasetId,
      role: ROLES.bigQueryDataViewer,
      member: grantee.member,
    });
  }

  /** A sink in `project` into this dataset, and its writer granted on the dataset (ids `Sink`, `SinkWriter` under `scope`). */
  private sinkInto(scope: Construct, project: string, name: string, filter: string | undefined): LoggingProjectSink {
    const sink = new LoggingProjectSink(scope, 'Sink', {
      project,
      name,
      destination: `bigquery.googleapis.com/projects/${this.project}/datasets/${this.dataset.datasetId}`,
      filter,
      uniqueWriterIdentity: true,
      bigqueryOptions: { usePartitionedTables: true },
    });
    new BigqueryDatasetIamMember(scope, 'SinkWriter', {
      project: this.project,
      datasetId: this.dataset.datasetId,
      role: ROLES.bigQueryDataEditor,
      member: sink.writerIdentity,
    });
    return sink;
  }
}
