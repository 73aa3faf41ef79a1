#!/usr/bin/env bash
# Command-line contract of `vigil train traffic` / `vigil eval traffic` on a small NSL-KDD sample
# (every 10th row of the official 20 % file, via $VIGIL_DATA_DIR or ../shared/data): exit codes,
# artifact files, the --json metrics fields, the database rows, and load errors.
# Usage: cli_train_eval_test.sh VIGIL SOURCE_DIR
set -euo pipefail
VIGIL="$1"
SRC="$2"
DATA="${VIGIL_DATA_DIR:-$SRC/../shared/data}/traffic/nsl-kdd/KDDTrain+_20Percent.txt.gz"
FIX="$SRC/tests/data/traffic"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
check() {  # check NAME COMMAND...
  if "${@:2}"; then passed=$((passed + 1)); else echo "FAILED: $1"; failed=$((failed + 1)); fi
}
zcat "$DATA" | awk 'NR % 10 == 1' >"$TMP/sample.txt"

# Usage errors exit 2; --help documents the options.
set +e
"$VIGIL" train traffic --data "$TMP/sample.txt" >/dev/null 2>&1; rc1=$?
"$VIGIL" train traffic --data "$TMP/sample.txt" --format kdd --out "$TMP/x" >/dev/null 2>&1; rc2=$?
"$VIGIL" train traffic --data "$TMP/sample.txt" --format csv --out "$TMP/x" >/dev/null 2>&1; rc3=$?
"$VIGIL" eval traffic --bogus >/dev/null 2>&1; rc4=$?
"$VIGIL" train traffic --data "$TMP/sample.txt" --format nsl-kdd --out "$TMP/x" --max-fpr 2 >/dev/null 2>&1; rc5=$?
"$VIGIL" train traffic --data "$TMP/sample.txt" --format nsl-kdd --out "$TMP/x" --models gb,knn >/dev/null 2>&1; rc6=$?
set -e
check "usage errors exit 2" test "$rc1" -eq 2 -a "$rc2" -eq 2 -a "$rc3" -eq 2 -a "$rc4" -eq 2 -a "$rc5" -eq 2
check "unknown learner fails" test "$rc6" -eq 1
check "train --help" bash -c "'$VIGIL' train traffic --help | grep -q -- '--threshold-rule'"
check "eval --help" bash -c "'$VIGIL' eval traffic --help | grep -q -- '--json'"

# Train all four learners quickly (non-tty stderr: plain progress lines), with the database.
"$VIGIL" train traffic --data "$TMP/sample.txt" --format nsl-kdd --out "$TMP/model" --keep-candidates \
  --gb-rounds 20 --rf-trees 10 --nn-epochs 2 --version cli-test --db "$TMP/vigil.db" >"$TMP/train.out" 2>"$TMP/train.err"
for f in metadata.json report/report.md report/report.html report/confusion.svg report/roc-gb.svg report/roc-nn.svg \
         candidates/gb/binary.json candidates/rf/family-0.json candidates/svm/linear.json candidates/nn/mlp.json; do
  check "artifact has $f" test -s "$TMP/model/$f"
done
check "train prints the comparison" grep -q "selected" "$TMP/train.out"
check "progress lines without a terminal" grep -q "gb binary 1/20" "$TMP/train.err"
check "no carriage returns without a terminal" bash -c "! grep -q $'\r' '$TMP/train.err'"
check "metadata names the format" grep -q '"format":"vigil-traffic-model"' "$TMP/model/metadata.json"
check "database rows" python3 - "$TMP/vigil.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
names = sorted(r[0] for r in db.execute("SELECT name FROM model_versions WHERE kind = 'traffic' AND version = 'cli-test'"))
assert names == ["vigil-traffic-gb", "vigil-traffic-nn", "vigil-traffic-rf", "vigil-traffic-svm"], names
n = db.execute("SELECT COUNT(*) FROM model_metrics WHERE metric = 'f1' AND dataset = 'validation'").fetchone()[0]
assert n == 4, n
sel = db.execute("SELECT COUNT(*) FROM model_metrics WHERE metric = 'selected' AND value = 1").fetchone()[0]
assert sel == 1, sel
EOF

# Eval --json: every DESIGN field, consistent counts, sane values; every candidate loads.
"$VIGIL" eval traffic --model "$TMP/model" --data "$TMP/sample.txt" --format nsl-kdd --json >"$TMP/eval.json"
check "eval --json fields" python3 - "$TMP/eval.json" <<'EOF'
import json, sys
o = json.load(open(sys.argv[1]))
for k in ["n", "roc_auc", "pr_auc", "accuracy", "precision", "recall", "f1", "fpr", "tpr", "threshold", "confusion"]:
    assert k in o, k
c = o["confusion"]
assert c["tp"] + c["fp"] + c["tn"] + c["fn"] == o["n"] > 2000
assert o["roc_auc"] > 0.97 and o["accuracy"] > 0.95, o
EOF
for m in gb rf svm nn; do
  check "eval $m human output" bash -c "'$VIGIL' eval traffic --model '$TMP/model/candidates/$m' --data '$TMP/sample.txt' --format nsl-kdd | grep -q 'DoS: recall'"
done
check "eval threshold override" bash -c "'$VIGIL' eval traffic --model '$TMP/model' --data '$TMP/sample.txt' --format nsl-kdd --threshold 1.5 --json | grep -q '\"tp\":0'"

# Model and data errors exit 1 with a message.
set +e
"$VIGIL" eval traffic --model "$TMP/nope" --data "$TMP/sample.txt" --format nsl-kdd >/dev/null 2>"$TMP/e1"; r1=$?
"$VIGIL" eval traffic --model "$TMP/model" --data "$FIX/unsw_small.csv" --format unsw-nb15 >/dev/null 2>"$TMP/e2"; r2=$?
"$VIGIL" eval traffic --model "$TMP/model" --data "$FIX/nsl_kdd_unknown_attack.txt" --format nsl-kdd >/dev/null 2>"$TMP/e3"; r3=$?
set -e
check "missing model exits 1" test "$r1" -eq 1
check "missing model message" grep -q "not found" "$TMP/e1"
check "schema mismatch exits 1" test "$r2" -eq 1
check "schema mismatch names the field" grep -q "field 'duration'" "$TMP/e2"
check "unknown attack exits 1" test "$r3" -eq 1

# One learner only; --quiet prints nothing on stderr.
"$VIGIL" train traffic --data "$TMP/sample.txt" --format nsl-kdd --models svm --out "$TMP/svm" --quiet >/dev/null
check "--models svm writes linear.json" test -s "$TMP/svm/linear.json"
check "--quiet prints no progress" bash -c "'$VIGIL' train traffic --data '$TMP/sample.txt' --format nsl-kdd --models svm --out '$TMP/svm2' --quiet 2>&1 >/dev/null | wc -c | grep -qx 0"

echo "passed $passed, failed $failed"
test "$failed" -eq 0
