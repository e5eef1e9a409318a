#!/usr/bin/env bash
# The sweep benchmark: generates a synthetic portfolio, then times a full alert
# sweep and reads its peak memory, on SQLite and on PostgreSQL.
#   bench/sweep.sh [PROJECTS ...]          (default: 1000 10000)
# Uses the release build; PostgreSQL at 127.0.0.1:5432 as user postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-1000 10000}")
[ $# -eq 0 ] && sizes=(1000 10000)
cargo build --release --quiet
bin=target/release/bondwatch
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '| projects | database | generate | first sweep | per 1,000 projects | second sweep | peak memory |\n|---:|---|---:|---:|---:|---:|---:|\n'
for n in "${sizes[@]}"; do
  for backend in sqlite postgres; do
    if [ "$backend" = sqlite ]; then
      url="sqlite://$work/bench-$n.db?mode=rwc"
    else
      db="bondwatch_bench_$n"
      psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
      url="postgres://postgres@127.0.0.1:5432/$db"
    fi
    gen=$(BONDWATCH_LOG=warn "$bin" --database-url "$url" gen --projects "$n" --seed 1 2>/dev/null)
    sweep=$(BONDWATCH_LOG=warn "$bin" --database-url "$url" sweep 2>/dev/null)
    again=$(BONDWATCH_LOG=warn "$bin" --database-url "$url" sweep 2>/dev/null)
    ms2=$(sed -n 's/.* in \([0-9]*\) ms.*/\1/p' <<<"$again")
    gen_s=$(sed -n 's/.* rows in \([0-9.]*\) s.*/\1/p' <<<"$gen")
    ms=$(sed -n 's/.* in \([0-9]*\) ms.*/\1/p' <<<"$sweep")
    mb=$(sed -n 's/.*peak memory \([0-9]*\) MB.*/\1/p' <<<"$sweep")
    per=$(awk -v ms="$ms" -v n="$n" 'BEGIN { printf "%.0f ms", ms * 1000 / n }')
    printf '| %s | %s | %s s | %s ms | %s | %s ms | %s MB |\n' "$n" "$backend" "$gen_s" "$ms" "$per" "$ms2" "$mb"
    [ "$backend" = postgres ] && psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  done
done
