"""Writes ../src/fixtures/reference.safetensors with Python's safetensors (the reference writer).

Run once (the bytes are committed): pip install safetensors==0.8.0 numpy==2.4.6, then
    python packages/io/interop/make_fixture.py
The tree is small and fixed; src/reference.test.ts loads it and checks that saveSafetensors writes
the very same bytes. One metadata entry only: the reference writer keeps metadata in a hash map, so
the order of several entries is not fixed.
"""
import pathlib

import numpy as np
from safetensors.numpy import save

tensors = {
    "layers.0.w": np.array([[1.0, -2.0, 3.5], [0.25, -0.0, 1e-8]], dtype=np.float32),
    "layers.0.b": np.array([0.5, -0.5, 0.0], dtype=np.float32),
    "layers.1.scale": np.array(3.141592653589793, dtype=np.float64),
    "counts": np.array([-1, 0, 7, 2147483647], dtype=np.int32),
    "steps": np.array([-5, 2147483647, -2147483648], dtype=np.int64),
    "pixels": np.array([[0, 255], [128, 7]], dtype=np.uint8),
    "mask": np.array([True, False, True]),
    "half": np.array([1.0, -0.5, 65504.0, 6e-8], dtype=np.float16),
    "empty": np.zeros((0, 2), dtype=np.float32),
}

out = pathlib.Path(__file__).resolve().parent.parent / "src" / "fixtures" / "reference.safetensors"
out.write_bytes(save(tensors, metadata={"format": "pt"}))
print(f"wrote {out} ({out.stat().st_size} bytes)")
