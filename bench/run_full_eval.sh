#!/usr/bin/env bash
# The seven-task zero-shot suite on stories260K (or MODEL_DIR), through the real `rankadaptor eval` command.
# Usage: bench/run_full_eval.sh OUT_DIR [extra eval options, e.g. --tasks boolq --limit 200 --batch-size 32]
# Long: run it with nohup in the background; progress goes to OUT_DIR/progress.log, the table to OUT_DIR/table.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${RANKADAPTOR_DATA:?set RANKADAPTOR_DATA to the shared data folder}"
OUT="$1"; shift
MODEL_DIR="${MODEL_DIR:-$RANKADAPTOR_DATA/models/stories260K}"
THREADS="${THREADS:-2}"
mkdir -p "$OUT"
ls target/rankadaptor-workbench-*.jar >/dev/null 2>&1 || mvn -o -q -DskipTests package
export JAVA_OPTS="-Xmx4g -Dai.djl.pytorch.num_threads=$THREADS -Dai.djl.pytorch.num_interop_threads=1"
start=$(date +%s)
bin/rankadaptor eval "$MODEL_DIR" --workspace "$OUT/workspace" \
  --out "$OUT/results.json" --per-doc "$OUT/docs.jsonl" "$@" 2> "$OUT/progress.log" | tee "$OUT/table.txt"
echo "wall seconds: $(( $(date +%s) - start )) (threads $THREADS, load average now $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$OUT/table.txt"
