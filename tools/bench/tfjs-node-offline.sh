#!/usr/bin/env bash
# Build @tensorflow/tfjs-node 4.22.0 without storage.googleapis.com (unreachable here), using the
# TensorFlow C library and headers shipped inside PyPI's tensorflow-cpu wheel, into a folder OUTSIDE
# the workspace (npm would prune a package that package.json lacks). Then select it with
#   FSNAS_TFJS_NODE_DIR=<dir>/node_modules/@tensorflow/tfjs-node FSNAS_BACKEND=node npx fsnas ...
# See docs/decisions/0009-tfjs-backends.md. Needs g++, make, python3 (node-gyp) and ~1.5 GB of disk.
set -euo pipefail
DIR=${1:-/tmp/fsnas-tfjs-node}
TF_VERSION=${TF_VERSION:-2.18.0}
mkdir -p "$DIR/wheel"
cd "$DIR"
[ -f package.json ] || echo '{"name":"fsnas-tfjs-node","version":"1.0.0","private":true}' > package.json
# 1. The JS package and its dependencies from the npm registry, skipping its download-and-build script.
npm install --no-audit --no-fund --ignore-scripts @tensorflow/tfjs-node@4.22.0
# 2. libtensorflow_cc.so.2 (exports the C and eager C APIs), libtensorflow_framework.so.2 and headers.
ls wheel/tensorflow_cpu-"$TF_VERSION"-*.whl >/dev/null 2>&1 || pip download "tensorflow-cpu==$TF_VERSION" --no-deps -d wheel
WHL=$(ls wheel/tensorflow_cpu-"$TF_VERSION"-*.whl | head -1)
rm -rf wheel/x && unzip -q -o "$WHL" 'tensorflow/libtensorflow_cc.so.2' 'tensorflow/libtensorflow_framework.so.2' \
  'tensorflow/include/tensorflow/c/*' 'tensorflow/include/tensorflow/core/*' 'tensorflow/include/tsl/*' 'tensorflow/include/xla/tsl/*' -d wheel/x
# 3. Pre-populate deps/ under the names tfjs-node's scripts and binding.gyp expect (it pins 2.9.1).
P=node_modules/@tensorflow/tfjs-node
mkdir -p $P/deps/lib $P/deps/include
cp -r wheel/x/tensorflow/include/* $P/deps/include/
cp wheel/x/tensorflow/libtensorflow_cc.so.2 $P/deps/lib/libtensorflow.so.2.9.1
cp wheel/x/tensorflow/libtensorflow_framework.so.2 $P/deps/lib/libtensorflow_framework.so.2.9.1
for n in libtensorflow.so libtensorflow_cc.so.2; do ln -sf libtensorflow.so.2.9.1 $P/deps/lib/$n; done
for n in libtensorflow_framework.so libtensorflow_framework.so.2; do ln -sf libtensorflow_framework.so.2.9.1 $P/deps/lib/$n; done
# 4. Build the N-API addon from source (node-pre-gyp would first try to download a prebuilt one).
#    Offline, node-gyp needs local Node headers: NODEDIR (default /usr when /usr/include/node exists).
NODEDIR=${NODEDIR:-$([ -d /usr/include/node ] && echo /usr || true)}
(cd $P && PATH="$DIR/node_modules/.bin:$PATH" npm_config_node_gyp="$(dirname "$(dirname "$(command -v npm)")")/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js" \
  node-pre-gyp install --build-from-source ${NODEDIR:+--nodedir=$NODEDIR})
node -e "const tf=require('$DIR/$P'); console.log('tfjs-node OK, backend', tf.getBackend())"
