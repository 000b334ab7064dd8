import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { exponentialDecaySchedule } from './exponentialDecaySchedule.js'

describe('exponentialDecaySchedule', () => {
  it('decays smoothly by decayRate per decaySteps steps', () => {
    const lr = exponentialDecaySchedule({ init: 0.1, decaySteps: 100, decayRate: 0.5 })
    expect(lr(0)).toBe(0.1)
    expect(lr(100)).toBeCloseTo(0.05, 15) // 0.1 · 0.5¹
    expect(lr(150)).toBeCloseTo(0.035355339059327376, 15) // 0.1 · 0.5^1.5 = 0.1 / (2·√2)
    expect(lr(300)).toBeCloseTo(0.0125, 15) // 0.1 · 0.5³
  })

  it('decays in whole jumps with staircase', () => {
    const lr = exponentialDecaySchedule({ init: 0.1, decaySteps: 100, decayRate: 0.5, staircase: true })
    expect(lr(99)).toBe(0.1)
    expect(lr(150)).toBeCloseTo(0.05, 15) // ⌊1.5⌋ = 1
  })

  it('holds init until transitionBegin, then counts from there (as Optax)', () => {
    const lr = exponentialDecaySchedule({ init: 1, decaySteps: 10, decayRate: 0.5, transitionBegin: 20 })
    expect(lr(0)).toBe(1)
    expect(lr(20)).toBe(1)
    expect(lr(30)).toBeCloseTo(0.5, 15) // (30 − 20) / 10 = 1
  })

  it('stops at end: a floor for a decay, a ceiling for a growth (as Optax)', () => {
    const decay = exponentialDecaySchedule({ init: 0.1, decaySteps: 100, decayRate: 0.5, end: 0.04 })
    expect(decay(100)).toBeCloseTo(0.05, 15)
    expect(decay(200)).toBe(0.04) // 0.025 clipped up
    const growth = exponentialDecaySchedule({ init: 1, decaySteps: 1, decayRate: 2, end: 5 })
    expect(growth(2)).toBe(4)
    expect(growth(3)).toBe(5) // 8 clipped down
  })

  it("is PyTorch's ExponentialLR(gamma) with decaySteps 1", () => {
    const lr = exponentialDecaySchedule({ init: 0.1, decaySteps: 1, decayRate: 0.9 })
    let torch = 0.1
    for (let t = 0; t < 50; t++) {
      expect(lr(t)).toBeCloseTo(torch, 14)
      torch *= 0.9
    }
  })

  it('is monotone and stays within [end, init] for a decay', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0.1, max: 0.999, noNaN: true }),
        fc.boolean(),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 2000 }),
        (init, decaySteps, decayRate, staircase, transitionBegin, t) => {
          const end = init / 100
          const lr = exponentialDecaySchedule({ init, decaySteps, decayRate, staircase, transitionBegin, end })
          expect(lr(t + 1)).toBeLessThanOrEqual(lr(t))
          expect(lr(t)).toBeLessThanOrEqual(init)
          expect(lr(t)).toBeGreaterThanOrEqual(end)
        },
      ),
    )
  })

  it('rejects bad options', () => {
    expect(() => exponentialDecaySchedule({ init: 1, decaySteps: 0, decayRate: 0.5 })).toThrow(
      'exponentialDecaySchedule: decaySteps must be a positive integer, got 0',
    )
    expect(() => exponentialDecaySchedule({ init: 1, decaySteps: 1, decayRate: 0 })).toThrow(
      'exponentialDecaySchedule: decayRate must be a positive finite number, got 0',
    )
    expect(() => exponentialDecaySchedule({ init: 1, decaySteps: 1, decayRate: 0.5, transitionBegin: -1 })).toThrow(
      'exponentialDecaySchedule: transitionBegin must be a non-negative integer, got -1',
    )
    expect(() =>
      exponentialDecaySchedule({ init: 1, decaySteps: 1, decayRate: 0.5, staircase: 'yes' as unknown as boolean }),
    ).toThrow('exponentialDecaySchedule: staircase must be a boolean, got "yes"')
    expect(() => exponentialDecaySchedule({ init: 1, decaySteps: 1, decayRate: 0.5, end: Number.NaN })).toThrow(
      'exponentialDecaySchedule: end must be a finite number, got NaN',
    )
    expect(() => exponentialDecaySchedule({ init: 1, decaySteps: 1, decayRate: 0.5, end: 2 })).toThrow(
      'exponentialDecaySchedule: end must be at most init (1) when decayRate < 1, got 2',
    )
    expect(() => exponentialDecaySchedule({ init: 1, decaySteps: 1, decayRate: 2, end: 0.5 })).toThrow(
      'exponentialDecaySchedule: end must be at least init (1) when decayRate > 1, got 0.5',
    )
  })
})
