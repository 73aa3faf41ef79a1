#!/usr/bin/env bash
# Trains the bundled URL model into models/url (see docs/models.md, "Bundled model").
# Usage: scripts/train-bundled-model.sh [OUT_DIR [extra vigil-train options, e.g. --max-rounds 50]]
#        (OUT_DIR defaults to models/url; later options override the ones below)
# Needs build/vigil (make build) and the data sets in ../shared/data or $VIGIL_DATA_DIR.
# Deterministic for a given data snapshot, seed and features version; a few minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT="${1:-models/url}"
shift || true
VIGIL="${VIGIL:-build/vigil}"
D="${VIGIL_DATA_DIR:-../shared/data}"

if [ ! -x "$VIGIL" ]; then
  echo "train-bundled-model: $VIGIL not found; run 'make build' first" >&2
  exit 1
fi

# Every labelled source, plus homepages of the training half of the popular-domain lists as
# legitimate URLs. Legitimate rows whose registrable domain is in the held-out half of the domain
# hash are left out of every source (--domain-half train) so that they can measure false
# positives on domains the model never saw. Homepages get a lower weight so that the ~50k of them
# do not outweigh the legitimate URLs with real paths.
"$VIGIL" train url \
  --domain-half train --data "$D/url/phishstorm/urls.csv.gz" \
  --domain-half train --data "$D/url/hannousse2021/dataset_phishing.csv.gz" \
  --domain-half train --data "$D/url/ebbu2017/ebbu2017_urls.csv.gz" \
  --domain-half train --homepages mixed --weight 0.5 --data "$D/domains/top-10000.csv.gz" \
  --domain-half train --homepages mixed --weight 0.5 --domain-list --data "$D/domains/tranco/tranco_top100k.csv.gz" \
  --brands "$D/domains/top-10000.csv.gz" \
  --max-rounds 150 --early-stopping 30 --max-depth 6 --eta 0.2 --seed 42 --threads 2 --max-fpr 0.01 \
  --name vigil-url-xgb --model-version 2.1.0 \
  --out "$OUT" "$@"
