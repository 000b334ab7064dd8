import { describe, expect, it } from 'vitest'
import { identityInit } from './identityInit.js'

describe('identityInit', () => {
  it('puts gain on the main diagonal', () => {
    expect(identityInit([3, 3]).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ])
    expect(identityInit([3, 2], { gain: 2, dtype: 'float64' }).toArray()).toEqual([
      [2, 0],
      [0, 2],
      [0, 0],
    ])
    expect(identityInit([1, 3]).toArray()).toEqual([[1, 0, 0]])
  })

  it('passes a batch through a dense layer unchanged: x · I = x', () => {
    const x = [0.5, -1, 2, 3, 0.25, -4] // 2×3
    const w = identityInit([3, 3]).data
    const y: number[] = []
    for (let b = 0; b < 2; b++) {
      for (let j = 0; j < 3; j++) {
        let s = 0
        for (let i = 0; i < 3; i++) s += x[b * 3 + i]! * w[i * 3 + j]!
        y.push(s)
      }
    }
    expect(y).toEqual(x)
  })

  it('rejects other ranks and bad gains', () => {
    expect(() => identityInit([2, 2, 2])).toThrow('identityInit: shape must have rank 2 ([in, out]), got [2,2,2]')
    expect(() => identityInit([2, 2], { gain: Number.NaN })).toThrow(
      'identityInit: gain must be a finite number, got NaN',
    )
    expect(() => identityInit([2, 2], { gains: 2 } as never)).toThrow(
      'identityInit: unknown option gains, expected one of dtype, gain; did you mean gain?',
    )
  })
})
