#!/usr/bin/env bash
# The sweep benchmark: generates a synthetic portfolio, then times a full alert
# sweep and reads its peak memory, on SQLite and on PostgreSQL; beside it the floor
# (bench/floor.sql: the per-project figures the rules read, by SQL aggregates alone)
# and a sweep after 1% of the projects changed.
#   bench/sweep.sh [PROJECTS ...]          (default: 1000 10000)
#   BACKENDS=postgres bench/sweep.sh 100000   (one backend only)
# Uses the release build (PROFILE=debug: the test build, for the CI smoke run);
# PostgreSQL at 127.0.0.1:5432 as user postgres; sqlite3 for the SQLite floor.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-1000 10000}")
[ $# -eq 0 ] && sizes=(1000 10000)
if [ "${PROFILE:-release}" = release ]; then cargo build --release --quiet --bin bondwatch; bin=target/release/bondwatch
else cargo build --quiet --bin bondwatch; bin=target/debug/bondwatch; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '| projects | database | generate | first sweep | per 1,000 projects | second sweep | SQL floor | sweep ÷ floor | after 1%% changed | peak memory |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for n in "${sizes[@]}"; do
  for backend in ${BACKENDS:-sqlite postgres}; do
    if [ "$backend" = sqlite ]; then
      url="sqlite://$work/bench-$n.db?mode=rwc"
      sql=(sqlite3 "$work/bench-$n.db")
    else
      db="bondwatch_bench_$n"
      psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
      url="postgres://postgres@127.0.0.1:5432/$db"
      sql=(psql -q -h 127.0.0.1 -U postgres -d "$db")
    fi
    gen=$(BONDWATCH_LOG=warn "$bin" gen --database-url "$url" --projects "$n" --seed 1 2>/dev/null)
    sweep=$(BONDWATCH_LOG=warn "$bin" sweep --database-url "$url" 2>/dev/null)
    again=$(BONDWATCH_LOG=warn "$bin" sweep --database-url "$url" 2>/dev/null)
    ms2=$(sed -n 's/.* in \([0-9]*\) ms.*/\1/p' <<<"$again")
    # The floor: best of three runs of the aggregate queries, rows sent to the client.
    floor_ms=$(for _ in 1 2 3; do
      t0=$(date +%s%N); "${sql[@]}" <bench/floor.sql >/dev/null; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 ))
    done | sort -n | head -1)
    # 1% of the projects change (a new estimate), then the sweep runs again.
    "${sql[@]}" <<<"UPDATE projects SET current_estimate = current_estimate + 100, version = version + 1 WHERE id % 100 = 0;" >/dev/null
    changed=$(BONDWATCH_LOG=warn "$bin" sweep --database-url "$url" 2>/dev/null)
    ms3=$(sed -n 's/.* in \([0-9]*\) ms.*/\1/p' <<<"$changed")
    ratio=$(awk -v a="$ms2" -v b="$floor_ms" 'BEGIN { printf "%.1f×", a / (b > 0 ? b : 1) }')
    gen_s=$(sed -n 's/.* rows in \([0-9.]*\) s.*/\1/p' <<<"$gen")
    ms=$(sed -n 's/.* in \([0-9]*\) ms.*/\1/p' <<<"$sweep")
    mb=$(sed -n 's/.*peak memory \([0-9]*\) MB.*/\1/p' <<<"$sweep")
    per=$(awk -v ms="$ms" -v n="$n" 'BEGIN { printf "%.0f ms", ms * 1000 / n }')
    printf '| %s | %s | %s s | %s ms | %s | %s ms | %s ms | %s | %s ms | %s MB |\n' "$n" "$backend" "$gen_s" "$ms" "$per" "$ms2" "$floor_ms" "$ratio" "$ms3" "$mb"
    [ "$backend" = postgres ] && psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  done
done
