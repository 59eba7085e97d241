#!/usr/bin/env bash
# Experiment 1 of docs/EXPERIMENTS.md: prune stories260K and run the RankAdaptor search through the CLI.
#   [ITERATIONS=16] scripts/experiments-search.sh WORK_DIR NAME BUDGET [extra search options...]
# BUDGET: none | uniform8 | within:P. Needs the jar (mvn -o -q -DskipTests package) and $RANKADAPTOR_DATA.
set -euo pipefail
work=${1:?work dir}; name=${2:?name}; budget=${3:?budget}; shift 3
export OMP_NUM_THREADS=1 DJL_OFFLINE=true OPT_OUT_TRACKING=true
jar=target/rankadaptor-workbench-0.1.0.jar
data=${RANKADAPTOR_DATA:?set RANKADAPTOR_DATA}
text=$data/text/tinystories-gen
mkdir -p "$work"
if [ ! -f "$work/pruned/config.json" ]; then
  java -jar $jar prune "$data/models/stories260K" --ranges 1-3:0.3 --estimator taylor-element1 \
    --calib "$text/train.jsonl" --samples 10 --out "$work/pruned" --no-store
fi
start=$(date +%s)
java -jar $jar search "$work/pruned" --data "$text/train.jsonl" --objective "ppl:$text/valid.jsonl" \
  --ranks 2,4,6,8,10,12 --fixed-rank 8 --budget "$budget" --seed 42 \
  --steps 20 --batch-size 8 --micro-batch 4 --train-rows 400 --eval-limit 20 --lr 1e-3 --cutoff 128 \
  --iterations ${ITERATIONS:-16} --initial 4 --out "$work/$name" --no-store "$@" 2> "$work/$name.progress" | tee "$work/$name.log"
echo "wall seconds: $(( $(date +%s) - start ))" | tee -a "$work/$name.log"
