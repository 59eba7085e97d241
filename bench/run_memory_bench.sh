#!/usr/bin/env bash
# Peak RSS of each CLI command on a real-size checkpoint, against the float32 weight bytes and the memory estimate
# the command prints before it starts (the 1.2x target of issue 13). One process per command, `/usr/bin/time -v`.
# Usage: [COMMANDS="info ppl ..."] bench/run_memory_bench.sh MODEL_DIR
# Needs: a build (mvn -q -DskipTests package), RANKADAPTOR_DATA, /usr/bin/time (Debian package time).
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:?usage: bench/run_memory_bench.sh MODEL_DIR}"
data="${RANKADAPTOR_DATA:-../shared/data}"
out="target/memory-bench"
rm -rf "$out" && mkdir -p "$out"
# float32 bytes of every tensor in the checkpoint's safetensors headers
weights=$(/usr/bin/python3 - "$model" <<'PY'
import glob, json, math, struct, sys
total = 0
for f in glob.glob(sys.argv[1] + "/*.safetensors"):
    with open(f, "rb") as h:
        header = json.loads(h.read(struct.unpack("<Q", h.read(8))[0]))
    total += sum(math.prod(e["shape"]) for k, e in header.items() if k != "__metadata__")
print(total * 4)
PY
)
declare -A args=(
  [info]="info $model"
  [generate]="generate $model --max-tokens 8 --temperature 0"
  [ppl]="ppl $model --text $data/text/wikitext-2/test.tokens.txt --window 128 --limit 8 --no-store"
  [eval]="eval $model --tasks piqa --limit 16 --batch-size 4 --data-dir $data/tasks --no-store"
  [importance]="importance $model --calib $data/text/c4_demo.jsonl --samples 4 --out $out/importance.json"
  [prune]="prune $model --ranges 4-20:0.2 --estimator taylor-element1 --calib $data/text/c4_demo.jsonl --samples 4 --out $out/pruned --no-store"
  [finetune]="finetune $model --data $data/instructions/alpaca_en_demo.json --rank 8 --micro-batch 1 --batch-size 2 --cutoff 128 --steps 3 --val-size 2 --out $out/finetuned --no-store"
)
echo "| command | peak RSS GB | / fp32 weights ($(awk "BEGIN{printf \"%.2f\", $weights/1e9}") GB) | printed estimate GiB | estimate / peak | wall s |"
echo "|---|---|---|---|---|---|"
for c in ${COMMANDS:-info generate ppl eval importance prune finetune}; do
  log="$out/$c.log"
  # shellcheck disable=SC2086
  if ! /usr/bin/time -v bin/rankadaptor ${args[$c]} > "$log" 2>&1; then
    echo "| $c | failed: see $log | | | | |"
    continue
  fi
  rss_kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$log")
  wall=$(awk '/Elapsed \(wall clock\)/ {print $NF}' "$log" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
  estimate=$(sed -n 's/.*memory estimate: .*total \([0-9.]*\) GiB.*/\1/p' "$log" | head -n 1)
  awk -v rss="$rss_kb" -v w="$weights" -v est="$estimate" -v c="$c" -v wall="$wall" 'BEGIN {
    peak = rss * 1024
    ratio = est == "" ? "" : sprintf("%.2f", est * 1073741824 / peak)
    printf "| `%s` | %.2f | **%.2f** | %s | %s | %.0f |\n", c, peak / 1e9, peak / w, est == "" ? "(none)" : est, ratio, wall }'
done
