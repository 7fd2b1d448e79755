// The Spanner part of a service, built with the real SpannerInstance
// construct, applied to the Cloud Spanner emulator.
//
// What the emulator does not do, and where it is proven instead (mocked plan,
// npm run test:terraform):
//  - customer-managed encryption: it accepts encryption_config on create but
//    does not return it, so a re-plan would replace every database;
//  - drop protection (enable_drop_protection): it answers UNIMPLEMENTED (501);
//  - a database's dialect and version retention period: it applies them but
//    does not return them (GetDatabase has only name and state), so a re-plan
//    would replace every database.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { App, LocalBackend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { SpannerDatabase } from '@cdktf/provider-google/lib/spanner-database';
import type { Catalog } from '../../catalog/load';
import type { ServiceEnvironment } from '../../catalog/resolve';
import { standardLabels } from '../../labels';
import { SpannerInstance } from '../../../constructs/spanner-instance';
import { firstError, terraform, type TerraformSetup } from '../cli';
import { freePort, httpOk, type Servers } from './servers';
import { apply, destroyIsRefused, planIsClean, type Steps } from './steps';

/** gcloud's Cloud Spanner emulator (`gcloud components install cloud-spanner-emulator`; in the machine image here). */
export const SPANNER_EMULATOR = process.env.SPANNER_EMULATOR ?? '/usr/lib/google-cloud-sdk/bin/cloud_spanner_emulator/gateway_main';

export interface SpannerEmulatorStackProps {
  /** The emulator's REST endpoint, e.g. http://127.0.0.1:9020/v1/. */
  readonly endpoint: string;
  readonly service: ServiceEnvironment & { spanner: NonNullable<ServiceEnvironment['spanner']> };
}

/** One service's Spanner instance and databases, with the google provider pointed at the emulator. */
export class SpannerEmulatorStack extends TerraformStack {
  readonly spanner: SpannerInstance;

  constructor(scope: Construct, id: string, props: SpannerEmulatorStackProps) {
    super(scope, id);
    const { service, endpoint } = props;
    // State beside the configuration (cdktf's default is the current folder,
    // where a state from an earlier run would survive).
    new LocalBackend(this, { path: 'terraform.tfstate' });
    // Any token: the emulator does not authenticate.
    new GoogleProvider(this, 'google', { project: service.projectId, accessToken: 'emulator', spannerCustomEndpoint: endpoint });
    this.spanner = new SpannerInstance(this, 'Spanner', {
      project: service.projectId,
      ...service.spanner,
      labels: standardLabels({ service: service.service, team: service.team, environment: service.environment }),
      // No kmsKeyName: see the note at the top of this file.
    });
    for (const database of this.spanner.node.findAll().filter((node): node is SpannerDatabase => node instanceof SpannerDatabase)) {
      database.enableDropProtection = false;
      database.resetDatabaseDialect();
      database.resetVersionRetentionPeriod();
    }
  }
}

/** The production environment of the first service with Spanner, else any environment with it. */
export function spannerService(catalog: Catalog): SpannerEmulatorStackProps['service'] | undefined {
  const environments = catalog.services.flatMap((s) => s.environments).filter((e) => e.spanner);
  const chosen = environments.find((e) => e.production) ?? environments[0];
  return chosen as SpannerEmulatorStackProps['service'] | undefined;
}

export async function runSpannerOnEmulator(setup: TerraformSetup, catalog: Catalog, servers: Servers, steps: Steps): Promise<void> {
  const service = spannerService(catalog);
  if (!service) {
    steps.note('spanner: no service in the catalog uses Spanner: nothing to apply');
    return;
  }
  if (!existsSync(SPANNER_EMULATOR)) throw new Error(`The Cloud Spanner emulator is not at ${SPANNER_EMULATOR}: install it (gcloud components install cloud-spanner-emulator) or set SPANNER_EMULATOR`);
  const dir = join(setup.workDir, 'emulator', 'spanner');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const [grpcPort, httpPort] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${httpPort}/v1/`;

  const started = await steps.run(`spanner: emulator on 127.0.0.1:${httpPort}`, async () => {
    const server = servers.start('spanner emulator', SPANNER_EMULATOR, ['--hostname', '127.0.0.1', '--grpc_port', String(grpcPort), '--http_port', String(httpPort)], join(dir, 'emulator.log'));
    await servers.waitUntilReady(server, () => httpOk(`${endpoint}projects/${service.projectId}/instanceConfigs`), 60);
    return `pid ${server.pid}`;
  });
  if (!started) return;

  const stackDir = join(dir, 'stack');
  const app = new App({ outdir: stackDir, stackTraces: false });
  new SpannerEmulatorStack(app, 'spanner', { endpoint, service });
  app.synth();
  const tfDir = join(stackDir, 'stacks', 'spanner');
  const name = `${service.stackName} Spanner (${service.spanner.databases.length} databases, real SpannerInstance construct)`;

  if (
    !(await steps.run(`spanner: apply ${name}`, async () => {
      // Local state (cdktf's default backend): the emulator is gone after the run anyway.
      const init = await terraform(setup, tfDir, ['init', '-input=false', '-no-color']);
      if (init.code !== 0) throw new Error(firstError(init));
      return `${await apply(setup, tfDir, steps)} resources added`;
    }))
  ) {
    return;
  }
  await steps.run('spanner: second plan shows no changes', async () => {
    await planIsClean(setup, tfDir, steps);
    return '';
  });
  await steps.run('spanner: destroy refused by deletion protection', async () => destroyIsRefused(setup, tfDir, /deletion_protection/, steps));
  steps.note('spanner: CMEK (encryption_config), drop protection, dialect and version retention are left out here (the emulator lacks or does not return them); npm run test:terraform asserts them by mocked plan');
}
