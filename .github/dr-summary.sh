#!/usr/bin/env bash
# Writes a drill's verdict as Markdown for a CI job summary: what the exit code means, then the report's facts.
#   .github/dr-summary.sh REPORT EXIT_CODE
set -uo pipefail
report="$1"
code="$2"
case "$code" in
  0) verdict="passed" ;;
  1) verdict="drill failure (a stage failed: the backup cannot be trusted or restored)" ;;
  2) verdict="invalid manifest or invocation" ;;
  3) verdict="policy violation (RPO or RTO over its limit)" ;;
  *) verdict="the drill could not be carried out (exit $code)" ;;
esac
echo "## DR drill: $verdict"
echo
if [ -f "$report" ]; then
  jq -r '
    "| | |", "|---|---|",
    "| status | \(.status) |",
    "| run id | \(.run_id) |",
    "| manifest | \(.manifest) |",
    "| failed stage | \(.failed_stage // "–") |",
    "| error | \((.error.message // "–") | gsub("\\|"; "\\\\|") | .[0:300]) |",
    "| RTO | \(.metrics.rto_seconds // "–") s (limit \(.notes.policy.max_rto_seconds // "none")) |",
    "| RPO | \(.metrics.rpo_minutes // "–") min (limit \(.notes.policy.max_rpo_minutes // "none")) |",
    "| backup | \(.notes.backup_sha256 // "–") |"' "$report"
else
  echo "No report was written ($report)."
fi
