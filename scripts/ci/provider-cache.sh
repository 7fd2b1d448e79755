#!/usr/bin/env bash
# Sets up Terraform's provider plugin cache for the job (TF_PLUGIN_CACHE_DIR)
# and prints its cache key to $GITHUB_OUTPUT: the provider versions the
# allowlist pins (lib/ci/stack-allowlist.json; every stack CI plans uses
# exactly these), so a provider upgrade starts a new cache. The stacks have
# no lock file (never committed), and without one Terraform only uses the
# cache with TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE. The cache is
# written only by default-branch runs (GitHub scopes caches by branch); the
# pull request workflow runs no terraform.
set -euo pipefail
dir="$HOME/.terraform.d/plugin-cache"
mkdir -p "$dir"
{
  echo "TF_PLUGIN_CACHE_DIR=$dir"
  echo "TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE=true"
} >> "$GITHUB_ENV"
versions=$(jq -r '[.providers | to_entries[] | "\(.key)-\(.value.version)"] | join("-")' lib/ci/stack-allowlist.json)
echo "key=terraform-providers-$RUNNER_OS-$versions" >> "$GITHUB_OUTPUT"
