// Writes a synthetic catalog of `count` services for the benchmark: the real
// platform.yaml plus a realistic mix of services (every one gets IAM, a
// namespace and a log sink; about a third Cloud SQL, a sixth Spanner, some on
// highmem). Deterministic, so runs compare.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `svc-0042`: short enough for `acme-svc-0042-prod` project ids. */
export function syntheticServiceName(index) {
  return `svc-${String(index).padStart(4, '0')}`;
}

export function syntheticServiceYaml(index) {
  const lines = [`team: team-${index % 40}`, `ownerGroup: team-${index % 40}@example.com`];
  if (index % 7 === 3) lines.push('nodePool: highmem');
  if (index % 2 === 0) lines.push('apis:', '  - pubsub.googleapis.com', '  - secretmanager.googleapis.com');
  if (index % 4 === 1) lines.push('teamRoles:', '  - roles/pubsub.editor');
  const cloudsql = index % 3 === 1;
  const spanner = index % 6 === 5;
  if (cloudsql || spanner) lines.push('databases:');
  if (cloudsql) {
    const engine = index % 2 === 0 ? 'mysql' : 'postgres';
    lines.push('  cloudsql:', `    engine: ${engine}`, '    tier: db-custom-2-7680', '    databases:', '      - main', '      - audit');
  }
  if (spanner) lines.push('  spanner:', '    processingUnits: 200', '    databases:', '      - features');
  lines.push('logs:', `  retentionDays: ${30 + (index % 60)}`);
  if (cloudsql) lines.push('environments:', '  development:', '    databases:', '      cloudsql:', '        tier: db-g1-small', '  production: {}');
  return `${lines.join('\n')}\n`;
}

/** Creates `root`/platform.yaml (copied from `platformFile`) and `root`/services/. */
export function writeSyntheticCatalog(root, count, platformFile) {
  mkdirSync(join(root, 'services'), { recursive: true });
  copyFileSync(platformFile, join(root, 'platform.yaml'));
  for (let i = 0; i < count; i++) {
    writeFileSync(join(root, 'services', `${syntheticServiceName(i)}.yaml`), syntheticServiceYaml(i));
  }
}
