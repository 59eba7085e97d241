#!/usr/bin/env bash
# Core forward / forward+backward throughput: DJL (this project) and the PyTorch eager peer, side by side, in one run.
# Usage: [THREADS=2] bench/run_core_bench.sh [ROUNDS]   (needs RANKADAPTOR_DATA and Debian's python3-torch)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
data="${RANKADAPTOR_DATA:?set RANKADAPTOR_DATA to the shared data folder}"
mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp >/dev/null
cp="target/test-classes:target/classes:$(cat target/bench.cp)"
threads="${THREADS:-2}"
export DJL_OFFLINE=true OPT_OUT_TRACKING=true OMP_NUM_THREADS="$threads" BENCH_THREADS="$threads"
cases=("$data/models/stories260K 8 256 20" "7b-layer 1 256 5")
for round in $(seq "$rounds"); do
  for c in "${cases[@]}"; do
    java -Xmx8g -cp "$cp" org.rankadaptor.bench.ForwardBench $c 2>/dev/null
    (cd bench/python && /usr/bin/python3 forward_peer.py $c)
  done
done | tee target/core-bench-t$threads.jsonl
/usr/bin/python3 bench/python/ratios.py target/core-bench-t$threads.jsonl
