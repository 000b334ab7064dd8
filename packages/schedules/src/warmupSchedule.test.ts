import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { constantSchedule } from './constantSchedule.js'
import { cosineDecaySchedule } from './cosineDecaySchedule.js'
import { exponentialDecaySchedule } from './exponentialDecaySchedule.js'
import type { Schedule } from './schedule.js'
import { warmupSchedule } from './warmupSchedule.js'

describe('warmupSchedule', () => {
  it('rises linearly to the schedule, which then counts from 0', () => {
    const lr = warmupSchedule({ warmupSteps: 100, schedule: cosineDecaySchedule({ init: 0.1, decaySteps: 900 }) })
    expect(lr(0)).toBe(0)
    expect(lr(50)).toBeCloseTo(0.05, 15) // 0.1 · 50 / 100
    expect(lr(100)).toBe(0.1) // the cosine's step 0
    expect(lr(550)).toBeCloseTo(0.05, 15) // the cosine's step 450 of 900: ½(1 + cos(π/2))
    expect(lr(1000)).toBeCloseTo(0, 15)
  })

  it('starts from init', () => {
    const lr = warmupSchedule({ init: 0.01, warmupSteps: 10, schedule: constantSchedule(0.11) })
    expect(lr(0)).toBe(0.01)
    expect(lr(5)).toBeCloseTo(0.06, 15) // 0.01 + 0.1 · ½
  })

  it('with warmupSteps 0 is the schedule itself', () => {
    const inner = exponentialDecaySchedule({ init: 1, decaySteps: 3, decayRate: 0.5 })
    const lr = warmupSchedule({ warmupSteps: 0, schedule: inner })
    for (let t = 0; t < 20; t++) expect(lr(t)).toBe(inner(t))
  })

  it('is continuous at the hand-over and monotone while warming up', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 200 }),
        (init, peak, warmupSteps) => {
          const lr = warmupSchedule({ init, warmupSteps, schedule: constantSchedule(peak) })
          // The line's step to the hand-over is the same size as every step before it.
          const stepSize = (peak - init) / warmupSteps
          expect(lr(warmupSteps) - lr(warmupSteps - 1)).toBeCloseTo(stepSize, 12)
          for (let t = 0; t < warmupSteps; t++) {
            expect(lr(t + 1)).toBeGreaterThanOrEqual(lr(t))
            expect(lr(t)).toBeLessThanOrEqual(peak)
          }
        },
      ),
    )
  })

  it('rejects bad options', () => {
    expect(() => warmupSchedule({ warmupSteps: -1, schedule: constantSchedule(1) })).toThrow(
      'warmupSchedule: warmupSteps must be a non-negative integer, got -1',
    )
    expect(() => warmupSchedule({ warmupSteps: 3, schedule: 0.1 as unknown as Schedule })).toThrow(
      'warmupSchedule: schedule must be a schedule (a function of the step), got 0.1',
    )
    expect(() => warmupSchedule({ warmupSteps: 3, schedule: () => Number.NaN })).toThrow(
      'warmupSchedule: schedule(0) must be a finite number, got NaN',
    )
    expect(() => warmupSchedule({ init: Infinity, warmupSteps: 3, schedule: constantSchedule(1) })).toThrow(
      'warmupSchedule: init must be a finite number, got Infinity',
    )
  })
})
