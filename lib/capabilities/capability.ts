// What the platform knows about one kind of service resource (Cloud SQL,
// Spanner, Redis, ...) is declared once, in a capability module. Everything
// that would otherwise keep a list of kinds (the service schema, the
// resolver, ServiceStack, the CI identities' roles, the destroy guard,
// new-service) iterates the registry (./registry.ts) instead.
import type { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import type { z } from 'zod';
import type { DataGoogleComputeNetwork } from '@cdktf/provider-google/lib/data-google-compute-network';
import type { GoogleBetaProvider } from '@cdktf/provider-google-beta/lib/provider';
import type { Platform } from '../catalog/schema';
import type { Labels } from '../labels';
import type { ServiceProject } from '../../constructs/service-project';
import type { WorkloadIdentity } from '../../constructs/workload-identity';
import type { EncryptionKey } from '../../constructs/encryption-key';

/**
 * Where the CI identities need a role for a resource type: `folder` (the
 * service projects folder), `platform` (the host project, also the
 * cluster's Kubernetes API), `organization`, `billing` (the billing account).
 */
export type RoleScope = 'folder' | 'platform' | 'organization' | 'billing';

/** What `terraform plan` (planner) and `apply` (applier) need for one Terraform type. */
export interface ResourceAccess {
  /** A read-only role that can refresh the resource. */
  readonly planner: string;
  /** A role that can create, change and delete it. */
  readonly applier: string;
  /** Where the applier's role is granted. @default where the resource is: the platform project, else the folder */
  readonly scope?: RoleScope;
  /** Where the planner's role is granted. @default `scope` */
  readonly plannerScope?: RoleScope;
  /**
   * A name for people when its loss loses data or takes a service down: the
   * destroy guard stops plans that delete or replace it.
   * @default not guarded
   */
  readonly protect?: string;
}

/** Resolving one capability for one service and environment. */
export interface ResolveContext {
  readonly platform: Platform;
  readonly service: string;
  readonly environment: string;
  readonly ownerGroup: string;
  /** From platform.yaml: production-grade defaults apply. */
  readonly production: boolean;
  /** Reports a problem at `field` (relative to the capability's path; none: the capability itself). */
  report(field: readonly string[], message: string, item?: { readonly value: string; readonly occurrence?: number }): void;
  /** Whether `field` (relative) was set by the environment's override, for messages. */
  overridden(field: readonly string[]): boolean;
}

/** What a capability gets to build into a service stack. */
export interface BuildContext {
  /** The service stack: constructs are created directly in it (their ids are Terraform addresses). */
  readonly scope: Construct;
  readonly platform: Platform;
  readonly service: ServiceName;
  readonly project: ServiceProject;
  readonly application: WorkloadIdentity;
  /** The service's key in the platform region. */
  readonly encryptionKey: EncryptionKey;
  /** The Shared VPC network, found by name. */
  readonly network: DataGoogleComputeNetwork;
  readonly labels: Labels;
  /** The stack's one google-beta provider (service agents need it). */
  readonly betaProvider: GoogleBetaProvider;
  /** Resources of the service project that must exist first (its APIs). */
  readonly ready: readonly ITerraformDependable[];
}

export interface ServiceName {
  readonly service: string;
  readonly environment: string;
  readonly team: string;
  readonly ownerGroup: string;
  readonly projectId: string;
  readonly namespace: string;
  /** The team's members log in to the service's databases with IAM (platform.yaml, per environment). */
  readonly teamDatabaseLogin: boolean;
}

/** How `npm run new-service` offers a capability. */
export interface NewServiceOption {
  /** `--redis`. Flags are a public interface: add, never rename. */
  readonly flag: string;
  /** Shown in the interactive list of capabilities. */
  readonly label: string;
  /** The value's name and allowed values; none: a switch. */
  readonly value?: { readonly name: string; readonly choices: readonly string[] };
  /** One line for --help. */
  readonly help: string;
  /** The lines of the capability's part of services/<name>.yaml, indented for its path. */
  render(choice: string | true, platform: Platform): string[];
}

/** A condition `terraform test` checks on a stack's mocked plan (npm run test:terraform). */
export interface PlanAssertion {
  /** An HCL expression over the planned values. */
  readonly condition: string;
  /** What is wrong when it is false. */
  readonly message: string;
}

/** What a capability's plan assertions may use. */
export interface PlanAssertionContext {
  readonly platform: Platform;
  /** An HCL tuple of every resource of `type` in the stack (their planned values). */
  list(type: string): string;
}

/** One capability: `Settings` is its resolved, per-environment configuration. */
export interface Capability<Key extends string = string, Input = unknown, Settings = unknown> {
  /** The ServiceEnvironment field that holds its settings. */
  readonly key: Key;
  /** For people: "Cloud SQL". */
  readonly title: string;
  /** Where it sits in a service file: ['databases', 'cloudsql'] or ['pubsub']. */
  readonly path: readonly [string] | readonly [string, string];
  /** Its part of the service schema; every field optional (environment overrides share it). */
  readonly schema: z.ZodType<Input>;
  /** Defaults and cross-field rules for one environment; undefined when it is not used there. */
  resolve(input: Input, context: ResolveContext): Settings | undefined;
  /** APIs it enables in the service project. */
  apis(settings: Settings): readonly string[];
  /** Every Terraform resource type it emits, with the roles CI needs for it. */
  readonly resources: Readonly<Record<string, ResourceAccess>>;
  /** Builds its constructs into the service stack. */
  build(context: BuildContext, settings: Settings): Construct;
  /**
   * What Terraform proves on the mocked plan of a stack that uses it, with
   * the real provider schema: the settings and secure defaults that matter
   * (a test requires at least one).
   */
  planAssertions(settings: Settings, context: PlanAssertionContext): PlanAssertion[];
  /** For `new-service --dry-run`: one line per main resource. */
  describe(settings: Settings): string[];
  readonly newService?: NewServiceOption;
  /** Rules across services (e.g. who may subscribe to whose topic), run once the whole catalog is resolved. @default none */
  checkCatalog?(services: readonly CatalogService[]): CatalogProblem[];
}

/** A resolved service, as cross-service rules see it. */
export interface CatalogService {
  readonly name: string;
  /** Relative to the catalog root, e.g. services/payment.yaml. */
  readonly file: string;
  readonly environments: readonly ({ readonly environment: string } & Readonly<Record<string, unknown>>)[];
}

export interface CatalogProblem {
  readonly file: string;
  /** The field path within the file, e.g. pubsub.subscriptions.orders.topic. */
  readonly path: string;
  readonly message: string;
}

/** The settings type of a capability. */
export type SettingsOf<C> = C extends Capability<string, unknown, infer S> ? S : never;
