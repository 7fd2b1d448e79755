import { Testing } from 'cdktf';
import { GoogleBetaProvider } from '@cdktf/provider-google-beta/lib/provider';
import { ServiceProject, BASELINE_APIS } from '../../constructs/service-project';
import { groupGrantee } from '../../lib/iam-roles';
import { onlyResource, resourcesOf, synthScopeJson } from '../helpers';

const labels = { service: 'payment', team: 'payments', environment: 'production', 'managed-by': 'cdktf' };
const props = { projectId: 'acme-payment-prod', folder: 'folders/123', billingAccount: '01ABCD-23EF45-67AB89', labels, sharedVpcHostProject: 'acme-platform' };

describe('ServiceProject', () => {
  const json = synthScopeJson((scope) => {
    const project = new ServiceProject(scope, 'Project', { ...props, apis: ['pubsub.googleapis.com', 'iam.googleapis.com'] });
    project.grant(groupGrantee('payments@example.com'), ['roles/pubsub.editor']);
  });

  it('creates the project in the folder, with billing, labels, no default network, deletion policy PREVENT', () => {
    expect(onlyResource(json, 'google_project')).toMatchObject({
      project_id: 'acme-payment-prod',
      folder_id: 'folders/123',
      billing_account: '01ABCD-23EF45-67AB89',
      auto_create_network: false,
      deletion_policy: 'PREVENT',
      labels,
    });
  });

  it('enables the baseline APIs and the extra ones once each, never disabling on destroy', () => {
    const services = Object.values(resourcesOf(json, 'google_project_service'));
    expect(services.map((s) => s.service).sort()).toEqual([...new Set([...BASELINE_APIS, 'pubsub.googleapis.com'])].sort());
    expect(services.every((s) => s.disable_on_destroy === false)).toBe(true);
  });

  it('attaches to the Shared VPC host', () => {
    expect(onlyResource(json, 'google_compute_shared_vpc_service_project')).toMatchObject({ host_project: 'acme-platform' });
  });

  it('exposes the Shared VPC attachment for dependents, and none when not attached', () => {
    Testing.synthScope((scope) => {
      const attached = new ServiceProject(scope, 'Attached', props);
      const detached = new ServiceProject(scope, 'Detached', { ...props, sharedVpcHostProject: undefined });
      expect(attached.sharedVpcAttachment?.terraformResourceType).toBe('google_compute_shared_vpc_service_project');
      expect(attached.sharedVpcAttachment?.node.path).toMatch(/Attached\/SharedVpcAttachment$/);
      expect(detached.sharedVpcAttachment).toBeUndefined();
    });
  });

  it('grants additively (iam_member), never authoritatively', () => {
    expect(onlyResource(json, 'google_project_iam_member')).toMatchObject({ role: 'roles/pubsub.editor', member: 'group:payments@example.com' });
    expect(json.resource.google_project_iam_binding).toBeUndefined();
    expect(json.resource.google_project_iam_policy).toBeUndefined();
  });

  describe('serviceAgent', () => {
    const agentJson = synthScopeJson((scope) => {
      const beta = new GoogleBetaProvider(scope, 'google-beta', {});
      const project = new ServiceProject(scope, 'Project', { ...props, apis: ['spanner.googleapis.com'] });
      // Asking twice yields one resource.
      expect(project.serviceAgent('spanner.googleapis.com', beta)).toBe(project.serviceAgent('spanner.googleapis.com', beta));
    });

    it('creates the agent through the google-beta provider, after the APIs are enabled', () => {
      const agent = onlyResource(agentJson, 'google_project_service_identity');
      expect(agent).toMatchObject({ service: 'spanner.googleapis.com', provider: 'google-beta' });
      expect(agent.project).toMatch(/^\$\{google_project\..*\.project_id\}$/);
      const spannerApi = Object.keys(resourcesOf(agentJson, 'google_project_service')).find((name) => name.includes('spanner'));
      expect(agent.depends_on).toContain(`google_project_service.${spannerApi}`);
    });

    it('refuses an API the project does not enable', () => {
      expect(() =>
        Testing.synthScope((scope) => new ServiceProject(scope, 'Project', props).serviceAgent('spanner.googleapis.com', new GoogleBetaProvider(scope, 'google-beta', {}))),
      ).toThrow(/service agent of spanner\.googleapis\.com: the API is not enabled on this project; add it to the project's apis/);
    });
  });

  it('refuses basic roles', () => {
    expect(() =>
      Testing.synthScope((scope) => new ServiceProject(scope, 'Project', props).grant(groupGrantee('a@example.com'), ['roles/owner'])),
    ).toThrow(/roles\/owner is a basic role; grant predefined roles/);
  });

  it('fails if the project id or folder is malformed, listing both', () => {
    expect(() => Testing.synthScope((scope) => new ServiceProject(scope, 'Project', { ...props, projectId: 'Bad_Id', folder: '123' }))).toThrow(
      /projectId "Bad_Id" must be 6-30 lowercase[\s\S]*folder "123" must look like folders\/234567890123/,
    );
  });
});
