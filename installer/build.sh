#!/usr/bin/env bash
# Builds the RankAdaptor Workbench installers with jpackage from the Maven build.
#   installer/build.sh app-image   -> target/installer/RankAdaptor/ (bin/RankAdaptor = GUI, bin/rankadaptor = CLI)
#   installer/build.sh deb         -> target/installer/rankadaptor_0.1.0_amd64.deb (needs dpkg-deb and fakeroot)
# Everything is offline: DJL's PyTorch natives ship inside the bundled jars.
set -euo pipefail
type="${1:-app-image}"
cd "$(dirname "$0")/.."
root="$(pwd)"
version="$(sed -n 's:.*<version>\([0-9][0-9.]*\)</version>.*:\1:p' pom.xml | head -n 1)"
mvn -q -B -DskipTests package
jar="rankadaptor-workbench-${version}.jar"
input="target/installer-input"
rm -rf "$input" && mkdir -p "$input" target/installer
cp "target/$jar" "$input/"
cp target/lib/*.jar "$input/"
java_options=(--java-options "-Xmx8g" --java-options "-DDJL_OFFLINE=true" --java-options "-DOPT_OUT_TRACKING=true"
              --java-options "-Dai.djl.offline=true")
common=(--name RankAdaptor --app-version "$version" --vendor "RankAdaptor Workbench"
        --input "$input" --main-jar "$jar" --main-class org.rankadaptor.ui.WorkbenchLauncher
        --dest target/installer "${java_options[@]}"
        --add-launcher "rankadaptor=installer/cli-launcher.properties"
        --description "Prune a LLaMA model and recover it with LoRA, AdaLoRA or RankAdaptor")
case "$type" in
  app-image)
    rm -rf target/installer/RankAdaptor
    jpackage --type app-image "${common[@]}"
    echo "built target/installer/RankAdaptor (GUI: bin/RankAdaptor, CLI: bin/rankadaptor)"
    ;;
  deb)
    rm -f target/installer/*.deb
    # JavaFX's GTK glass needs GTK 3 at run time.
    jpackage --type deb "${common[@]}" --linux-package-name rankadaptor --linux-app-category science \
      --linux-package-deps "libgtk-3-0, libxtst6, libgl1" --linux-shortcut --linux-menu-group Science \
      --install-dir /opt
    ls -l target/installer/*.deb
    ;;
  *)
    echo "usage: installer/build.sh app-image|deb" >&2
    exit 2
    ;;
esac
