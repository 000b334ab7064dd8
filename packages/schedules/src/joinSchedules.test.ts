import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { constantSchedule } from './constantSchedule.js'
import { joinSchedules } from './joinSchedules.js'
import { linearSchedule } from './linearSchedule.js'
import { polynomialDecaySchedule } from './polynomialDecaySchedule.js'
import type { Schedule } from './schedule.js'

describe('joinSchedules', () => {
  it('hands over at each boundary, restarting the count there', () => {
    const seen: number[] = []
    const spy: Schedule = (t) => {
      seen.push(t)
      return 10 + t
    }
    const lr = joinSchedules({
      schedules: [linearSchedule({ init: 0, end: 0.1, transitionSteps: 10 }), spy, constantSchedule(1)],
      boundaries: [10, 15],
    })
    expect(lr(5)).toBeCloseTo(0.05, 15)
    expect(lr(10)).toBe(10) // spy's step 0
    expect(lr(14)).toBe(14) // spy's step 4
    expect(lr(15)).toBe(1)
    expect(seen).toEqual([0, 4])
  })

  it('is continuous at boundaries where each piece starts where the previous one ends', () => {
    // Polynomial pieces from a random chain of values; piece k + 1 starts at piece k's end value.
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 2, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 6, maxLength: 6 }),
        fc.double({ min: 0.5, max: 3, noNaN: true }),
        (levels, lengths, power) => {
          const schedules = levels
            .slice(0, -1)
            .map((init, k) =>
              polynomialDecaySchedule({ init, end: levels[k + 1] ?? 0, power, decaySteps: lengths[k] ?? 1 }),
            )
          const boundaries: number[] = []
          let at = 0
          for (let k = 0; k < schedules.length - 1; k++) {
            at += lengths[k] ?? 1
            boundaries.push(at)
          }
          const lr = joinSchedules({ schedules, boundaries })
          boundaries.forEach((b, k) => {
            // At its boundary, the next piece's first value equals the previous piece's last.
            expect(lr(b)).toBe(levels[k + 1])
            expect(lr(b)).toBe(schedules[k]?.(lengths[k] ?? 1))
          })
        },
      ),
    )
  })

  it('with one schedule and no boundaries is that schedule', () => {
    const inner = linearSchedule({ init: 1, end: 0, transitionSteps: 4 })
    const lr = joinSchedules({ schedules: [inner], boundaries: [] })
    for (let t = 0; t < 8; t++) expect(lr(t)).toBe(inner(t))
  })

  it('rejects bad options', () => {
    expect(() => joinSchedules({ schedules: [], boundaries: [] })).toThrow(
      'joinSchedules: schedules must be a list of schedules of length 1 (one more than boundaries), got []',
    )
    expect(() =>
      joinSchedules({ schedules: [constantSchedule(1), 3 as unknown as Schedule], boundaries: [5] }),
    ).toThrow('joinSchedules: schedules[1] must be a schedule (a function of the step), got 3')
    expect(() => joinSchedules({ schedules: [constantSchedule(1), constantSchedule(2)], boundaries: [] })).toThrow(
      'joinSchedules: schedules must be a list of schedules of length 1 (one more than boundaries), got an array of length 2',
    )
    expect(() =>
      joinSchedules({ schedules: [constantSchedule(1), constantSchedule(2), constantSchedule(3)], boundaries: [9, 3] }),
    ).toThrow('joinSchedules: boundaries must be strictly increasing positive integers, got [9,3]')
    expect(() => joinSchedules({ schedules: [constantSchedule(1)], boundaries: [] })(Number.NaN)).toThrow(
      'joinSchedules: step must be a non-negative integer, got NaN',
    )
  })
})
