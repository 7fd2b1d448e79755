#!/usr/bin/env node
// Writes test/ci/fixtures/plan-text/: real `terraform show` output (text and
// JSON) of two small plans, made offline (no credentials, no network):
//   create.*  a stack planned against empty state (every resource created)
//   change.*  the same stack planned against a state of its previous version
//             (-refresh=false: Terraform compares with the state as written),
//             so it updates, replaces, deletes and creates.
//   labels.*  the previous version with one more label (a shared-construct
//             change): updates in place only.
// and the configurations (base.cdk.tf.json, head.cdk.tf.json, labels.cdk.tf.json).
// The state is built from the previous version's own plan (computed values
// filled by type). Needs terraform and the provider mirror of HELPERS.md:
//   TF_CLI_CONFIG_FILE=<mirror config> node scripts/ci/make-plan-fixtures.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OUT = join(import.meta.dirname, '..', '..', 'test', 'ci', 'fixtures', 'plan-text');
const STACK = 'service-checkout-production';
const PROVIDER = { google: { source: 'registry.terraform.io/hashicorp/google', version: '6.50.0' } };

/** A resource block as cdktf writes it: the construct path in `//`. */
const resource = (path, body) => ({ '//': { metadata: { path: `${STACK}/${path}`, uniqueId: path.replace(/\//g, '_') } }, ...body });

function config(version) {
  const labels = version === 'base' ? { team: 'checkout' } : { team: 'checkout', 'cost-center': 'shop' };
  const resources = {
    google_storage_bucket: {
      LogSink_Bucket_A1B2C3D4: resource('LogSink/Bucket', { name: 'acme-checkout-prod-logs', location: 'ASIA-NORTHEAST1', project: 'acme-checkout-prod', labels, uniform_bucket_level_access: true }),
      ...(version !== 'head' ? { Exports_Bucket_0F0F0F0F: resource('Exports/Bucket', { name: 'acme-checkout-prod-exports', location: 'ASIA-NORTHEAST1', project: 'acme-checkout-prod' }) } : {}),
    },
    google_sql_database_instance: {
      CloudSql_Instance_4E1E454C: resource('CloudSql/Instance', {
        name: 'checkout-production',
        project: 'acme-checkout-prod',
        database_version: 'POSTGRES_16',
        // A region change forces a new instance: the destroy guard's case.
        region: version === 'head' ? 'asia-northeast2' : 'asia-northeast1',
        deletion_protection: false,
        settings: [{ tier: 'db-custom-2-7680', ip_configuration: [{ ipv4_enabled: false, private_network: 'projects/acme-network/global/networks/shared' }] }],
      }),
    },
    google_service_account: {
      // Free text from the pull request ends up in the plan: the comment must show it as text.
      Application_ServiceAccount_D6A3A8AF: resource('ApplicationIdentity/ServiceAccount', {
        account_id: 'checkout',
        project: 'acme-checkout-prod',
        description: version !== 'head' ? 'Checkout application' : 'Checkout ``` </details> <img src=x onerror=alert(1)> @acme/platform',
      }),
    },
    ...(version === 'head'
      ? { google_pubsub_topic: { Events_Topic_9C8D7E6F: resource('Events/Topic', { name: 'checkout-events', project: 'acme-checkout-prod', labels }) } }
      : {}),
  };
  return {
    '//': { metadata: { backend: 'local', stackName: STACK, version: '0.21.0' } },
    terraform: { required_providers: PROVIDER },
    provider: { google: [{ region: 'asia-northeast1' }] },
    resource: resources,
  };
}

const env = { ...process.env, GOOGLE_OAUTH_ACCESS_TOKEN: 'offline-fixture', TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
const tf = (dir, ...args) => execFileSync('terraform', args, { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 << 20 });

/** A value of the attribute's type for a computed attribute the plan did not know. */
function filler(type, name) {
  if (type === 'string') return `fixture-${name}`;
  if (type === 'number') return 1;
  if (type === 'bool') return false;
  if (Array.isArray(type) && (type[0] === 'list' || type[0] === 'set')) return [];
  if (Array.isArray(type) && type[0] === 'map') return {};
  return null;
}

function stateFrom(planJson, schemaJson) {
  const schemas = schemaJson.provider_schemas;
  const unknown = new Map(planJson.resource_changes.map((r) => [r.address, r.change.after_unknown ?? {}]));
  const resources = planJson.planned_values.root_module.resources.map((r) => {
    const schema = schemas[r.provider_name].resource_schemas[r.type];
    const attributes = { ...r.values };
    for (const [key, isUnknown] of Object.entries(unknown.get(r.address))) {
      const attribute = schema.block.attributes?.[key];
      if (isUnknown === true && attribute) attributes[key] = filler(attribute.type, key);
    }
    return { mode: 'managed', type: r.type, name: r.name, provider: `provider["${r.provider_name}"]`, instances: [{ schema_version: schema.version ?? 0, attributes, sensitive_attributes: [] }] };
  });
  return { version: 4, terraform_version: planJson.terraform_version, serial: 1, lineage: 'fixture', outputs: {}, resources };
}

const dir = mkdtempSync(join(tmpdir(), 'plan-fixtures-'));
mkdirSync(OUT, { recursive: true });
writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(config('base'), null, 2));
tf(dir, 'init', '-input=false', '-no-color');
tf(dir, 'plan', '-input=false', '-no-color', '-refresh=false', '-out=base.tfplan');
const basePlan = JSON.parse(tf(dir, 'show', '-json', 'base.tfplan'));
const schema = JSON.parse(tf(dir, 'providers', 'schema', '-json'));

const state = JSON.stringify(stateFrom(basePlan, schema));
writeFileSync(join(OUT, 'base.cdk.tf.json'), `${JSON.stringify(config('base'), null, 2)}\n`);
for (const [name, version, withState] of [['create', 'head', false], ['change', 'head', true], ['labels', 'labels', true]]) {
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(config(version), null, 2));
  writeFileSync(join(OUT, `${version}.cdk.tf.json`), `${JSON.stringify(config(version), null, 2)}\n`);
  rmSync(join(dir, 'terraform.tfstate'), { force: true });
  if (withState) writeFileSync(join(dir, 'terraform.tfstate'), state);
  tf(dir, 'plan', '-input=false', '-no-color', '-refresh=false', `-out=${name}.tfplan`);
  writeFileSync(join(OUT, `${name}.txt`), tf(dir, 'show', '-no-color', `${name}.tfplan`));
  writeFileSync(join(OUT, `${name}.json`), `${JSON.stringify(JSON.parse(tf(dir, 'show', '-json', `${name}.tfplan`)), null, 1)}\n`);
  console.log(`wrote ${join(OUT, name)}.txt and .json`);
}
rmSync(dir, { recursive: true, force: true });
