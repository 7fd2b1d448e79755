import { Construct } from 'constructs';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { SqlDatabase } from '@cdktf/provider-google/lib/sql-database';
import { SqlUser } from '@cdktf/provider-google/lib/sql-user';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import type { ITerraformDependable } from 'cdktf';
import type { Labels } from '../lib/labels';
import { ROLES, type Grantee } from '../lib/iam-roles';
import { throwIfProblems } from '../lib/props';
import { cloudSqlProblems, type CloudSqlEngine } from '../lib/domain/cloud-sql';
import type { ServiceProject } from './service-project';

export interface CloudSqlInstanceProps {
  /** Created after its APIs and, when attached, its Shared VPC attachment (the private IP is on the host network). */
  readonly project: ServiceProject;
  readonly region: string;
  readonly engine: CloudSqlEngine;
  /** e.g. POSTGRES_16, MYSQL_8_0; must match the engine. */
  readonly version: string;
  /** An Enterprise edition tier, e.g. db-custom-2-7680 (not db-perf-optimized-N-*, which needs Enterprise Plus). */
  readonly tier: string;
  /** @default 20 */
  readonly diskSizeGb?: number;
  /** Regional (two zones, automatic failover). @default false */
  readonly highAvailability?: boolean;
  /** The VPC that reaches the instance by private IP (its `id`). */
  readonly network: { readonly id: string };
  /** @default no databases */
  readonly databases?: readonly string[];
  readonly labels: Labels;
  /** @default deletion protection on (Terraform and the Cloud SQL API) */
  readonly deletionProtection?: boolean;
  /** Days of automated backups kept. @default 14 */
  readonly backupRetentionDays?: number;
}

/**
 * IAM database authentication, plus PostgreSQL's audit and connection logging
 * (CIS benchmark 6.2). pgAudit records schema changes and role/grant changes
 * (`pgaudit.log`); the extension only loads where it is created, so each
 * database still needs `CREATE EXTENSION pgaudit;` run once in it; this
 * stack cannot do that (https://cloud.google.com/sql/docs/postgres/pg-audit).
 */
export const POSTGRES_FLAGS = [
  { name: 'cloudsql.iam_authentication', value: 'on' },
  { name: 'cloudsql.enable_pgaudit', value: 'on' },
  { name: 'pgaudit.log', value: 'ddl,role' },
  { name: 'log_checkpoints', value: 'on' },
  { name: 'log_connections', value: 'on' },
  { name: 'log_disconnections', value: 'on' },
  { name: 'log_duration', value: 'on' },
  { name: 'log_hostname', value: 'on' },
  { name: 'log_min_error_statement', value: 'error' },
  { name: 'log_statement', value: 'ddl' },
] as const;

/** What a principal needs on the project to connect (connector, Auth Proxy) and log in with IAM. */
export const CLOUD_SQL_LOGIN_ROLES = [ROLES.cloudSqlClient, ROLES.cloudSqlInstanceUser] as const;

/** The port the Cloud SQL connectors and Auth Proxy connect to on the instance (server-side proxy). */
export const CLOUD_SQL_CONNECTOR_PORT = 3307;

export const MYSQL_FLAGS = [{ name: 'cloudsql_iam_authentication', value: 'on' }] as const;

/**
 * A Cloud SQL instance (Enterprise edition) reachable only by private IP (no
 * public IPv4), with TLS and client certificates required, audit logging
 * (PostgreSQL: pgAudit logs DDL and role changes once `CREATE EXTENSION
 * pgaudit;` has run in a database), daily backups and point-in-time recovery,
 * IAM database authentication and deletion protection on.
 */
export class CloudSqlInstance extends Construct {
  readonly instance: SqlDatabaseInstance;
  readonly engine: 'postgres' | 'mysql';
  private readonly project: string;
  private readonly grants = new Construct(this, 'Iam');

  constructor(scope: Construct, id: string, props: CloudSqlInstanceProps) {
    super(scope, id);
    const highAvailability = props.highAvailability ?? false;
    const problems = cloudSqlProblems({ ...props, highAvailability }).map((p) => `${p.field}: ${p.message}`);
    if (!props.network.id) problems.push('network is required: instances have no public IP');
    throwIfProblems('CloudSqlInstance', this.node.path, problems);

    const project = props.project;
    this.project = project.projectId;
    this.engine = props.engine;
    const postgres = props.engine === 'postgres';
    const protect = props.deletionProtection ?? true;
    this.instance = new SqlDatabaseInstance(this, 'Instance', {
      project: project.projectId,
      name: `${props.engine}-primary`,
      region: props.region,
      databaseVersion: props.version,
      deletionProtection: protect,
      dependsOn: [...project.apis.services, ...(project.sharedVpcAttachment ? [project.sharedVpcAttachment] : [])],
      settings: {
        tier: props.tier,
        // cloudSqlProblems admits only tiers of this edition (no db-perf-optimized-N-*).
        edition: 'ENTERPRISE',
        availabilityType: highAvailability ? 'REGIONAL' : 'ZONAL',
        diskSize: props.diskSizeGb ?? 20,
        diskType: 'PD_SSD',
        diskAutoresize: true,
        deletionProtectionEnabled: protect,
        userLabels: { ...props.labels },
        ipConfiguration: {
          ipv4Enabled: false,
          privateNetwork: props.network.id,
          // Only TLS with a client certificate: the Cloud SQL connectors and
          // Auth Proxy present short-lived ones, so apps need no key material.
          sslMode: 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED',
        },
        backupConfiguration: {
          enabled: true,
          startTime: '18:00',
          // PostgreSQL keeps WAL for recovery; MySQL needs binary logs.
          pointInTimeRecoveryEnabled: postgres ? true : undefined,
          binaryLogEnabled: postgres ? undefined : true,
          transactionLogRetentionDays: 7,
          backupRetentionSettings: { retainedBackups: props.backupRetentionDays ?? 14, retentionUnit: 'COUNT' },
        },
        maintenanceWindow: { day: 7, hour: 18, updateTrack: 'stable' },
        insightsConfig: { queryInsightsEnabled: true },
        databaseFlags: postgres ? [...POSTGRES_FLAGS] : [...MYSQL_FLAGS],
      },
    });
    const databases = new Construct(this, 'Databases');
    for (const name of [...(props.databases ?? [])].sort()) {
      new SqlDatabase(databases, name, { project: project.projectId, instance: this.instance.name, name });
    }
  }

  /**
   * A database user for a Google service account that logs in with IAM
   * database authentication (no password anywhere). Named as Cloud SQL
   * requires: PostgreSQL takes the email without `.gserviceaccount.com`;
   * MySQL takes the full email and stores the part before `@` (the provider
   * ignores that difference). The account also needs {@link grantClient}.
   * Returns the user; the login name is {@link iamLoginName}.
   */
  addIamServiceAccountUser(account: { readonly key: string; readonly email: string }, options: { dependsOn?: ITerraformDependable[] } = {}): SqlUser {
    if (!/^[^@\s]+@[^@\s]+\.gserviceaccount\.com$/.test(account.email)) {
      throw new Error(`${this.node.path}: "${account.email}" is not a service account email (<name>@<project>.iam.gserviceaccount.com); pass the account's literal address (WorkloadIdentity.address)`);
    }
    const name = this.engine === 'postgres' ? account.email.replace(/\.gserviceaccount\.com$/, '') : account.email;
    // Keyed like grants (`serviceAccount:<account id>`): the id never depends on the project.
    return new SqlUser(this.users(), account.key, {
      project: this.project,
      instance: this.instance.name,
      name,
      type: 'CLOUD_IAM_SERVICE_ACCOUNT',
      dependsOn: options.dependsOn,
    });
  }

  /**
   * A database user for a Google group: every member logs in as themselves
   * with IAM (members also need {@link grantClient} for the group). Database
   * privileges granted to the group's user apply to every member.
   */
  addIamGroupUser(groupEmail: string): SqlUser {
    return new SqlUser(this.users(), `group:${groupEmail}`, { project: this.project, instance: this.instance.name, name: groupEmail, type: 'CLOUD_IAM_GROUP' });
  }

  /** The user name `serviceAccountEmail` connects as (e.g. in the connector's or Auth Proxy's connection settings). */
  iamLoginName(serviceAccountEmail: string): string {
    return this.engine === 'postgres' ? serviceAccountEmail.replace(/\.gserviceaccount\.com$/, '') : serviceAccountEmail.split('@')[0];
  }

  private users(): Construct {
    return (this.node.tryFindChild('Users') as Construct | undefined) ?? new Construct(this, 'Users');
  }

  /** Lets `grantee` connect (Cloud SQL connector) and log in with IAM database authentication ({@link CLOUD_SQL_LOGIN_ROLES} on the project). */
  grantClient(grantee: Grantee): void {
    for (const role of CLOUD_SQL_LOGIN_ROLES) {
      new ProjectIamMember(this.grants, `${grantee.key}=${role}`, { project: this.project, role, member: grantee.member });
    }
  }
}
