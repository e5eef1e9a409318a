#!/usr/bin/env bash
# The dashboard's pages on the demo data, or on a generated portfolio of PROJECTS
# projects (after a sweep), logged in as the debt office, on SQLite and PostgreSQL:
# one cold request timed by curl, then wrk with one connection (one clerk) and with
# eight (an office), giving p50/p99 latency and requests per second. Targets: a
# project page in under 200 ms (#10); the portfolio, alerts and a project page at
# p99 under 200 ms for one clerk at 10,000 and 100,000 projects (#19).
#   bench/dashboard.sh [SECONDS] [PROJECTS]   (default 10 s a page and load, the demo)
# Needs: wrk; PostgreSQL at 127.0.0.1:5432 (user postgres) unless BACKENDS=sqlite.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
size=${2:-}
profile=${PROFILE:-release}
backends=${BACKENDS:-sqlite postgres}
if [ "$profile" = release ]; then cargo build --release --quiet --bin bondwatch; bin=target/release/bondwatch
else cargo build --quiet --bin bondwatch; bin=target/debug/bondwatch; fi
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
export BONDWATCH_LOG=warn
port=18090

load() { # url connections -> "rps p50 p99"
  wrk -t1 -c"$2" -d"${secs}s" --latency -H "Cookie: $cookie" "$1" >"$work/wrk.txt"
  grep -q "Non-2xx" "$work/wrk.txt" && { echo "non-2xx answers under load at $1:" >&2; cat "$work/wrk.txt" >&2; exit 1; }
  echo "$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$work/wrk.txt") $(awk '$1 == "50%" {print $2}' "$work/wrk.txt") $(awk '$1 == "99%" {print $2}' "$work/wrk.txt")"
}

data="the demo data"; [ -n "$size" ] && data="$size generated projects"
echo "Dashboard pages on $data, logged in as admin, ${secs} s a load ($profile build)"
printf '| backend | page | cold (curl) | 1 conn. req/s | p50 | p99 | 8 conn. req/s | p50 | p99 |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n'
for backend in $backends; do
  case $backend in
    sqlite) url="sqlite://$work/demo.db?mode=rwc" ;;
    postgres)
      psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS bondwatch_bench_dash WITH (FORCE)" -c "CREATE DATABASE bondwatch_bench_dash" >/dev/null 2>&1
      url="postgres://postgres@127.0.0.1:5432/bondwatch_bench_dash" ;;
  esac
  if [ -z "$size" ]; then
    "$bin" demo --database-url "$url" >/dev/null 2>&1
  else
    "$bin" gen --database-url "$url" --projects "$size" --seed 1 >/dev/null 2>&1
    echo bondwatch-demo | "$bin" user add --database-url "$url" --username admin --role admin >/dev/null 2>&1
  fi
  "$bin" sweep --database-url "$url" >/dev/null 2>&1
  port=$((port + 1))
  "$bin" serve --database-url "$url" --no-scheduler --listen 127.0.0.1:$port >"$work/serve.log" 2>&1 &
  server=$!; pids+=("$server")
  for _ in $(seq 1 120); do curl -sf -o /dev/null http://127.0.0.1:$port/healthz && break; sleep 0.5; done
  base=http://127.0.0.1:$port
  cookie=$(curl -s -o /dev/null -D - -H "Origin: $base" -d 'username=admin&password=bondwatch-demo&next=/' "$base/login" \
    | awk -F'[ ;]' 'tolower($1) == "set-cookie:" {print $2}')
  [ -n "$cookie" ] || { echo "cannot log in to the demo at $base" >&2; exit 1; }
  # The project with the most alerts: the heaviest project page of the demo.
  project=$(curl -s -H "Cookie: $cookie" "$base/alerts?status=ALL" | grep -o 'href="/projects/[A-Z]*-[A-Z0-9]*-*[0-9]*"' \
    | sort | uniq -c | sort -rn | head -1 | grep -o '/projects/[^"]*' | cut -d/ -f3)
  [ -n "$project" ] || { echo "no project with an alert at $base" >&2; exit 1; }
  search=${project%%-*}
  for page in "/" "/projects/$project" "/alerts" "/projects?q=$search"; do
    cold=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Cookie: $cookie" "$base$page")
    [ "${cold%% *}" = 200 ] || { echo "$page answered ${cold%% *}" >&2; exit 1; }
    cold_ms=$(awk -v t="${cold#* }" 'BEGIN { printf "%.1fms", t * 1000 }')
    read -r r1 p50_1 p99_1 <<<"$(load "$base$page" 1)"
    read -r r8 p50_8 p99_8 <<<"$(load "$base$page" 8)"
    printf '| %s | `%s` | %s | %s | %s | %s | %s | %s | %s |\n' "$backend" "$page" "$cold_ms" "$r1" "$p50_1" "$p99_1" "$r8" "$p50_8" "$p99_8"
  done
  kill "$server"; wait "$server" 2>/dev/null || true
  if [ "$backend" = postgres ]; then
    psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE bondwatch_bench_dash WITH (FORCE)" >/dev/null 2>&1 || true
  fi
done
