#!/usr/bin/env bash
# LoRA training throughput, Java (DJL/PyTorch) vs PyTorch eager, side by side.
# Usage: bench/run_lora_bench.sh [timed steps]   (needs RANKADAPTOR_DATA for stories260K; Debian python3-torch)
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS="${1:-5}"
DATA="${RANKADAPTOR_DATA:-../shared/data}"
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
mvn -o -q test-compile
CP_FILE="$(mktemp)"
mvn -o -q dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >/dev/null
CP="target/classes:target/test-classes:$(cat "$CP_FILE")"
rm -f "$CP_FILE"
JAVA_OUT="$(java -Xmx4g -Dai.djl.pytorch.num_threads=2 -cp "$CP" org.rankadaptor.bench.LoraTrainBench \
  "$DATA/models/stories260K" "$STEPS" 2>/dev/null | grep '^java')"
PY_OUT="$(/usr/bin/python3 bench/python/lora_train_peer.py "$STEPS" | grep '^torch')"
echo "$JAVA_OUT"
echo "$PY_OUT"
paste <(echo "$JAVA_OUT") <(echo "$PY_OUT") | awk '{
  # java NAME... VALUE tokens/s <tab> torch NAME... VALUE tokens/s
  split($0, halves, "\t"); n1 = split(halves[1], a, " "); n2 = split(halves[2], b, " ");
  name = ""; for (i = 2; i <= n1 - 2; i++) name = name (i > 2 ? " " : "") a[i];
  printf "ratio java/torch %-26s %6.2f\n", name, a[n1 - 1] / b[n2 - 1] }'
