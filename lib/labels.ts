// The labels every labelable resource carries. GCP label values allow
// lowercase letters, digits, `-` and `_`, at most 63 characters.
export const MANAGED_BY = 'cdktf';

export interface LabelOwner {
  /** The service, or `platform` for the shared infrastructure. */
  readonly service: string;
  readonly team: string;
  readonly environment: string;
}

export type Labels = Readonly<Record<string, string>>;

export const REQUIRED_LABELS = ['service', 'team', 'environment', 'managed-by'] as const;

export function standardLabels(owner: LabelOwner): Labels {
  return {
    service: labelValue(owner.service),
    team: labelValue(owner.team),
    environment: labelValue(owner.environment),
    'managed-by': MANAGED_BY,
  };
}

function labelValue(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 63);
}
