#!/usr/bin/env bash
# Perplexity of stories260K on tinystories-gen/valid.jsonl before and after width pruning (docs/PRUNING.md).
# Usage: RANKADAPTOR_DATA=/path/to/data scripts/pruning-perplexity-table.sh [OUT_FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
: "${RANKADAPTOR_DATA:?set RANKADAPTOR_DATA to the shared data folder}"
mvn -o -q compile
mvn -o -q dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" java -Dout="${1:-target/pruning-perplexity.md}" \
  -cp "target/classes:$(cat target/classpath.txt)" org.rankadaptor.prune.PerplexityTableTool \
  "$RANKADAPTOR_DATA/models/stories260K" \
  "$RANKADAPTOR_DATA/text/tinystories-gen/valid.jsonl" \
  "$RANKADAPTOR_DATA/text/tinystories-gen/train.jsonl"
