#!/usr/bin/env bash
# Builds libdjl_torch.so (DJL 0.35.1's PyTorch JNI) against the libtorch of a Python torch install, so our Java code
# can run on a machine whose only PyTorch is pip's (e.g. the lent GPU machine: torch 2.11.0+cu130, no Java).
#
# Usage: bench/gpu/build-jni.sh SRC_DIR OUT_DIR      (PYTHON=/path/to/python3 to pick the torch install)
#   SRC_DIR holds the JNI sources (*.cc, *.h, djl/utils.h), ai_djl_pytorch_jni_PyTorchLibrary.h generated from
#   DJL 0.35.1's PyTorchLibrary.java (bench/gpu/build-bundle.sh does that) and jni/jni.h + jni/jni_md.h of a JDK.
#   The sources are not in this repository (they stay out of our commits): see bench/gpu/README.md.
# Writes OUT_DIR/libdjl_torch.so, linked to torch/lib with an rpath, and OUT_DIR/build.log.
set -euo pipefail
src="$(cd "${1:?SRC_DIR}" && pwd)"
out="${2:?OUT_DIR}"
mkdir -p "$out/obj"
py="${PYTHON:-python3}"
read -r torch_dir abi cuda <<<"$("$py" -c 'import os, torch; print(os.path.dirname(torch.__file__), int(torch._C._GLIBCXX_USE_CXX11_ABI), int(torch.version.cuda is not None))')"
inc="-I$src -I$src/jni -I$torch_dir/include -I$torch_dir/include/torch/csrc/api/include"
defs="-D_GLIBCXX_USE_CXX11_ABI=$abi"
cuda_inc=""
if [ "$cuda" = 1 ]; then
  # CUDA headers only for the one file that calls the caching allocator (emptyCache)
  for d in /usr/local/cuda/include "$torch_dir"/../nvidia/cu*/include "$torch_dir"/../nvidia/cuda_runtime/include; do
    if [ -f "$d/cuda_runtime_api.h" ]; then cuda_inc="-I$d"; break; fi
  done
fi
flags="-O2 -fPIC -std=c++17 -w $defs $inc"
echo "torch: $torch_dir  cxx11 abi: $abi  cuda: $cuda ${cuda_inc:+($cuda_inc)}" | tee "$out/build.log"
pids=()
for f in "$src"/*.cc; do
  name="$(basename "${f%.cc}")"
  extra=""
  if [ "$name" = jni_cuda ] && [ -n "$cuda_inc" ]; then extra="-DUSE_CUDA $cuda_inc"; fi
  ( g++ $flags $extra -c "$f" -o "$out/obj/$name.o" > "$out/obj/$name.err" 2>&1 \
      || { [ -n "$extra" ] && echo "retry $name without USE_CUDA" >> "$out/obj/$name.err" \
           && g++ $flags -c "$f" -o "$out/obj/$name.o" >> "$out/obj/$name.err" 2>&1; } ) &
  pids+=($!)
done
fail=0
for p in "${pids[@]}"; do wait "$p" || fail=1; done
cat "$out"/obj/*.err >> "$out/build.log" || true
if [ "$fail" = 1 ]; then
  echo "compile failed:" >&2
  grep -h -m 20 "error" "$out"/obj/*.err >&2 || true
  exit 1
fi
libs="-ltorch -ltorch_cpu -lc10"
if [ "$cuda" = 1 ]; then libs="$libs -ltorch_cuda -lc10_cuda"; fi
g++ -shared -o "$out/libdjl_torch.so" "$out"/obj/*.o -L"$torch_dir/lib" -Wl,--no-as-needed $libs \
    -Wl,-rpath,"$torch_dir/lib" 2>&1 | tee -a "$out/build.log"
echo "built $out/libdjl_torch.so ($(nm -D --defined-only "$out/libdjl_torch.so" | grep -c ' T Java_') JNI functions)" \
  | tee -a "$out/build.log"
