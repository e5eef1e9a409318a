#!/usr/bin/env bash
# The whole suite in one command: every benchmark, on SQLite and PostgreSQL, its
# tables written at the end of BENCHMARKS.md (below the marker line), with the date
# and the command of each.
#   bench/run.sh                  1,000 and 10,000 projects (about 20 minutes)
#   PROVINCIAL=1 bench/run.sh     and the 100,000-project sweep on PostgreSQL (about 25 more)
#   SMALL=1 PROFILE=debug OUT=FILE bench/run.sh   the smallest sizes in the test build (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-BENCHMARKS.md}
marker='<!-- bench/run.sh writes below this line -->'
if [ -n "${SMALL:-}" ]; then
  sweep=(100) gql=(100 2) rows=1000 reports=20 dashboard=1 dashboard_size=
else
  sweep=(1000 10000) gql=(10000 10) rows=100000 reports=1000 dashboard=10 dashboard_size=10000
fi
run() { # command…: prints the command, then its tables
  printf '\n`%s`\n\n' "$*"
  "$@" 2>/dev/null | grep -E '^\||^[a-z0-9 ]+.*(memory|PDFs|report|pdf:|html:)' || { echo "FAILED: $*" >&2; exit 1; }
}
tables=$(mktemp)
trap 'rm -f "$tables"' EXIT
{
  printf '\n## Latest run of bench/run.sh: %s, %s cores, %s build\n' "$(date -u +%Y-%m-%d)" "$(nproc)" "${PROFILE:-release}"
  run bench/sweep.sh "${sweep[@]}"
  [ -n "${PROVINCIAL:-}" ] && BACKENDS=postgres run bench/sweep.sh 100000
  run bench/graphql.sh "${gql[@]}"
  run bench/import.sh "$rows"
  run bench/reports.sh "$reports"
  run bench/dashboard.sh "$dashboard"
  # Not in the smoke run: the generated portfolio's pages do not yet answer in time (BENCHMARKS.md).
  if [ -n "$dashboard_size" ]; then BACKENDS=postgres run bench/dashboard.sh "$dashboard" "$dashboard_size"; fi
  if [ -n "${PROVINCIAL:-}" ]; then BACKENDS=postgres run bench/dashboard.sh "$dashboard" 100000; fi
} >"$tables"
[ -f "$out" ] && grep -qF "$marker" "$out" || printf '%s\n' "$marker" >>"$out"
sed -i "\|$marker|q" "$out"
cat "$tables" >>"$out"
echo "bench/run.sh: tables written to $out"
