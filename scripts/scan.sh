#!/usr/bin/env bash
# npm run scan: synthesizes every stack, then scans cdktf.out/stacks/*/cdk.tf.json
# with checkov (terraform_json) and the committed .checkov.yaml. Prints the
# passed / failed / skipped counts and every failed check; exits non-zero on
# any failed check or parsing error.
#
# checkov is pinned and installed on first use into a virtualenv at
# $CHECKOV_VENV (default .venv/checkov, git-ignored); later runs reuse it.
# Environment: PYTHON (default python3, 3.9-3.12), CHECKOV_VENV, CDKTF_OUTDIR
# (default cdktf.out, as for synth), SCAN_SKIP_SYNTH=1 (scan the existing
# output as is).
set -euo pipefail

CHECKOV_VERSION=3.3.30
cd "$(dirname "$0")/.."
VENV="${CHECKOV_VENV:-.venv/checkov}"
CHECKOV="$VENV/bin/checkov"

if [ "$("$CHECKOV" --version 2>/dev/null || true)" != "$CHECKOV_VERSION" ]; then
  echo "scan: installing checkov $CHECKOV_VERSION into $VENV" >&2
  rm -rf "$VENV"
  "${PYTHON:-python3}" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi

if [ "${SCAN_SKIP_SYNTH:-}" != "1" ]; then
  npm run --silent synth
fi

# cdktf quirks, worked around on a copy (cdktf.out stays as synthesized):
#  - a string in the `terraform` block (cdktf writes `required_version` there
#    when a stack sets one) makes checkov 3.3 fail the whole file ("this method
#    receives only dicts"), so the block keeps only its objects (backend,
#    required_providers);
#  - the `//` blocks (construct paths, stack metadata) are not Terraform; they
#    are removed so checks and graph connections see only real attributes.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
node - "$work" "${CDKTF_OUTDIR:-cdktf.out}" <<'NODE'
const { readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const [out, outdir] = process.argv.slice(2);
const root = join(outdir, 'stacks');
const strip = (value) =>
  Array.isArray(value) ? value.map(strip)
  : value !== null && typeof value === 'object'
    ? Object.fromEntries(Object.entries(value).filter(([key]) => key !== '//').map(([key, v]) => [key, strip(v)]))
    : value;
const stacks = existsSync(root) ? readdirSync(root).filter((name) => existsSync(join(root, name, 'cdk.tf.json'))) : [];
if (stacks.length === 0) {
  console.error(`scan: no stacks in ${root}; run npm run synth first`);
  process.exit(1);
}
for (const stack of stacks) {
  const json = strip(JSON.parse(readFileSync(join(root, stack, 'cdk.tf.json'), 'utf8')));
  for (const [key, value] of Object.entries(json.terraform ?? {})) {
    if (value === null || typeof value !== 'object') delete json.terraform[key];
  }
  mkdirSync(join(out, stack));
  writeFileSync(join(out, stack, 'cdk.tf.json'), JSON.stringify(json, null, 2));
}
console.log(`scan: ${stacks.length} stacks (${stacks.join(', ')})`);
NODE

set +e
"$CHECKOV" --config-file .checkov.yaml --framework terraform_json -d "$work/" -o json >"$work/report.json" 2>"$work/stderr.log"
status=$?
set -e
if [ ! -s "$work/report.json" ]; then
  cat "$work/stderr.log" >&2
  echo "scan: checkov produced no report (exit $status)" >&2
  exit 2
fi

node - "$work/report.json" "$CHECKOV_VERSION" <<'NODE'
const { readFileSync } = require('node:fs');
const [file, version] = process.argv.slice(2);
const parsed = JSON.parse(readFileSync(file, 'utf8'));
// One report per framework; an empty scan is a summary object without results.
const reports = (Array.isArray(parsed) ? parsed : [parsed]).filter((r) => r.results);
if (reports.length === 0) {
  console.error('scan: checkov found nothing to scan');
  process.exit(2);
}
const sum = (key) => reports.reduce((n, r) => n + (r.summary[key] ?? 0), 0);
const failed = reports.flatMap((r) => r.results.failed_checks);
for (const check of failed) {
  console.log(`FAILED ${check.check_id} ${check.check_name}\n  ${check.resource} in ${check.file_path.replace(/^\//, '')}`);
}
const parsingErrors = sum('parsing_errors');
// Checks listed under skip-check are not evaluated at all (not counted as skipped).
const config = require('yaml').parse(readFileSync('.checkov.yaml', 'utf8')) ?? {};
const disabled = (config['skip-check'] ?? []).join(', ') || 'none';
console.log(`checkov ${version}: passed ${sum('passed')}, failed ${sum('failed')}, skipped ${sum('skipped')}, parsing errors ${parsingErrors}`);
console.log(`  not evaluated (skip-check in .checkov.yaml, reasons in docs/SECURITY.md): ${disabled}`);
process.exit(sum('failed') > 0 || parsingErrors > 0 ? 1 : 0);
NODE
