#!/usr/bin/env bash
# The report benchmark: one evaluation report (PDF and HTML) of the demo, then the
# batch — every project evaluated, stored and typeset as PDF — for N generated
# projects (default 1,000), on SQLite. Prints wall time and peak memory.
#   bench/reports.sh [PROJECTS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
if [ "${PROFILE:-release}" = release ]; then cargo build --release --quiet --bin bondwatch; bin=target/release/bondwatch
else cargo build --quiet --bin bondwatch; bin=target/debug/bondwatch; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
timed() { /usr/bin/time -f '%e s, peak memory %M KB' "$@" 2>&1 >/dev/null | tail -1; }
demo="sqlite://$work/demo.db?mode=rwc"
BONDWATCH_LOG=warn "$bin" demo --database-url "$demo" >/dev/null 2>&1
year=$(( $(date +%Y) - 1 ))
echo "one report (demo, HY-JT-01, $year):"
echo "  pdf:  $(BONDWATCH_LOG=warn timed "$bin" report evaluation --database-url "$demo" --project HY-JT-01 --year "$year" --out "$work/one.pdf")"
echo "  html: $(BONDWATCH_LOG=warn timed "$bin" report evaluation --database-url "$demo" --project HY-JT-01 --year "$year" --format html --out "$work/one.html")"
url="sqlite://$work/gen.db?mode=rwc"
BONDWATCH_LOG=warn "$bin" gen --database-url "$url" --projects "$n" --years 2 --seed 1 >/dev/null 2>&1
echo "batch of $n generated projects ($year, PDF): $(BONDWATCH_LOG=warn timed "$bin" report evaluation --database-url "$url" --year "$year" --out "$work/batch")"
echo "  $(ls "$work/batch" | grep -c pdf) PDFs, $(du -sh "$work/batch" | cut -f1)"
