#!/usr/bin/env node
// @gd's half of the check against Python's safetensors (run by run.sh, after `pnpm build`; uses the built package).
//   node interop.mjs write <dir>  writes gd.safetensors and gd-bf16.safetensors with @gd, and expected.json (the
//                                 values, so check.py can compare every bit with NumPy's own casts)
//   node interop.mjs read <dir>   reads py.safetensors (written by check.py) with @gd and compares every value,
//                                 dtype, shape and the metadata with py-expected.json
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadSafetensorsFile, saveSafetensorsFile } from '@gd/io/node'
import { reshape, tensor } from '@gd/tensor'

// special floats travel through JSON as strings
const encode = (x) => (Object.is(x, -0) ? '-0' : Number.isFinite(x) ? x : String(x))
const decode = (x) => (x === '-0' ? -0 : typeof x === 'string' ? Number(x) : x)
const same = (a, b) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))

const [mode, dir] = process.argv.slice(2)
if (mode === 'write') {
  const floats = [
    1,
    -2.5,
    0.1,
    -0,
    1e-45,
    3.4028234663852886e38,
    NaN,
    Infinity,
    -Infinity,
    1 + 2 ** -11,
    65520,
    3 * 2 ** -26,
  ]
  const ints = [-2147483648, -1, 0, 1, 2147483647]
  // name → [values, @gd dtype, shape, file dtype written]
  const spec = {
    'model.layers.0.weight': [[1, -2, 3.5, 0.25, -0, 1e-8], 'float32', [2, 3], 'F32'],
    'model.layers.0.bias': [[0.5, -0.5, 0], 'float32', [3], 'F32'],
    'model.special': [floats, 'float32', [floats.length], 'F32'],
    'model.half': [floats, 'float32', [floats.length], 'F16'],
    'model.double': [[Math.PI, -0, 5e-324, Number.MAX_VALUE, NaN], 'float64', [5], 'F64'],
    'model.scalar': [[2.75], 'float32', [], 'F32'],
    'model.empty': [[], 'float32', [0, 4], 'F32'],
    'counts.i32': [ints, 'int32', [5], 'I32'],
    'counts.i64': [ints, 'int32', [5], 'I64'],
    'counts.u8': [[0, 1, 128, 255], 'int32', [2, 2], 'U8'],
    'counts.i8': [[-128, 0, 127], 'int32', [3], 'I8'],
    'counts.i16': [[-32768, 7, 32767], 'int32', [3], 'I16'],
    'counts.u16': [[0, 65535], 'int32', [2], 'U16'],
    'counts.u32': [[0, 2147483647], 'int32', [2], 'U32'],
    'counts.u64': [[0, 2147483647], 'int32', [2], 'U64'],
    mask: [[1, 0, 1, 1], 'bool', [4], 'BOOL'],
  }
  const tree = {}
  const dtypes = {}
  const expected = {}
  for (const [name, [values, dtype, shape, file]] of Object.entries(spec)) {
    tree[name] = reshape(tensor(values, { dtype }), shape)
    dtypes[name] = file
    expected[name] = { dtype: file, shape, values: values.map(encode) }
  }
  const metadata = { format: 'pt', note: 'written by @gd/io', 'unicode ✓': 'é — 😀', empty: '' }
  await saveSafetensorsFile(join(dir, 'gd.safetensors'), tree, { metadata, dtypes })
  const bf = [1, 1 + 2 ** -8, 1 + 3 * 2 ** -8, -3, 3.4e38, NaN, 0.1]
  await saveSafetensorsFile(
    join(dir, 'gd-bf16.safetensors'),
    { 'x.bf16': tensor(bf) },
    { dtypes: { 'x.bf16': 'BF16' } },
  )
  expected['x.bf16'] = { dtype: 'BF16', shape: [bf.length], values: bf.map(encode) }
  writeFileSync(join(dir, 'expected.json'), JSON.stringify({ metadata, tensors: expected }, null, 1))
  console.log(`interop: @gd wrote ${Object.keys(spec).length + 1} tensors in 13 dtypes to ${dir}`)
} else if (mode === 'read') {
  const want = JSON.parse(readFileSync(join(dir, 'py-expected.json'), 'utf8'))
  const { tree, metadata, dtypes } = await loadSafetensorsFile(join(dir, 'py.safetensors'), { flat: true })
  const problems = []
  // the reference writer keeps metadata in a hash map: compare the entries, not their order
  const entries = (m) => JSON.stringify(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)))
  if (entries(metadata) !== entries(want.metadata))
    problems.push(`metadata ${JSON.stringify(metadata)}, expected ${JSON.stringify(want.metadata)}`)
  const names = Object.keys(tree).sort()
  if (JSON.stringify(names) !== JSON.stringify(Object.keys(want.tensors).sort()))
    problems.push(`names ${names}, expected ${Object.keys(want.tensors).sort()}`)
  for (const [name, w] of Object.entries(want.tensors)) {
    const t = tree[name]
    if (t === undefined) continue
    if (dtypes[name] !== w.dtype) problems.push(`${name}: file dtype ${dtypes[name]}, expected ${w.dtype}`)
    if (t.dtype !== w.gd) problems.push(`${name}: loaded as ${t.dtype}, expected ${w.gd}`)
    if (JSON.stringify(t.shape) !== JSON.stringify(w.shape))
      problems.push(`${name}: shape ${JSON.stringify(t.shape)}, expected ${JSON.stringify(w.shape)}`)
    const values = Array.from(t.data)
    const expected = w.values.map(decode)
    const bad = expected.findIndex((v, i) => !same(values[i], t.dtype === 'float32' ? Math.fround(v) : v))
    if (values.length !== expected.length || bad >= 0)
      problems.push(`${name}: value ${values[bad]} at ${bad}, expected ${expected[bad]}`)
  }
  if (problems.length > 0) {
    console.error(`interop: @gd read py.safetensors wrongly:\n  ${problems.join('\n  ')}`)
    process.exit(1)
  }
  console.log(
    `interop: @gd read ${names.length} tensors and ${Object.keys(metadata).length} metadata entries written by Python's safetensors, every value equal`,
  )
} else {
  console.error('usage: node interop.mjs write|read <dir>')
  process.exit(2)
}
