// databases.cloudsql: a Cloud SQL instance in the service project, private IP
// on the Shared VPC, IAM database login for the application.
import { about, list, mapping, oneOf, flag, integer, text } from '../catalog/schema-kit';
import {
  CLOUD_SQL_DEFAULTS,
  CLOUD_SQL_ENGINES,
  cloudSqlProblems,
  MYSQL_VERSIONS,
  POSTGRES_VERSIONS,
  SQL_TIER,
  SQL_TIER_FORMS,
  sqlTierMismatch,
  type CloudSqlEngine,
} from '../domain/cloud-sql';
import { CloudSqlInstance } from '../../constructs/cloud-sql-instance';
import type { z } from 'zod';
import type { Capability } from './capability';
import { checkUnique } from './unique';
import { networkSelfLink } from '../catalog/names';
import { hclList, hclString } from '../terraform/hcl';

const SQL_DATABASE = /^[a-z][a-z0-9_]{0,62}$/;

const schema = mapping({
  /** Required once a service has Cloud SQL in any environment. */
  engine: oneOf(CLOUD_SQL_ENGINES).optional().meta(about('Required with cloudsql: postgres or mysql.')),
  /** @default POSTGRES_16 (postgres) / MYSQL_8_0 (mysql) */
  version: oneOf([...POSTGRES_VERSIONS, ...MYSQL_VERSIONS]).optional().meta(
    about(`Database version; must match the engine. Default: ${CLOUD_SQL_DEFAULTS.version.postgres} (postgres) / ${CLOUD_SQL_DEFAULTS.version.mysql} (mysql).`),
  ),
  /** @default db-custom-1-3840 */
  tier: text(SQL_TIER, 'a string', 'db-custom-2-7680', sqlTierMismatch).optional().meta(
    about(`Machine tier (Enterprise edition): ${SQL_TIER_FORMS}. Shared-core tiers cannot be highly available.`, CLOUD_SQL_DEFAULTS.tier),
  ),
  /** @default 20 */
  diskSizeGb: integer(10, 65536, 20).optional().meta(about('SSD size in GB (grows automatically).', CLOUD_SQL_DEFAULTS.diskSizeGb)),
  /** @default true in production environments, false elsewhere */
  highAvailability: flag().optional().meta(about('A standby in a second zone. Default: true in production environments, false elsewhere.')),
  /** @default none */
  databases: list(text(SQL_DATABASE, 'a database name', 'orders'), 'database names').optional().meta(about('Databases to create in the instance.', [])),
}).meta(about('A Cloud SQL instance in the service project (private IP only, backups, deletion protection). Default: none.'));

export interface CloudSqlSettings {
  readonly engine: CloudSqlEngine;
  readonly version: string;
  readonly tier: string;
  readonly diskSizeGb: number;
  readonly highAvailability: boolean;
  readonly databases: readonly string[];
}

export const cloudSql: Capability<'cloudsql', z.output<typeof schema>, CloudSqlSettings> = {
  key: 'cloudsql',
  title: 'Cloud SQL',
  path: ['databases', 'cloudsql'],
  schema,
  resolve(sql, context) {
    if (!sql.engine) {
      context.report(['engine'], 'required when Cloud SQL is used: set engine: postgres or engine: mysql');
      return undefined;
    }
    const version = sql.version ?? CLOUD_SQL_DEFAULTS.version[sql.engine];
    const tier = sql.tier ?? CLOUD_SQL_DEFAULTS.tier;
    const highAvailability = sql.highAvailability ?? context.production;
    const highAvailabilityReason = sql.highAvailability ? 'highAvailability: true' : `environment ${context.environment} is production, so highAvailability defaults to true`;
    for (const problem of cloudSqlProblems({ engine: sql.engine, version, tier, highAvailability, highAvailabilityReason })) {
      context.report([problem.field], problem.message);
    }
    checkUnique(sql.databases ?? [], ['databases'], context);
    return {
      engine: sql.engine,
      version,
      tier,
      diskSizeGb: sql.diskSizeGb ?? CLOUD_SQL_DEFAULTS.diskSizeGb,
      highAvailability,
      databases: [...(sql.databases ?? [])].sort(),
    };
  },
  apis: () => ['sqladmin.googleapis.com', 'servicenetworking.googleapis.com'],
  resources: {
    google_sql_database_instance: { planner: 'roles/cloudsql.viewer', applier: 'roles/cloudsql.admin', protect: 'Cloud SQL instance' },
    google_sql_database: { planner: 'roles/cloudsql.viewer', applier: 'roles/cloudsql.admin', protect: 'Cloud SQL database' },
    // IAM login users (the application account, the team's group): no passwords.
    google_sql_user: { planner: 'roles/cloudsql.viewer', applier: 'roles/cloudsql.admin' },
  },
  build(context, settings) {
    const instance = new CloudSqlInstance(context.scope, 'CloudSql', {
      project: context.project,
      region: context.platform.region,
      ...settings,
      network: context.network,
      labels: context.labels,
    });
    instance.grantClient(context.application.grantee);
    instance.addIamServiceAccountUser({ key: context.application.grantee.key, email: context.application.address }, { dependsOn: [context.application.serviceAccount] });
    // Its members log in as themselves; CLOUD_SQL_LOGIN_ROLES are granted with the team's roles (service stack).
    if (context.service.teamDatabaseLogin) instance.addIamGroupUser(context.service.ownerGroup);
    return instance;
  },
  planAssertions(sql, { platform, list: all }) {
    const instances = all('google_sql_database_instance');
    return [
      {
        condition: `length(${instances}) == 1 && alltrue([for i in ${instances} : i.database_version == ${hclString(sql.version)} && i.settings[0].tier == ${hclString(sql.tier)} && i.settings[0].availability_type == ${hclString(sql.highAvailability ? 'REGIONAL' : 'ZONAL')} && i.settings[0].disk_size == ${sql.diskSizeGb}])`,
        message: `Cloud SQL ${sql.version} on ${sql.tier}, ${sql.highAvailability ? 'highly available' : 'zonal'}, ${sql.diskSizeGb} GB`,
      },
      {
        condition: `alltrue([for i in ${instances} : !i.settings[0].ip_configuration[0].ipv4_enabled && i.settings[0].ip_configuration[0].private_network == ${hclString(networkSelfLink(platform))}])`,
        message: `Cloud SQL has no public IPv4 address, only a private IP on ${networkSelfLink(platform)}`,
      },
      {
        condition: `alltrue([for i in ${instances} : i.deletion_protection && i.settings[0].deletion_protection_enabled])`,
        message: 'Cloud SQL is protected from deletion by Terraform and by the API',
      },
      {
        condition: `sort([for d in ${all('google_sql_database')} : d.name]) == tolist(${hclList([...sql.databases].sort())})`,
        message: `Cloud SQL databases: ${sql.databases.join(', ')}`,
      },
    ];
  },
  describe: (sql) => [`Cloud SQL instance: ${sql.engine} ${sql.version}, ${sql.tier}, ${sql.diskSizeGb} GB, ${sql.highAvailability ? 'highly available' : 'single zone'}, private IP only`],
  newService: {
    flag: '--cloudsql',
    label: 'Cloud SQL: managed PostgreSQL or MySQL, private IP only',
    value: { name: 'ENGINE', choices: CLOUD_SQL_ENGINES },
    help: 'add a Cloud SQL instance: postgres or mysql',
    render: (choice) => {
      const engine = choice as CloudSqlEngine;
      return [
        '  # Cloud SQL in the service project, private IP only; highly available in',
        '  # production environments unless highAvailability: false.',
        '  cloudsql:',
        `    engine: ${engine}`,
        '    # Pinned: upgrading a database version is a deliberate change.',
        `    version: ${CLOUD_SQL_DEFAULTS.version[engine]}`,
        '    # db-custom-<vCPUs>-<memory MB>, e.g. db-custom-2-7680.',
        `    tier: ${CLOUD_SQL_DEFAULTS.tier}`,
        `    diskSizeGb: ${CLOUD_SQL_DEFAULTS.diskSizeGb}`,
        '    # Databases to create, e.g. [orders].',
        '    databases: []',
      ];
    },
  },
};
