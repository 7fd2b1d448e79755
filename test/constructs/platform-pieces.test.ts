import { Testing } from 'cdktf';
import { DnsZone } from '../../constructs/dns-zone';
import { SecureBucket } from '../../constructs/secure-bucket';
import { SharedVpcNetwork } from '../../constructs/shared-vpc-network';
import { onlyResource, synthScopeJson } from '../helpers';

const labels = { service: 'platform', team: 'platform', environment: 'production', 'managed-by': 'cdktf' };

describe('DnsZone', () => {
  const json = synthScopeJson((scope) => new DnsZone(scope, 'Dns', { project: 'host', domain: 'platform.example.com', labels }).grantRecordAdmin({ key: 'edns', member: 'serviceAccount:edns@host.iam.gserviceaccount.com' }));

  it('is a public zone with DNSSEC, protected from destroy', () => {
    expect(onlyResource(json, 'google_dns_managed_zone')).toMatchObject({
      dns_name: 'platform.example.com.',
      visibility: 'public',
      dnssec_config: { state: 'on' },
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  it('grants DNS admin on the zone only, and DNS reader on the project to list zones', () => {
    expect(onlyResource(json, 'google_dns_managed_zone_iam_member')).toEqual({
      project: 'host',
      managed_zone: expect.stringMatching(/^\$\{google_dns_managed_zone\.Dns_Zone_\w+\.name\}$/),
      role: 'roles/dns.admin',
      member: 'serviceAccount:edns@host.iam.gserviceaccount.com',
    });
    expect(onlyResource(json, 'google_project_iam_member')).toEqual({ project: 'host', role: 'roles/dns.reader', member: 'serviceAccount:edns@host.iam.gserviceaccount.com' });
  });

  it('fails on a domain with a trailing dot', () => {
    expect(() => Testing.synthScope((scope) => new DnsZone(scope, 'D', { project: 'h', domain: 'example.com.', labels }))).toThrow(/must be a domain without trailing dot/);
  });
});

describe('SecureBucket', () => {
  const json = synthScopeJson((scope) => new SecureBucket(scope, 'Bucket', { project: 'host', name: 'acme-backups', location: 'asia-northeast1', labels }));

  it('is versioned, uniform, never public and protected from destroy', () => {
    expect(onlyResource(json, 'google_storage_bucket')).toMatchObject({
      versioning: { enabled: true },
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
      labels,
    });
  });

  it('fails on an invalid bucket name', () => {
    expect(() => Testing.synthScope((scope) => new SecureBucket(scope, 'B', { project: 'h', name: 'Bad Name', location: 'x', labels }))).toThrow(/name "Bad Name" must be 3-63/);
  });
});

describe('SharedVpcNetwork', () => {
  const props = { project: 'host', region: 'asia-northeast1', name: 'platform', subnetCidr: '10.0.0.0/20', podsCidr: '10.16.0.0/14', servicesCidr: '10.20.0.0/20', privateServiceAccessCidr: '10.100.0.0/16', labels };
  const json = synthScopeJson((scope) => new SharedVpcNetwork(scope, 'Network', props));

  it('makes the project a Shared VPC host with a custom-mode network', () => {
    expect(onlyResource(json, 'google_compute_shared_vpc_host_project')).toMatchObject({ project: 'host' });
    expect(onlyResource(json, 'google_compute_network')).toMatchObject({ auto_create_subnetworks: false });
  });

  it('has pods and services secondary ranges, Private Google Access and flow logs', () => {
    const subnet = onlyResource(json, 'google_compute_subnetwork');
    expect(subnet.secondary_ip_range).toEqual([
      { range_name: 'pods', ip_cidr_range: '10.16.0.0/14' },
      { range_name: 'services', ip_cidr_range: '10.20.0.0/20' },
    ]);
    expect(subnet.private_ip_google_access).toBe(true);
    expect(subnet.log_config).toBeDefined();
  });

  it('has Cloud NAT and private service access for Cloud SQL', () => {
    expect(onlyResource(json, 'google_compute_router_nat').source_subnetwork_ip_ranges_to_nat).toBe('ALL_SUBNETWORKS_ALL_IP_RANGES');
    expect(onlyResource(json, 'google_compute_global_address')).toMatchObject({ purpose: 'VPC_PEERING', address: '10.100.0.0', prefix_length: 16 });
    expect(onlyResource(json, 'google_service_networking_connection').service).toBe('servicenetworking.googleapis.com');
  });

  it('fails on a private service access range smaller than /24', () => {
    expect(() => Testing.synthScope((scope) => new SharedVpcNetwork(scope, 'N', { ...props, privateServiceAccessCidr: '10.100.0.0/28' }))).toThrow(/must be \/24 or larger/);
  });
});
