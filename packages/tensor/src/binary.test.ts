import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { broadcastPairArb, broadcastRead, unravel, valuesArb } from '../test/reference.js'
import * as T from './index.js'
import * as I from './internal.js'

const ops: [string, (a: T.TensorLike, b: T.TensorLike) => T.Tensor, (x: number, y: number) => number][] = [
  ['add', T.add, (x, y) => x + y],
  ['sub', T.sub, (x, y) => x - y],
  ['mul', T.mul, (x, y) => x * y],
  ['div', T.div, (x, y) => x / y],
  ['pow', T.pow, Math.pow],
  ['maximum', T.maximum, Math.max],
  ['minimum', T.minimum, Math.min],
  ['equal', T.equal, (x, y) => Number(x === y)],
  ['notEqual', T.notEqual, (x, y) => Number(x !== y)],
  ['greater', T.greater, (x, y) => Number(x > y)],
  ['greaterEqual', T.greaterEqual, (x, y) => Number(x >= y)],
  ['less', T.less, (x, y) => Number(x < y)],
  ['lessEqual', T.lessEqual, (x, y) => Number(x <= y)],
]

describe('binary ops', () => {
  it.each(ops)('%s broadcasts like NumPy (against index arithmetic)', (_name, op, ref) => {
    fc.assert(
      fc.property(
        broadcastPairArb.chain(({ a, b }) => fc.tuple(valuesArb(a), valuesArb(b))),
        ([a, b]) => {
          const out = op(a, b)
          const shape = I.broadcastShapes('test', a.shape, b.shape)
          expect(out.shape).toEqual(shape)
          const data = out.data
          for (let i = 0; i < out.size; i++) {
            const idx = unravel(i, shape)
            expect(data[i]).toBe(ref(broadcastRead(a, idx), broadcastRead(b, idx)))
          }
        },
      ),
      { numRuns: 60 },
    )
  })

  it('merges dimensions both inputs step through as one: an NCHW bias over each channel, a transposed operand', () => {
    const x = T.tensor(
      Float32Array.from({ length: 2 * 3 * 5 * 7 }, (_, i) => Math.sin(i)),
      { shape: [2, 3, 5, 7] },
    )
    const bias = T.tensor([0.5, -1, 2], { shape: [1, 3, 1, 1] })
    const xt = T.transpose(
      T.tensor(
        Float32Array.from({ length: 7 * 5 * 3 * 2 }, (_, i) => i / 9),
        { shape: [7, 5, 3, 2] },
      ),
    )
    for (const [a, b] of [
      [x, bias],
      [bias, x],
      [xt, bias],
      [x, xt],
    ] as const) {
      for (const [op, ref] of [
        [T.add, (p: number, q: number) => Math.fround(p + q)],
        [T.mul, (p: number, q: number) => Math.fround(p * q)],
      ] as const) {
        const out = op(a, b)
        const want = Array.from({ length: out.size }, (_, i) => {
          const idx = unravel(i, out.shape)
          return ref(broadcastRead(a, idx), broadcastRead(b, idx))
        })
        expect(Array.from(out.data)).toEqual(want)
      }
    }
  })

  it('reluGrad passes dy where x > 0 and gives +0 elsewhere (NaN x too), on the JavaScript and the Wasm loops alike', async () => {
    await T.initWasm()
    const n = 200 // past the Wasm threshold
    const x = T.tensor(Float32Array.from({ length: n }, (_, i) => [1, 0, -1, Number.NaN, -0, 1e-40][i % 6]!))
    const dy = T.tensor(
      Float32Array.from({ length: n }, (_, i) => [-0, 2, -3, Number.POSITIVE_INFINITY, Number.NaN][i % 5]!),
    )
    const want = Array.from({ length: n }, (_, i) => (x.data[i]! > 0 ? dy.data[i]! : 0))
    for (const wasm of [true, false]) {
      const restore = T.useWasm(wasm)
      try {
        const got = Array.from(T.reluGrad(dy, x).data)
        got.forEach((v, i) =>
          expect(Object.is(v, want[i]), `${wasm ? 'wasm' : 'js'} ${i}: ${v} vs ${want[i]}`).toBe(true),
        )
      } finally {
        restore()
      }
    }
    expect(T.reluGrad(T.tensor([[1, 2]]), T.tensor([[3], [-3]])).toArray()).toEqual([
      [1, 2],
      [0, 0],
    ])
    expect(T.reluGrad(T.tensor([1, 2], { dtype: 'float64' }), T.tensor([1, -1])).dtype).toBe('float64')
  })

  it('column broadcasts and short strided rows go through the op loops a block at a time, with the bits of index arithmetic', async () => {
    await T.initWasm()
    const f = Math.fround
    const loops: [string, (a: T.TensorLike, b: T.TensorLike) => T.Tensor, (x: number, y: number) => number][] = [
      ['add', T.add, (x, y) => f(x + y)],
      ['sub', T.sub, (x, y) => f(x - y)],
      ['mul', T.mul, (x, y) => f(x * y)],
      ['div', T.div, (x, y) => f(x / y)],
      ['reluGrad', T.reluGrad, (g, v) => (v > 0 ? g : 0)],
      ['less', T.less, (x, y) => Number(x < y)],
      ['equal', T.equal, (x, y) => Number(x === y)],
    ]
    // [rows, 10] against [rows, 1] (logSoftmax's shift and its gradient), both ways round, and a transposed
    // operand with 3-element rows; 1700 × 10 = 17,000 elements are two blocks of 8,500 (each past the Wasm threshold);
    const cases: [T.Tensor, T.Tensor][] = []
    for (const rows of [3, 128, 1700]) {
      const x = T.tensor(
        Float32Array.from({ length: rows * 10 }, (_, i) => (i % 7 === 3 ? 0 : Math.sin(i * 0.37) * 3)),
        { shape: [rows, 10] },
      )
      const c = T.tensor(
        Float32Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? 0 : Math.cos(i) * 2)),
        { shape: [rows, 1] },
      )
      const t = T.transpose(
        T.tensor(
          Float32Array.from({ length: rows * 3 }, (_, i) => i / 7 - 5),
          { shape: [3, rows] },
        ),
      )
      cases.push([x, c], [c, x], [t, T.tensor([0.5, -2, 0], { shape: [1, 3] })], [t, T.tensor([1.5])])
    }
    // a per-channel bias over rows of 64 (a CNN's): filled into the scratch, 17 × 16 × 64 = 17,408 floats in two blocks
    const nchw = T.tensor(
      Float32Array.from({ length: 17 * 16 * 64 }, (_, i) => Math.sin(i * 0.13) * 5),
      { shape: [17, 16, 8, 8] },
    )
    const bias = T.tensor(
      Float32Array.from({ length: 16 }, (_, i) => i / 3 - 2),
      { shape: [1, 16, 1, 1] },
    )
    cases.push([nchw, bias], [bias, nchw])
    for (const [a, b] of cases) {
      for (const [name, op, ref] of loops) {
        const shape = I.broadcastShapes('test', a.shape, b.shape)
        const want = Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, (_, i) => {
          const idx = unravel(i, shape)
          return ref(broadcastRead(a, idx), broadcastRead(b, idx))
        })
        for (const wasm of [true, false]) {
          const restore = T.useWasm(wasm)
          try {
            const got = op(a, b).data
            const bad = want.findIndex((v, i) => !Object.is(v, Number(got[i])))
            expect(bad, `${name} ${a.shape} ${b.shape} wasm ${wasm}`).toBe(-1)
          } finally {
            restore()
          }
        }
      }
    }
  })

  it('gathers short rows of every dtype into scratch of that dtype', () => {
    const col = (dtype: T.DType) => T.tensor([[1], [-2]], { dtype })
    const rows = (dtype: T.DType) =>
      T.tensor(
        [
          [10, 20, 30],
          [40, 50, 60],
        ],
        { dtype },
      )
    for (const dtype of ['int32', 'float64', 'float32'] as const) {
      // [2, 3] − [2, 1], then a transposed [3, 2] times the column: each through the blocked path
      expect(T.sub(rows(dtype), col(dtype)).toArray()).toEqual([
        [9, 19, 29],
        [42, 52, 62],
      ])
      expect(T.mul(T.transpose(rows(dtype)), T.tensor([2, -1], { dtype })).toArray()).toEqual([
        [20, -40],
        [40, -50],
        [60, -60],
      ])
      expect(T.sub(rows(dtype), col(dtype)).dtype).toBe(dtype)
    }
    // int32 arithmetic wraps as the loops store it, and a bool mask compares through the same scratch
    const big = T.tensor([[2147483647], [0]], { dtype: 'int32' })
    expect(T.add(big, T.tensor([[1, 2]], { dtype: 'int32' })).toArray()).toEqual([
      [-2147483648, -2147483647],
      [1, 2],
    ])
    expect(T.less(T.tensor([[false], [true]]), T.tensor([[true, false]])).toArray()).toEqual([
      [true, false],
      [false, false],
    ])
  })

  it('reads transposed, flipped and sliced views without copying them first', () => {
    const x = T.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(T.add(T.transpose(x), T.tensor([10, 20])).toArray()).toEqual([
      [11, 24],
      [12, 25],
      [13, 26],
    ])
    expect(T.mul(T.flip(x, 1), 2).toArray()).toEqual([
      [6, 4, 2],
      [12, 10, 8],
    ])
    expect(T.sub(T.slice(x, [0, 1], [2, 2]), 1).toArray()).toEqual([
      [1, 2],
      [4, 5],
    ])
  })

  it('promotes dtypes: numbers take the tensor dtype, int32 with float32 gives float32', () => {
    const i = T.tensor([1, 2], { dtype: 'int32' })
    expect(T.add(i, 1).dtype).toBe('int32')
    expect(T.add(i, T.tensor([0.5, 0.5])).dtype).toBe('float32')
    expect(T.add(T.tensor([1], { dtype: 'float64' }), T.tensor([1])).dtype).toBe('float64')
    expect(T.div(i, 2).toArray()).toEqual([0.5, 1])
    expect(T.add(T.tensor([true]), T.tensor([true])).toArray()).toEqual([2])
    expect(T.greater(i, 1).dtype).toBe('bool')
  })

  it('names the op and both shapes when broadcasting fails', () => {
    expect(() => T.add(T.zeros([2, 3]), T.zeros([4]))).toThrow('add: cannot broadcast shapes [2,3] and [4]')
    expect(() => T.less(T.zeros([2]), T.zeros([3]))).toThrow('less: cannot broadcast shapes [2] and [3]')
    expect(() => T.add(T.zeros([2]), 'x' as never)).toThrow('add: b must be a Tensor or a number, got "x"')
  })

  it("follows JAX's weak-type rule: an int tensor and a fractional number give float32", () => {
    const i = T.tensor([1, 3], { dtype: 'int32' })
    const m = T.mul(i, 0.5)
    expect(m.dtype).toBe('float32')
    expect(m.toArray()).toEqual([0.5, 1.5]) // was [0, 1] when 0.5 was cast to int32 (0)
    expect(T.add(0.25, i).toArray()).toEqual([1.25, 3.25])
    expect(T.sub(i, Number.NaN).dtype).toBe('float32')
    expect(T.mul(i, 2 ** 31).toArray()).toEqual([2 ** 31, 3 * 2 ** 31]) // beyond int32: float
    expect(T.maximum(i, 1.5).toArray()).toEqual([1.5, 3])
    // integer numbers keep int32 int32
    expect(T.mul(i, 2).dtype).toBe('int32')
    expect(T.mul(i, -0).dtype).toBe('int32')
    // comparisons compute in float too: 1 == 1.5 is false (it was true, 1.5 truncated to 1)
    expect(T.equal(i, 1.5).toArray()).toEqual([false, false])
    expect(T.less(i, 1.5).toArray()).toEqual([true, false])
    // bool: 0 and 1 keep bool for comparisons, other integers compute in int32
    const b = T.tensor([true, false])
    expect(T.equal(b, 256).toArray()).toEqual([false, false])
    expect(T.add(b, 0.5).toArray()).toEqual([1.5, 0.5])
    // float tensors keep their dtype: a number never widens float32 to float64
    expect(T.mul(T.tensor([1]), 0.1).dtype).toBe('float32')
    expect(T.mul(T.tensor([1], { dtype: 'float64' }), 0.5).dtype).toBe('float64')
    expect(T.where(T.tensor([true, false]), i, 0.5).toArray()).toEqual([1, 0.5])
    expect(T.clip(i, 0.5, 2.5).toArray()).toEqual([1, 2.5]) // float32; was [1, 2] with the bounds cast to int32
    expect(T.clip(i, 0, 2).dtype).toBe('int32')
  })

  it('float ops on int tensors compute in float', () => {
    const i = T.tensor([-1, 0, 2], { dtype: 'int32' })
    expect(T.sigmoid(i).dtype).toBe('float32')
    expect(T.sigmoid(i).toArray()).toEqual([...new Float32Array([1 / (1 + Math.E), 0.5, 1 / (1 + Math.exp(-2))])])
    expect(T.exp(i).toArray()).toEqual([...new Float32Array([Math.exp(-1), 1, Math.exp(2)])])
    expect(T.tanh(i).dtype).toBe('float32')
    expect(T.div(i, 4).toArray()).toEqual([-0.25, 0, 0.5])
  })

  it('checks its operands before touching them', () => {
    expect(() => T.add(undefined as never, 1)).toThrow('add: a must be a Tensor or a number, got undefined')
    expect(() => T.mul(T.zeros([2]), null as never)).toThrow('mul: b must be a Tensor or a number, got null')
    expect(() => T.equal(T.zeros([2]), [1, 2] as never)).toThrow('equal: b must be a Tensor or a number, got [1,2]')
    expect(() => T.reluGrad(T.zeros([2]), {} as never)).toThrow('reluGrad: x must be a Tensor or a number, got {}')
    expect(() => T.where([1] as never, 1, 2)).toThrow('where: condition must be a Tensor, got [1]')
    expect(() => T.where(T.tensor([true]), undefined as never, 2)).toThrow(
      'where: a must be a Tensor or a number, got undefined',
    )
    expect(() => T.clip(T.zeros([1]), '0' as never, 1)).toThrow('clip: min must be a number, got "0"')
    expect(() => T.abs(undefined as never)).toThrow('abs: x must be a Tensor, got undefined')
    class Var {}
    expect(() => T.sub(new Var() as never, 1)).toThrow(
      'sub: a must be a Tensor or a number, got a Var (a traced value: use the differentiable ops of @gd/autograd on it)',
    )
  })
})
