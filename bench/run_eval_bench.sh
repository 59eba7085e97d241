#!/usr/bin/env bash
# Zero-shot scoring throughput: Java (DJL PyTorch engine) vs PyTorch eager, same model, batches and threads.
# Usage: [THREADS=2] bench/run_eval_bench.sh [repeats]    (needs RANKADAPTOR_DATA; builds test classes offline)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${RANKADAPTOR_DATA:?set RANKADAPTOR_DATA to the shared data folder}"
REPEATS="${1:-3}"
THREADS="${THREADS:-2}"   # intra-op threads on both sides
OUT=target/bench-out
mkdir -p "$OUT"
mvn -o -q test-compile
mvn -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/cp.txt" >/dev/null
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc)"
JAVA_LINE=$(java -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1 \
  -cp "target/classes:target/test-classes:$(cat "$OUT/cp.txt")" \
  org.rankadaptor.bench.EvalScoringBench "$RANKADAPTOR_DATA" "$OUT" "$REPEATS" 2>/dev/null | grep '^java-djl')
echo "$JAVA_LINE"
PY_LINE=$(EVAL_BENCH_THREADS="$THREADS" /usr/bin/python3 bench/python/eval_scoring_peer.py "$RANKADAPTOR_DATA/models/stories260K" "$OUT/eval_batches.json" "$REPEATS" | grep '^pytorch-eager')
echo "$PY_LINE"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
J=$(sed -E 's/.*tokens_per_s=([0-9.]+).*/\1/' <<<"$JAVA_LINE")
P=$(sed -E 's/.*tokens_per_s=([0-9.]+).*/\1/' <<<"$PY_LINE")
python3 -c "print(f'java/pytorch tokens/s ratio: {$J/$P:.2f}')"
