#!/usr/bin/env bash
# @gd/onnx against the reference implementations (a CI step of its own, never part of `pnpm test`):
#   1. ONNX Runtime runs every exported layer and the demo's models and must reproduce @gd's outputs
#      (onnxruntime-node, pinned, installed outside the workspace into packages/onnx/.ort; its
#      install script only downloads what is not bundled, the CUDA provider from NuGet, so it is skipped);
#   2. ONNX's own checker (Python's onnx, pinned, in a throwaway virtualenv) accepts every file.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npm install --prefix "$here/../.ort" --no-save --no-audit --no-fund --ignore-scripts onnxruntime-node@1.31.1 >/dev/null
mkdir "$work/models"
(cd "$here/.." && GD_ONNX_SAVE="$work/models" npx vitest run --config vitest.ort.config.js)
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check onnx==1.23.1
"$work/venv/bin/python" "$here/check_models.py" "$work/models"
