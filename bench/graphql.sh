#!/usr/bin/env bash
# GraphQL on loopback: bondwatch and PostGraphile 4.14.1 over the same PostgreSQL
# tables, in the same run. Three queries: a project page, the 50-project list with
# nested allocations, bonds and latest progress, and the portfolio totals. wrk gives
# requests per second and p50/p99 latency; the server's statements per request come
# from its own statement log; its resident memory is sampled during the load.
#   bench/graphql.sh [PROJECTS] [SECONDS]      (default 10000 projects, 10 s a query)
# Needs: PostgreSQL at 127.0.0.1:5432 (user postgres), wrk, Node 20 with npm.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
secs=${2:-10}
conns=${CONNS:-8}
profile=${PROFILE:-release}
root=$(pwd)
if [ "$profile" = release ]; then cargo build --release --quiet --bin bondwatch; bin=$root/target/release/bondwatch
else cargo build --quiet --bin bondwatch; bin=$root/target/debug/bondwatch; fi
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

db="bondwatch_bench_gql_$n"
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null 2>&1
url="postgres://postgres@127.0.0.1:5432/$db"
export BONDWATCH_LOG=warn
"$bin" gen --database-url "$url" --projects "$n" --years 2 --seed 1 >/dev/null 2>&1
"$bin" sweep --database-url "$url" >/dev/null 2>&1
token=$("$bin" token create --database-url "$url" --username bench --role admin 2>/dev/null | tail -1)

# PostGraphile, installed once into bench/.postgraphile (not committed).
pg_dir=$root/bench/.postgraphile
if [ ! -x "$pg_dir/node_modules/.bin/postgraphile" ]; then
  mkdir -p "$pg_dir"
  (cd "$pg_dir" && echo '{"name": "bondwatch-bench-postgraphile", "private": true}' >package.json && npm install --no-audit --no-fund postgraphile@4.14.1 >/dev/null)
fi
psql -q -h 127.0.0.1 -U postgres -d "$db" -f bench/postgraphile.sql >/dev/null

"$bin" serve --database-url "$url" --no-scheduler --listen 127.0.0.1:18080 >"$work/bondwatch.log" 2>&1 &
bw=$!; pids+=("$bw")
"$pg_dir/node_modules/.bin/postgraphile" -c "$url" --schema public --host 127.0.0.1 --port 15000 \
  --disable-query-log --disable-graphiql >"$work/postgraphile.log" 2>&1 &
pgl=$!; pids+=("$pgl")
for _ in $(seq 1 120); do
  curl -sf -o /dev/null http://127.0.0.1:18080/healthz && curl -s -o /dev/null http://127.0.0.1:15000/graphql && break
  sleep 0.5
done

code=$(printf 'G-P%07d' $(( n / 2 )))  # gen numbers projects from G-P0000000
bw_queries=(
  "{ project(code: \"$code\") { code name status department { name } bondFunding received transferred disbursed spendRatePercent latestProgress { period plannedPercent actualPercent } allocations { amount bond { code couponRatePercent } } } }"
  "{ projects(first: 50) { nodes { code name status allocations { amount bond { code name } } latestProgress { period actualPercent } } } }"
  "{ portfolio { projects bondFunding received disbursed spendRatePercent openAlerts { severity count } } }"
)
pg_queries=(
  "{ projectByCode(code: \"$code\") { code name status departmentByDepartmentId { name } bondFunding received transferred disbursed latestProgress { period plannedPercent actualPercent } allocationsByProjectId { nodes { amount bondByBondId { code couponRatePercent } } } } }"
  "{ allProjects(first: 50, orderBy: CODE_ASC) { nodes { code name status allocationsByProjectId { nodes { amount bondByBondId { code name } } } latestProgress { period actualPercent } } } }"
  "{ portfolioTotals { projects bondFunding received disbursed openAlerts } }"
)
names=("project page" "50-project list" "portfolio totals")

body() { python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1]}))' "$1" >"$2"; }
check() { # one request: answers without errors, printed
  local out
  out=$(curl -s -H 'Content-Type: application/json' ${3:+-H "Authorization: Bearer $3"} --data @"$2" "$1")
  grep -q '"errors"' <<<"$out" && { echo "query failed at $1: $out" >&2; exit 1; }
  printf '%s' "$out"
}
same() { # bondwatch's answer, PostGraphile's, the query's index: the same projects and money, to the fen
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
from decimal import Decimal
bw, pg, i = json.loads(sys.argv[1])["data"], json.loads(sys.argv[2])["data"], int(sys.argv[3])
fen = lambda v: int(Decimal(str(v)) * 100)
if i == 0:
    b, p, keys = bw["project"], pg["projectByCode"], ["bondFunding", "received", "transferred", "disbursed"]
    bad = [(k, b[k], p[k]) for k in keys if fen(b[k]) != int(p[k])]
elif i == 1:
    codes = lambda nodes: [n["code"] for n in nodes]
    bad = [] if codes(bw["projects"]["nodes"]) == codes(pg["allProjects"]["nodes"]) else [("codes", "differ", "")]
else:
    b, p = bw["portfolio"], pg["portfolioTotals"]
    bad = [(k, b[k], p[k]) for k in ["bondFunding", "received", "disbursed"] if fen(b[k]) != int(p[k])]
    bad += [("projects", b["projects"], p["projects"])] if int(b["projects"]) != int(p["projects"]) else []
if bad:
    sys.exit(f"bondwatch and PostGraphile answer query {i} differently (field, bondwatch, PostGraphile): {bad}")
PY
}
load() { # url body token -> "rps p50 p99"
  wrk -t2 -c"$conns" -d"${secs}s" --latency -s bench/post.lua "$1" -- "$2" "${3:-}" >"$work/wrk.txt"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$work/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
  grep -q "Non-2xx" "$work/wrk.txt" && { echo "non-2xx answers under load:" >&2; cat "$work/wrk.txt" >&2; exit 1; }
  echo "$rps $p50 $p99"
}
rss_max=0
sample_rss() { while kill -0 "$bw" 2>/dev/null; do
  r=$(awk '/VmRSS/ {print $2}' /proc/"$bw"/status 2>/dev/null || echo 0); echo "$r"; sleep 0.2; done >"$work/rss.txt"; }
sample_rss & pids+=("$!")

echo "GraphQL on loopback, $n projects on PostgreSQL, $conns connections, ${secs} s a query ($profile build)"
printf '| query | bondwatch req/s | p50 | p99 | PostGraphile req/s | p50 | p99 | ratio (req/s) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n'
for i in 0 1 2; do
  body "${bw_queries[$i]}" "$work/bw$i.json"
  body "${pg_queries[$i]}" "$work/pg$i.json"
  same "$(check http://127.0.0.1:18080/graphql "$work/bw$i.json" "$token")" \
    "$(check http://127.0.0.1:15000/graphql "$work/pg$i.json" "")" "$i"
  read -r bw_rps bw_p50 bw_p99 <<<"$(load http://127.0.0.1:18080/graphql "$work/bw$i.json" "$token")"
  read -r pg_rps pg_p50 pg_p99 <<<"$(load http://127.0.0.1:15000/graphql "$work/pg$i.json" "")"
  ratio=$(awk -v a="$bw_rps" -v b="$pg_rps" 'BEGIN { printf "%.2f", a / b }')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "${names[$i]}" "$bw_rps" "$bw_p50" "$bw_p99" "$pg_rps" "$pg_p50" "$pg_p99" "$ratio"
done
rss=$(sort -n "$work/rss.txt" | tail -1)
echo
echo "bondwatch resident memory during the load: peak $(( rss / 1024 )) MB"

# Statements per request: a server that logs every statement, one request each.
kill "$bw"; wait "$bw" 2>/dev/null || true
BONDWATCH_LOG_SQL=1 BONDWATCH_LOG=warn,bondwatch::sql=info "$bin" serve --database-url "$url" --no-scheduler --listen 127.0.0.1:18081 >"$work/sql.log" 2>&1 &
logged=$!; pids+=("$logged")
for _ in $(seq 1 60); do curl -sf -o /dev/null http://127.0.0.1:18081/healthz && break; sleep 0.5; done
echo
printf '| query | SQL statements per request (the token remembered after the first) |\n|---|---:|\n'
for i in 0 1 2; do
  before=$(grep -c 'bondwatch::sql' "$work/sql.log" || true)
  check http://127.0.0.1:18081/graphql "$work/bw$i.json" "$token" >/dev/null
  sleep 0.3
  after=$(grep -c 'bondwatch::sql' "$work/sql.log" || true)
  printf '| %s | %s |\n' "${names[$i]}" $(( after - before ))
done
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
