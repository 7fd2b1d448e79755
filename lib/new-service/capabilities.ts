// The capabilities a new service can start with: one list drives the flags,
// the usage text and the interactive choice, so adding one is one entry here
// (and its lines in render.ts).
import { DEFAULTS } from '../catalog/resolve';

export type CloudSqlEngine = keyof typeof DEFAULTS.cloudsqlVersion;
export const CLOUDSQL_ENGINES = Object.keys(DEFAULTS.cloudsqlVersion) as CloudSqlEngine[];

export interface CapabilityChoice {
  /** The flag (`--cloudsql`) and the key of NewServiceArgs it sets. */
  readonly flag: 'cloudsql' | 'spanner';
  /** Shown in the interactive list. */
  readonly label: string;
  /** Shown in --help. */
  readonly help: string;
  /** What the flag's value chooses (Cloud SQL's engine); a capability without variants is a switch. */
  readonly variants?: { readonly name: string; readonly values: readonly string[] };
}

export const CAPABILITIES: readonly CapabilityChoice[] = [
  {
    flag: 'cloudsql',
    label: 'Cloud SQL: managed PostgreSQL or MySQL, private IP only',
    help: `add a Cloud SQL instance: ${CLOUDSQL_ENGINES.join(' or ')}`,
    variants: { name: 'ENGINE', values: CLOUDSQL_ENGINES },
  },
  { flag: 'spanner', label: 'Spanner: managed, horizontally scaling relational database', help: 'add a Spanner instance' },
];
