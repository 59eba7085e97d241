#!/usr/bin/env bash
# Prepares .gpu/ (ignored by git) so bench/gpu/run-on-gpu.sh can run our CLI on the lent GPU machine, which has no
# Java and whose only PyTorch is pip's torch. Everything the device needs must fit the 64 MiB a device call carries:
#   .gpu/bundle/       jre.tar.xz (jlink'd, stripped, xz), the app jar, the runtime jars minus the GUI and the 110 MB
#                      CPU natives, tokenizers with linux-x86_64 natives only, bench.jar (bench/java classes)
#   .gpu/data/         stories260K, the seven task files, tinystories-gen, alpaca_en_demo (same layout as shared/data)
#   .gpu/djl-native/   src/: JNI sources + the JNI header generated here from DJL 0.35.1's PyTorchLibrary.java + jni.h
# The JNI sources themselves are not part of this repository (see bench/gpu/README.md); this script checks for them.
# Usage: bench/gpu/build-bundle.sh [DATA_DIR]   (default $RANKADAPTOR_DATA or ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${1:-${RANKADAPTOR_DATA:-../shared/data}}"
djl=0.35.1
g=.gpu
mkdir -p "$g"

echo "## app"
[ -f target/rankadaptor-workbench-0.1.0.jar ] && [ -d target/lib ] && [ -d target/test-classes/org/rankadaptor/bench ] \
  || mvn -o -q -DskipTests package
rm -rf "$g/bundle" && mkdir -p "$g/bundle/lib"
cp target/rankadaptor-workbench-0.1.0.jar "$g/bundle/"
for j in target/lib/*.jar; do
  case "$(basename "$j")" in
    pytorch-native-*|pytorch-jni-*|javafx-*|controlsfx-*|jfreechart-*|org.jfree.*|tokenizers-*) ;;
    *) cp "$j" "$g/bundle/lib/" ;;
  esac
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(mkdir "$tmp/tok" && cd "$tmp/tok" && unzip -q "$OLDPWD"/target/lib/tokenizers-$djl.jar \
  && find native/lib -mindepth 1 -maxdepth 1 ! -name linux-x86_64 ! -name '*.properties' -exec rm -rf {} + \
  && zip -q -r "$OLDPWD/$g/bundle/lib/tokenizers-$djl.jar" .)
(cd target/test-classes && jar cf "$OLDPWD/$g/bundle/bench.jar" org/rankadaptor/bench)

echo "## JRE"
# java.desktop, java.prefs and JavaFX are only needed by the GUI
jlink --add-modules java.base,java.logging,java.sql,java.naming,java.management,jdk.management,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$tmp/jre"
find "$tmp/jre" -name '*.so' -exec strip --strip-unneeded {} +
tar cf - -C "$tmp" jre | xz -T0 -6 > "$g/bundle/jre.tar.xz"

echo "## data from $data"
rm -rf "$g/data" && mkdir -p "$g/data/models" "$g/data/tasks" "$g/data/text" "$g/data/instructions"
cp -r "$data/models/stories260K" "$g/data/models/" && rm -rf "$g/data/models/stories260K/llama2c"
for t in arc_challenge arc_easy boolq hellaswag openbookqa piqa winogrande; do cp -r "$data/tasks/$t" "$g/data/tasks/"; done
cp -r "$data/text/tinystories-gen" "$g/data/text/"
cp "$data/instructions/alpaca_en_demo.json" "$g/data/instructions/"

echo "## JNI header and jni.h"
src="$g/djl-native/src"
mkdir -p "$src/jni"
sources="$HOME/.m2/repository/ai/djl/pytorch/pytorch-engine/$djl/pytorch-engine-$djl-sources.jar"
[ -f "$sources" ] || mvn -q dependency:get -Dartifact=ai.djl.pytorch:pytorch-engine:$djl:jar:sources
(cd "$tmp" && unzip -q -o "$sources" ai/djl/pytorch/jni/PyTorchLibrary.java)
javac -h "$src" -d "$tmp/classes" -cp "target/lib/api-$djl.jar:target/lib/pytorch-engine-$djl.jar" \
  "$tmp/ai/djl/pytorch/jni/PyTorchLibrary.java"
jhome="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
cp "$jhome/include/jni.h" "$jhome/include/linux/jni_md.h" "$src/jni/"
if ! ls "$src"/*.cc >/dev/null 2>&1; then
  echo "missing: $src/*.cc (the JNI implementation; see bench/gpu/README.md)" >&2
  exit 1
fi

echo "## sizes (a device call carries 64 MiB with the tracked tree)"
du -sh "$g/bundle" "$g/data" "$g/djl-native" "$g/bundle/jre.tar.xz"
total=$(du -sk "$g/bundle" "$g/data" "$g/djl-native" | awk '{s += $1} END {print s}')
[ "$total" -lt 58000 ] || { echo "bundle too large: ${total} KiB" >&2; exit 1; }
echo "carry: [\"$g/bundle\", \"$g/djl-native\", \"$g/data\"]"
