// The platform's own workloads in every cluster (ExternalDNS, Velero): Helm
// charts and the exact images they run, pinned in one place. The Binary
// Authorization policy admits these images and nothing else from outside the
// platform's registries, so a chart bump is a reviewed change of both.

export interface PinnedImage {
  /** Full registry path, as the pod spec names it (no implicit docker.io). */
  readonly repository: string;
  readonly tag: string;
}

export interface PinnedChart {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
}

export const EXTERNAL_DNS_CHART: PinnedChart = { repository: 'https://kubernetes-sigs.github.io/external-dns/', chart: 'external-dns', version: '1.15.0' };
export const EXTERNAL_DNS_IMAGE: PinnedImage = { repository: 'registry.k8s.io/external-dns/external-dns', tag: 'v0.15.0' };

export const VELERO_CHART: PinnedChart = { repository: 'https://vmware-tanzu.github.io/helm-charts', chart: 'velero', version: '8.0.0' };
export const VELERO_IMAGE: PinnedImage = { repository: 'docker.io/velero/velero', tag: 'v1.15.0' };
/** The object store and disk snapshot plugin for GCP (v1.11 goes with Velero 1.15). */
export const VELERO_GCP_PLUGIN_IMAGE: PinnedImage = { repository: 'docker.io/velero/velero-plugin-for-gcp', tag: 'v1.11.0' };

export function imageName(image: PinnedImage): string {
  return `${image.repository}:${image.tag}`;
}

/** Every image the add-ons run: admitted by the Binary Authorization policy by exact name and tag. */
export const ADDON_IMAGES: readonly PinnedImage[] = [EXTERNAL_DNS_IMAGE, VELERO_IMAGE, VELERO_GCP_PLUGIN_IMAGE];

/** Velero's daily backup of every namespace (cron, UTC: before the 17:00 maintenance window). */
export const BACKUP_SCHEDULE = '0 15 * * *';
/** How long a backup is kept. */
export const BACKUP_RETENTION_DAYS = 30;
