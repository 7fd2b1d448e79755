// databases.spanner: a Spanner instance in the service project, its databases
// encrypted with the service's key (CMEK).
import { about, integer, list, mapping, show, text } from '../catalog/schema-kit';
import { processingUnitsProblem, SPANNER_CONFIG, SPANNER_DEFAULTS, spannerConfigRegion } from '../domain/spanner';
import { SpannerInstance } from '../../constructs/spanner-instance';
import { EncryptionKey } from '../../constructs/encryption-key';
import type { z } from 'zod';
import type { Capability } from './capability';
import { checkUnique } from './unique';
import { hclList, hclString } from '../terraform/hcl';

const SPANNER_DATABASE = /^[a-z][a-z0-9_-]{0,28}[a-z0-9]$/;

const schema = mapping({
  /** @default 100 */
  processingUnits: integer(100, 100000, 100).optional().meta(
    about('Compute capacity: a multiple of 100 below 1000, else a multiple of 1000 (1000 = one node).', SPANNER_DEFAULTS.processingUnits),
  ),
  /** @default regional-<platform region> */
  config: text(
    SPANNER_CONFIG,
    'a regional instance config',
    'regional-asia-northeast1',
    (config) =>
      `expected a regional instance config like regional-asia-northeast1, got ${show(config)}; multi-region configs are not supported yet because each replica region needs its own encryption key`,
  ).optional().meta(about('Regional instance config (regional-<region>). Default: regional-<platform.yaml region>.')),
  /** @default none */
  databases: list(text(SPANNER_DATABASE, 'a database name', 'features'), 'database names').optional().meta(about('Databases to create in the instance.', [])),
}).meta(about('A Spanner instance in the service project (deletion protection, CMEK). Default: none.'));

export interface SpannerSettings {
  readonly processingUnits: number;
  readonly config: string;
  readonly databases: readonly string[];
}

export const spanner: Capability<'spanner', z.output<typeof schema>, SpannerSettings> = {
  key: 'spanner',
  title: 'Spanner',
  path: ['databases', 'spanner'],
  schema,
  resolve(input, context) {
    const processingUnits = input.processingUnits ?? SPANNER_DEFAULTS.processingUnits;
    const problem = processingUnitsProblem(processingUnits);
    if (problem) context.report(['processingUnits'], problem);
    checkUnique(input.databases ?? [], ['databases'], context);
    return {
      processingUnits,
      config: input.config ?? `regional-${context.platform.region}`,
      databases: [...(input.databases ?? [])].sort(),
    };
  },
  apis: () => ['spanner.googleapis.com'],
  resources: {
    google_spanner_instance: { planner: 'roles/spanner.viewer', applier: 'roles/spanner.admin', protect: 'Spanner instance' },
    google_spanner_database: { planner: 'roles/spanner.viewer', applier: 'roles/spanner.admin', protect: 'Spanner database' },
    google_spanner_database_iam_member: { planner: 'roles/spanner.viewer', applier: 'roles/spanner.admin' },
  },
  build(context, settings) {
    // The key must live where the data does: the config's region.
    const location = spannerConfigRegion(settings.config);
    const encryptionKey =
      location === context.platform.region
        ? context.encryptionKey
        : new EncryptionKey(context.scope, 'SpannerEncryptionKey', { project: context.project.projectId, location, keyRingName: 'service-data', labels: context.labels, dependsOn: [...context.ready] });
    const instance = new SpannerInstance(context.scope, 'Spanner', {
      project: context.project,
      ...settings,
      labels: context.labels,
      encryptionKey,
      betaProvider: context.betaProvider,
    });
    instance.grantDatabaseUser(context.application.grantee);
    return instance;
  },
  planAssertions(settings, { list: all }) {
    const databases = all('google_spanner_database');
    return [
      {
        condition: `anytrue([for i in ${all('google_spanner_instance')} : i.config == ${hclString(settings.config)} && i.processing_units == ${settings.processingUnits} && !i.force_destroy])`,
        message: `Spanner on ${settings.config} with ${settings.processingUnits} processing units, no force-destroy`,
      },
      {
        condition: `sort([for d in ${databases} : d.name]) == tolist(${hclList([...settings.databases].sort())}) && alltrue([for d in ${databases} : d.deletion_protection && d.enable_drop_protection && d.database_dialect == "GOOGLE_STANDARD_SQL" && d.version_retention_period != ""])`,
        message: `Spanner databases ${settings.databases.join(', ')} (GoogleSQL, with a version retention period), each protected from deletion and drop`,
      },
      {
        // The emulator does not return encryption_config: CMEK is proven here.
        condition: `alltrue([for d in ${databases} : contains([for k in ${all('google_kms_crypto_key')} : k.id], d.encryption_config[0].kms_key_name)])`,
        message: 'every Spanner database is encrypted with a key of the service (CMEK)',
      },
    ];
  },
  describe: (settings) => [`Spanner instance: ${settings.processingUnits} processing units, ${settings.config}`],
  newService: {
    flag: '--spanner',
    label: 'Spanner: managed, horizontally scaling relational database',
    help: 'add a Spanner instance',
    render: (_choice, platform) => [
      '  # Spanner in the service project; 1000 processing units = 1 node.',
      '  spanner:',
      `    processingUnits: ${SPANNER_DEFAULTS.processingUnits}`,
      `    config: regional-${platform.region}`,
      '    # Databases to create, e.g. [features].',
      '    databases: []',
    ],
  },
};
