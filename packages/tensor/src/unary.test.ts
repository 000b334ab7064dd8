import { describe, expect, it, vi } from 'vitest'
import * as T from './index.js'

const x = T.tensor([-2, -0.5, 0, 0.5, 3], { dtype: 'float64' })
const cases: [string, (t: T.Tensor) => T.Tensor, (v: number) => number][] = [
  ['neg', T.neg, (v) => -v],
  ['abs', T.abs, Math.abs],
  ['sign', T.sign, Math.sign],
  ['square', T.square, (v) => v * v],
  ['exp', T.exp, Math.exp],
  ['expm1', T.expm1, Math.expm1],
  ['sin', T.sin, Math.sin],
  ['cos', T.cos, Math.cos],
  ['tanh', T.tanh, Math.tanh],
  ['relu', T.relu, (v) => Math.max(v, 0)],
  ['floor', T.floor, Math.floor],
  ['sigmoid', T.sigmoid, (v) => 1 / (1 + Math.exp(-v))],
]

describe('unary ops', () => {
  it.each(cases)('%s matches Math elementwise in float64', (_n, op, ref) => {
    const out = op(x)
    expect(out.dtype).toBe('float64')
    ;[...x.data].forEach((v, i) => expect(out.data[i]).toBeCloseTo(ref(v), 14))
  })

  it('maps a strided view in one pass, bit for bit as its contiguous copy, on the Wasm loops and the JavaScript ones', async () => {
    await T.initWasm()
    const ops: [string, (t: T.Tensor) => T.Tensor][] = [
      ['tanh', T.tanh],
      ['exp', T.exp],
      ['sigmoid', T.sigmoid],
      ['relu', T.relu],
      ['neg', T.neg],
      ['abs', T.abs], // no loop: mapped row by row
      ['isNaN', T.isNaN],
    ]
    // rows × columns taken through a transpose or every other column; 16384 + 50 elements splits into
    // two blocks of 8217, 40000 into 16384, 11808 and 11808 (each long enough for the Wasm loop)
    for (const [rows, cols] of [
      [5, 7],
      [2, 8217],
      [250, 160],
    ] as const) {
      const values = Float32Array.from({ length: rows * cols * 2 }, (_, i) => Math.sin(i * 0.71) * 4)
      const wide = T.tensor(values, { shape: [rows, cols * 2] })
      const views = [
        T.slice(wide, [0, 0], [rows, cols]),
        T.transpose(T.reshape(T.slice(T.reshape(wide, [rows * 2, cols]), [0, 0], [rows, cols]), [cols, rows])),
        T.transpose(T.reshape(wide, [2, rows, cols]), [1, 2, 0]),
      ]
      for (const wasm of [true, false]) {
        const restore = T.useWasm(wasm)
        try {
          for (const v of views) {
            expect(v.isContiguous).toBe(false)
            const dense = T.tensor(Float32Array.from(v.data), { shape: v.shape })
            const data = vi.spyOn(T.Tensor.prototype, 'data', 'get')
            const got = ops.map(([, op]) => op(v))
            expect(data).not.toHaveBeenCalled() // no copy of the view
            data.mockRestore()
            ops.forEach(([name, op], i) => {
              expect(got[i]!.shape).toEqual(v.shape)
              // the first element whose bits differ (-1: none); toEqual on 40,000 elements takes seconds
              const [a, b] = [got[i]!.data, op(dense).data]
              const bits = (t: T.Storage): Uint8Array => new Uint8Array(t.buffer, t.byteOffset, t.byteLength)
              const expected = bits(b)
              expect(b.length).toBe(a.length)
              expect(
                bits(a).findIndex((byte, k) => byte !== expected[k]),
                `${name} ${v.shape} wasm ${wasm}`,
              ).toBe(-1)
            })
          }
        } finally {
          restore()
        }
      }
    }
  })

  it('maps the positive domain of sqrt, rsqrt, log, log1p and reciprocal', () => {
    const p = T.tensor([0.25, 1, 4], { dtype: 'float64' })
    expect([...T.sqrt(p).data]).toEqual([0.5, 1, 2])
    expect([...T.rsqrt(p).data]).toEqual([2, 1, 0.5])
    expect([...T.reciprocal(p).data]).toEqual([4, 1, 0.25])
    expect([...T.log(p).data]).toEqual([Math.log(0.25), 0, Math.log(4)])
    expect([...T.log1p(p).data]).toEqual([Math.log1p(0.25), Math.log1p(1), Math.log1p(4)])
  })

  it('keeps sigmoid exact at the extremes instead of overflowing to NaN', () => {
    expect(T.sigmoid(T.tensor([-1000, 1000])).toArray()).toEqual([0, 1])
  })

  it('gives float results for int32 in float ops and keeps int32 in sign-preserving ones', () => {
    const i = T.tensor([4, -1], { dtype: 'int32' })
    expect(T.sqrt(i).dtype).toBe('float32')
    expect(T.abs(i).dtype).toBe('int32')
    expect(T.abs(i).toArray()).toEqual([4, 1])
  })

  it('tests finiteness and NaN into masks, and clips and selects', () => {
    const v = T.tensor([1, Infinity, NaN])
    expect(T.isFinite(v).toArray()).toEqual([true, false, false])
    expect(T.isNaN(v).toArray()).toEqual([false, false, true])
    expect(T.logicalNot(T.isNaN(v)).toArray()).toEqual([true, true, false])
    expect(T.clip(T.tensor([-1, 0.5, 2]), 0, 1).toArray()).toEqual([0, 0.5, 1])
    expect(T.where(T.tensor([[true], [false]]), T.tensor([1, 2]), -1).toArray()).toEqual([
      [1, 2],
      [-1, -1],
    ])
    expect(() => T.clip(v, 1, 0)).toThrow('clip: min must be <= max, got 1 and 0')
    expect(() => T.where(T.tensor([true, false]), T.zeros([3]), 0)).toThrow(
      'where: cannot broadcast shapes [2] and [3]',
    )
  })
})
