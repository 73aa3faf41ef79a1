#!/usr/bin/env bash
# `make bench`: every micro-benchmark, then the side-by-side wrk runs. Figures and how to read them:
# docs/benchmarks.md. Run on an otherwise idle machine; the server runs share its cores with wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=(--benchmark_repetitions=3 --benchmark_report_aggregates_only=true)
for b in features_benchmark ml_benchmark pipeline_benchmark cache_store_benchmark; do
  echo "== $b"
  "./build/bench/$b" "${reps[@]}"
done
echo "== wrk (bench/wrk/run.sh)"
bash bench/wrk/run.sh "${VIGIL_WRK_SECONDS:-10}"
