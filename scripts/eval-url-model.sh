#!/usr/bin/env bash
# Measures a URL model the way docs/models.md reports it (one line per measurement).
# Usage: scripts/eval-url-model.sh [MODEL_DIR [THRESHOLD]]
#        (default models/url and the threshold in its metadata.json)
#        The model alone, as the model card reports it; FULL_VERDICT=1 measures the server's full verdict
#        instead (model plus the default verdict rules: popular domains are at most suspicious).
# Needs build/vigil and the data sets in ../shared/data or $VIGIL_DATA_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL="${1:-models/url}"
TH=()
if [ -n "${2:-}" ]; then TH=(--threshold "$2"); fi
if [ "${FULL_VERDICT:-0}" != 1 ]; then TH+=(--model-only); fi
VIGIL="${VIGIL:-build/vigil}"
D="${VIGIL_DATA_DIR:-../shared/data}"
export VIGIL_DATA_DIR="$D"
PS="$D/url/phishstorm/urls.csv.gz"
HA="$D/url/hannousse2021/dataset_phishing.csv.gz"
EB="$D/url/ebbu2017/ebbu2017_urls.csv.gz"
TOP="$D/domains/top-10000.csv.gz"
TRANCO="$D/domains/tranco/tranco_top100k.csv.gz"

summary() {
  python3 -c '
import json, sys
o = json.load(sys.stdin)
f = lambda v: "n/a" if v is None else "%.4f" % v
c = o["confusion"]
print("%-52s n %6d  ROC-AUC %s  PR-AUC %s  recall %s  FPR %s  (TP %d FP %d TN %d FN %d)" % (
    sys.argv[1], o["n"], f(o["roc_auc"]), f(o["pr_auc"]), f(o["recall"]), f(o["fpr"]), c["tp"], c["fp"], c["tn"], c["fn"]))
' "$1"
}

echo "model: $MODEL (threshold: ${2:-from its metadata.json}; $([ "${FULL_VERDICT:-0}" = 1 ] && echo "full verdict" || echo "model only"))"
# The test split as training assigned it (legitimate rows of held-out domains were never in any split).
"$VIGIL" eval url --model "$MODEL" "${TH[@]}" --json --split test --dedupe \
  --domain-half train --data "$PS" --domain-half train --data "$HA" --domain-half train --data "$EB" \
  | summary "test split (labelled sources)"
# Homepages https://<domain>/ of the held-out half of the popular-domain lists.
"$VIGIL" eval url --model "$MODEL" "${TH[@]}" --json --dedupe \
  --domain-half heldout --data "$TOP" --domain-half heldout --domain-list --data "$TRANCO" \
  | summary "held-out homepages (FPR)"
# Deeper legitimate URLs of held-out popular domains (phishing rows there were trained on: read FPR only).
"$VIGIL" eval url --model "$MODEL" "${TH[@]}" --json --dedupe \
  --domain-half heldout --only-domains "$TRANCO" --data "$PS" \
  --domain-half heldout --only-domains "$TRANCO" --data "$HA" \
  --domain-half heldout --only-domains "$TRANCO" --data "$EB" \
  | summary "held-out popular domains, deeper URLs (FPR only)"
# Deeper legitimate URLs of any held-out-half domain, per source (FPR only).
for f in "$PS" "$HA" "$EB"; do
  "$VIGIL" eval url --model "$MODEL" "${TH[@]}" --json --dedupe --domain-half heldout --data "$f" \
    | summary "held-out domains, $(basename "$(dirname "$f")") (FPR only)"
done
# Recall on PhishTank's March 2021 dump (never used for training).
"$VIGIL" eval url --model "$MODEL" "${TH[@]}" --json --dedupe --url-col url --all-positive \
  --data "$D/intel/phishtank-2021-03/verified_online.csv.gz" | summary "PhishTank 2021-03 (recall)"
