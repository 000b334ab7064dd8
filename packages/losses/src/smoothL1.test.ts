import { shapeArb, valuesArb } from '@gd/testing'
import { tensor } from '@gd/tensor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { huber } from './huber.js'
import { mae } from './mae.js'
import { smoothL1 } from './smoothL1.js'

const ref = (d: number, beta: number): number => (Math.abs(d) < beta ? (0.5 * d * d) / beta : Math.abs(d) - 0.5 * beta)

describe('smoothL1', () => {
  it('matches the two-branch formula and equals huber(δ = β) / β on random inputs', () => {
    const cases = fc.tuple(
      shapeArb().chain((s) => fc.tuple(valuesArb(s), valuesArb(s))),
      fc.double({ min: 0.1, max: 4, noNaN: true }),
    )
    fc.assert(
      fc.property(cases, ([[p, t], beta]) => {
        const got = smoothL1(p, t, { beta, reduction: 'none' }).value.data
        Array.from(p.data).forEach((x, i) => expect(got[i]).toBeCloseTo(ref(x - t.data[i]!, beta), 12))
        expect(smoothL1(p, t, { beta }).item()).toBeCloseTo(huber(p, t, { delta: beta }).item() / beta, 10)
      }),
    )
  })

  it('is mae at beta 0 and works a case by hand', () => {
    const p = tensor([0.5, 3])
    expect(smoothL1(p, tensor([0, 0]), { beta: 0 }).item()).toBe(mae(p, tensor([0, 0])).item())
    // β = 2: d = 0.5 → 0.25/4 = 0.0625;  d = 3 → 3 − 1 = 2
    expect(smoothL1(p, tensor([0, 0]), { beta: 2, reduction: 'none' }).toArray()).toEqual([0.0625, 2])
  })

  it('rejects a negative beta', () => {
    expect(() => smoothL1(tensor([1]), tensor([1]), { beta: -1 })).toThrow(
      'smoothL1: beta must be a non-negative finite number, got -1',
    )
  })
})
