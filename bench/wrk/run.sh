#!/usr/bin/env bash
# Side-by-side server throughput on this machine (wrk -t1 -c32, loopback):
#   trivial_*           the ceiling: a keep-alive Beast server returning a fixed JSON body, sent the
#                       same requests as the run it is compared with
#   miss_mixed          /api/v1/check cycling 21k PhishStorm-style URLs (half phishing), cache off,
#                       default explanations (background: path attribution in every answer; without a
#                       cache there is nowhere to keep exact values, so no background work either)
#   miss_mixed_flagged  the same with --explanations flagged (exact TreeSHAP for flagged verdicts on the
#                       request path, the default before)
#   miss_legit          cycling only the legitimate URLs of that set (mostly benign verdicts), cache off
#   hit                 one URL repeated (cache hit)
#   trivial_coalesced_cycle  the trivial server answering after the handlers already queued, as vigil
#                       serve does (for comparison; the ceiling is the plain trivial server)
# usage: bench/wrk/run.sh [DURATION_S=10]    (from the repository root, after `make build`)
set -euo pipefail
cd "$(dirname "$0")/../.."
dur=${1:-10}
data=${VIGIL_DATA_DIR:-../shared/data}
mkdir -p var
python3 - "$data/url/phishstorm/urls.csv.gz" <<'PY'
import csv, gzip, sys
rows = list(csv.reader(gzip.open(sys.argv[1], "rt", newline="")))[1:]
with open("var/bench_urls.txt", "w") as mixed, open("var/bench_urls_legit.txt", "w") as legit:
    for url, label in rows[::4]:   # every 4th row: both classes, 21k distinct URLs
        print(url, file=mixed)
    for url, label in rows:
        if label == "0":
            print(url, file=legit)
PY

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

run_wrk() { # name port script [url list]
  local out
  out=$(VIGIL_WRK_URLS=${4:-} wrk -t1 -c32 -d"${dur}s" --latency -s "$3" "http://127.0.0.1:$2/" 2>&1 | grep RESULT)
  echo "$1 $out"
}
serve() { # port flags...
  local port=$1; shift
  rm -f "var/bench-$port.db"*
  ./build/vigil serve --listen "127.0.0.1:$port" --db "var/bench-$port.db" "$@" >/dev/null 2>&1 &
  pids+=($!)
}

./build/bench/trivial_beast_server 18099 2 & pids+=($!)
./build/bench/trivial_beast_server 18098 2 coalesce & pids+=($!)
serve 18080 --cache-capacity 0
serve 18081 --cache-capacity 0 --explanations flagged
serve 18082
sleep 3
# The ceiling gets the very same requests (the trivial server ignores the body).
run_wrk trivial_cycle 18099 bench/wrk/check_cycle.lua var/bench_urls.txt
run_wrk miss_mixed 18080 bench/wrk/check_cycle.lua var/bench_urls.txt
run_wrk miss_mixed_flagged 18081 bench/wrk/check_cycle.lua var/bench_urls.txt
run_wrk miss_legit 18080 bench/wrk/check_cycle.lua var/bench_urls_legit.txt
run_wrk trivial_repeat 18099 bench/wrk/check_repeat.lua
run_wrk hit 18082 bench/wrk/check_repeat.lua
run_wrk trivial_cycle_again 18099 bench/wrk/check_cycle.lua var/bench_urls.txt
run_wrk trivial_coalesced_cycle 18098 bench/wrk/check_cycle.lua var/bench_urls.txt
