import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { dot, matmul, matmulFlags, outer } from './matmul.js'
import { kernels, useKernels } from './seam.js'
import { broadcastShapes, sizeOf } from './shape.js'
import { Tensor, tensor, type NestedArray } from './tensor.js'
import { transpose } from './view.js'

type Float = 'float32' | 'float64'

function random(shape: number[], dtype: Float, seed: number): Tensor {
  const data = dtype === 'float32' ? new Float32Array(sizeOf(shape)) : new Float64Array(sizeOf(shape))
  let s = seed
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648
    data[i] = s / 1073741824 - 1
  }
  return tensor(data, { shape })
}

function get(nested: NestedArray, index: readonly number[]): number {
  let v = nested
  for (const i of index) v = (v as readonly NestedArray[])[i]!
  return v as number
}

/** Independent reference: nested arrays, explicit broadcasting, a triple loop. */
function reference(a: Tensor, b: Tensor, ta: boolean, tb: boolean): { shape: number[]; values: number[] } {
  const A = a.toArray()
  const B = b.toArray()
  const aBatch = a.shape.slice(0, -2)
  const bBatch = b.shape.slice(0, -2)
  const batch = broadcastShapes('ref', aBatch, bBatch)
  const am = a.rank === 1 ? 1 : ta ? a.shape.at(-1)! : a.shape.at(-2)!
  const k = a.rank === 1 ? a.shape[0]! : ta ? a.shape.at(-2)! : a.shape.at(-1)!
  const bn = b.rank === 1 ? 1 : tb ? b.shape.at(-2)! : b.shape.at(-1)!
  const readA = (bi: number[], i: number, p: number): number => {
    if (a.rank === 1) return get(A, [p])
    const lead = bi.slice(bi.length - aBatch.length).map((x, d) => (aBatch[d] === 1 ? 0 : x))
    return get(A, [...lead, ...(ta ? [p, i] : [i, p])])
  }
  const readB = (bi: number[], p: number, j: number): number => {
    if (b.rank === 1) return get(B, [p])
    const lead = bi.slice(bi.length - bBatch.length).map((x, d) => (bBatch[d] === 1 ? 0 : x))
    return get(B, [...lead, ...(tb ? [j, p] : [p, j])])
  }
  const values: number[] = []
  for (let flat = 0; flat < sizeOf(batch); flat++) {
    const bi: number[] = []
    let rest = flat
    for (let d = batch.length - 1; d >= 0; d--) {
      bi.unshift(rest % batch[d]!)
      rest = Math.floor(rest / batch[d]!)
    }
    for (let i = 0; i < am; i++) {
      for (let j = 0; j < bn; j++) {
        let s = 0
        for (let p = 0; p < k; p++) s += readA(bi, i, p) * readB(bi, p, j)
        values.push(s)
      }
    }
  }
  const shape = [...batch, ...(a.rank > 1 ? [am] : []), ...(b.rank > 1 ? [bn] : [])]
  return { shape, values }
}

function expectClose(got: Tensor, want: { shape: number[]; values: number[] }, tol: number): void {
  expect(got.shape).toEqual(want.shape)
  const data = got.data
  want.values.forEach((v, i) => expect(Math.abs(data[i]! - v)).toBeLessThanOrEqual(tol * (1 + Math.abs(v))))
}

/** A batch shape and two shapes that broadcast to it (some dims dropped, some set to 1). */
const batchPair = fc
  .array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 })
  .chain((batch) =>
    fc.tuple(
      fc.constant(batch),
      fc.integer({ min: 0, max: batch.length }),
      fc.integer({ min: 0, max: batch.length }),
      fc.array(fc.boolean(), { minLength: batch.length, maxLength: batch.length }),
      fc.array(fc.boolean(), { minLength: batch.length, maxLength: batch.length }),
    ),
  )
  .map(([batch, dropA, dropB, oneA, oneB]) => [
    batch.slice(dropA).map((d, i) => (oneA[i + dropA] ? 1 : d)),
    batch.slice(dropB).map((d, i) => (oneB[i + dropB] ? 1 : d)),
  ])

describe('matmul', () => {
  it('multiplies a worked example: [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]]', () => {
    expect(
      matmul(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        tensor([
          [5, 6],
          [7, 8],
        ]),
      ).toArray(),
    ).toEqual([
      [19, 22],
      [43, 50],
    ])
    // with B transposed: [[1*5+2*6, 1*7+2*8], [3*5+4*6, 3*7+4*8]]
    const bt = matmul(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      tensor([
        [5, 6],
        [7, 8],
      ]),
      { transposeB: true },
    )
    expect(bt.toArray()).toEqual([
      [17, 23],
      [39, 53],
    ])
  })

  it('matches the reference for every transpose combination and broadcast batch dims', () => {
    fc.assert(
      fc.property(
        batchPair,
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom<Float>('float32', 'float64'),
        fc.nat(),
        ([ba, bb], m, n, k, ta, tb, dtype, seed) => {
          const a = random([...ba!, ...(ta ? [k, m] : [m, k])], dtype, seed)
          const b = random([...bb!, ...(tb ? [n, k] : [k, n])], dtype, seed + 7)
          const got = matmul(a, b, { transposeA: ta, transposeB: tb })
          expect(got.dtype).toBe(dtype)
          // float32 inputs in [-1, 1), k <= 9: products rounded once to float32 (2^-24 relative)
          expectClose(got, reference(a, b, ta, tb), dtype === 'float32' ? 1e-6 : 1e-13)
        },
      ),
    )
  })

  it('reads transposed views ([n, m] with strides [1, n]) without copying, for both operands', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.nat(),
        (m, n, k, seed) => {
          const aT = random([k, m], 'float64', seed)
          const bT = random([n, k], 'float64', seed + 1)
          const aView = new Tensor(aT.storage as Float64Array, [m, k], 'float64', [1, m])
          const bView = new Tensor(bT.storage as Float64Array, [k, n], 'float64', [1, k])
          expectClose(matmul(aView, bView), reference(aT, bT, true, true), 1e-13)
          // a view on one side and the transpose flag on the other give the same product
          expectClose(matmul(aView, bT, { transposeB: true }), reference(aT, bT, true, true), 1e-13)
          expectClose(matmul(aT, bView, { transposeA: true }), reference(aT, bT, true, true), 1e-13)
        },
      ),
    )
  })

  it('feeds strided views to the gemm as they lie, Wasm or not: no copy, the same bits as contiguous copies', async () => {
    const { initWasm, useWasm, transpose, reshape, slice, broadcastTo } = await import('./index.js')
    await initWasm()
    const x = random([2, 16, 4, 12], 'float32', 5) // [B, T, H, D], as attention lays out its heads
    const heads = transpose(x, [0, 2, 1, 3]) // [B, H, T, D], a view
    const w = random([24, 40], 'float32', 6)
    const cases: [string, Tensor, Tensor, { transposeA?: boolean; transposeB?: boolean }][] = [
      ['rank 2, both transposed views', transpose(w), transpose(random([12, 24], 'float32', 7)), {}],
      ['rank 2, a column slice', slice(w, [0, 8], [24, 20]), random([20, 9], 'float32', 8), {}],
      ['rank 4 heads · their transpose (scores)', heads, heads, { transposeB: true }],
      ['rank 4 heads · a transposed view', heads, transpose(heads, [0, 1, 3, 2]), {}],
      [
        'rank 4 flag on a transposed view',
        transpose(heads, [0, 1, 3, 2]),
        transpose(heads, [0, 1, 3, 2]),
        { transposeA: true },
      ],
      [
        'broadcast batch dims',
        broadcastTo(slice(reshape(x, [8, 16, 12]), [3, 0, 0], [1, 16, 12]), [5, 16, 12]),
        slice(transpose(w), [0, 0], [12, 24]), // [12, 24] read through strides [1, 40]
        {},
      ],
    ]
    for (const wasm of [true, false]) {
      const restore = useWasm(wasm)
      try {
        for (const [name, a, b, options] of cases) {
          const dense = (t: Tensor): Tensor => tensor(Float32Array.from(t.data), { shape: t.shape })
          const [da, db] = [dense(a), dense(b)]
          const data = vi.spyOn(Tensor.prototype, 'data', 'get')
          const got = matmul(a, b, options)
          expect(data, name).not.toHaveBeenCalled()
          data.mockRestore()
          expect(got.data, `${name}, wasm ${wasm}`).toEqual(matmul(da, db, options).data)
        }
      } finally {
        restore()
      }
    }
  })

  it('runs a batch of arena operands as stacks on the Wasm gemm, with the bits of one product at a time', async () => {
    const { initWasm, toWasmMemory, transpose } = await import('./index.js')
    const { withScope } = await import('./kernels/runtime/scope.js')
    await initWasm()
    /** The bits of a result, so that −0 and +0 differ. */
    const bits = (t: Tensor): number[] => [...new Uint32Array(Float32Array.from(t.data).buffer)]
    fc.assert(
      fc.property(
        batchPair,
        // m·n·k ≥ 512 = GEMM_MIN: every product runs on the Wasm gemm
        fc.integer({ min: 8, max: 12 }),
        fc.integer({ min: 8, max: 12 }),
        fc.integer({ min: 8, max: 12 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.nat(),
        ([ba, bb], m, n, k, ta, tb, view, seed) => {
          const a = random([...ba!, ...(ta ? [k, m] : [m, k])], 'float32', seed)
          const b = random([...bb!, ...(tb ? [n, k] : [k, n])], 'float32', seed + 7)
          const options = { transposeA: ta, transposeB: tb }
          // on the JavaScript heap: the Wasm gemm copies each matrix in, one call per matrix
          const want = matmul(a, b, options)
          // in Wasm memory, results born there (a scope): a call per stack of matrices
          const [pa, pb] = [toWasmMemory(a) as Tensor, toWasmMemory(b) as Tensor]
          const got = withScope(
            'test',
            () => (view ? matmul(transpose(transpose(pa)), pb, options) : matmul(pa, pb, options)),
            (r) => r,
          )
          expect(got.shape).toEqual(want.shape)
          expect(bits(got)).toEqual(bits(want))
        },
      ),
      { numRuns: 60 },
    )
    // attention's heads: [B, T, H, D] read as [B, H, T, D] (strides that do not nest: B·H stacks of T × D)
    const x = toWasmMemory(random([3, 16, 4, 8], 'float32', 11)) as Tensor
    const heads = transpose(x, [0, 2, 1, 3])
    const dense = tensor(Float32Array.from(heads.data), { shape: heads.shape })
    const scores = withScope(
      'test',
      () => matmul(heads, heads, { transposeB: true }),
      (r) => r,
    )
    expect(bits(scores)).toEqual(bits(matmul(dense, dense, { transposeB: true })))
  })

  it('handles broadcast (stride 0) batch views and offsets', () => {
    const base = random([2, 3, 4], 'float64', 3)
    const shifted = new Tensor(base.storage as Float64Array, [3, 4], 'float64', [4, 1], 12) // the second matrix
    const stacked = new Tensor(shifted.storage, [5, 3, 4], 'float64', [0, 4, 1], 12)
    const b = random([4, 2], 'float64', 4)
    expectClose(matmul(stacked, b), reference(stacked, b, false, false), 1e-13)
    expect(matmul(stacked, b).shape).toEqual([5, 3, 2])
  })

  it('treats 1-D operands as NumPy does', () => {
    const v = tensor([1, 2])
    const m = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(matmul(v, m).toArray()).toEqual([9, 12, 15]) // [1*1+2*4, 1*2+2*5, 1*3+2*6]
    expect(matmul(m, tensor([1, 1, 1])).toArray()).toEqual([6, 15])
    expect(matmul(v, tensor([3, 4])).shape).toEqual([])
    expect(matmul(v, tensor([3, 4])).item()).toBe(11)
    const batched = matmul(tensor([1, 1]), random([4, 2, 3], 'float32', 1))
    expect(batched.shape).toEqual([4, 3])
  })

  it('works on empty dimensions', () => {
    expect(
      matmul(tensor(new Float32Array(0), { shape: [2, 0] }), tensor(new Float32Array(0), { shape: [0, 3] })).toArray(),
    ).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ])
  })

  it('goes through kernels.gemm', () => {
    let calls = 0
    const base = kernels.gemm
    const restore = useKernels({ gemm: (...args) => (calls++, base(...args)) })
    try {
      matmul(random([3, 2, 2], 'float32', 1), random([3, 2, 2], 'float32', 2))
    } finally {
      restore()
    }
    expect(calls).toBe(3)
    expect(kernels.gemm).toBe(base)
  })

  it('throws clear errors', () => {
    const f32 = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(() => matmul(f32, tensor(new Float32Array(20), { shape: [4, 5] }))).toThrow(
      'matmul: inner dimensions differ: [2,3] x [4,5]',
    )
    const square = tensor([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ])
    expect(() => matmul(f32, square, { transposeA: true })).toThrow('matmul: inner dimensions differ: [2,3]^T x [3,3]')
    expect(() => matmul(f32, tensor(new Float64Array(6), { shape: [3, 2] }))).toThrow(
      'matmul: dtypes differ: float32 and float64',
    )
    expect(() => matmul(tensor([[1]], { dtype: 'int32' }), tensor([[1]], { dtype: 'int32' }))).toThrow(
      'matmul: dtype must be float32 or float64, got int32',
    )
    expect(() => matmul(tensor(2), f32)).toThrow('matmul: operands must have rank >= 1, got shapes [] and [2,3]')
    expect(() => matmul(random([2, 2, 3], 'float32', 1), random([3, 3, 1], 'float32', 1))).toThrow(
      'matmul: batch dimensions do not broadcast: [2,2,3] x [3,3,1]',
    )
    // options are read strictly, and every argument is checked before it is used
    expect(() => matmul(f32, square, { transposeb: true } as never)).toThrow(
      'matmul: unknown option transposeb, expected one of transposeA, transposeB; did you mean transposeB?',
    )
    expect(() => matmul(f32, square, { transposeA: 1 } as never)).toThrow('matmul: transposeA must be a boolean, got 1')
    class Var {}
    expect(() => matmul(f32, new Var() as never)).toThrow(
      'matmul: b must be a Tensor, got a Var (a traced value: use the differentiable ops of @gd/autograd on it)',
    )
    expect(() => matmul(undefined as never, f32)).toThrow('matmul: a must be a Tensor, got undefined')
    expect(() => dot(tensor([1]), 2 as never)).toThrow('dot: b must be a Tensor, got 2')
    expect(() => outer(null as never, tensor([1]))).toThrow('outer: a must be a Tensor, got null')
  })
})

describe('dot and outer', () => {
  it('dot: 1*4 + 2*5 + 3*6 = 32, in float64 too', () => {
    expect(dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item()).toBe(32)
    const d = dot(tensor([0.1, 0.2], { dtype: 'float64' }), tensor([0.3, 0.4], { dtype: 'float64' }))
    expect(d.dtype).toBe('float64')
    expect(d.item()).toBeCloseTo(0.11, 15)
  })

  it('outer: C[i, j] = a_i b_j', () => {
    expect(outer(tensor([1, 2]), tensor([3, 4, 5])).toArray()).toEqual([
      [3, 4, 5],
      [6, 8, 10],
    ])
  })

  it('agree with matmul on random vectors', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), fc.nat(), (m, n, seed) => {
        const a = random([m], 'float64', seed)
        const b = random([m], 'float64', seed + 1)
        expect(dot(a, b).item()).toBeCloseTo(matmul(a, b).item(), 12)
        const c = random([n], 'float64', seed + 2)
        const o = outer(a, c)
        expectClose(
          o,
          reference(
            new Tensor(a.storage as Float64Array, [m, 1], 'float64'),
            new Tensor(c.storage as Float64Array, [1, n], 'float64'),
            false,
            false,
          ),
          0,
        )
      }),
    )
  })

  it('throw clear errors', () => {
    expect(() => dot(tensor([[1, 2]]), tensor([1, 2]))).toThrow('dot: operands must be 1-D, got shapes [1,2] and [2]')
    expect(() => dot(tensor([1, 2]), tensor([1, 2, 3]))).toThrow('dot: lengths differ: [2] and [3]')
    expect(() => dot(tensor([1]), tensor([1], { dtype: 'float64' }))).toThrow('dot: dtypes differ: float32 and float64')
    expect(() => outer(tensor(1), tensor([1]))).toThrow('outer: operands must be 1-D, got shapes [] and [1]')
    expect(() => outer(tensor([1], { dtype: 'int32' }), tensor([1], { dtype: 'int32' }))).toThrow(
      'outer: dtype must be float32 or float64, got int32',
    )
  })
})

describe('matmulFlags (matmul with its options already read, for @gd/autograd)', () => {
  it('gives what matmul gives for each flag pair, bit for bit', () => {
    const a = random([3, 4, 5], 'float32', 2)
    const b = random([5, 5], 'float32', 3)
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        const x = transposeA ? transpose(a, [0, 2, 1]) : a
        const want = matmul(x, b, { transposeA, transposeB })
        expect(Array.from(matmulFlags(x, b, transposeA, transposeB).data)).toEqual(Array.from(want.data))
      }
    }
    // [[1, 2], [3, 4]] · [[5, 6], [7, 8]]ᵀ = [[1·5 + 2·6, 1·7 + 2·8], …] = [[17, 23], [39, 53]]
    expect(
      matmulFlags(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        tensor([
          [5, 6],
          [7, 8],
        ]),
        false,
        true,
      ).toArray(),
    ).toEqual([
      [17, 23],
      [39, 53],
    ])
  })

  it("checks its operands and flags with matmul's messages", () => {
    const f32 = random([2, 3], 'float32', 1)
    expect(() => matmulFlags(f32, f32, false, 1 as never)).toThrow('matmul: transposeB must be a boolean, got 1')
    expect(() => matmulFlags(f32, f32, undefined as never, false)).toThrow(
      'matmul: transposeA must be a boolean, got undefined',
    )
    expect(() => matmulFlags(undefined as never, f32, false, false)).toThrow(
      'matmul: a must be a Tensor, got undefined',
    )
    expect(() => matmulFlags(f32, f32, false, false)).toThrow('matmul: inner dimensions differ: [2,3] x [2,3]')
    expect(() => matmulFlags(f32, random([3, 4], 'float32', 2), true, false)).toThrow(
      'matmul: inner dimensions differ: [2,3]^T x [3,4]',
    )
  })
})
