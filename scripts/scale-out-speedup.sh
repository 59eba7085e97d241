#!/usr/bin/env bash
# Wall time of a 12-measurement search on stories260K: sequential (one thread) against --parallel 3 on three local
# CPU workers (one thread each). docs/SCALE_OUT.md reports the figures.
#   scripts/scale-out-speedup.sh WORK_DIR [STEPS]
# Needs the jar (mvn -o -q -DskipTests package) and $RANKADAPTOR_DATA.
set -euo pipefail
work=${1:?work dir}; steps=${2:-20}
export OMP_NUM_THREADS=1 DJL_OFFLINE=true OPT_OUT_TRACKING=true
jar=target/rankadaptor-workbench-0.1.0.jar
data=${RANKADAPTOR_DATA:?set RANKADAPTOR_DATA}
text=$data/text/tinystories-gen
mkdir -p "$work"
common=(search "$data/models/stories260K" --data "$text/train.jsonl" --objective "ppl:$text/valid.jsonl"
  --ranks 2,4,8 --steps "$steps" --batch-size 8 --micro-batch 4 --train-rows 400 --eval-limit 20 --cutoff 128
  --iterations 12 --initial 4 --threshold 0 --seed 42 --no-store)
run() {  # name, extra options...
  local name=$1; shift
  local start=$(date +%s.%N)
  java -Xmx2g -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 -jar $jar "${common[@]}" \
    --out "$work/$name" "$@" 2> "$work/$name.progress" > "$work/$name.log"
  local end=$(date +%s.%N)
  echo "$name: $(echo "$end - $start" | bc) s wall, $(grep -c '^iteration' "$work/$name.log") measurements"
}
run sequential
run parallel3 --parallel 3 --local-workers 3 --worker-threads 1
