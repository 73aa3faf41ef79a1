#!/usr/bin/env bash
# UNSW-NB15 experiment: only the official *testing* set (82,332 records) is available, so we make
# our own split of it: rows with id % 10 in 0..6 (70 %) for `vigil train traffic` (which splits
# those again 80/20 into train/validation), rows with id % 10 in 7..9 (30 %) as the test part,
# used only for the figures in docs/models.md. Usage: scripts/traffic-unsw-experiment.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
SRC=${VIGIL_DATA_DIR:-../shared/data}/traffic/unsw-nb15/UNSW_NB15_testing-set.csv.gz
WORK=${WORK:-/tmp/vigil-traffic-unsw}
mkdir -p "$WORK"
zcat "$SRC" | awk -F, 'NR == 1 || ($1 % 10) < 7' >"$WORK/unsw-train.csv"
zcat "$SRC" | awk -F, 'NR == 1 || ($1 % 10) >= 7' >"$WORK/unsw-test.csv"
rm -rf "$WORK/model"
"$BUILD/vigil" train traffic --data "$WORK/unsw-train.csv" --format unsw-nb15 --out "$WORK/model" --keep-candidates \
  --name vigil-traffic-unsw | tee "$WORK/train.txt"
for m in gb rf svm nn; do
  echo "== UNSW-NB15 test part / $m"
  "$BUILD/vigil" eval traffic --model "$WORK/model/candidates/$m" --data "$WORK/unsw-test.csv" --format unsw-nb15
done | tee "$WORK/test.txt"
