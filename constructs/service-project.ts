import { Construct } from 'constructs';
import { Project } from '@cdktf/provider-google/lib/project';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ComputeSharedVpcServiceProject } from '@cdktf/provider-google/lib/compute-shared-vpc-service-project';
import { ProjectIamAuditConfig } from '@cdktf/provider-google/lib/project-iam-audit-config';
import { ProjectDefaultServiceAccounts } from '@cdktf/provider-google/lib/project-default-service-accounts';
import { EssentialContactsContact } from '@cdktf/provider-google/lib/essential-contacts-contact';
import { ResourceManagerLien } from '@cdktf/provider-google/lib/resource-manager-lien';
import { GoogleProjectServiceIdentity } from '@cdktf/provider-google-beta/lib/google-project-service-identity';
import type { GoogleBetaProvider } from '@cdktf/provider-google-beta/lib/provider';
import type { Labels } from '../lib/labels';
import { BASIC_ROLES, type Grantee } from '../lib/iam-roles';
import { PATTERNS, throwIfProblems } from '../lib/props';
import { ProjectApis } from './project-apis';

/** APIs every service project gets: the ones its baseline resources need. */
export const BASELINE_APIS = [
  'artifactregistry.googleapis.com',
  'bigquery.googleapis.com',
  'cloudkms.googleapis.com',
  'cloudresourcemanager.googleapis.com',
  'compute.googleapis.com',
  'essentialcontacts.googleapis.com',
  // Vulnerability scanning of the image repository.
  'containerscanning.googleapis.com',
  'iam.googleapis.com',
  'iamcredentials.googleapis.com',
  'logging.googleapis.com',
  'monitoring.googleapis.com',
  'serviceusage.googleapis.com',
] as const;

export interface ServiceProjectProps {
  /** Globally unique, 6 to 30 characters. */
  readonly projectId: string;
  /** Human-readable name. @default the project id */
  readonly displayName?: string;
  /** `folders/<number>`: where the project is created. */
  readonly folder: string;
  readonly billingAccount: string;
  readonly labels: Labels;
  /** Enabled besides {@link BASELINE_APIS}. @default none */
  readonly apis?: readonly string[];
  /** The Shared VPC host project this project attaches to. @default not attached */
  readonly sharedVpcHostProject?: string;
  /**
   * Data Access audit logs (ADMIN_READ, DATA_READ, DATA_WRITE) for all
   * services, nobody exempted (CIS 2.1): who read or changed which data.
   * @default true
   */
  readonly dataAccessLogs?: boolean;
  /**
   * Who Google writes to about the project (security, technical, suspension
   * notices): the owning team's group, not whoever created the project.
   * @default none
   */
  readonly essentialContacts?: readonly string[];
  /**
   * A lien refusing project deletion (resourcemanager.projects.delete) to
   * anyone, console and gcloud included: deletion_policy PREVENT guards only
   * Terraform. Removing the project then takes removing the lien first.
   * @default false
   */
  readonly lien?: boolean;
  /**
   * Removes Editor from the Compute Engine default service account (created
   * with the compute API, which every project enables): anything running as
   * it would otherwise be an editor of the project.
   * @default true
   */
  readonly deprivilegeDefaultServiceAccount?: boolean;
}

/** What the essential contacts hear about: everything but billing, legal and product news. */
export const ESSENTIAL_CONTACT_CATEGORIES = ['SECURITY', 'SUSPENSION', 'TECHNICAL'] as const;

/**
 * A service's own GCP project: in the services folder, with billing, no
 * default network, deletion policy PREVENT (and a lien where asked), Data
 * Access audit logs, the default compute service account without Editor,
 * essential contacts, its APIs enabled and attached to the Shared VPC. IAM is
 * additive (`*_iam_member`): grants made elsewhere stay.
 */
export class ServiceProject extends Construct {
  readonly project: Project;
  readonly projectId: string;
  /** Depend on these before creating resources that need the project's APIs. */
  readonly apis: ProjectApis;
  /** The Shared VPC attachment: depend on it before using the host network (e.g. Cloud SQL private IP). @default none (not attached) */
  readonly sharedVpcAttachment?: ComputeSharedVpcServiceProject;
  private readonly grants = new Construct(this, 'Iam');
  private readonly enabledApis: ReadonlySet<string>;
  private readonly serviceAgents = new Map<string, GoogleProjectServiceIdentity>();

  constructor(scope: Construct, id: string, props: ServiceProjectProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!PATTERNS.projectId.test(props.projectId)) {
      problems.push(`projectId "${props.projectId}" must be 6-30 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen (e.g. "acme-payment-prod")`);
    }
    if (!/^folders\/\d+$/.test(props.folder)) problems.push(`folder "${props.folder}" must look like folders/234567890123`);
    for (const email of props.essentialContacts ?? []) {
      if (!PATTERNS.email.test(email)) problems.push(`essentialContacts "${email}" must be an email address (e.g. "payments@example.com")`);
    }
    throwIfProblems('ServiceProject', this.node.path, problems);

    this.projectId = props.projectId;
    this.project = new Project(this, 'Project', {
      projectId: props.projectId,
      name: props.displayName ?? props.projectId,
      folderId: props.folder,
      billingAccount: props.billingAccount,
      labels: { ...props.labels },
      autoCreateNetwork: false,
      deletionPolicy: 'PREVENT',
    });
    this.enabledApis = new Set([...BASELINE_APIS, ...(props.apis ?? [])]);
    this.apis = new ProjectApis(this, 'Apis', { project: this.project.projectId, apis: [...this.enabledApis] });
    if (props.dataAccessLogs ?? true) {
      new ProjectIamAuditConfig(this, 'AuditConfig', {
        project: this.project.projectId,
        service: 'allServices',
        auditLogConfig: ['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'].map((logType) => ({ logType })),
      });
    }
    if (props.deprivilegeDefaultServiceAccount ?? true) {
      new ProjectDefaultServiceAccounts(this, 'DefaultServiceAccounts', {
        project: this.project.projectId,
        action: 'DEPRIVILEGE',
        // On destroy, give Editor back if the account still exists (the project's own state before).
        restorePolicy: 'REVERT_AND_IGNORE_FAILURE',
        dependsOn: this.apis.services,
      });
    }
    if ((props.essentialContacts ?? []).length > 0) {
      const contacts = new Construct(this, 'EssentialContacts');
      for (const email of [...new Set(props.essentialContacts)].sort()) {
        new EssentialContactsContact(contacts, email, {
          parent: `projects/${props.projectId}`,
          email,
          languageTag: 'en',
          notificationCategorySubscriptions: [...ESSENTIAL_CONTACT_CATEGORIES],
          dependsOn: this.apis.services,
        });
      }
    }
    if (props.lien) {
      new ResourceManagerLien(this, 'Lien', {
        parent: `projects/${this.project.number}`,
        restrictions: ['resourcemanager.projects.delete'],
        origin: 'platform-catalog',
        reason: 'Service project managed by the platform catalog: remove the service from the catalog (and this lien) to delete it',
      });
    }
    if (props.sharedVpcHostProject) {
      this.sharedVpcAttachment = new ComputeSharedVpcServiceProject(this, 'SharedVpcAttachment', {
        hostProject: props.sharedVpcHostProject,
        serviceProject: this.project.projectId,
        dependsOn: this.apis.services,
      });
    }
  }

  /**
   * The documented address of a product's service agent in this project
   * (`service-<number>@gcp-sa-<product>`), known at plan time: a grant to
   * the agent resource's `email` attribute would be replaced on every change
   * of the agent. Order the grant after `serviceAgent(api)`.
   */
  serviceAgentEmail(api: string): string {
    return `service-${this.project.number}@gcp-sa-${api.split('.')[0]}.iam.gserviceaccount.com`;
  }

  /**
   * The Google service agent of `api` in this project (e.g.
   * service-<number>@gcp-sa-spanner.iam.gserviceaccount.com), created now
   * instead of on the API's first use, so it can be granted things first (a
   * KMS key for CMEK): IAM refuses members that do not exist yet. Grants must
   * wait for it: depend on it, or use its `email`. The resource exists only in
   * the google-beta provider, hence `betaProvider`. Idempotent per api.
   */
  serviceAgent(api: string, betaProvider: GoogleBetaProvider): GoogleProjectServiceIdentity {
    if (!this.enabledApis.has(api)) {
      throw new Error(`${this.node.path}: cannot create the service agent of ${api}: the API is not enabled on this project; add it to the project's apis`);
    }
    const existing = this.serviceAgents.get(api);
    if (existing) return existing;
    const scope = (this.node.tryFindChild('ServiceAgents') as Construct | undefined) ?? new Construct(this, 'ServiceAgents');
    const agent = new GoogleProjectServiceIdentity(scope, api, {
      provider: betaProvider,
      project: this.project.projectId,
      service: api,
      dependsOn: this.apis.services,
    });
    this.serviceAgents.set(api, agent);
    return agent;
  }

  /** Grants `roles` on this project to `grantee` (additively). Basic roles are refused. */
  grant(grantee: Grantee, roles: readonly string[]): void {
    for (const role of roles) {
      if (BASIC_ROLES.includes(role)) {
        throw new Error(`${this.node.path}: ${role} is a basic role; grant predefined roles (e.g. roles/pubsub.editor) instead`);
      }
      // Keyed by member and role so adding a grant never renames another.
      new ProjectIamMember(this.grants, `${grantee.key}=${role}`, {
        project: this.project.projectId,
        role,
        member: grantee.member,
      });
    }
  }
}
