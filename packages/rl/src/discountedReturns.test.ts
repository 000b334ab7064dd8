import { describe, expect, it } from 'vitest'
import { discountedReturns } from './discountedReturns.js'

describe('discountedReturns', () => {
  it('discounts from the end: Gₜ = rₜ + γ Gₜ₊₁', () => {
    // γ = 0.5: G₂ = 1, G₁ = 1 + 0.5 · 1 = 1.5, G₀ = 1 + 0.5 · 1.5 = 1.75
    expect([...discountedReturns([1, 1, 1], 0.5)]).toEqual([1.75, 1.5, 1])
    // [3, 2] with γ = 0.9: G₁ = 2, G₀ = 3 + 0.9 · 2 = 4.8
    expect([...discountedReturns([3, 2], 0.9)]).toEqual([4.8, 2])
    // ten 1s with γ = 0.99: G₀ = (1 − 0.99¹⁰) / 0.01 = 9.5617925
    expect(discountedReturns(new Float64Array(10).fill(1), 0.99)[0]).toBeCloseTo(9.5617925, 6)
    // γ = 0 keeps each reward; γ = 1 sums what is left: [−1, 2, 0.5] → [1.5, 2.5, 0.5]
    expect([...discountedReturns([-1, 2, 0.5], 0)]).toEqual([-1, 2, 0.5])
    expect([...discountedReturns(Float32Array.from([-1, 2, 0.5]), 1)]).toEqual([1.5, 2.5, 0.5])
    expect(discountedReturns([], 0.99)).toEqual(new Float64Array(0))
  })

  it('rejects what is not a list of finite rewards or a γ in [0, 1], and leaves the rewards alone', () => {
    const rewards = [1, 2]
    expect(() => discountedReturns(rewards, 1.5)).toThrow('discountedReturns: gamma must be in [0, 1], got 1.5')
    expect(() => discountedReturns(rewards, -0.1)).toThrow('discountedReturns: gamma must be in [0, 1], got -0.1')
    expect(() => discountedReturns(rewards, NaN)).toThrow('discountedReturns: gamma must be in [0, 1], got NaN')
    expect(() => discountedReturns(rewards, '0.9' as never)).toThrow(
      'discountedReturns: gamma must be in [0, 1], got "0.9"',
    )
    expect(rewards).toEqual([1, 2])
    expect(() => discountedReturns([1, NaN], 0.9)).toThrow(
      'discountedReturns: rewards[1] must be a finite number, got NaN',
    )
    expect(() => discountedReturns([1, '2'] as never, 0.9)).toThrow(
      'discountedReturns: rewards[1] must be a finite number, got "2"',
    )
    expect(() => discountedReturns(3 as never, 0.9)).toThrow(
      'discountedReturns: rewards must be an array or a typed array of finite numbers, got 3',
    )
    expect(() => discountedReturns('11' as never, 0.9)).toThrow(
      'discountedReturns: rewards must be an array or a typed array of finite numbers, got "11"',
    )
    expect(() => discountedReturns(new BigInt64Array(2) as never, 0.9)).toThrow(
      'discountedReturns: rewards must be an array or a typed array of finite numbers, got a BigInt64Array of length 2',
    )
    expect(() => discountedReturns([1e308, 1e308], 1)).toThrow(
      'discountedReturns: the returns overflow (G₀ = Infinity); rewards must be smaller in magnitude',
    )
  })
})
