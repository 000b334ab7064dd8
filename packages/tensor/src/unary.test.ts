import { describe, expect, it } from 'vitest'
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
