"""ONNX's own checker on every model the ONNX Runtime check exported (ort/run.sh saves them).

Each file must pass onnx.checker.check_model with full_check (the graph is well formed, every
operator exists in the declared opset with valid attributes, and strict shape inference agrees
with the declared input and output shapes). Usage: python check_models.py <folder>
"""
import pathlib
import sys

import onnx

folder = pathlib.Path(sys.argv[1])
files = sorted(folder.glob("*.onnx"))
if not files:
    sys.exit(f"check_models: no .onnx files in {folder}")
for path in files:
    model = onnx.load(path)
    try:
        onnx.checker.check_model(model, full_check=True)
    except Exception as error:  # name the file, then fail
        sys.exit(f"check_models: {path.name} ({model.graph.name}): {error}")
print(f"check_models: onnx {onnx.__version__} accepts all {len(files)} exported models (full_check: strict shape inference)")
