#!/usr/bin/env bash
# Applies each stack of one apply job (SHARD: JSON list of matrix entries), one
# after the other, from the default branch's checkout; run by apply.yml's
# destroy, platform, clusters and services jobs as the applier. Per stack:
#   1. plan (waiting up to 60 minutes for another run's state lock: no
#      GitHub concurrency group, whose queue silently cancels pending jobs);
#   2. no changes: mark it applied and go on (nothing to review);
#   3. the reviewed digest: the trusted plan run's record for the merged pull
#      request head (push), or the digest typed in (workflow_dispatch);
#   4. the destroy guard;
#   5. skip it when a newer commit of main has already been applied to it;
#   6. apply the saved plan (it fails if the state moved since step 1);
#   7. write its marker (gs://<stateBucket>/applied/<stack>.json), or delete
#      it after a destroy. A stack that fails anywhere keeps its old marker,
#      so the next run of main selects it again.
# Environment: SHARD, MARKERS (gs://.../applied/), REVIEWED (digests.json
# path), PULL_REQUEST, HEAD_SHA, ALLOW_DESTROY, REVIEWED_DIGEST, GITHUB_*;
# the bundled CI tools in ci-tools/ (scripts/build-ci-tools.mjs, built by the detect job).
set -uo pipefail

tool() { node "ci-tools/$1.js" "${@:2}"; }

apply_stack() {
  local code
  (cd "$CONFIG_DIR" && terraform init -input=false) || return 1
  (cd "$CONFIG_DIR" && terraform plan -input=false -lock-timeout=60m $DESTROY_FLAG -detailed-exitcode -out=tfplan)
  code=$?
  if [ "$code" -eq 0 ]; then
    echo "$STACK: no changes"
    mark_applied || return 1
    return 0
  fi
  [ "$code" -eq 2 ] || return 1
  (cd "$CONFIG_DIR" && terraform show -json tfplan > plan.json) || return 1
  tool plan-comment --stack "$STACK" "$CONFIG_DIR/plan.json" >> "$GITHUB_STEP_SUMMARY" || return 1
  # Only the reviewed plan is applied: the trusted plan run's record, never comment text.
  if [ "$GITHUB_EVENT_NAME" = workflow_dispatch ]; then
    tool plan-comment --stack "$STACK" "$CONFIG_DIR/plan.json" --verify-digest "$REVIEWED_DIGEST" || return 1
  else
    tool plan-comment --stack "$STACK" "$CONFIG_DIR/plan.json" \
      --verify-record "$REVIEWED" --pull-request "$PULL_REQUEST" --head-sha "$HEAD_SHA" || return 1
  fi
  if [ "$ALLOW_DESTROY" = true ]; then
    tool destroy-guard "$CONFIG_DIR/plan.json" --allow-destroy || return 1
  else
    tool destroy-guard "$CONFIG_DIR/plan.json" || return 1
  fi
  if newer_commit_applied; then return 0; fi
  # A saved plan applies exactly what was planned, or fails if the state moved.
  (cd "$CONFIG_DIR" && terraform apply -input=false -lock-timeout=60m tfplan) || return 1
  mark_applied
}

# The commit of main whose configuration this stack's marker records, if any.
marked_commit() {
  gcloud storage cat "${MARKERS}${STACK}.json" 2> /dev/null | jq -r '.commit // empty' | grep -E '^[0-9a-f]{40}$'
}

# An older run must not apply older code over a newer commit's apply.
newer_commit_applied() {
  local marked
  marked=$(marked_commit) || return 1
  if [ "$marked" != "$GITHUB_SHA" ] && git merge-base --is-ancestor "$GITHUB_SHA" "$marked"; then
    echo "::notice::$STACK: commit $marked, newer than this run's $GITHUB_SHA, is already applied; skipping."
    return 0
  fi
  return 1
}

mark_applied() {
  if [ "$DESTROY_FLAG" = -destroy ]; then
    gcloud storage rm "${MARKERS}${STACK}.json" 2> /dev/null || true
    return 0
  fi
  tool apply-marker write --stack "$STACK" --config "$CONFIG_DIR/cdk.tf.json" --commit "$GITHUB_SHA" --run-id "$GITHUB_RUN_ID" > "$RUNNER_TEMP/marker.json" &&
    gcloud storage cp "$RUNNER_TEMP/marker.json" "${MARKERS}${STACK}.json"
}

failed=()
while IFS=$'\t' read -r STACK REMOVED; do
  CONFIG_DIR="cdktf.out/stacks/$STACK"
  DESTROY_FLAG=""
  if [ "$REMOVED" = true ]; then CONFIG_DIR="base-out/stacks/$STACK"; DESTROY_FLAG="-destroy"; fi
  echo "::group::$STACK"
  apply_stack || failed+=("$STACK")
  echo "::endgroup::"
done < <(jq -r '.[] | [.stack, .removed] | @tsv' <<< "$SHARD")
if [ "${#failed[@]}" -gt 0 ]; then
  echo "::error::Not applied: ${failed[*]} (see each stack's group in the log and the summary). The next run of main selects them again; to retry now: gh workflow run apply.yml -f stack=<stack> -f digest=<digest from the summary>"
  exit 1
fi
