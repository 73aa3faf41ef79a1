#!/usr/bin/env bash
# Attack-type hold-out on KDDTrain+ ALONE: decides between the traffic threshold rules (recall vs f1)
# by imitating what KDDTest+ tests -- attack types never seen in training -- without touching KDDTest+.
#
# Folds (deterministic): the attack families are taken in the order DoS, Probe, R2L, U2R, the attack
# types of each family sorted by name, and the types dealt round-robin to the K folds with one counter
# running across families (type i -> fold i % K), so every family has types in every fold and in every
# training set. The normal rows are numbered in file order (0, 1, ...); normal row n is held out of
# fold k when n % 5 == k (a 20 % share, a different one per fold).
#   train_k.txt: every row except fold k's attack types and fold k's held-out normal rows
#   eval_k.txt:  all rows of fold k's attack types (unseen in training) + fold k's held-out normal rows
# Each fold trains the candidates exactly as scripts/train-traffic-model.sh does (all 41 features,
# default options) once; metadata.json of every candidate records the threshold each rule picks on the
# fold's own validation split (thresholds_by_rule), and `vigil eval traffic --threshold T --json` scores
# eval_k.txt at both, and each family's unseen attacks alone (eval_k_<family>.txt: detection rate). Output: a markdown table (per fold, model, rule) and the means, in
# $WORK/summary.md.
#
# Usage: scripts/novel-attack-validation.sh [BUILD_DIR]     (default build; needs BUILD_DIR/vigil)
#   K=2|3 (3)  MODELS=gb,rf[,svm,nn] (gb,rf)  THREADS=1|2 (2)  WORK=DIR (/tmp/vigil-novel-validation)
#   REUSE=1: keep the models of an earlier run in WORK (same K and data) and only re-evaluate
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
VIGIL="$BUILD/vigil"
TRAIN=${VIGIL_DATA_DIR:-../shared/data}/traffic/nsl-kdd/KDDTrain+.txt.gz
K=${K:-3}
MODELS=${MODELS:-gb,rf}
THREADS=${THREADS:-2}
WORK=${WORK:-/tmp/vigil-novel-validation}
REUSE=${REUSE:-0}
[[ -x "$VIGIL" ]] || { echo "no $VIGIL: build it first (cmake --build $BUILD --target vigil)" >&2; exit 2; }
[[ -r "$TRAIN" ]] || { echo "cannot read $TRAIN" >&2; exit 2; }
[[ "$K" == 2 || "$K" == 3 ]] || { echo "K is 2 or 3" >&2; exit 2; }
[[ "$THREADS" =~ ^[12]$ ]] || { echo "THREADS is 1 or 2" >&2; exit 2; }
mkdir -p "$WORK"
start=$(date +%s)

# 1. Folds.
python3 - "$TRAIN" "$WORK" "$K" <<'EOF'
import gzip, sys, collections
src, work, K = sys.argv[1], sys.argv[2], int(sys.argv[3])
# The attack types of KDDTrain+ by family (../shared/data/MANIFEST.md).
FAMILIES = {
    "DoS": ["back", "land", "neptune", "pod", "smurf", "teardrop"],
    "Probe": ["ipsweep", "nmap", "portsweep", "satan"],
    "R2L": ["ftp_write", "guess_passwd", "imap", "multihop", "phf", "spy", "warezclient", "warezmaster"],
    "U2R": ["buffer_overflow", "loadmodule", "perl", "rootkit"],
}
fold_of, family_of, i = {}, {}, 0
for family in ["DoS", "Probe", "R2L", "U2R"]:
    for t in sorted(FAMILIES[family]):
        fold_of[t], family_of[t] = i % K, family
        i += 1
train = [open(f"{work}/train_{k}.txt", "w") for k in range(K)]
evalf = [open(f"{work}/eval_{k}.txt", "w") for k in range(K)]
# The unseen attacks of each family alone: their detection rate (binary recall) per family.
famf = {(k, fam): open(f"{work}/eval_{k}_{fam}.txt", "w") for k in range(K) for fam in FAMILIES}
counts = collections.Counter()
n_normal = 0
with gzip.open(src, "rt") as f:
    for line_no, line in enumerate(f, 1):
        if not line.strip():
            continue
        label = line.split(",")[41]
        if label == "normal":
            held = n_normal % 5
            n_normal += 1
            for k in range(K):
                (evalf if held == k else train)[k].write(line)
                if held == k:
                    counts[(k, "normal")] += 1
        elif label in fold_of:
            for k in range(K):
                (evalf if fold_of[label] == k else train)[k].write(line)
            famf[(fold_of[label], family_of[label])].write(line)
            counts[(fold_of[label], label)] += 1
        else:
            sys.exit(f"{src}:{line_no}: unknown attack type '{label}'")
for fh in train + evalf + list(famf.values()):
    fh.close()
with open(f"{work}/folds.md", "w") as out:
    out.write("| fold | unseen attack types (rows) | held-out normal rows |\n|---|---|---|\n")
    for k in range(K):
        types = [t for t in fold_of if fold_of[t] == k]
        desc = ", ".join(f"{family_of[t]}: {t} ({counts[(k, t)]})" for t in types)
        out.write(f"| {k} | {desc} | {counts[(k, 'normal')]} |\n")
print(open(f"{work}/folds.md").read())
EOF

# 2. Train once per fold, evaluate every candidate at both rules' thresholds.
: > "$WORK/results.jsonl"
IFS=, read -ra models <<< "$MODELS"
all_trained() {  # fold: every model of $MODELS already has a candidate directory
  local m
  for m in "${models[@]}"; do [[ -f "$WORK/fold_$1/candidates/$m/metadata.json" ]] || return 1; done
}
for ((k = 0; k < K; k++)); do
  if [[ "$REUSE" == 1 ]] && all_trained "$k"; then
    echo "== fold $k: reusing $WORK/fold_$k" >&2
  else
    echo "== fold $k: training $MODELS on $(wc -l < "$WORK/train_$k.txt") rows" >&2
    t0=$(date +%s)
    rm -rf "$WORK/fold_$k"
    "$VIGIL" train traffic --data "$WORK/train_$k.txt" --format nsl-kdd --out "$WORK/fold_$k" --keep-candidates \
      --models "$MODELS" --threads "$THREADS" --name "novel-fold-$k" --version dev --quiet > "$WORK/fold_$k.train.txt"
    echo "   trained in $(( $(date +%s) - t0 )) s" >&2
  fi
  for m in "${models[@]}"; do
    dir="$WORK/fold_$k/candidates/$m"
    for rule in recall f1; do
      t=$(python3 -c 'import json,sys; print(repr(float(json.load(open(sys.argv[1]))["thresholds_by_rule"][sys.argv[2]])))' \
            "$dir/metadata.json" "$rule")
      for subset in all DoS Probe R2L U2R; do
        file="$WORK/eval_$k.txt"
        [[ "$subset" == all ]] || file="$WORK/eval_${k}_$subset.txt"
        [[ -s "$file" ]] || continue
        metrics=$("$VIGIL" eval traffic --model "$dir" --data "$file" --format nsl-kdd --threshold "$t" --json)
        printf '{"fold":%d,"model":"%s","rule":"%s","subset":"%s","metrics":%s}\n' "$k" "$m" "$rule" "$subset" \
          "$metrics" >> "$WORK/results.jsonl"
      done
    done
  done
done

# 3. Table and means.
python3 - "$WORK" "$K" "$MODELS" <<'EOF'
import json, sys, statistics
work, K, models = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
everything = [json.loads(l) for l in open(f"{work}/results.jsonl")]
rows = [r for r in everything if r["subset"] == "all"]
def cols(m):
    bal = (m["recall"] + 1 - m["fpr"]) / 2
    return [m["threshold"], m["accuracy"], m["recall"], m["fpr"], bal, m["f1"], m["roc_auc"]]
head = ("| fold | model | rule | threshold | accuracy | recall (unseen types) | FPR (held-out normal) "
        "| balanced acc. | F1 | ROC-AUC |\n|---|---|---|---|---|---|---|---|---|---|\n")
out = head
for r in rows:
    c = cols(r["metrics"])
    out += f"| {r['fold']} | {r['model']} | {r['rule']} | " + " | ".join(f"{v:.4f}" for v in c) + " |\n"
out += "\nMeans over the folds:\n\n" + head.replace("| fold ", "| folds ")
for m in models:
    for rule in ["recall", "f1"]:
        sel = [cols(r["metrics"]) for r in rows if r["model"] == m and r["rule"] == rule]
        mean = [statistics.fmean(v[i] for v in sel) for i in range(len(sel[0]))]
        out += f"| {len(sel)} | {m} | {rule} | " + " | ".join(f"{v:.4f}" for v in mean) + " |\n"
out += ("\nDetection rate of the unseen attack types by family, pooled over the folds (detected / rows):\n\n"
        "| model | rule | DoS | Probe | R2L | U2R |\n|---|---|---|---|---|---|\n")
for m in models:
    for rule in ["recall", "f1"]:
        cells = []
        for fam in ["DoS", "Probe", "R2L", "U2R"]:
            sel = [r["metrics"] for r in everything if r["model"] == m and r["rule"] == rule and r["subset"] == fam]
            tp, pos = sum(x["confusion"]["tp"] for x in sel), sum(x["positives"] for x in sel)
            cells.append(f"{tp / pos:.4f} ({tp}/{pos})" if pos else "-")
        out += f"| {m} | {rule} | " + " | ".join(cells) + " |\n"
open(f"{work}/summary.md", "w").write(out)
print(out)
EOF
echo "wall time: $(( $(date +%s) - start )) s (K=$K, MODELS=$MODELS, THREADS=$THREADS); files in $WORK" | tee -a "$WORK/summary.md"
