import { Construct } from 'constructs';
import { DnsManagedZone } from '@cdktf/provider-google/lib/dns-managed-zone';
import { DnsManagedZoneIamMember } from '@cdktf/provider-google/lib/dns-managed-zone-iam-member';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import type { ITerraformDependable } from 'cdktf';
import type { Labels } from '../lib/labels';
import { ROLES, type Grantee } from '../lib/iam-roles';
import { throwIfProblems } from '../lib/props';

export interface DnsZoneProps {
  readonly project: string;
  /** Without trailing dot, e.g. platform.example.com. */
  readonly domain: string;
  readonly labels: Labels;
  /** @default prevent_destroy on: deleting a public zone breaks every record in it */
  readonly deletionProtection?: boolean;
  /** @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A public Cloud DNS zone with DNSSEC on and query logging. Record writers
 * (grantRecordAdmin) get DNS admin on this zone, never on its project.
 */
export class DnsZone extends Construct {
  readonly zone: DnsManagedZone;
  private readonly project: string;
  /** Grants on the zone's project (construct id `Iam`, kept: ids are Terraform addresses). */
  private readonly grants = new Construct(this, 'Iam');
  /** Grants on the zone itself. */
  private readonly zoneGrants = new Construct(this, 'ZoneIam');

  constructor(scope: Construct, id: string, props: DnsZoneProps) {
    super(scope, id);
    if (!/^([a-z0-9-]+\.)+[a-z]{2,}$/.test(props.domain)) {
      throwIfProblems('DnsZone', this.node.path, [`domain "${props.domain}" must be a domain without trailing dot (e.g. "platform.example.com")`]);
    }
    this.project = props.project;
    this.zone = new DnsManagedZone(this, 'Zone', {
      project: props.project,
      name: props.domain.replace(/\./g, '-'),
      dnsName: `${props.domain}.`,
      description: `Public zone for ${props.domain}; records are written by ExternalDNS`,
      visibility: 'public',
      dnssecConfig: { state: 'on', nonExistence: 'nsec3' },
      cloudLoggingConfig: { enableLogging: true },
      forceDestroy: false,
      labels: { ...props.labels },
      lifecycle: { preventDestroy: props.deletionProtection ?? true },
      dependsOn: props.dependsOn,
    });
  }

  /**
   * Lets `grantee` manage the records of this zone (ExternalDNS): DNS admin on
   * this zone only, so it cannot create zones or touch other zones of the
   * project, and DNS reader on the project, as ExternalDNS lists zones to find
   * this one. Zone-level admin still includes updating or deleting this zone
   * itself; Terraform's prevent_destroy does not stop an API call.
   */
  grantRecordAdmin(grantee: Grantee): void {
    new DnsManagedZoneIamMember(this.zoneGrants, `${grantee.key}=${ROLES.dnsAdmin}`, {
      project: this.project,
      managedZone: this.zone.name,
      role: ROLES.dnsAdmin,
      member: grantee.member,
    });
    new ProjectIamMember(this.grants, `${grantee.key}=${ROLES.dnsReader}`, { project: this.project, role: ROLES.dnsReader, member: grantee.member });
  }
}
