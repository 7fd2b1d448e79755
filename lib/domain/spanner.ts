// Facts and rules of Spanner, in one place (catalog and SpannerInstance).

export const SPANNER_DEFAULTS = { processingUnits: 100 };

// Only `regional-<region>`: the Spanner CMEK key ring is created at the
// config's region, and a multi-region config (nam3, eur6) has no single KMS
// location: each replica region needs its own key.
export const SPANNER_CONFIG = /^regional-[a-z]+-[a-z]+\d+$/;

/** The region of a `regional-<region>` config: where its encryption key must live. */
export function spannerConfigRegion(config: string): string {
  return config.replace(/^regional-/, '');
}

/** Why Spanner refuses `processingUnits`, or nothing: multiples of 100 below 1000, of 1000 from there. */
export function processingUnitsProblem(processingUnits: number): string | undefined {
  const allowed =
    processingUnits >= 100 && (processingUnits < 1000 ? processingUnits % 100 === 0 : processingUnits % 1000 === 0);
  return allowed ? undefined : `${processingUnits} is not allowed; use a multiple of 100 below 1000 or a multiple of 1000 from 1000 (e.g. 300 or 2000)`;
}
