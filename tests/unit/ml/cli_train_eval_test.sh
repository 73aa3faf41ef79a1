#!/usr/bin/env bash
# Command-line contract of `vigil train url` / `vigil eval url` on the tiny fixture
# tests/data/urls_tiny_train.csv: exit codes, artifact files, the --json fields, one-class lists,
# and the refusal of a model with other features. Usage: cli_train_eval_test.sh VIGIL SOURCE_DIR
set -euo pipefail
VIGIL="$1"
SRC="$2"
DATA="$SRC/tests/data"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
check() {  # check NAME COMMAND...
  if "${@:2}"; then passed=$((passed + 1)); else echo "FAILED: $1"; failed=$((failed + 1)); fi
}

# Usage errors exit 2.
set +e
"$VIGIL" train url --data "$DATA/urls_tiny_train.csv" >/dev/null 2>&1; rc=$?
"$VIGIL" eval url --bogus >/dev/null 2>&1; rc2=$?
set -e
check "usage error exit code 2" test "$rc" -eq 2 -a "$rc2" -eq 2
check "train --help" bash -c "'$VIGIL' train url --help | grep -q -- '--max-rounds'"
check "eval --help mentions --model-only" bash -c "'$VIGIL' eval url --help | grep -q -- '--model-only'"

# Train (non-tty stderr: plain progress lines).
"$VIGIL" train url --data "$DATA/urls_tiny_train.csv" --out "$TMP/model" --brands "$DATA/urls_domains.csv" \
  --max-rounds 30 --max-depth 3 --threads 1 --max-fpr 0.05 --model-version cli-test >"$TMP/train.out" 2>"$TMP/train.err"
for f in model.json metadata.json report/roc.svg report/pr.svg report/confusion.svg report/summary.md; do
  check "artifact has $f" test -s "$TMP/model/$f"
done
check "train prints test metrics" grep -q "test split: n" "$TMP/train.out"
check "progress lines without a terminal" grep -q "round 1/30" "$TMP/train.err"
check "no carriage returns without a terminal" bash -c "! grep -q $'\r' '$TMP/train.err'"

# Eval --json on the labelled file: every contract field, sane values.
"$VIGIL" eval url --model "$TMP/model" --brands "$DATA/urls_domains.csv" --data "$DATA/urls_tiny_train.csv" \
  --split test --json >"$TMP/eval.json"
check "eval --json fields" python3 - "$TMP/eval.json" <<'EOF'
import json, sys
o = json.load(open(sys.argv[1]))
for k in ["n", "roc_auc", "pr_auc", "accuracy", "precision", "recall", "f1", "fpr", "tpr", "threshold", "confusion"]:
    assert k in o, k
c = o["confusion"]
assert c["tp"] + c["fp"] + c["tn"] + c["fn"] == o["n"] > 0
assert o["roc_auc"] > 0.9, o["roc_auc"]
assert o["model"]["version"] == "cli-test"
EOF

# A plain list with --all-positive: recall defined, FPR and AUCs null.
"$VIGIL" eval url --model "$TMP/model" --brands "$DATA/urls_domains.csv" --data "$DATA/urls_list.csv" \
  --all-positive --model-only --json >"$TMP/list.json"
check "all-positive list" python3 - "$TMP/list.json" <<'EOF'
import json, sys
o = json.load(open(sys.argv[1]))
assert o["n"] == 3 and o["positives"] == 3
assert o["roc_auc"] is None and o["pr_auc"] is None and o["fpr"] is None
assert 0 <= o["recall"] <= 1
EOF
# A domain list: legitimate homepages, FPR defined, recall null.
"$VIGIL" eval url --model "$TMP/model" --brands "$DATA/urls_domains.csv" --data "$DATA/urls_domains.csv" \
  --json >"$TMP/home.json"
check "domain list" python3 - "$TMP/home.json" <<'EOF'
import json, sys
o = json.load(open(sys.argv[1]))
assert o["n"] == 5 and o["negatives"] == 5 and o["recall"] is None and 0 <= o["fpr"] <= 1
EOF
# Text output.
check "eval text output" bash -c "'$VIGIL' eval url --model '$TMP/model' --brands '$DATA/urls_domains.csv' \
  --data '$DATA/urls_ebbu.csv.gz' | grep -q 'ROC-AUC'"

# A model with another features_version is refused with exit code 1 and a clear message.
cp -r "$TMP/model" "$TMP/bad"
python3 - "$TMP/bad/metadata.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1])); m["features_version"] += 1; json.dump(m, open(sys.argv[1], "w"))
EOF
set +e
"$VIGIL" eval url --model "$TMP/bad" --brands "$DATA/urls_domains.csv" --data "$DATA/urls_domains.csv" \
  >/dev/null 2>"$TMP/bad.err"; rc=$?
set -e
check "mismatched model refused" test "$rc" -eq 1
check "mismatch message" grep -q "features_version" "$TMP/bad.err"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
