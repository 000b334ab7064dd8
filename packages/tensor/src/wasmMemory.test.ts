import { describe, expect, it } from 'vitest'
import { fusedKernels, tensor, toWasmMemory, transpose, treeLeaves, useWasm } from './index.js'

const ramp = (n: number, dtype: 'float32' | 'float64' = 'float32') =>
  tensor(
    Float64Array.from({ length: n }, (_, i) => i / 7),
    { dtype },
  )

describe('toWasmMemory', () => {
  it('copies float32 leaves of 96+ elements into the fused kernels’ memory, keeping structure, shapes and values', () => {
    const w = ramp(200)
    const tree = { layers: [{ w, b: ramp(3) }], scale: ramp(100, 'float64'), steps: tensor([1, 2], { dtype: 'int32' }) }
    const placed = toWasmMemory(tree)
    const kernels = fusedKernels()!
    expect(placed.layers[0]!.w).not.toBe(w)
    expect(kernels.holds(placed.layers[0]!.w.data)).toBe(true)
    expect(placed.layers[0]!.w.toArray()).toEqual(w.toArray())
    expect(kernels.holds(placed.layers[0]!.b.data)).toBe(false) // 3 elements: an ordinary copy
    expect(placed.layers[0]!.b.data).not.toBe(tree.layers[0]!.b.data)
    expect(placed.layers[0]!.b.toArray()).toEqual(tree.layers[0]!.b.toArray())
    expect(placed.scale).toBe(tree.scale) // no Wasm kernels for float64: returned as it is
    expect(placed.steps).toBe(tree.steps)
    w.data[0] = 42
    expect(placed.layers[0]!.w.data[0]).toBe(0) // a copy, not a view
  })

  it('copies non-contiguous leaves in row-major order', () => {
    const x = transpose(
      tensor(
        Float32Array.from({ length: 240 }, (_, i) => i),
        { shape: [12, 20] },
      ),
    )
    const placed = toWasmMemory([x])[0]!
    expect(placed.isContiguous).toBe(true)
    expect(placed.toArray()).toEqual(x.toArray())
  })

  it('makes ordinary copies while useWasm(false)', () => {
    const restore = useWasm(false)
    let placed: { w: ReturnType<typeof ramp> }
    try {
      placed = toWasmMemory({ w: ramp(500) })
    } finally {
      restore()
    }
    expect(fusedKernels()!.holds(placed.w.data)).toBe(false)
    expect(placed.w.toArray()).toEqual(ramp(500).toArray())
    expect(treeLeaves(toWasmMemory({ w: ramp(500) })).every((t) => fusedKernels()!.holds(t.data))).toBe(true)
  })

  it('names itself when the tree holds something that is not a tensor', () => {
    expect(() => toWasmMemory({ w: [1, 2] } as never)).toThrow('toWasmMemory: leaf at .w[0] is not a tensor: number')
  })
})
