#!/usr/bin/env bash
# Real-size side-by-side bench: ScaleBench (this project) and bench/python/scale_peer.py (PyTorch eager) on the same
# checkpoint shards, interleaved task by task, at each thread count; each figure comes from its own process, with that
# process's peak RSS (VmHWM / ru_maxrss) and the load average beside it.
# Usage: [THREADS="1 2"] [TASKS="forward:4:128:3 ..."] bench/run_scale_bench.sh MODEL_DIR [ROUNDS]
# Make the model first, e.g.: bin/rankadaptor make-checkpoint --preset tinyllama-1.1b --dtype bf16 --shards 2 --out /tmp/tl11
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:?usage: bench/run_scale_bench.sh MODEL_DIR [ROUNDS]}"
rounds="${2:-1}"
mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp >/dev/null
cp="target/test-classes:target/classes:$(cat target/bench.cp)"
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
# Debian's torch calls whatever libblas.so.3 is installed; the reference BLAS makes the peer 5-17x slower
blas="$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)"
echo "peer BLAS: $blas" >&2
case "$blas" in *openblas*|*mkl*|*blis*) ;; *) echo "warning: the peer runs on the reference BLAS: apt-get install libopenblas0-pthread" >&2 ;; esac
# task:batch:seq:iterations -- forward = ppl-style, score = zero-shot scoring, importance = Taylor (fwd+bwd through
# all decoder weights, one backward per sample), lora = one r=8 step on all seven projections with AdamW
tasks=(${TASKS:-load:1:16:1 forward:4:128:3 score:4:128:3 importance:2:128:1 lora:1:128:2 lora:4:128:1 lora:1:256:1})
out="target/scale-bench.jsonl"
: > "$out"
for round in $(seq "$rounds"); do
  for threads in ${THREADS:-1 2}; do
    export OMP_NUM_THREADS="$threads" BENCH_THREADS="$threads"
    for t in "${tasks[@]}"; do
      IFS=: read -r task batch seq iterations <<< "$t"
      java -Xmx1g -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 -cp "$cp" org.rankadaptor.bench.ScaleBench "$model" "$task" "$batch" "$seq" "$iterations" 2>/dev/null | tail -n 1 | tee -a "$out" || echo "ScaleBench $task failed" >&2
      (cd bench/python && /usr/bin/python3 scale_peer.py "$model" "$task" "$batch" "$seq" "$iterations") | tee -a "$out" || echo "scale_peer.py $task failed" >&2
    done
  done
done
/usr/bin/python3 bench/python/scale_ratios.py "$out"
