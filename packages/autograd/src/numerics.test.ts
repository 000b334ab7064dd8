// Numeric slips an independent float64 oracle found, each pinned by a test that failed before its fix.
import { describe, expect, it } from 'vitest'
import * as T from '@gd/tensor'
import * as AG from './index.js'
import type { Var } from './variable.js'

describe('numerics', () => {
  it('float32 softmax of equal large logits is exactly uniform', () => {
    // exp(logSoftmax) gave 0.4999855: log Σ e^(z−m) = log 2 rounds, and e^(−0.6931472) misses ½ by ~240 ulps
    expect(AG.softmax(T.tensor([1000, 1000])).toArray()).toEqual([0.5, 0.5])
    expect(AG.softmax(T.tensor([[3, 3, 3, 3]]), 1).toArray()).toEqual([[0.25, 0.25, 0.25, 0.25]])
    // rows of −∞ stay finite where possible; a fully masked row is NaN as in every library (0/0)
    expect(AG.softmax(T.tensor([0, -Infinity])).toArray()).toEqual([1, 0])
  })

  it('softmax gradients agree with central differences, along any axis', () => {
    const x = T.tensor([0.3, -1.2, 2, 0.5, 0.1, -0.4], { dtype: 'float64', shape: [2, 3] })
    const w = T.tensor([1, -2, 0.5, 3, 0.25, -1], { dtype: 'float64', shape: [2, 3] })
    expect(AG.gradcheck((v) => AG.sum(AG.mul(AG.softmax(v), w)), [x])).toBe(true)
    expect(AG.gradcheck((v) => AG.softmax(v, 0), [x])).toBe(true)
    expect(AG.gradgradcheck((v) => AG.softmax(v), [x])).toBe(true)
  })

  it("div's gradient w.r.t. the divisor does not underflow in float32", () => {
    // ∂(a/b)/∂b = −a/b² = −1e-30 / 1e-50 = −1e20; b·b = 1e-50 underflows to 0 in float32 (was −∞)
    const a = T.tensor([1e-30])
    const db = AG.grad((b: Var) => AG.sum(AG.div(a, b)))(T.tensor([1e-25]))
    expect(Number.isFinite(db.item())).toBe(true)
    expect(db.item() / -1e20).toBeCloseTo(1, 5)
  })
})

describe("numbers follow JAX's weak-type rule, as @gd/tensor's ops do", () => {
  it('a fractional number makes an int32 computation float32 instead of truncating the constant', () => {
    const x = T.tensor([1, 2, -1], { dtype: 'int32' })
    // gelu(1) = 0.5·(1 + tanh(√(2/π)(1 + 0.044715))) ≈ 0.8412; before the rule 0.044715 and 0.5 became 0 in int32
    const g = AG.gelu(x)
    expect(g.dtype).toBe('float32')
    expect((g.toArray() as number[]).map((v) => +v.toFixed(4))).toEqual([0.8412, 1.9546, -0.1588])
    expect(AG.mul(x, 0.5).toArray()).toEqual([0.5, 1, -0.5])
  })
  it('an integer number keeps an int32 computation int32', () => {
    expect(AG.mul(T.tensor([1, 2], { dtype: 'int32' }), 3).dtype).toBe('int32')
  })
})
