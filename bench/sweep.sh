#!/usr/bin/env bash
# The sweep benchmark: generates a synthetic portfolio, then times a full alert
# sweep and reads its peak memory, on SQLite and on PostgreSQL; beside it the floor
# (bench/floor.sql: the per-project figures the rules read, by SQL aggregates alone),
# the daily (incremental) sweep after 1% of the projects changed, and the share of
# projects whose next date comes tomorrow (what tomorrow's sweep evaluates besides
# the changed ones).
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
# The floor's money for the first 100 projects equals bondwatch's Query.figures, to the fen.
check_floor() { # URL DATE VALUE-COMMAND...
  local url=$1 day=$2; shift 2
  local token; token=$(BONDWATCH_LOG=warn "$bin" token create --database-url "$url" --username floor --role admin 2>/dev/null | tail -1)
  BONDWATCH_LOG=warn "$bin" serve --database-url "$url" --no-scheduler --listen 127.0.0.1:18090 >"$work/serve.log" 2>&1 &
  local server=$!
  for _ in $(seq 1 120); do curl -sf -o /dev/null http://127.0.0.1:18090/healthz && break; sleep 0.5; done
  local query="{ figures(asOf: \"$day\", first: 100) { nodes { project { code } bondFunding received transferred paid } } }"
  curl -s -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
    --data "$(python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1]}))' "$query")" \
    http://127.0.0.1:18090/graphql >"$work/figures.json"
  kill "$server"; wait "$server" 2>/dev/null || true
  "$@" <<<"$(sed 's/ORDER BY p.id;/ORDER BY p.code LIMIT 100;/' "$work/floor.sql")" | cut -d'|' -f2-6 >"$work/floor.txt"
  python3 - "$work/figures.json" "$work/floor.txt" <<'PY'
import json, sys
from decimal import Decimal
nodes = json.load(open(sys.argv[1]))["data"]["figures"]["nodes"]
fen = lambda v: int(Decimal(str(v)) * 100)
ours = {n["project"]["code"]: [fen(n[k]) for k in ("bondFunding", "received", "transferred", "paid")] for n in nodes}
floor = {}
for line in open(sys.argv[2]):
    code, *money = line.strip().split("|")
    floor[code] = [int(m) for m in money]
bad = [(c, ours[c], floor.get(c)) for c in ours if floor.get(c) != ours[c]]
if not ours or bad:
    sys.exit(f"the floor is not bondwatch's figures (code, bondwatch, floor): {bad[:5] or 'no figures'}")
PY
}

printf '| projects | database | generate | first sweep | per 1,000 projects | second sweep | SQL floor | sweep ÷ floor | after 1%% changed | ÷ full | due tomorrow | peak memory |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for n in "${sizes[@]}"; do
  for backend in ${BACKENDS:-sqlite postgres}; do
    if [ "$backend" = sqlite ]; then
      url="sqlite://$work/bench-$n.db?mode=rwc"
      sql=(sqlite3 "$work/bench-$n.db")
      value=(sqlite3 "$work/bench-$n.db")
    else
      db="bondwatch_bench_$n"
      psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
      url="postgres://postgres@127.0.0.1:5432/$db"
      sql=(psql -q -h 127.0.0.1 -U postgres -d "$db")
      value=(psql -q -At -h 127.0.0.1 -U postgres -d "$db")
    fi
    gen=$(BONDWATCH_LOG=warn "$bin" gen --database-url "$url" --projects "$n" --seed 1 2>/dev/null)
    sweep=$(BONDWATCH_LOG=warn "$bin" sweep --full --database-url "$url" 2>/dev/null)
    again=$(BONDWATCH_LOG=warn "$bin" sweep --full --database-url "$url" 2>/dev/null)
    ms2=$(sed -n 's/.* in \([0-9]*\) ms.*/\1/p' <<<"$again")
    # The floor as of today in Shanghai, the sweep's date: first checked against
    # Query.figures on the first 100 projects (the same money to the fen), then timed,
    # best of three runs, rows sent to the client.
    today=$(TZ=Asia/Shanghai date +%F)
    sed "s/:as_of/'$today'/g" bench/floor.sql >"$work/floor.sql"
    check_floor "$url" "$today" "${value[@]}"
    floor_ms=$(for _ in 1 2 3; do
      t0=$(date +%s%N); "${sql[@]}" <"$work/floor.sql" >/dev/null; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 ))
    done | sort -n | head -1)
    # 1% of the projects change (a new estimate, counted in their marks as the app's
    # writes count it), then the daily sweep runs again: only those are evaluated.
    "${sql[@]}" <<<"UPDATE projects SET current_estimate = current_estimate + 100, version = version + 1 WHERE id % 100 = 0;
      UPDATE project_marks SET changes = changes + 1 WHERE project_id % 100 = 0;" >/dev/null
    changed=$(BONDWATCH_LOG=warn "$bin" sweep --database-url "$url" 2>/dev/null)
    ms3=$(sed -n 's/.* in \([0-9]*\) ms.*/\1/p' <<<"$changed")
    share=$(awk -v a="$ms3" -v b="$ms2" 'BEGIN { printf "%.1f%%", 100 * a / (b > 0 ? b : 1) }')
    tomorrow=$(TZ=Asia/Shanghai date -d tomorrow +%F)
    due=$("${value[@]}" <<<"SELECT count(*) FROM project_marks WHERE next_due <= '$tomorrow';")
    due_share=$(awk -v a="$due" -v n="$n" 'BEGIN { printf "%.1f%%", 100 * a / n }')
    ratio=$(awk -v a="$ms2" -v b="$floor_ms" 'BEGIN { printf "%.1f×", a / (b > 0 ? b : 1) }')
    gen_s=$(sed -n 's/.* rows in \([0-9.]*\) s.*/\1/p' <<<"$gen")
    ms=$(sed -n 's/.* in \([0-9]*\) ms.*/\1/p' <<<"$sweep")
    mb=$(sed -n 's/.*peak memory \([0-9]*\) MB.*/\1/p' <<<"$sweep")
    per=$(awk -v ms="$ms" -v n="$n" 'BEGIN { printf "%.0f ms", ms * 1000 / n }')
    printf '| %s | %s | %s s | %s ms | %s | %s ms | %s ms | %s | %s ms | %s | %s | %s MB |\n' "$n" "$backend" "$gen_s" "$ms" "$per" "$ms2" "$floor_ms" "$ratio" "$ms3" "$share" "$due_share" "$mb"
    [ "$backend" = postgres ] && psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  done
done
