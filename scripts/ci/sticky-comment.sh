#!/usr/bin/env bash
# usage: scripts/ci/sticky-comment.sh <pull request number> <file>
# Posts <file> as the pull request's one plan comment, or updates that comment
# in place: it is the bot's comment whose first line is <file>'s first line
# (the hidden marker, SUMMARY_MARKER in lib/ci/pr-summary.ts). The filter is
# constant; the marker is compared outside jq. Environment: GH_TOKEN, REPO.
set -euo pipefail
pr=$1
file=$2
if ! [[ "$pr" =~ ^[0-9]+$ ]]; then echo "::error::sticky-comment: pull request number expected, got '$pr'"; exit 2; fi
marker=$(head -n 1 "$file")
id=$(gh api --paginate "repos/$REPO/issues/$pr/comments" \
  --jq '.[] | select(.user.login == "github-actions[bot]") | [.id, (.body | split("\n")[0])] | @tsv' |
  awk -F '\t' -v marker="$marker" '$2 == marker && !found { print $1; found = 1 }')
if [ -n "$id" ]; then
  gh api --method PATCH "repos/$REPO/issues/comments/$id" -F "body=@$file" > /dev/null
  echo "updated comment $id on pull request #$pr"
else
  gh api --method POST "repos/$REPO/issues/$pr/comments" -F "body=@$file" > /dev/null
  echo "posted the plan comment on pull request #$pr"
fi
