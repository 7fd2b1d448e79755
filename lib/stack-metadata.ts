// Facts CI needs about each stack, written by synth next to its cdk.tf.json
// (cdktf.out/stacks/<stack>/delivery.json) so that workflows never guess them
// from a stack's name: which GitHub environment gates its apply (and so
// whose approval it needs), whether it is production, and when it is applied.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from './catalog/load';
import { BOOTSTRAP_STACK, PLATFORM_STACK, clusterStackName } from './catalog/names';
import { NAME_PATTERN } from './catalog/schema';
import { platformClusters } from './catalog/clusters';

/** Apply order: platform, then the in-cluster platform objects (cluster-*), then services. */
export const STACK_KINDS = ['platform', 'cluster', 'service', 'bootstrap'] as const;
export type StackKind = (typeof STACK_KINDS)[number];

export interface StackMetadata {
  readonly stack: string;
  readonly kind: StackKind;
  /** The catalog environment, which is also the GitHub environment its apply job runs in. */
  readonly environment: string;
  /** Production: the environment's required reviewers approve each apply. */
  readonly production: boolean;
}

export const STACK_METADATA_FILE = 'delivery.json';

/**
 * The environment of the platform's own stacks (the shared production
 * cluster lives there): the first production environment of platform.yaml.
 */
export function platformEnvironment(catalog: Catalog): string {
  const environments = Object.entries(catalog.platform.environments);
  return (environments.find(([, e]) => e.production) ?? environments[0])[0];
}

/** Every stack of the catalog with its facts, by name. */
export function stackMetadata(catalog: Catalog): Map<string, StackMetadata> {
  const platformEnv = platformEnvironment(catalog);
  const entries: StackMetadata[] = [
    { stack: PLATFORM_STACK, kind: 'platform', environment: platformEnv, production: true },
    // The in-cluster platform objects of each shared production cluster (one stack per cluster).
    ...platformClusters(catalog.platform).map((c): StackMetadata => ({ stack: clusterStackName(c.name), kind: 'cluster', environment: platformEnv, production: true })),
    ...catalog.services.flatMap((s) => s.environments.map((e): StackMetadata => ({ stack: e.stackName, kind: 'service', environment: e.environment, production: e.production }))),
    { stack: BOOTSTRAP_STACK, kind: 'bootstrap', environment: platformEnv, production: true },
  ];
  return new Map(entries.map((m) => [m.stack, m]));
}

/**
 * The delivery.json content of a stack, written by synth next to its
 * cdk.tf.json; throws when the stack has no facts (a new stack kind must be
 * added above).
 */
export function stackMetadataSidecar(facts: ReadonlyMap<string, StackMetadata>, stack: string): Record<string, string> {
  const metadata = facts.get(stack);
  if (!metadata) throw new Error(`stack ${stack} has no delivery facts (kind, environment, production); add its kind to stackMetadata in lib/stack-metadata.ts`);
  return { [STACK_METADATA_FILE]: `${JSON.stringify(metadata, null, 2)}\n` };
}

/** Writes delivery.json next to each of `stacks` in a folder cdktf wrote itself (HCL output). */
export function writeStackMetadata(outdir: string, catalog: Catalog, stacks: readonly string[]): void {
  const facts = stackMetadata(catalog);
  for (const stack of stacks) {
    mkdirSync(join(outdir, 'stacks', stack), { recursive: true });
    for (const [file, content] of Object.entries(stackMetadataSidecar(facts, stack))) writeFileSync(join(outdir, 'stacks', stack, file), content);
  }
}

/** Parses a delivery.json; returns why it is not valid instead of throwing. */
export function parseStackMetadata(stack: string, text: string): StackMetadata | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `${stack}/${STACK_METADATA_FILE}: not valid JSON (${(error as Error).message}); re-run npm run synth`;
  }
  const m = value as Partial<StackMetadata> | null;
  if (
    !m ||
    m.stack !== stack ||
    !STACK_KINDS.includes(m.kind as StackKind) ||
    typeof m.environment !== 'string' ||
    !NAME_PATTERN.test(m.environment) ||
    typeof m.production !== 'boolean' ||
    Object.keys(m).length !== 4
  ) {
    return `${stack}/${STACK_METADATA_FILE}: expected {"stack":"${stack}","kind":<${STACK_KINDS.join('|')}>,"environment":<name>,"production":<true|false>}; re-run npm run synth`;
  }
  return { stack: m.stack, kind: m.kind as StackKind, environment: m.environment, production: m.production };
}

/** The facts of a stack in a cdktf output folder; a string saying what is wrong when missing or invalid. */
export function readStackMetadata(synthDir: string, stack: string): StackMetadata | string {
  let text: string;
  try {
    text = readFileSync(join(synthDir, 'stacks', stack, STACK_METADATA_FILE), 'utf8');
  } catch {
    return `${stack}/${STACK_METADATA_FILE}: missing; re-run npm run synth (it writes the stack's environment next to it)`;
  }
  return parseStackMetadata(stack, text);
}
