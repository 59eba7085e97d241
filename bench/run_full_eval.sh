#!/usr/bin/env bash
# The seven-task zero-shot suite on stories260K (or MODEL_DIR), from the test classpath.
# Usage: bench/run_full_eval.sh OUT_DIR [extra eval options, e.g. --limit 200 --batch-size 32]
# Long: run it with nohup in the background; progress goes to OUT_DIR/progress.log.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${RANKADAPTOR_DATA:?set RANKADAPTOR_DATA to the shared data folder}"
OUT="$1"; shift
MODEL_DIR="${MODEL_DIR:-$RANKADAPTOR_DATA/models/stories260K}"
THREADS="${THREADS:-2}"
mkdir -p "$OUT"
mvn -o -q test-compile
mvn -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/cp.txt" >/dev/null
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
start=$(date +%s)
java -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1 \
  -cp "target/classes:target/test-classes:$(cat "$OUT/cp.txt")" org.rankadaptor.bench.EvalCli eval "$MODEL_DIR" \
  --out "$OUT/results.json" --per-doc "$OUT/docs.jsonl" "$@" 2> >(grep --line-buffered -v -e WARN -e INFO > "$OUT/progress.log") | tee "$OUT/table.txt"
echo "wall seconds: $(( $(date +%s) - start )) (threads $THREADS, load average now $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$OUT/table.txt"
