#!/usr/bin/env bash
# Experiment 2 of docs/EXPERIMENTS.md: recovery fine-tunes at equal fidelity, 3 seeds, through FinetuneJob.
#   scripts/experiments-compare.sh WORK_DIR LABEL METHOD [method options...]
# e.g. LABEL=lora-r8 METHOD=LORA --rank 8 | LABEL=adalora METHOD=ADALORA --init-r 12 --target-r 8
#      LABEL=rankadaptor METHOD=LORA --rank-file WORK_DIR/search-budget/rankadaptor_ranks.json
# Needs: mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
set -euo pipefail
work=${1:?work dir}; label=${2:?label}; method=${3:?method}; shift 3
export OMP_NUM_THREADS=1 DJL_OFFLINE=true OPT_OUT_TRACKING=true
text=${RANKADAPTOR_DATA:?set RANKADAPTOR_DATA}/text/tinystories-gen
java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" org.rankadaptor.bench.ExperimentRunner finetune \
  --model "$work/pruned" --train "$text/train.jsonl" --valid "$text/valid.jsonl" \
  --steps ${STEPS:-100} --batch-size 8 --micro-batch 4 --lr 1e-3 --cutoff 128 --eval-limit ${EVAL_LIMIT:-40} \
  --seeds ${SEEDS:-1,2,3} --label "$label" --method "$method" --out-dir "$work/adapters" \
  --results "$work/compare.jsonl" "$@"
