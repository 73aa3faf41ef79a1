#!/usr/bin/env bash
# Side-by-side server throughput: trivial Beast ceiling, /api/v1/check cache-miss, cache-hit.
# usage: bench/wrk/run.sh [DURATION_S=10]    (from the repository root, after `make build`)
set -euo pipefail
cd "$(dirname "$0")/../.."
dur=${1:-10}
data=${VIGIL_DATA_DIR:-../shared/data}
mkdir -p var
# 20,000 real URLs (both classes) from the PhishStorm-style set.
python3 - "$data/url/phishstorm/urls.csv.gz" > var/bench_urls.txt <<'PY'
import csv, gzip, sys
rows = list(csv.reader(gzip.open(sys.argv[1], "rt", newline="")))[1:]
# every 4th row: both classes, 21k distinct URLs
for url, _ in rows[::4]:
    print(url)
PY

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

run_wrk() { # name url script
  local out
  out=$(wrk -t1 -c32 -d"${dur}s" --latency -s "$3" "$2" 2>&1 | grep RESULT)
  echo "$1 $out"
}

./build/bench/trivial_beast_server 18099 2 & pids+=($!)
./build/vigil serve --listen 127.0.0.1:18080 --db var/bench-miss.db --cache-capacity 0 >/dev/null & pids+=($!)
./build/vigil serve --listen 127.0.0.1:18081 --db var/bench-hit.db >/dev/null & pids+=($!)
sleep 2
run_wrk trivial_beast http://127.0.0.1:18099/ bench/wrk/trivial.lua
VIGIL_WRK_URLS=var/bench_urls.txt run_wrk check_cache_miss http://127.0.0.1:18080/ bench/wrk/check_cycle.lua
run_wrk check_cache_hit http://127.0.0.1:18081/ bench/wrk/check_repeat.lua
