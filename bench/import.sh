#!/usr/bin/env bash
# The import benchmark: a disbursement ledger of ROWS rows (default 100,000) over
# 1,000 generated projects, imported on SQLite and on PostgreSQL, then imported
# again (nothing to write). Prints time and peak memory of each run.
#   bench/import.sh [ROWS]
# Uses the release build (PROFILE=debug: the test build); PostgreSQL at 127.0.0.1:5432 as user postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
if [ "${PROFILE:-release}" = release ]; then dir=target/release; cargo build --release --quiet --bin bondwatch --example ledger_workbook
else dir=target/debug; cargo build --quiet --bin bondwatch --example ledger_workbook; fi
bin=$dir/bondwatch
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$dir/examples/ledger_workbook "$rows" 1000 "$work/ledger.xlsx" >/dev/null
size=$(du -k "$work/ledger.xlsx" | cut -f1)
echo "ledger: $rows rows, $size KB"
printf '| rows | database | import | rows/s | peak memory | import again | peak memory |\n|---:|---|---:|---:|---:|---:|---:|\n'
for backend in sqlite postgres; do
  if [ "$backend" = sqlite ]; then
    url="sqlite://$work/import.db?mode=rwc"
  else
    db="bondwatch_bench_import"
    psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
    url="postgres://postgres@127.0.0.1:5432/$db"
  fi
  BONDWATCH_LOG=warn "$bin" gen --database-url "$url" --projects 1000 --years 1 --seed 1 >/dev/null 2>&1
  first=$(BONDWATCH_LOG=warn "$bin" import --database-url "$url" "$work/ledger.xlsx" 2>/dev/null | tail -3 || true)
  again=$(BONDWATCH_LOG=warn "$bin" import --database-url "$url" "$work/ledger.xlsx" 2>/dev/null | tail -1 || true)
  # The last line: "…,12.3 秒,内存峰值 45 MB — 已写入".
  s1=$(sed -n 's/.*,\([0-9.]*\) 秒.*/\1/p' <<<"$first"); m1=$(sed -n 's/.*内存峰值 \([0-9]*\) MB.*/\1/p' <<<"$first")
  s2=$(sed -n 's/.*,\([0-9.]*\) 秒.*/\1/p' <<<"$again"); m2=$(sed -n 's/.*内存峰值 \([0-9]*\) MB.*/\1/p' <<<"$again")
  grep -q -- "— 已写入" <<<"$first" || { echo "import failed: $first" >&2; exit 1; }
  first=$(tail -1 <<<"$first")
  rate=$(awk -v r="$rows" -v s="$s1" 'BEGIN { printf "%.0f", r / s }')
  printf '| %s | %s | %s s | %s | %s MB | %s s | %s MB |\n' "$rows" "$backend" "$s1" "$rate" "$m1" "$s2" "$m2"
done
