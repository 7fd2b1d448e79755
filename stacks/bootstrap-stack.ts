import { Construct } from 'constructs';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { IamWorkloadIdentityPool } from '@cdktf/provider-google/lib/iam-workload-identity-pool';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { FolderIamMember } from '@cdktf/provider-google/lib/folder-iam-member';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { OrganizationIamMember } from '@cdktf/provider-google/lib/organization-iam-member';
import { OrganizationIamCustomRole } from '@cdktf/provider-google/lib/organization-iam-custom-role';
import { BillingAccountIamMember } from '@cdktf/provider-google/lib/billing-account-iam-member';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import type { Platform } from '../lib/catalog/schema';
import { BOOTSTRAP_STACK } from '../lib/catalog/names';
import { standardLabels } from '../lib/labels';
import { APPLIER_ACCOUNT_ID, PLANNER_LOGGING_PERMISSIONS, PLANNER_LOGGING_ROLE_ID, PLANNER_STATE_ROLE, WORKLOAD_IDENTITY_USER, serviceAccountMember } from '../lib/iam-roles';
import {
  APPLIER_BILLING_ROLES,
  APPLIER_FOLDER_ROLES,
  APPLIER_ORGANIZATION_ROLES,
  APPLIER_PLATFORM_ROLES,
  PLANNER_BILLING_ROLES,
  PLANNER_ROLES,
} from '../lib/capabilities/ci-roles';
import { ProjectApis } from '../constructs/project-apis';
import { SecureBucket } from '../constructs/secure-bucket';
import { waive } from '../lib/policy/waivers';
import { accessLogBucketName } from './stack-defaults';

/** APIs the state bucket and the token exchange need in the platform project. */
export const BOOTSTRAP_APIS = [
  'cloudresourcemanager.googleapis.com',
  'iam.googleapis.com',
  'iamcredentials.googleapis.com',
  'sts.googleapis.com',
  'storage.googleapis.com',
] as const;

export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';
/** Only runs of main may act as the applier (pull requests run on refs/pull/N/merge). */
export const APPLY_REF = 'refs/heads/main';
/** The only workflow whose jobs may act as the applier (it applies reviewed plans only). */
export const APPLY_WORKFLOW = '.github/workflows/apply.yml';
/**
 * The workflows whose jobs may act as the planner, as committed on main and
 * run from main: the trusted plan (workflow_run: GitHub runs the default
 * branch's file; it plans only stacks that passed the allowlist), drift
 * (schedule) and apply (its selection job reads the apply markers). No
 * pull_request workflow and no branch: a pushed branch's own workflow gets
 * nothing.
 */
export const PLANNER_WORKFLOWS = ['.github/workflows/plan-trusted.yml', '.github/workflows/drift.yml', APPLY_WORKFLOW] as const;
export const PLANNER_ACCOUNT_ID = 'terraform-planner';
export { APPLIER_ACCOUNT_ID };
/**
 * Local state (the bucket other stacks keep state in is created here),
 * relative to cdktf.out/stacks/bootstrap: the repository root, outside
 * cdktf.out so a fresh synth never deletes it; *.tfstate is git-ignored.
 */
export const BOOTSTRAP_STATE_FILE = '../../../terraform.bootstrap.tfstate';

/**
 * GitHub's job_workflow_ref of apply.yml's jobs on main: the workflow file
 * whose steps the job runs, with the ref it was read from.
 */
export function applierWorkflowRef(repository: string): string {
  return `${repository}/${APPLY_WORKFLOW}@${APPLY_REF}`;
}

/** GitHub's job_workflow_ref of each planner workflow's jobs on main. */
export function plannerWorkflowRefs(repository: string): string[] {
  return PLANNER_WORKFLOWS.map((workflow) => `${repository}/${workflow}@${APPLY_REF}`);
}

/**
 * Claims of GitHub's OIDC token that the pool keeps, by Google attribute name.
 * `attribute.applier` is "true" only for a job of apply.yml as committed on
 * main, run from main; `attribute.planner` likewise for PLANNER_WORKFLOWS: branch alone is not enough, since any workflow on main
 * (schedule, issue_comment, workflow_run) runs with ref refs/heads/main. It is
 * computed here (a CEL conditional, as in Google's AWS mapping) because
 * principalSet can only match an attribute's whole value.
 */
export function githubAttributeMapping(repository: string): Record<string, string> {
  return {
    'google.subject': 'assertion.sub',
    'attribute.repository': 'assertion.repository',
    'attribute.ref': 'assertion.ref',
    'attribute.applier': `(assertion.job_workflow_ref == ${JSON.stringify(applierWorkflowRef(repository))} && assertion.ref == ${JSON.stringify(APPLY_REF)}) ? "true" : "false"`,
    'attribute.planner': `((${plannerWorkflowRefs(repository).map((ref) => `assertion.job_workflow_ref == ${JSON.stringify(ref)}`).join(' || ')}) && assertion.ref == ${JSON.stringify(APPLY_REF)}) ? "true" : "false"`,
  };
}

/** The provider's attribute condition: tokens of any other repository or owner are refused. */
export function repositoryCondition(repository: string): string {
  const owner = repository.slice(0, repository.indexOf('/'));
  return `assertion.repository == ${JSON.stringify(repository)} && assertion.repository_owner == ${JSON.stringify(owner)}`;
}

export interface BootstrapStackProps {
  readonly platform: Platform;
}

/**
 * What must exist before CI can run Terraform, applied once by an admin with
 * local state: the state bucket every other stack's backend uses, and, when
 * platform.yaml names the GitHub repository, Workload Identity Federation for
 * it with two service accounts: the planner (read-only, pull requests) and the
 * applier (apply.yml's jobs on main only). No service account key is
 * created: workflows exchange their OIDC token for short-lived credentials.
 */
export class BootstrapStack extends TerraformStack {
  readonly stateBucket: SecureBucket;
  readonly pool?: IamWorkloadIdentityPool;
  readonly provider?: IamWorkloadIdentityPoolProvider;
  readonly planner?: ServiceAccount;
  readonly applier?: ServiceAccount;

  constructor(scope: Construct, props: BootstrapStackProps) {
    super(scope, BOOTSTRAP_STACK);
    const { platform } = props;
    const project = platform.platformProject;
    new LocalBackend(this, { path: BOOTSTRAP_STATE_FILE });
    new GoogleProvider(this, 'google', { project, region: platform.region });
    const labels = standardLabels({ service: 'platform', team: 'platform', environment: 'production' });

    const apis = new ProjectApis(this, 'Apis', { project, apis: BOOTSTRAP_APIS });
    // Usage logs: the state bucket's go to the access-log bucket (which the
    // platform's buckets use too) and its own to the state bucket, since a
    // bucket must not log into itself.
    const accessLogs = new SecureBucket(this, 'AccessLogBucket', {
      project,
      name: accessLogBucketName(platform),
      location: platform.region,
      labels,
      accessLogBucket: platform.stateBucket,
      dependsOn: apis.services,
    });
    this.stateBucket = new SecureBucket(this, 'StateBucket', {
      project,
      name: platform.stateBucket,
      location: platform.region,
      labels,
      accessLogBucket: accessLogs,
      dependsOn: apis.services,
    });
    this.stateBucket.allowUsageLogWrites();
    new TerraformOutput(this, 'state_bucket', { value: this.stateBucket.bucket.name });

    const repository = platform.github?.repository;
    if (!repository) return;

    const pool = new IamWorkloadIdentityPool(this, 'GithubPool', {
      project,
      workloadIdentityPoolId: 'github',
      displayName: 'GitHub Actions',
      description: `Workflows of ${repository}`,
      dependsOn: apis.services,
    });
    this.pool = pool;
    this.provider = new IamWorkloadIdentityPoolProvider(this, 'GithubProvider', {
      project,
      workloadIdentityPoolId: pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: 'github-actions',
      displayName: 'GitHub Actions OIDC',
      attributeMapping: githubAttributeMapping(repository),
      attributeCondition: repositoryCondition(repository),
      oidc: { issuerUri: GITHUB_OIDC_ISSUER },
    });
    // principalSet over the pool: the provider's condition already admits only this repository.
    // GitHub environments are not bound: every apply job runs in one (development or
    // production, lib/ci/changed-stacks.ts) and one applier serves both, so the
    // production environment's required reviewers are GitHub's gate, not IAM's.
    const principals = (attribute: string, value: string) => `principalSet://iam.googleapis.com/${pool.name}/attribute.${attribute}/${value}`;

    // A service account that the workflows matching `principal` may act as
    // (ids `<id>` and `<id>Federation`: they are Terraform addresses).
    const federatedAccount = (id: string, accountId: string, displayName: string, principal: string) => {
      const account = new ServiceAccount(this, id, { project, accountId, displayName, dependsOn: apis.services });
      new ServiceAccountIamMember(this, `${id}Federation`, { serviceAccountId: account.name, role: WORKLOAD_IDENTITY_USER, member: principal });
      return account;
    };

    this.planner = federatedAccount('Planner', PLANNER_ACCOUNT_ID, 'Terraform planner (trusted plan, drift; read-only)', principals('planner', 'true'));
    const plannerMember = serviceAccountMember(this.planner.email);
    const plannerIam = new Construct(this, 'PlannerIam');
    for (const role of PLANNER_ROLES) {
      new FolderIamMember(plannerIam, `folder=${role}`, { folder: platform.serviceProjectsFolder, role, member: plannerMember });
      new ProjectIamMember(plannerIam, `platform=${role}`, { project, role, member: plannerMember });
    }
    for (const role of PLANNER_BILLING_ROLES) {
      new BillingAccountIamMember(plannerIam, `billing=${role}`, { billingAccountId: platform.billingAccount, role, member: plannerMember });
    }
    const sinkViewer = new OrganizationIamCustomRole(plannerIam, 'SinkViewerRole', {
      orgId: platform.organizationId,
      roleId: PLANNER_LOGGING_ROLE_ID,
      title: 'Terraform planner: log sinks (read)',
      description: 'Reads log sink configuration, not log entries',
      permissions: [...PLANNER_LOGGING_PERMISSIONS],
    });
    new FolderIamMember(plannerIam, 'folder=sink-viewer', { folder: platform.serviceProjectsFolder, role: sinkViewer.name, member: plannerMember });
    new ProjectIamMember(plannerIam, 'platform=sink-viewer', { project, role: sinkViewer.name, member: plannerMember });
    new StorageBucketIamMember(plannerIam, `state=${PLANNER_STATE_ROLE}`, {
      bucket: this.stateBucket.bucket.name,
      role: PLANNER_STATE_ROLE,
      member: plannerMember,
    });

    this.applier = federatedAccount('Applier', APPLIER_ACCOUNT_ID, 'Terraform applier (apply.yml on main only)', principals('applier', 'true'));
    const applierMember = serviceAccountMember(this.applier.email);
    const applierIam = new Construct(this, 'ApplierIam');
    waive(
      applierIam,
      'no-service-account-impersonation',
      'Terraform creates the service accounts of the platform and of every service and attaches them to node pools and workloads; only jobs of apply.yml on main can act as the applier (ApplierFederation)',
    );
    for (const role of APPLIER_FOLDER_ROLES) {
      new FolderIamMember(applierIam, `folder=${role}`, { folder: platform.serviceProjectsFolder, role, member: applierMember });
    }
    for (const role of APPLIER_PLATFORM_ROLES) {
      new ProjectIamMember(applierIam, `platform=${role}`, { project, role, member: applierMember });
    }
    for (const role of APPLIER_ORGANIZATION_ROLES) {
      new OrganizationIamMember(applierIam, `organization=${role}`, { orgId: platform.organizationId, role, member: applierMember });
    }
    for (const role of APPLIER_BILLING_ROLES) {
      new BillingAccountIamMember(applierIam, `billing=${role}`, { billingAccountId: platform.billingAccount, role, member: applierMember });
    }
    this.stateBucket.grantObjectAdmin({ key: `serviceAccount:${APPLIER_ACCOUNT_ID}`, member: applierMember });

    // The repository variables the workflows read (docs/DELIVERY.md, one-time setup).
    new TerraformOutput(this, 'workload_identity_provider', { value: this.provider.name });
    new TerraformOutput(this, 'planner_service_account', { value: this.planner.email });
    new TerraformOutput(this, 'applier_service_account', { value: this.applier.email });
  }
}
