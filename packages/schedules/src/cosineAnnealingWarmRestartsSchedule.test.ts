import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cosineAnnealingWarmRestartsSchedule } from './cosineAnnealingWarmRestartsSchedule.js'

/** PyTorch's CosineAnnealingWarmRestarts.step() without an epoch: T_cur += 1, restart when T_cur ≥ T_i. */
function torchReference(init: number, end: number, t0: number, mult: number, steps: number): number[] {
  const out: number[] = []
  let tCur = 0
  let tI = t0
  for (let t = 0; t < steps; t++) {
    out.push(end + ((init - end) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2)
    tCur += 1
    if (tCur >= tI) {
      tCur -= tI
      tI *= mult
    }
  }
  return out
}

describe('cosineAnnealingWarmRestartsSchedule', () => {
  it('restarts at init after each period, periods growing by periodMultiplier', () => {
    const lr = cosineAnnealingWarmRestartsSchedule({ init: 0.1, period: 10, periodMultiplier: 2 })
    expect(lr(0)).toBe(0.1)
    expect(lr(5)).toBeCloseTo(0.05, 15) // halfway through period 0 (10 steps)
    expect(lr(10)).toBe(0.1) // restart; period 1 lasts 20 steps
    expect(lr(20)).toBeCloseTo(0.05, 15) // halfway through period 1
    expect(lr(30)).toBe(0.1) // restart; period 2 lasts 40 steps
    expect(lr(70)).toBe(0.1) // 10 + 20 + 40
  })

  it('approaches end, never below it', () => {
    const lr = cosineAnnealingWarmRestartsSchedule({ init: 1, end: 0.1, period: 4 })
    expect(lr(2)).toBeCloseTo(0.55, 15) // 0.1 + 0.9 · ½
    expect(lr(3)).toBeCloseTo(0.1 + (0.9 * (1 + Math.cos((3 * Math.PI) / 4))) / 2, 15)
  })

  it("matches PyTorch's step-by-step counting exactly", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 3 }),
        (init, period, periodMultiplier) => {
          const lr = cosineAnnealingWarmRestartsSchedule({ init, end: init / 10, period, periodMultiplier })
          const torch = torchReference(init, init / 10, period, periodMultiplier, 300)
          torch.forEach((value, t) => expect(lr(t)).toBe(value))
        },
      ),
    )
  })

  it('is periodic with period `period` when the multiplier is 1', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 50 }),
        (init, period, t, k) => {
          const lr = cosineAnnealingWarmRestartsSchedule({ init, period })
          expect(lr(t + k * period)).toBe(lr(t))
        },
      ),
    )
  })

  it('stays within [end, init] and decreases inside each period', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 5000 }),
        (period, periodMultiplier, t) => {
          const lr = cosineAnnealingWarmRestartsSchedule({ init: 1, end: 0.01, period, periodMultiplier })
          expect(lr(t)).toBeLessThanOrEqual(1)
          expect(lr(t)).toBeGreaterThanOrEqual(0.01)
          // Either t + 1 is a restart (back at init) or the value did not rise.
          expect(lr(t + 1) === 1 || lr(t + 1) <= lr(t)).toBe(true)
        },
      ),
    )
  })

  it('rejects bad options', () => {
    expect(() => cosineAnnealingWarmRestartsSchedule({ init: 1, period: 0 })).toThrow(
      'cosineAnnealingWarmRestartsSchedule: period must be a positive integer, got 0',
    )
    expect(() => cosineAnnealingWarmRestartsSchedule({ init: 1, period: 5, periodMultiplier: 1.5 })).toThrow(
      'cosineAnnealingWarmRestartsSchedule: periodMultiplier must be a positive integer, got 1.5',
    )
    expect(() => cosineAnnealingWarmRestartsSchedule({ init: 1, end: Number.NaN, period: 5 })).toThrow(
      'cosineAnnealingWarmRestartsSchedule: end must be a finite number, got NaN',
    )
  })
})
