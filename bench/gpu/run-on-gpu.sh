#!/usr/bin/env bash
# Runs our CLI on the lent GPU machine (no Java there, PyTorch only as pip's torch): unpacks the bundled JRE, builds
# DJL's JNI against that torch, points DJL at it, then times the commands on --device gpu:0 and --device cpu.
# Prepare the bundle first with bench/gpu/build-bundle.sh, then from the device tool:
#   run: bash bench/gpu/run-on-gpu.sh      carry: [".gpu/bundle", ".gpu/djl-native", ".gpu/data"]
# Everything goes to $OUT/log (and $OUT/*.json); STEPS="info gen eval ..." picks steps (default: the first set below;
# the second set, "evalpd eval7 gen400 ftbig", and the third, "prune search", run when named), BUDGET_S stops starting new steps after that many
# seconds.
set -uo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
OUT="${OUT:-/tmp/ra-out}"
mkdir -p "$OUT"
exec > >(tee -a "$OUT/log") 2>&1
t0=$(date +%s)
py="${PYTHON:-/opt/torch/.venv/bin/python3}"
[ -x "$py" ] || py=python3
work=/tmp/ra
mkdir -p "$work"

echo "### machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
nproc
read -r torch_dir torch_version cuda_version <<<"$("$py" -c 'import os, torch; print(os.path.dirname(torch.__file__), torch.__version__, torch.version.cuda)')"
echo "torch $torch_version (CUDA $cuda_version) at $torch_dir"

echo "### JRE"
tar xJf .gpu/bundle/jre.tar.xz -C "$work" && "$work/jre/bin/java" -version 2>&1 | head -1 || exit 1

echo "### JNI"
s=$(date +%s)
PYTHON="$py" bench/gpu/build-jni.sh .gpu/djl-native/src "$work/jni" || { cp "$work/jni/build.log" "$OUT/" 2>/dev/null; exit 1; }
echo "JNI build took $(( $(date +%s) - s )) s"
# DJL (LibUtils) looks for the JNI library next to libtorch when PYTORCH_LIBRARY_PATH is set
cp "$work/jni/libdjl_torch.so" "$torch_dir/lib/libdjl_torch.so"

# DJL's CudaUtils finds the GPU through JNA's "cudart": give it an unversioned name
mkdir -p "$work/cudart"
cudart="$(ls "$torch_dir"/../nvidia/*/lib/libcudart.so.* 2>/dev/null | head -n 1)"
[ -n "$cudart" ] && ln -sf "$cudart" "$work/cudart/libcudart.so"
nvlibs="$(ls -d "$torch_dir"/../nvidia/*/lib 2>/dev/null | tr '\n' ':')"
export LD_LIBRARY_PATH="$work/cudart:$torch_dir/lib:$nvlibs${LD_LIBRARY_PATH:-}"
export DJL_OFFLINE=true OPT_OUT_TRACKING=true PYTORCH_LIBRARY_PATH="$torch_dir/lib"
export PYTORCH_VERSION="${torch_version%%+*}" PYTORCH_FLAVOR="cu${cuda_version//./}"
export RANKADAPTOR_DATA="$root/.gpu/data" DJL_CACHE_DIR="$work/djl-cache"
cp_app=".gpu/bundle/rankadaptor-workbench-0.1.0.jar:.gpu/bundle/lib/*"
java=("$work/jre/bin/java" -Xmx16g "-Djna.library.path=$work/cudart")
ra=("${java[@]}" -cp "$cp_app" org.rankadaptor.cli.Main)
bench=("${java[@]}" -cp ".gpu/bundle/bench.jar:$cp_app")

M="$RANKADAPTOR_DATA/models/stories260K"
T="$RANKADAPTOR_DATA/text/tinystories-gen"
TASKS="$RANKADAPTOR_DATA/tasks"
FT=(--rank 8 --steps 50 --batch-size 8 --lr 1e-3 --warmup 10 --cutoff 128 --no-store --seed 42)
budget="${BUDGET_S:-540}"
STEPS="${STEPS:-info gen eval ft ppl evalsub bench}"
step() {  # step NAME TIMEOUT_S ra|bench|py ARGS...
  local name="$1" limit="$2" kind="$3"; shift 3
  local cmd
  case "$kind" in
    ra) cmd=("${ra[@]}" "$@") ;;
    py) cmd=(env PEER_DEVICE="${PEER_DEVICE:-cuda}" "$py" "$@") ;;
    *) cmd=("${bench[@]}" "$@") ;;
  esac
  if [[ " $STEPS " != *" ${name%%-*} "* ]] && [[ " $STEPS " != *" $name "* ]]; then return; fi
  if (( $(date +%s) - t0 > budget )); then echo "=== $name skipped (budget)"; return; fi
  echo "=== $name: $kind $*"
  local s e rc
  s=$(date +%s.%N)
  timeout "$limit" "${cmd[@]}"
  rc=$?
  e=$(date +%s.%N)
  awk -v n="$name" -v r="$rc" -v s="$s" -v e="$e" 'BEGIN { printf "=== %s rc=%d wall=%.1fs\n", n, r, e - s }'
}

step info 60 ra info "$M"
step gen-gpu 90 ra generate "$M" --prompt "Once upon a time" --max-tokens 60 --temperature 0 --device gpu:0
step gen-cpu 90 ra generate "$M" --prompt "Once upon a time" --max-tokens 60 --temperature 0 --device cpu
step eval-gpu 240 ra eval "$M" --tasks piqa,arc_easy --device gpu:0 --no-store --data-dir "$TASKS" --out "$OUT/eval-gpu.json"
step ft-gpu 180 ra finetune "$M" --data "$T/train.jsonl" "${FT[@]}" --device gpu:0 --out "$work/ft-gpu"
step ppl-gpu 120 ra ppl "$M" --text "$T/valid.jsonl" --device gpu:0 --no-store
step ft-cpu 180 ra finetune "$M" --data "$T/train.jsonl" "${FT[@]}" --device cpu --out "$work/ft-cpu"
step ppl-cpu 120 ra ppl "$M" --text "$T/valid.jsonl" --device cpu --no-store
step evalsub-gpu 120 ra eval "$M" --tasks piqa,arc_easy --limit 300 --device gpu:0 --no-store --data-dir "$TASKS"
step evalsub-cpu 180 ra eval "$M" --tasks piqa,arc_easy --limit 300 --device cpu --no-store --data-dir "$TASKS"
step bench-forward 120 bench org.rankadaptor.bench.ForwardBench 7b-layer 1 256 5
step bench-lora 180 bench org.rankadaptor.bench.LoraTrainBench "$M" 5
# side by side with the PyTorch eager peers on the GPU (the benches' random 7B-shaped layers land on gpu(0), DJL's
# default device when CUDA is visible; fp32 on both sides)
step peer-forward 120 py bench/python/forward_peer.py 7b-layer 1 256 5
step peer-lora 180 py bench/python/lora_train_peer.py 5
step ft-alpaca-gpu 150 ra finetune "$M" --data "$RANKADAPTOR_DATA/instructions/alpaca_en_demo.json" --rank 8 --steps 50 \
  --batch-size 8 --lr 1e-3 --warmup 10 --cutoff 256 --no-store --device gpu:0 --out "$work/ft-alpaca"
# second set: per-document agreement GPU fp16 vs CPU fp32, the seven-task suite on the GPU, decoding and a larger
# fine-tuning batch
FIVE=piqa,arc_easy,arc_challenge,openbookqa,winogrande
step evalpd-gpu 120 ra eval "$M" --tasks "$FIVE" --device gpu:0 --no-store --data-dir "$TASKS" --per-doc "$work/perdoc-gpu.jsonl"
step evalpd-cpu 200 ra eval "$M" --tasks "$FIVE" --device cpu --no-store --data-dir "$TASKS" --per-doc "$work/perdoc-cpu.jsonl"
[ -f "$work/perdoc-gpu.jsonl" ] && [ -f "$work/perdoc-cpu.jsonl" ] && gzip -c "$work/perdoc-gpu.jsonl" > "$OUT/perdoc-gpu.jsonl.gz" \
  && gzip -c "$work/perdoc-cpu.jsonl" > "$OUT/perdoc-cpu.jsonl.gz"
step eval7-gpu 300 ra eval "$M" --tasks boolq,piqa,hellaswag,winogrande,arc_easy,arc_challenge,openbookqa --batch-size 64 \
  --device gpu:0 --no-store --data-dir "$TASKS" --out "$OUT/eval7-gpu.json"
step gen400-gpu 90 ra generate "$M" --prompt "Once upon a time" --max-tokens 400 --temperature 0 --device gpu:0
step gen400-cpu 90 ra generate "$M" --prompt "Once upon a time" --max-tokens 400 --temperature 0 --device cpu
FTBIG=(--data "$RANKADAPTOR_DATA/instructions/alpaca_en_demo.json" --rank 8 --steps 20 --batch-size 64 --lr 1e-3 --warmup 5
  --cutoff 256 --no-store)
step ftbig-gpu 150 ra finetune "$M" "${FTBIG[@]}" --device gpu:0 --out "$work/ftbig-gpu"
step ftbig-cpu 150 ra finetune "$M" "${FTBIG[@]}" --device cpu --out "$work/ftbig-cpu"
# third set: Taylor pruning and a RankAdaptor search on the GPU (fp32 for the importance scores, fp16 + float32 LoRA
# for the search's fine-tunes), each beside the CPU
PRUNE=(--ranges 2-4:0.3 --estimator taylor-element1 --calib "$T/train.jsonl" --samples 10 --no-store)
step prune-gpu 120 ra prune "$M" "${PRUNE[@]}" --device gpu:0 --out "$work/pruned-gpu"
step prune-cpu 120 ra prune "$M" "${PRUNE[@]}" --device cpu --out "$work/pruned-cpu"
SEARCH=(--data "$T/train.jsonl" --objective "ppl:$T/valid.jsonl" --ranks 2,4,8,12 --iterations 4 --initial 2 --steps 20
  --batch-size 8 --micro-batch 8 --eval-limit 20 --no-store)
step search-gpu 180 ra search "$work/pruned-gpu" "${SEARCH[@]}" --device gpu:0 --out "$work/search-gpu"
step search-cpu 240 ra search "$work/pruned-gpu" "${SEARCH[@]}" --device cpu --out "$work/search-cpu"
# fourth set ("scale"): real size. Writes the llama2-7b preset in fp16 here (random weights, 13.5 GB, 4 shards), then
# Taylor importance + prune on the GPU (float32 scores), a LoRA fine-tune, two zero-shot tasks and a short search at
# tiny fidelity, with the device's memory sampled every 0.5 s into $OUT/gpu-mem.csv (compare with each step's printed
# estimate) and the PyTorch eager peer's forward / LoRA step on the same shards for tokens/s. Tried on the CPU with
# the tinyllama-1.1b preset: SCALE_PRESET=tinyllama-1.1b SCALE_DEVICE=cpu STEPS=scale bash bench/gpu/run-on-gpu.sh
if [[ " $STEPS " == *" scale "* ]]; then
  preset="${SCALE_PRESET:-llama2-7b}"; sdev="${SCALE_DEVICE:-gpu:0}"; S="$work/$preset"
  [[ "$sdev" == gpu* ]] && { nvidia-smi --query-gpu=timestamp,memory.used --format=csv,noheader -lms 500 > "$OUT/gpu-mem.csv" & sampler=$!; }
  SPRUNE=(--ranges 4-30:0.2 --estimator taylor-element1 --calib "$T/train.jsonl" --samples 4 --no-store)
  [ "$preset" = tinyllama-1.1b ] && SPRUNE=(--ranges 4-20:0.2 --estimator taylor-element1 --calib "$T/train.jsonl" --samples 4 --no-store)
  step scale-make 400 ra make-checkpoint --preset "$preset" --dtype fp16 --shards 4 --out "$S"
  step scale-importance 300 ra importance "$S" --calib "$T/train.jsonl" --samples 4 --device "$sdev" --out "$OUT/scale-importance.json"
  step scale-prune 300 ra prune "$S" "${SPRUNE[@]}" --device "$sdev" --out "$work/scale-pruned"
  step scale-finetune 300 ra finetune "$S" --data "$RANKADAPTOR_DATA/instructions/alpaca_en_demo.json" --rank 8 --steps 20 \
    --batch-size 4 --micro-batch 4 --cutoff 256 --warmup 2 --val-size 4 --no-store --device "$sdev" --out "$work/scale-ft"
  step scale-eval 300 ra eval "$S" --tasks piqa,arc_easy --limit 200 --batch-size 16 --device "$sdev" --no-store \
    --data-dir "$TASKS" --out "$OUT/scale-eval.json"
  step scale-search 400 ra search "$work/scale-pruned" --data "$T/train.jsonl" --objective "ppl:$T/valid.jsonl" \
    --ranks 2,4,8,12 --iterations 3 --initial 2 --steps 5 --batch-size 4 --micro-batch 4 --eval-limit 8 --no-store \
    --device "$sdev" --out "$work/scale-search"
  [[ "$sdev" == gpu* ]] || export PEER_DEVICE=cpu
  step scale-peer-forward 200 py bench/python/scale_peer.py "$S" forward 4 256 3
  step scale-peer-lora 200 py bench/python/scale_peer.py "$S" lora 4 256 3
  BENCH_DEVICE="$sdev" step scale-ours-forward 200 bench org.rankadaptor.bench.ScaleBench "$S" forward 4 256 3
  BENCH_DEVICE="$sdev" step scale-ours-lora 200 bench org.rankadaptor.bench.ScaleBench "$S" lora 4 256 3
  [ -n "${sampler:-}" ] && kill "$sampler"
  [ -f "$OUT/gpu-mem.csv" ] && sort -t, -k2 -n "$OUT/gpu-mem.csv" | tail -n 1 | sed 's/^/peak device memory: /'
fi
nvidia-smi --query-gpu=memory.used,utilization.gpu --format=csv,noheader || true
echo "### total $(( $(date +%s) - t0 )) s"
