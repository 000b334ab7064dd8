#!/usr/bin/env bash
# Fetches ONNX Runtime Web for the docs page "Keep and move your model" (guide/keep-and-move.md), which runs the
# model it exports in the browser. ORT Web is a heavy test-only tool (about 15 MB of Wasm), so no package.json
# lists it and `pnpm install` stays light: this script installs it, pinned, into a throwaway folder and copies the
# two files the page loads into public/vendor/ort/ (git-ignored), where `pnpm docs:dev` serves them and
# `pnpm docs:build` copies them into the site. Without them the page still trains and round-trips safetensors,
# and says in one line that ORT Web is missing.
#   ort.wasm.bundle.min.mjs       the CPU-only build (no WebGPU, no WebGL) with its Emscripten glue bundled in
#   ort-wasm-simd-threaded.wasm   its Wasm binary; the page sets numThreads = 1, so it needs no cross-origin isolation
set -euo pipefail
version=1.31.1
here="$(cd "$(dirname "$0")" && pwd)"
dest="$here/../public/vendor/ort"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npm install --prefix "$work" --no-save --no-audit --no-fund --ignore-scripts "onnxruntime-web@$version" >/dev/null
dist="$work/node_modules/onnxruntime-web/dist"
rm -rf "$dest"
mkdir -p "$dest"
cp "$dist/ort.wasm.bundle.min.mjs" "$dist/ort-wasm-simd-threaded.wasm" "$dest/" # the .mjs carries its MIT licence header
echo "docs: onnxruntime-web $version in apps/docs/public/vendor/ort ($(du -sh "$dest" | cut -f1))"
