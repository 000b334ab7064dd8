#!/usr/bin/env bash
# The interop check against the reference implementation, Python's safetensors (a CI step of its own, never part
# of `pnpm test`): installs it, pinned, into a throwaway virtualenv, then
#   1. @gd writes files (every dtype it writes, metadata) and Python reads them: every bit equal;
#   2. Python writes a file (every dtype @gd reads, BF16 included, metadata) and @gd reads it: every value equal;
#   3. the docs page "Keep and move your model": its Python block runs (safetensors.numpy for safetensors.torch) on
#      the page's model as @gd writes it, prints what the page says, and @gd reads the file it writes back, bit for bit.
# Needs `pnpm build` first (interop.mjs imports the built @gd/io). Exits non-zero on any difference.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check safetensors==0.8.0 numpy==2.4.6 ml_dtypes==0.6.0
node "$here/interop.mjs" write "$work"
"$work/venv/bin/python" "$here/check.py" read "$work"
"$work/venv/bin/python" "$here/check.py" write "$work"
node "$here/interop.mjs" read "$work"
node "$here/page.mjs" write "$work"
"$work/venv/bin/python" "$here/page.py" "$here/../../../apps/docs/guide/keep-and-move.md" "$work"
node "$here/page.mjs" read "$work"
