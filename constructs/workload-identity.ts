import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { ROLES, serviceAccountMember, workloadIdentityMember, type Grantee } from '../lib/iam-roles';
import { PATTERNS, throwIfProblems } from '../lib/props';

export interface WorkloadIdentityProps {
  /** The project that owns the Google service account. */
  readonly project: string;
  /** 6-30 characters: lowercase letters, digits, hyphens. */
  readonly accountId: string;
  /** @default the account id */
  readonly displayName?: string;
  /** The cluster's pool, `<cluster project>.svc.id.goog`. */
  readonly workloadPool: string;
  /** Kubernetes namespace of the service account allowed to act as this one. */
  readonly namespace: string;
  /** Kubernetes service account name. */
  readonly kubernetesServiceAccount: string;
  /** @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A Google service account that exactly one Kubernetes service account may
 * act as, through Workload Identity. No keys: pods get short-lived tokens
 * from the GKE metadata server.
 */
export class WorkloadIdentity extends Construct {
  readonly serviceAccount: ServiceAccount;
  /** For grant* methods: `serviceAccount:<email>`, keyed by the account id. */
  readonly grantee: Grantee;
  /** The value of the `iam.gke.io/gcp-service-account` annotation. */
  readonly email: string;
  /** The same email spelled out (`<accountId>@<project>.iam.gserviceaccount.com`): known at plan time when the project is. */
  readonly address: string;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!PATTERNS.projectId.test(props.accountId)) {
      problems.push(`accountId "${props.accountId}" must be 6-30 lowercase letters, digits or hyphens, starting with a letter (e.g. "payment-app")`);
    }
    if (!props.workloadPool.endsWith('.svc.id.goog')) {
      problems.push(`workloadPool "${props.workloadPool}" must be the cluster's pool, "<project>.svc.id.goog"`);
    }
    for (const [field, value] of [['namespace', props.namespace], ['kubernetesServiceAccount', props.kubernetesServiceAccount]]) {
      if (!PATTERNS.dnsLabel.test(value)) problems.push(`${field} "${value}" must be a DNS-1123 label (e.g. "payment-prod")`);
    }
    throwIfProblems('WorkloadIdentity', this.node.path, problems);

    this.serviceAccount = new ServiceAccount(this, 'ServiceAccount', {
      project: props.project,
      accountId: props.accountId,
      displayName: props.displayName ?? props.accountId,
      description: `Workload Identity for ${props.namespace}/${props.kubernetesServiceAccount}`,
      dependsOn: props.dependsOn,
    });
    this.email = this.serviceAccount.email;
    this.address = `${props.accountId}@${props.project}.iam.gserviceaccount.com`;
    this.grantee = { key: `serviceAccount:${props.accountId}`, member: serviceAccountMember(this.serviceAccount.email) };
    new ServiceAccountIamMember(this, 'WorkloadIdentityUser', {
      serviceAccountId: this.serviceAccount.name,
      role: ROLES.workloadIdentityUser,
      member: workloadIdentityMember(props.workloadPool, props.namespace, props.kubernetesServiceAccount),
    });
  }
}
