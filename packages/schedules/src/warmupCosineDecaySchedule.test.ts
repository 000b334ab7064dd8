import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cosineDecaySchedule } from './cosineDecaySchedule.js'
import { joinSchedules } from './joinSchedules.js'
import { linearSchedule } from './linearSchedule.js'
import { warmupCosineDecaySchedule } from './warmupCosineDecaySchedule.js'

describe('warmupCosineDecaySchedule', () => {
  it('warms up linearly, then decays along a cosine to end at totalSteps', () => {
    const lr = warmupCosineDecaySchedule({ peak: 0.1, warmupSteps: 100, totalSteps: 1100 })
    expect(lr(0)).toBe(0)
    expect(lr(50)).toBeCloseTo(0.05, 15)
    expect(lr(100)).toBe(0.1)
    expect(lr(600)).toBeCloseTo(0.05, 15) // 500 of 1000 decay steps
    expect(lr(1100)).toBeCloseTo(0, 15)
    expect(lr(2000)).toBeCloseTo(0, 15)
  })

  it('honours init, end and exponent', () => {
    const lr = warmupCosineDecaySchedule({ init: 0.2, peak: 1, warmupSteps: 4, totalSteps: 14, end: 0.1, exponent: 2 })
    expect(lr(2)).toBeCloseTo(0.6, 15) // 0.2 + 0.8 · ½
    expect(lr(9)).toBeCloseTo(0.325, 15) // 0.1 + 0.9 · (½)²
    expect(lr(14)).toBeCloseTo(0.1, 15)
  })

  it("equals Optax's construction: joinSchedules(linear warmup, cosineDecaySchedule with alpha = end / peak)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 200 }),
        (init, peak, end, warmupSteps, decaySteps) => {
          const totalSteps = warmupSteps + decaySteps
          const lr = warmupCosineDecaySchedule({ init, peak, warmupSteps, totalSteps, end })
          const optax = joinSchedules({
            schedules: [
              linearSchedule({ init, end: peak, transitionSteps: warmupSteps }),
              cosineDecaySchedule({ init: peak, decaySteps, alpha: end / peak }),
            ],
            boundaries: [warmupSteps],
          })
          for (let t = 0; t <= totalSteps + 5; t++) expect(lr(t)).toBeCloseTo(optax(t), 12)
        },
      ),
    )
  })

  it('stays within [min(init, end), peak], rising then falling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: 300 }),
        (warmupSteps, decaySteps, t) => {
          const lr = warmupCosineDecaySchedule({
            init: 0.01,
            peak: 1,
            end: 0.001,
            warmupSteps,
            totalSteps: warmupSteps + decaySteps,
          })
          expect(lr(t)).toBeGreaterThanOrEqual(0.001)
          expect(lr(t)).toBeLessThanOrEqual(1)
          if (t < warmupSteps) expect(lr(t + 1)).toBeGreaterThanOrEqual(lr(t))
          else expect(lr(t + 1)).toBeLessThanOrEqual(lr(t))
        },
      ),
    )
  })

  it('rejects bad options', () => {
    expect(() => warmupCosineDecaySchedule({ peak: 1, warmupSteps: 10, totalSteps: 10 })).toThrow(
      'warmupCosineDecaySchedule: totalSteps must be above warmupSteps (10), got 10',
    )
    expect(() => warmupCosineDecaySchedule({ peak: 1, warmupSteps: 1.5, totalSteps: 10 })).toThrow(
      'warmupCosineDecaySchedule: warmupSteps must be a non-negative integer, got 1.5',
    )
    expect(() => warmupCosineDecaySchedule({ peak: 1, warmupSteps: 1, totalSteps: 0 })).toThrow(
      'warmupCosineDecaySchedule: totalSteps must be a positive integer, got 0',
    )
    expect(() => warmupCosineDecaySchedule({ peak: Number.NaN, warmupSteps: 1, totalSteps: 5 })).toThrow(
      'warmupCosineDecaySchedule: peak must be a finite number, got NaN',
    )
    expect(() => warmupCosineDecaySchedule({ peak: 1, warmupSteps: 1, totalSteps: 5, exponent: 0 })).toThrow(
      'warmupCosineDecaySchedule: exponent must be a positive finite number, got 0',
    )
  })
})
