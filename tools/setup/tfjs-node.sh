#!/usr/bin/env bash
# Builds TensorFlow.js's native engine, @tensorflow/tfjs-node(-gpu) 4.22.0, without storage.googleapis.com
# (its install script downloads libtensorflow from there; these machines reach only npm, PyPI and Debian).
# The TensorFlow C library and headers come from a pinned PyPI wheel instead; the N-API addon is compiled
# here. docs/decisions/0009-tfjs-backends.md explains every step; libs/nn/src/engine.ts reads the result.
#
#   tools/setup/tfjs-node.sh [cpu|gpu] [--force]
#
#   cpu  @tensorflow/tfjs-node     from tensorflow-cpu 2.18.0 (230 MB)      -> .fsnas/engines/tfjs-node
#   gpu  @tensorflow/tfjs-node-gpu from tensorflow 2.18.0 (GPU kernels for sm_60-sm_90, 600 MB) and the
#        CUDA 12 / cuDNN 9 wheels its `and-cuda` extra pins (about 3 GB) -> .fsnas/engines/tfjs-node-gpu
#
# Idempotent: the folder's engine.json records a build id (this script, the flavour, Node's major
# version, the CPU architecture) and SHA256SUMS the checksums of the built files; when both still hold,
# nothing is done. A build happens in a staging folder that replaces the engine only once it has loaded
# and computed, so processes using the old one are never left with half a library. Prints one line. Exit 0: the engine is ready. Exit 1: it could not be built; the
# one-line reason is in build-failed.txt (fsnas prints it when it falls back to wasm), the details in
# build.log. Environment: FSNAS_ENGINE_DIR (default <root>/.fsnas/engines), NODEDIR (Node's headers).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FLAVOUR=cpu FORCE=0
for arg in "$@"; do
  case "$arg" in
    cpu | gpu) FLAVOUR=$arg ;;
    --force) FORCE=1 ;;
    *) echo "usage: tools/setup/tfjs-node.sh [cpu|gpu] [--force]" >&2; exit 2 ;;
  esac
done

TFJS_VERSION=4.22.0
TF_VERSION=2.18.0
# The wheels are fetched for one fixed tag, whatever Python this machine has: only their shared
# libraries are used, and those do not depend on the Python ABI. Both spellings of the platform: pip
# matches the CUDA wheels only by the legacy one (manylinux2014).
WHEEL_TAG=(--only-binary=:all: --python-version 3.11 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64)
if [[ $FLAVOUR == cpu ]]; then
  PKG=tfjs-node WHEEL=tensorflow-cpu
  WHEEL_SHA256=089e71746960ea581dca53401f84b3b99c8537313e337a9e5dbf97036a936f7e
else
  PKG=tfjs-node-gpu WHEEL=tensorflow
  WHEEL_SHA256=70b8dd70fa3600bfce66ab529eebb804e1f9d7c863d2f71bc8fe9fc7a1ec3976
fi
ENGINES="${FSNAS_ENGINE_DIR:-$ROOT/.fsnas/engines}"
DIR="$ENGINES/$PKG"
STAGE="$ENGINES/.$PKG.building"
P="$STAGE/node_modules/@tensorflow/$PKG"
LOG="$DIR/build.log"
mkdir -p "$DIR"

say() { printf 'fsnas setup: %s\n' "$*" >&2; }
fail() {
  printf '%s\n' "$*" > "$DIR/build-failed.txt"
  rm -rf "$STAGE"
  rm -f "$DIR/engine.json"
  say "$PKG not built: $* (fsnas uses wasm instead; details: $LOG)"
  exit 1
}
step() { # step <what> <command...>: run quietly into the log, fail naming <what>
  local what=$1; shift
  printf '\n== %s: %s\n' "$what" "$*" >> "$LOG"
  "$@" >> "$LOG" 2>&1 || fail "$what failed"
}

exec 9> "$ENGINES/.$PKG.lock"
command -v flock > /dev/null 2>&1 && flock 9

BUILD_ID="$({ cat "${BASH_SOURCE[0]}"; echo "$FLAVOUR $(uname -m) node$(node -p 'process.versions.node.split(".")[0]')"; } | sha256sum | cut -d' ' -f1)"
if [[ $FORCE == 0 && -f "$DIR/engine.json" ]] && grep -q "\"build_id\": \"$BUILD_ID\"" "$DIR/engine.json" &&
  (cd "$DIR" && sha256sum --quiet -c SHA256SUMS > /dev/null 2>&1); then
  exit 0
fi

# What the build needs, each missing piece named in the one line.
[[ $(uname -s) == Linux && $(uname -m) == x86_64 ]] || fail "no pinned TensorFlow wheel for $(uname -s) $(uname -m) (only Linux x86_64)"
for tool in g++ make python3; do command -v $tool > /dev/null || fail "no $tool (a C++ toolchain and Python are needed to compile the addon)"; done
NODEDIR=${NODEDIR:-$([[ -f /usr/include/node/node_api.h ]] && echo /usr || true)}
[[ -n $NODEDIR && -f $NODEDIR/include/node/node_api.h ]] || fail "no Node.js headers (install Debian's libnode-dev, or set NODEDIR)"
NODE_GYP="$(dirname "$(dirname "$(command -v npm)")")/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
[[ -f $NODE_GYP ]] || fail "npm's bundled node-gyp not found at $NODE_GYP"

say "building $PKG $TFJS_VERSION from PyPI's $WHEEL $TF_VERSION into ${DIR#"$ROOT"/} (once; about a minute)"
start=$SECONDS
: > "$LOG"
rm -f "$DIR/build-failed.txt" "$DIR/engine.json"
rm -rf "$STAGE" && mkdir -p "$STAGE"
cd "$STAGE"
[[ -f package.json ]] || echo '{"name":"fsnas-engine","version":"1.0.0","private":true}' > package.json

# 1. The JS package and its dependencies from the npm registry, without its download-and-build script.
step "npm install @tensorflow/$PKG" npm install --no-audit --no-fund --ignore-scripts --loglevel=error "@tensorflow/$PKG@$TFJS_VERSION"

# 2. The wheel, checked against its pinned checksum; from it libtensorflow_cc.so.2 (it exports the C and
#    eager C APIs that tfjs-node calls), libtensorflow_framework.so.2 and the headers.
rm -rf wheel && mkdir wheel
step "pip download $WHEEL==$TF_VERSION" python3 -m pip download --no-deps "${WHEEL_TAG[@]}" -d wheel "$WHEEL==$TF_VERSION"
WHL=$(ls wheel/*.whl)
[[ $(sha256sum "$WHL" | cut -d' ' -f1) == "$WHEEL_SHA256" ]] || fail "$(basename "$WHL") does not match its pinned sha256"
step "unzip the TensorFlow library" unzip -q -o "$WHL" 'tensorflow/libtensorflow_cc.so.2' 'tensorflow/libtensorflow_framework.so.2' \
  'tensorflow/include/tensorflow/c/*' 'tensorflow/include/tensorflow/core/*' 'tensorflow/include/tsl/*' 'tensorflow/include/xla/tsl/*' \
  '*.dist-info/METADATA' -d wheel/x

# 3. deps/ under the names tfjs-node's binding.gyp expects (it pins libtensorflow 2.9.1; the C API it uses
#    is unchanged in 2.18): the SONAME links for the loader, the unversioned ones for `-ltensorflow`.
rm -rf "$P/deps" && mkdir -p "$P/deps/lib" "$P/deps/include"
cp -r wheel/x/tensorflow/include/* "$P/deps/include/"
cp wheel/x/tensorflow/libtensorflow_cc.so.2 "$P/deps/lib/libtensorflow.so.2.9.1"
cp wheel/x/tensorflow/libtensorflow_framework.so.2 "$P/deps/lib/libtensorflow_framework.so.2.9.1"
for n in libtensorflow.so libtensorflow_cc.so.2; do ln -sf libtensorflow.so.2.9.1 "$P/deps/lib/$n"; done
for n in libtensorflow_framework.so libtensorflow_framework.so.2; do ln -sf libtensorflow_framework.so.2.9.1 "$P/deps/lib/$n"; done

# 4. GPU only: the CUDA libraries, exactly the versions the wheel's `and-cuda` extra pins, unpacked into
#    cuda/; fsnas puts their lib/ folders on LD_LIBRARY_PATH (TensorFlow dlopens them at run time).
LIBRARY_PATH_JSON='[]'
if [[ $FLAVOUR == gpu ]]; then
  # e.g. "Requires-Dist: nvidia-cudnn-cu12 ==9.3.0.75 ; extra == 'and-cuda'" -> nvidia-cudnn-cu12==9.3.0.75
  mapfile -t CUDA_PINS < <(sed -n "s/^Requires-Dist: \(nvidia-[^ ;]*\) *\(==[^ ;]*\) *; *extra == ['\"]and-cuda['\"].*/\1\2/p" wheel/x/*.dist-info/METADATA)
  (( ${#CUDA_PINS[@]} )) || fail "the $WHEEL wheel's METADATA lists no and-cuda requirements"
  step "pip download the CUDA wheels (${#CUDA_PINS[@]})" python3 -m pip download --no-deps "${WHEEL_TAG[@]}" -d wheel/cuda "${CUDA_PINS[@]}"
  rm -rf cuda && mkdir cuda
  for w in wheel/cuda/*.whl; do step "unzip $(basename "$w")" unzip -q -o "$w" 'nvidia/*' -d cuda; done
  LIBRARY_PATH_JSON="[$(cd cuda/nvidia && find . -mindepth 2 -maxdepth 2 -type d -name lib | sort | sed "s|^\./|\"$DIR/cuda/nvidia/|; s|\$|\"|" | paste -sd,)]"
fi

# 5. The N-API addon from source (node-pre-gyp would first try a prebuilt download), with npm's bundled
#    node-gyp and the local Node headers, so nothing is fetched.
(cd "$P" && PATH="$STAGE/node_modules/.bin:$PATH" npm_config_node_gyp="$NODE_GYP" \
  step "compile the tfjs-node addon" node-pre-gyp install --build-from-source --nodedir="$NODEDIR")
ADDON=$(find "node_modules/@tensorflow/$PKG/lib" -name tfjs_binding.node | head -1)
[[ -n $ADDON ]] || fail "the addon build produced no tfjs_binding.node"

# 6. It must load and compute before it is recorded as ready.
step "load test" node -e "const tf = require('$P'); const s = tf.sum(tf.square(tf.tensor1d([1, 2]))).dataSync()[0]; if (tf.getBackend() !== 'tensorflow' || s !== 5) process.exit(1)"

rm -rf wheel "$P/deps/include"
{ echo "$ADDON"; find "node_modules/@tensorflow/$PKG/deps/lib" -type f; } | xargs sha256sum > SHA256SUMS
cat > engine.json << EOF
{
  "package": "@tensorflow/$PKG",
  "version": "$TFJS_VERSION",
  "tensorflow": "$WHEEL $TF_VERSION",
  "wheel_sha256": "$WHEEL_SHA256",
  "library_path": $LIBRARY_PATH_JSON,
  "build_id": "$BUILD_ID",
  "built_at": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
EOF
cp "$LOG" build.log
cd "$ENGINES" && rm -rf "$DIR.old" && mv "$DIR" "$DIR.old" && mv "$STAGE" "$DIR" && rm -rf "$DIR.old"
say "$PKG ready in $((SECONDS - start)) s: ${DIR#"$ROOT"/}"
