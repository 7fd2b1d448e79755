// The capabilities a new service can start with, from the registry
// (lib/capabilities/): each module's `newService` option drives the flag, the
// usage text, the interactive choice and its lines in services/<name>.yaml.
import { capabilities } from '../capabilities/registry';
import { CLOUD_SQL_ENGINES, type CloudSqlEngine } from '../domain/cloud-sql';

export { type CloudSqlEngine };
export const CLOUDSQL_ENGINES: readonly CloudSqlEngine[] = CLOUD_SQL_ENGINES;

export interface CapabilityChoice {
  /** The capability's key: NewServiceArgs.capabilities is keyed by it. */
  readonly key: string;
  /** The flag without `--` (`cloudsql`). */
  readonly flag: string;
  /** Shown in the interactive list. */
  readonly label: string;
  /** Shown in --help. */
  readonly help: string;
  /** What the flag's value chooses (Cloud SQL's engine); a capability without variants is a switch. */
  readonly variants?: { readonly name: string; readonly values: readonly string[] };
}

export const CAPABILITIES: readonly CapabilityChoice[] = capabilities().flatMap(({ key, newService }) =>
  newService
    ? [
        {
          key,
          flag: newService.flag.replace(/^--/, ''),
          label: newService.label,
          help: newService.help,
          variants: newService.value ? { name: newService.value.name, values: newService.value.choices } : undefined,
        },
      ]
    : [],
);
