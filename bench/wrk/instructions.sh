#!/usr/bin/env bash
# User-space instructions per request of the whole `vigil serve` process (every thread, the SQLite writer
# included) under callgrind: load-independent, unlike the wrk figures on a shared machine. The server runs under
# valgrind, wrk sends cache-miss or cache-hit traffic with 4 connections; counters are zeroed after a warm-up
# and dumped after the measured run; total instructions / requests answered in that run.
# usage: bench/wrk/instructions.sh miss|hit [VIGIL_BINARY=build/vigil] [SECONDS=15]
#        (from the repository root, after `make build`; needs valgrind and wrk)
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-miss}
bin=${2:-build/vigil}
dur=${3:-15}
data=${VIGIL_DATA_DIR:-../shared/data}
mkdir -p var
[ -s var/bench_urls.txt ] || python3 - "$data/url/phishstorm/urls.csv.gz" <<'PY'
import csv, gzip, sys
rows = list(csv.reader(gzip.open(sys.argv[1], "rt", newline="")))[1:]
with open("var/bench_urls.txt", "w") as mixed:
    for url, label in rows[::4]:
        print(url, file=mixed)
PY
case $mode in
  miss) lua=bench/wrk/check_cycle.lua; flags=(--cache-capacity 0) ;;
  hit) lua=bench/wrk/check_repeat.lua; flags=() ;;
  *) echo "usage: $0 miss|hit [binary] [seconds]" >&2; exit 2 ;;
esac
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
port=18777
valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$bin" serve --listen 127.0.0.1:$port \
  --db "$out/vigil.db" --threads 2 "${flags[@]}" >"$out/serve.log" 2>&1 &
vg=$!
for _ in $(seq 1 120); do curl -s -o /dev/null 127.0.0.1:$port/health && break; sleep 1; done
VIGIL_WRK_URLS=var/bench_urls.txt wrk -t1 -c4 -d3s -s $lua http://127.0.0.1:$port/ >/dev/null  # warm-up
callgrind_control -z $vg >/dev/null
result=$(VIGIL_WRK_URLS=var/bench_urls.txt wrk -t1 -c4 -d"${dur}s" -s $lua http://127.0.0.1:$port/ | grep RESULT)
callgrind_control -d $vg >/dev/null
kill $vg; wait $vg 2>/dev/null || true
dump=$(ls -t "$out"/cg.* | head -1)
requests=$(echo "$result" | sed 's/.*requests=\([0-9]*\).*/\1/')
total=$(callgrind_annotate "$dump" 2>/dev/null | grep -m1 'PROGRAM TOTALS' | awk '{gsub(",", "", $1); print $1}')
echo "$mode: $requests requests, $total instructions, $((total / requests)) per request"
