#!/usr/bin/env bash
# Synthesizes every stack file (Pulumi.<stack>.yaml) on the base branch and on this branch, offline
# under mocks, and prints a Markdown report for the pull request: what each stack's change adds,
# removes and modifies, and the policy guard's verdict. A change that touches the failover machinery
# (infra/policy/failover-machinery.ts) is announced first, with a hidden marker the workflow turns
# into the `failover-machinery` label, which needs two approvals.
#
#   .github/scripts/synth-report.sh <base checkout> > report.md
#
# Exit status: 0 when every stack synthesizes and passes the guard, 1 otherwise (the report says why).
set -uo pipefail

base_dir=${1:?usage: synth-report.sh <base checkout directory>}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# GitHub rejects comments over 65,536 characters; keep each stack's section well under that.
max_chars=20000
status=0
machinery=()

echo '<!-- fcp-infra-synth -->'
echo '## Infrastructure synth (offline, no credentials)'
echo

shopt -s nullglob
stack_files=(Pulumi.*.yaml)
if [ ${#stack_files[@]} -eq 0 ]; then
  echo 'No stack files (`Pulumi.<stack>.yaml`) in this branch.'
  exit 0
fi

# Each stack's section is written to the body first, so the machinery notice can lead the report.
body="$work/body.md"
for stack_file in "${stack_files[@]}"; do
  base_json="$work/${stack_file}.base.json"
  base_note=''
  if [ -f "$base_dir/$stack_file" ] && (cd "$base_dir" && npm run -s infra:synth -- --stack "$stack_file" --json) >"$base_json" 2>"$work/base.err"; then
    :
  else
    # A new stack, or a base that cannot be synthesized: every resource shows as added.
    echo '{"resources":[]}' >"$base_json"
    base_note='(no synthesizable base for this stack: every resource is shown as added)'
  fi

  npm run -s infra:synth -- --stack "$stack_file" --diff "$base_json" >"$work/diff.txt" 2>"$work/guard.txt"
  code=$?
  case $code in
    0) verdict='policy guard passed' ;;
    1) verdict='**policy guard failed**'; status=1 ;;
    *) verdict='**synth failed**'; status=1 ;;
  esac

  grep -q '^failover machinery:' "$work/diff.txt" && machinery+=("$stack_file")

  {
    echo "### \`$stack_file\`: $verdict"
    [ -n "$base_note" ] && echo "$base_note"
    echo
    echo '```diff'
    head -c "$max_chars" "$work/diff.txt"
    echo '```'
    echo
    echo '```'
    head -c "$max_chars" "$work/guard.txt"
    echo '```'
    echo
  } >>"$body"
done

if [ ${#machinery[@]} -gt 0 ]; then
  echo '<!-- fcp-failover-machinery -->'
  echo "> **Second reviewer required.** This change touches the failover machinery (global database, routing"
  echo "> controls, health checks, state table, controller IAM or audit checkpoints) in: ${machinery[*]}."
  echo '> A change there can break the path that would recover from it: two people approve it.'
  echo
fi
cat "$body"

exit $status
