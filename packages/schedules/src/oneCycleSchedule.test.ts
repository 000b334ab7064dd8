import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { oneCycleSchedule, oneCycleMomentumSchedule } from './oneCycleSchedule.js'

describe('oneCycleSchedule', () => {
  it('rises from peak/divFactor to peak, then falls to the floor at the last step', () => {
    // total 10, pctStart 0.5: the rise ends at step 0.5·10 − 1 = 4, the fall at step 9.
    const lr = oneCycleSchedule({ peak: 1, totalSteps: 10, pctStart: 0.5 })
    expect(lr(0)).toBe(0.04) // 1 / 25
    expect(lr(2)).toBeCloseTo(0.52, 15) // 1 + (0.04 − 1)/2 · (1 + cos(π/2))
    expect(lr(4)).toBe(1)
    expect(lr(9)).toBeCloseTo(4e-6, 18) // 0.04 / 1e4
    expect(lr(100)).toBeCloseTo(4e-6, 18) // held past the end
  })

  it('anneals linearly when asked', () => {
    const lr = oneCycleSchedule({ peak: 1, totalSteps: 10, pctStart: 0.5, interpolation: 'linear' })
    expect(lr(2)).toBeCloseTo(0.52, 15) // 0.04 + 0.96 · ½
    expect(lr(6)).toBeCloseTo(0.6000016, 15) // 1 + (4e-6 − 1) · 2/5
  })

  it("follows PyTorch's three-phase layout: ends at p·T − 1, 2p·T − 2, T − 1", () => {
    // total 10, pctStart 0.25: phase ends 1.5, 3, 9 (fractional ends, as in PyTorch).
    const lr = oneCycleSchedule({ peak: 1, totalSteps: 10, pctStart: 0.25, interpolation: 'linear', threePhase: true })
    expect(lr(0)).toBe(0.04)
    expect(lr(1)).toBeCloseTo(0.68, 15) // 0.04 + 0.96 · (1 / 1.5)
    expect(lr(2)).toBeCloseTo(0.68, 15) // 1 − 0.96 · (0.5 / 1.5)
    expect(lr(3)).toBeCloseTo(0.04, 15)
    expect(lr(6)).toBeCloseTo(0.020002, 15) // 0.04 + (4e-6 − 0.04) · (3 / 6)
    expect(lr(9)).toBeCloseTo(4e-6, 18)
  })

  it('reaches the default peak at step 0.3·T − 1, as PyTorch', () => {
    const lr = oneCycleSchedule({ peak: 0.1, totalSteps: 100 })
    expect(lr(29)).toBeCloseTo(0.1, 15)
    expect(lr(28)).toBeLessThan(0.1)
    expect(lr(30)).toBeLessThan(0.1)
  })

  it('stays within [floor, peak], rising then falling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 400 }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.constantFrom('cosine' as const, 'linear' as const),
        fc.integer({ min: 0, max: 500 }),
        (totalSteps, pctStart, interpolation, t) => {
          fc.pre(pctStart * totalSteps > 1)
          const lr = oneCycleSchedule({ peak: 1, totalSteps, pctStart, interpolation })
          const riseEnd = pctStart * totalSteps - 1
          const floor = 1 / 25 / 1e4
          // The cosine's endpoints may round a hair past the anchors; 1e-15 is that rounding.
          expect(lr(t)).toBeLessThanOrEqual(1 + 1e-15)
          expect(lr(t)).toBeGreaterThanOrEqual(floor - 1e-15)
          if (t + 1 <= riseEnd) expect(lr(t + 1)).toBeGreaterThanOrEqual(lr(t) - 1e-15)
          if (t >= riseEnd) expect(lr(t + 1)).toBeLessThanOrEqual(lr(t) + 1e-15)
        },
      ),
    )
  })

  it('rejects bad options', () => {
    expect(() => oneCycleSchedule({ peak: 1, totalSteps: 0 })).toThrow(
      'oneCycleSchedule: totalSteps must be a positive integer, got 0',
    )
    expect(() => oneCycleSchedule({ peak: 1, totalSteps: 10, pctStart: 1 })).toThrow(
      'oneCycleSchedule: pctStart must be in (0, 1), got 1',
    )
    expect(() => oneCycleSchedule({ peak: 1, totalSteps: 10, pctStart: 0.1 })).toThrow(
      'oneCycleSchedule: pctStart · totalSteps must be above 1 so the rise lasts past step 0, got 1',
    )
    expect(() => oneCycleSchedule({ peak: 1, totalSteps: 10, pctStart: 0.55, threePhase: true })).toThrow(
      'oneCycleSchedule: 2 · pctStart · totalSteps must be below totalSteps + 1 (11) so the last phase has length, got 11',
    )
    expect(() => oneCycleSchedule({ peak: 1, totalSteps: 10, divFactor: 0 })).toThrow(
      'oneCycleSchedule: divFactor must be a positive finite number, got 0',
    )
    expect(() => oneCycleSchedule({ peak: 1, totalSteps: 10, finalDivFactor: -1 })).toThrow(
      'oneCycleSchedule: finalDivFactor must be a positive finite number, got -1',
    )
    expect(() => oneCycleSchedule({ peak: 1, totalSteps: 10, interpolation: 'cos' as 'cosine' })).toThrow(
      'oneCycleSchedule: interpolation must be "linear" or "cosine", got "cos"',
    )
    expect(() => oneCycleSchedule({ peak: Number.NaN, totalSteps: 10 })).toThrow(
      'oneCycleSchedule: peak must be a finite number, got NaN',
    )
  })
})

describe('oneCycleMomentumSchedule', () => {
  it('moves opposite to the learning rate: max → base → max', () => {
    const momentum = oneCycleMomentumSchedule({ totalSteps: 10, pctStart: 0.5 })
    expect(momentum(0)).toBe(0.95)
    expect(momentum(2)).toBeCloseTo(0.9, 15) // halfway down the cosine
    expect(momentum(4)).toBe(0.85)
    expect(momentum(9)).toBe(0.95)
  })

  it('holds maxMomentum through the third phase', () => {
    const momentum = oneCycleMomentumSchedule({
      totalSteps: 10,
      pctStart: 0.25,
      threePhase: true,
      baseMomentum: 0.8,
      maxMomentum: 0.9,
    })
    expect(momentum(3)).toBeCloseTo(0.9, 15)
    expect(momentum(6)).toBeCloseTo(0.9, 15)
    expect(momentum(9)).toBe(0.9)
  })

  it('falls whenever the learning rate rises and rises whenever it falls', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 300 }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.integer({ min: 0, max: 300 }),
        (totalSteps, pctStart, t) => {
          fc.pre(pctStart * totalSteps > 1)
          const phases = { totalSteps, pctStart, interpolation: 'linear' as const }
          const lr = oneCycleSchedule({ ...phases, peak: 1 })
          const momentum = oneCycleMomentumSchedule(phases)
          const product = (lr(t + 1) - lr(t)) * (momentum(t + 1) - momentum(t))
          expect(product).toBeLessThanOrEqual(1e-15) // ≤ 0 up to rounding in the two lines
          expect(momentum(t)).toBeGreaterThanOrEqual(0.85 - 1e-15)
          expect(momentum(t)).toBeLessThanOrEqual(0.95 + 1e-15)
        },
      ),
    )
  })

  it('rejects bad options', () => {
    expect(() => oneCycleMomentumSchedule({ totalSteps: 10, baseMomentum: 0.95, maxMomentum: 0.85 })).toThrow(
      'oneCycleMomentumSchedule: baseMomentum must be at most maxMomentum (0.85), got 0.95',
    )
    expect(() => oneCycleMomentumSchedule({ totalSteps: 10, maxMomentum: 1.2 })).toThrow(
      'oneCycleMomentumSchedule: maxMomentum must be in [0, 1], got 1.2',
    )
    expect(() => oneCycleMomentumSchedule({ totalSteps: 10, threePhase: 1 as unknown as boolean })).toThrow(
      'oneCycleMomentumSchedule: threePhase must be a boolean, got 1',
    )
  })
})
