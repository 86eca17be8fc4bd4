#!/usr/bin/env bash
# Opt-in GPU engine: @tensorflow/tfjs-node-gpu 4.22.0 built from PyPI's tensorflow 2.18.0 wheel plus the
# CUDA 12 / cuDNN 9 wheels its `and-cuda` extra pins (about 3 GB in .fsnas/engines/tfjs-node-gpu).
# It builds on a machine without a GPU too; there it computes on the CPU and fsnas says so.
# Then FSNAS_BACKEND=node-gpu (or auto, which prefers it once built) selects it; `fsnas doctor` shows
# the devices it sees. See docs/gpu.md.
exec "$(dirname "${BASH_SOURCE[0]}")/tfjs-node.sh" gpu "$@"
