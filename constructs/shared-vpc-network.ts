import { Construct } from 'constructs';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { ComputeSharedVpcHostProject } from '@cdktf/provider-google/lib/compute-shared-vpc-host-project';
import type { ITerraformDependable } from 'cdktf';
import type { Labels } from '../lib/labels';
import { throwIfProblems } from '../lib/props';

export const PODS_RANGE = 'pods';
export const SERVICES_RANGE = 'services';

/** A regional subnet: its primary range and the GKE pods and services ranges. */
export interface RegionalSubnetProps {
  readonly region: string;
  readonly subnetCidr: string;
  /** Secondary range for GKE pods. */
  readonly podsCidr: string;
  /** Secondary range for GKE services. */
  readonly servicesCidr: string;
}

function cidrProblems<T extends string>(props: Readonly<Record<T, string>>, fields: readonly T[]): string[] {
  return fields.filter((field) => !/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/.test(props[field])).map((field) => `${field} "${props[field]}" must be a CIDR range (e.g. "10.0.0.0/20")`);
}

export interface SharedVpcNetworkProps {
  /** The host project. */
  readonly project: string;
  readonly region: string;
  readonly name: string;
  readonly subnetCidr: string;
  /** Secondary range for GKE pods. */
  readonly podsCidr: string;
  /** Secondary range for GKE services. */
  readonly servicesCidr: string;
  /** Peered to Google's service producers: Cloud SQL private IPs come from here. */
  readonly privateServiceAccessCidr: string;
  readonly labels: Labels;
  /** @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The platform's Shared VPC: the host project enabled as host, one custom-mode
 * network with a regional subnet (pods and services as secondary ranges,
 * Private Google Access, flow logs), a logged default-deny ingress firewall
 * rule, Cloud NAT for egress from private nodes,
 * and private service access for Cloud SQL private IP.
 */
export class SharedVpcNetwork extends Construct {
  readonly network: ComputeNetwork;
  readonly subnetwork: ComputeSubnetwork;
  /** Service stacks create private-IP databases only after this exists. */
  readonly privateServiceAccess: ServiceNetworkingConnection;
  private readonly project: string;
  private readonly name: string;

  constructor(scope: Construct, id: string, props: SharedVpcNetworkProps) {
    super(scope, id);
    const [, prefix] = props.privateServiceAccessCidr.split('/');
    const problems = cidrProblems(props, ['subnetCidr', 'podsCidr', 'servicesCidr', 'privateServiceAccessCidr']);
    if (Number(prefix) > 24) problems.push(`privateServiceAccessCidr "${props.privateServiceAccessCidr}" must be /24 or larger (e.g. "10.100.0.0/16")`);
    throwIfProblems('SharedVpcNetwork', this.node.path, problems);

    this.project = props.project;
    this.name = props.name;
    const host = new ComputeSharedVpcHostProject(this, 'HostProject', { project: props.project, dependsOn: props.dependsOn });
    this.network = new ComputeNetwork(this, 'Network', {
      project: props.project,
      name: props.name,
      autoCreateSubnetworks: false,
      routingMode: 'GLOBAL',
      deleteDefaultRoutesOnCreate: false,
      dependsOn: [host],
    });
    this.subnetwork = this.subnet(this, props);
    // The implied deny-ingress rule is not logged: this explicit one is, one
    // step above it. GKE and any specific rule allow at higher priorities.
    new ComputeFirewall(this, 'DenyAllIngress', {
      project: props.project,
      name: `${props.name}-deny-all-ingress`,
      network: this.network.id,
      description: 'Logged default deny for ingress; specific rules allow at higher priority',
      direction: 'INGRESS',
      priority: 65534,
      sourceRanges: ['0.0.0.0/0'],
      deny: [{ protocol: 'all' }],
      logConfig: { metadata: 'INCLUDE_ALL_METADATA' },
    });
    this.nat(this, props.region);
    const [address] = props.privateServiceAccessCidr.split('/');
    const range = new ComputeGlobalAddress(this, 'PrivateServiceAccessRange', {
      project: props.project,
      name: `${props.name}-private-service-access`,
      purpose: 'VPC_PEERING',
      addressType: 'INTERNAL',
      address,
      prefixLength: Number(prefix),
      network: this.network.id,
      labels: { ...props.labels },
    });
    this.privateServiceAccess = new ServiceNetworkingConnection(this, 'PrivateServiceAccess', {
      network: this.network.id,
      service: 'servicenetworking.googleapis.com',
      reservedPeeringRanges: [range.name],
    });
  }

  /**
   * A subnet (with pods and services ranges) and Cloud NAT in another
   * region, for a further country's cluster; its resources are grouped
   * under `id` (the country key).
   */
  addRegion(id: string, props: RegionalSubnetProps): ComputeSubnetwork {
    const problems = cidrProblems(props, ['subnetCidr', 'podsCidr', 'servicesCidr']);
    throwIfProblems('SharedVpcNetwork', `${this.node.path}/${id}`, problems);
    const scope = new Construct(this, id);
    const subnetwork = this.subnet(scope, props);
    this.nat(scope, props.region);
    return subnetwork;
  }

  private subnet(scope: Construct, props: RegionalSubnetProps): ComputeSubnetwork {
    return new ComputeSubnetwork(scope, 'Subnetwork', {
      project: this.project,
      name: `${this.name}-${props.region}`,
      region: props.region,
      network: this.network.id,
      ipCidrRange: props.subnetCidr,
      privateIpGoogleAccess: true,
      secondaryIpRange: [
        { rangeName: PODS_RANGE, ipCidrRange: props.podsCidr },
        { rangeName: SERVICES_RANGE, ipCidrRange: props.servicesCidr },
      ],
      logConfig: { aggregationInterval: 'INTERVAL_10_MIN', flowSampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' },
    });
  }

  /** Egress for private nodes in `region`. */
  private nat(scope: Construct, region: string): void {
    const router = new ComputeRouter(scope, 'Router', {
      project: this.project,
      name: `${this.name}-${region}`,
      region,
      network: this.network.id,
    });
    new ComputeRouterNat(scope, 'Nat', {
      project: this.project,
      name: `${this.name}-${region}`,
      region,
      router: router.name,
      natIpAllocateOption: 'AUTO_ONLY',
      sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
      logConfig: { enable: true, filter: 'ERRORS_ONLY' },
    });
  }
}
