"""Python's half of the interop check (run by run.sh): the reference implementation, safetensors 0.8.0.

    python check.py read <dir>   loads gd.safetensors and gd-bf16.safetensors (written by @gd) and compares
                                 every tensor, bit for bit, with expected.json cast by NumPy (and ml_dtypes for
                                 bfloat16), and the metadata
    python check.py write <dir>  writes py.safetensors (every dtype @gd reads, several metadata entries) and
                                 py-expected.json, for interop.mjs to read back
"""
import json
import math
import pathlib
import sys

import ml_dtypes
import numpy as np
from safetensors import TensorSpec, deserialize, safe_open, serialize
from safetensors.numpy import load_file

NUMPY = {
    "F32": np.float32, "F64": np.float64, "F16": np.float16, "BF16": ml_dtypes.bfloat16,
    "I64": np.int64, "I32": np.int32, "I16": np.int16, "I8": np.int8,
    "U64": np.uint64, "U32": np.uint32, "U16": np.uint16, "U8": np.uint8, "BOOL": np.bool_,
}


def decode(x):
    return float(x) if isinstance(x, str) else x


def expected_array(spec):
    values = [decode(v) for v in spec["values"]]
    dtype = NUMPY[spec["dtype"]]
    if spec["dtype"] in ("F16", "BF16"):
        # @gd rounds float32 values: cast the same way, float64 → float32 → 16 bits, to nearest, ties to even
        with np.errstate(over="ignore"):  # 65520 and 3.4e38 overflow to Infinity, as they must
            array = np.array(values, dtype=np.float32).astype(dtype)
    else:
        array = np.array(values, dtype=np.float64 if spec["dtype"].startswith("F") else np.int64).astype(dtype)
    return array.reshape(spec["shape"])


def read(folder):
    want = json.loads((folder / "expected.json").read_text())
    problems = []
    loaded = load_file(str(folder / "gd.safetensors"))
    with safe_open(str(folder / "gd.safetensors"), framework="np") as f:
        metadata = f.metadata()
    if metadata != want["metadata"]:
        problems.append(f"metadata {metadata!r}, expected {want['metadata']!r}")
    # BF16 has no NumPy dtype of its own: read its raw bytes
    for name, info in deserialize((folder / "gd-bf16.safetensors").read_bytes()):
        loaded[name] = np.frombuffer(bytes(info["data"]), dtype=ml_dtypes.bfloat16).reshape(info["shape"])
    if sorted(loaded) != sorted(want["tensors"]):
        problems.append(f"names {sorted(loaded)}, expected {sorted(want['tensors'])}")
    for name, spec in want["tensors"].items():
        got = loaded.get(name)
        if got is None:
            continue
        expected = expected_array(spec)
        if got.dtype != expected.dtype or list(got.shape) != spec["shape"] or got.tobytes() != expected.tobytes():
            problems.append(f"{name}: got {got.dtype} {list(got.shape)} {got.ravel()[:8]}, expected {expected.dtype} {spec['shape']} {expected.ravel()[:8]}")
    if problems:
        print("interop: Python read @gd's files wrongly:\n  " + "\n  ".join(problems))
        sys.exit(1)
    print(f"interop: Python's safetensors read {len(loaded)} tensors and {len(metadata)} metadata entries written by @gd, every bit equal")


def write(folder):
    floats = [1.0, -2.5, 0.1, -0.0, 1e-45, 3.4028234663852886e38, math.nan, math.inf, -math.inf]
    arrays = {
        "encoder.layers.0.weight": np.arange(12, dtype=np.float32).reshape(3, 4) / 7,
        "encoder.layers.0.bias": np.array([0.5, -0.5, 0.0], dtype=np.float32),
        "encoder.special": np.array(floats, dtype=np.float32),
        "encoder.double": np.array([math.pi, -0.0, 5e-324, 1.7976931348623157e308, math.nan]),
        "encoder.half": np.array([1.0, -0.5, 65504.0, 6e-8, math.inf, -0.0], dtype=np.float16),
        "encoder.scalar": np.array(2.75, dtype=np.float32),
        "encoder.empty": np.zeros((0, 4), dtype=np.float32),
        "ids.i64": np.array([-2147483648, -1, 0, 2147483647], dtype=np.int64),
        "ids.i32": np.array([[-7, 8], [9, -10]], dtype=np.int32),
        "ids.i16": np.array([-32768, 32767], dtype=np.int16),
        "ids.i8": np.array([-128, 127], dtype=np.int8),
        "ids.u8": np.array([0, 255], dtype=np.uint8),
        "ids.u16": np.array([65535], dtype=np.uint16),
        "ids.u32": np.array([2147483647], dtype=np.uint32),
        "ids.u64": np.array([2147483647], dtype=np.uint64),
        "mask": np.array([True, False, True]),
    }
    metadata = {"format": "pt", "epoch": "12", "unicode ✓": "é — 😀", "empty": ""}
    # the reference writer's low-level API for bfloat16 (NumPy has no such dtype)
    bf = np.array([1.0, 1.0078125, -3.0, math.nan], dtype=ml_dtypes.bfloat16)
    specs = {name: TensorSpec(dtype=a.dtype.name if a.dtype != np.bool_ else "bool", shape=list(a.shape), data_ptr=a.ctypes.data, data_len=a.nbytes) for name, a in arrays.items()}
    specs["encoder.bf16"] = TensorSpec(dtype="bfloat16", shape=[4], data_ptr=bf.ctypes.data, data_len=bf.nbytes)
    (folder / "py.safetensors").write_bytes(bytes(serialize(specs, metadata=metadata)))
    arrays["encoder.bf16"] = bf
    file_dtype = {v: k for k, v in NUMPY.items()}
    loads_as = {"F32": "float32", "F16": "float32", "BF16": "float32", "F64": "float64", "BOOL": "bool"}

    def value(x):
        x = float(x)
        if math.isnan(x) or math.isinf(x):
            return str(x).replace("inf", "Infinity").replace("nan", "NaN")
        return "-0" if x == 0 and math.copysign(1, x) < 0 else x

    tensors = {}
    for name, a in arrays.items():
        dtype = file_dtype[a.dtype.type]
        tensors[name] = {"dtype": dtype, "gd": loads_as.get(dtype, "int32"), "shape": list(a.shape), "values": [value(v) for v in a.astype(np.float64).ravel()]}
    (folder / "py-expected.json").write_text(json.dumps({"metadata": metadata, "tensors": tensors}, ensure_ascii=False))
    print(f"interop: Python's safetensors wrote {len(tensors)} tensors in 13 dtypes")


if __name__ == "__main__":
    mode, folder = sys.argv[1], pathlib.Path(sys.argv[2])
    {"read": read, "write": write}[mode](folder)
