import { describe, expect, it } from 'vitest'
import * as T from './index.js'

describe('slice, flip, pad', () => {
  const x = T.tensor([
    [1, 2, 3],
    [4, 5, 6],
  ])

  it('a range of rows is used where it lies: in the Wasm memory, kernels read it without a copy', async () => {
    await T.initWasm()
    const { useScopes, withScope } = await import('./internal.js')
    const { traffic } = await import('./kernels/runtime/memory.js')
    // results born in the memory need scopes on: turned on here, so the test holds under GD_SCOPES=0 too
    const restore = useScopes(true)
    const values = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i))
    const x = T.toWasmMemory(T.tensor(values(64 * 32, Math.sin), { shape: [64, 32] }))
    const w = T.toWasmMemory(T.tensor(values(32 * 16, Math.cos), { shape: [32, 16] }))
    const rows = T.slice(x, [8, 0], [40, 32]) // rows 8..47: contiguous, 256 floats in
    expect(rows.isContiguous).toBe(true)
    expect(rows.storage).toBe(x.storage)
    let copied = -1
    let results: T.Tensor[]
    try {
      results = withScope(
        'test',
        () => {
          const before = traffic.bytes
          const out = [T.exp(rows), T.matmul(rows, w), T.sum(rows, { axis: 1 })]
          copied = traffic.bytes - before // results are born in the memory too: nothing to copy in or out
          return out
        },
        (r) => r,
      )
    } finally {
      restore()
    }
    const [e, p, s] = results
    expect(copied).toBe(0)
    const dense = T.tensor(Float32Array.from(rows.data), { shape: [40, 32] })
    expect(Array.from(e!.data)).toEqual(Array.from(T.exp(dense).data))
    expect(Array.from(p!.data)).toEqual(
      Array.from(T.matmul(dense, T.tensor(Float32Array.from(w.data), { shape: [32, 16] })).data),
    )
    expect(Array.from(s!.data)).toEqual(Array.from(T.sum(dense, { axis: 1 }).data))
  })

  it('slice returns a view of a box', () => {
    const s = T.slice(x, [1, 1], [1, -1])
    expect(s.toArray()).toEqual([[5, 6]])
    expect(s.storage).toBe(x.storage)
    expect(T.slice(x, [-1]).toArray()).toEqual([[4, 5, 6]])
    expect(T.slice(T.slice(x, [0, 1]), [1, 1]).toArray()).toEqual([[6]])
  })

  it('flip reverses axes through negative strides', () => {
    expect(T.flip(x).toArray()).toEqual([
      [6, 5, 4],
      [3, 2, 1],
    ])
    expect(T.flip(x, 0).toArray()).toEqual([
      [4, 5, 6],
      [1, 2, 3],
    ])
    expect(T.flip(T.flip(x, 1), 1).toArray()).toEqual(x.toArray())
  })

  it('pad surrounds with a constant, on views too', () => {
    expect(T.pad(T.tensor([1, 2]), [[1, 2]], -1).toArray()).toEqual([-1, 1, 2, -1, -1])
    expect(
      T.pad(T.transpose(x), [
        [0, 1],
        [1, 0],
      ]).toArray(),
    ).toEqual([
      [0, 1, 4],
      [0, 2, 5],
      [0, 3, 6],
      [0, 0, 0],
    ])
  })

  it('names the problem on bad input', () => {
    expect(() => T.slice(x, [0, 2], [1, 2])).toThrow(
      'slice: begin [0,2] with size [1,2] is out of bounds for shape [2,3] (axis 1)',
    )
    expect(() => T.slice(x, [0, 0, 0])).toThrow('slice: begin [0,0,0] and size [] have more entries than rank 2')
    expect(() => T.pad(x, [[-1, 0]])).toThrow(
      'pad: widths must be up to 2 pairs of non-negative integers, got an array of length 1',
    )
    expect(() => T.pad(x, [[1, 0]], '1' as never)).toThrow('pad: value must be a number, got "1"')
    expect(() => T.pad(undefined as never, [])).toThrow('pad: t must be a Tensor, got undefined')
    expect(() => T.slice(x, [0.5])).toThrow('slice: begin[0] must be an integer, got 0.5')
    expect(() => T.slice(x, 0 as never)).toThrow('slice: begin must be an array, got 0')
    expect(() => T.flip(x, [0, 0])).toThrow('flip: axis must not repeat an axis, got [0,0]')
    expect(() => T.flip(x, 2)).toThrow('flip: axis must be an integer in [-2, 2) for a tensor of rank 2, got 2')
  })
})
