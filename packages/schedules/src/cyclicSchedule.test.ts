import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cyclicSchedule, type CyclicMode } from './cyclicSchedule.js'

/** PyTorch's CyclicLR.get_lr, transcribed from its documented formula, for the built-in modes. */
function torchCyclic(
  base: number,
  max: number,
  up: number,
  down: number,
  mode: CyclicMode,
  gamma: number,
  t: number,
): number {
  const total = up + down
  const ratio = up / total
  const cycle = Math.floor(1 + t / total)
  const x = 1 + t / total - cycle
  const factor = x <= ratio ? x / ratio : (x - 1) / (ratio - 1)
  const scale = mode === 'triangular' ? 1 : mode === 'triangular2' ? 1 / 2 ** (cycle - 1) : gamma ** t
  return base + (max - base) * factor * scale
}

describe('cyclicSchedule', () => {
  it('draws a triangle wave between init and peak', () => {
    const lr = cyclicSchedule({ init: 0.001, peak: 0.006, stepSizeUp: 10 })
    expect(lr(0)).toBe(0.001)
    expect(lr(5)).toBeCloseTo(0.0035, 15) // halfway up
    expect(lr(10)).toBeCloseTo(0.006, 15) // top
    expect(lr(15)).toBeCloseTo(0.0035, 15) // halfway down
    expect(lr(20)).toBe(0.001) // next cycle
  })

  it('supports uneven up and down legs', () => {
    const lr = cyclicSchedule({ init: 0, peak: 1, stepSizeUp: 2, stepSizeDown: 8 })
    expect(lr(1)).toBe(0.5)
    expect(lr(2)).toBe(1)
    expect(lr(6)).toBe(0.5) // 4 of 8 steps down
  })

  it('halves the amplitude every cycle in triangular2', () => {
    const lr = cyclicSchedule({ init: 0.001, peak: 0.006, stepSizeUp: 10, mode: 'triangular2' })
    expect(lr(10)).toBeCloseTo(0.006, 15)
    expect(lr(30)).toBeCloseTo(0.0035, 15) // 0.001 + 0.005 / 2
    expect(lr(50)).toBeCloseTo(0.00225, 15) // 0.001 + 0.005 / 4
  })

  it('scales the amplitude by gamma^t in expRange', () => {
    const lr = cyclicSchedule({ init: 0, peak: 1, stepSizeUp: 10, mode: 'expRange', gamma: 0.99 })
    expect(lr(10)).toBeCloseTo(0.99 ** 10, 15)
    expect(lr(30)).toBeCloseTo(0.99 ** 30, 15)
  })

  it('takes a custom scale of the cycle number or of the step', () => {
    const byCycle = cyclicSchedule({ init: 0, peak: 1, stepSizeUp: 5, scaleFn: (c) => 1 / c })
    expect(byCycle(15)).toBeCloseTo(0.5, 15) // top of cycle 2
    const bySteps = cyclicSchedule({
      init: 0,
      peak: 1,
      stepSizeUp: 5,
      scaleFn: (t) => 1 / (1 + t),
      scaleMode: 'iterations',
    })
    expect(bySteps(5)).toBeCloseTo(1 / 6, 15)
  })

  it("matches PyTorch's CyclicLR numbers", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom<CyclicMode>('triangular', 'triangular2', 'expRange'),
        fc.double({ min: 0.9, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 500 }),
        (up, down, mode, gamma, t) => {
          const lr = cyclicSchedule({ init: 0.001, peak: 0.1, stepSizeUp: up, stepSizeDown: down, mode, gamma })
          expect(lr(t)).toBeCloseTo(torchCyclic(0.001, 0.1, up, down, mode, gamma, t), 14)
        },
      ),
    )
  })

  it('is exactly periodic in triangular mode and halves per cycle in triangular2', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 5000 }),
        (up, down, t) => {
          const period = up + down
          const tri = cyclicSchedule({ init: 0.01, peak: 0.1, stepSizeUp: up, stepSizeDown: down })
          expect(tri(t + period)).toBe(tri(t))
          expect(tri(t)).toBeGreaterThanOrEqual(0.01)
          expect(tri(t)).toBeLessThanOrEqual(0.1)
          const tri2 = cyclicSchedule({ init: 0, peak: 1, stepSizeUp: up, stepSizeDown: down, mode: 'triangular2' })
          expect(tri2(t + period)).toBeCloseTo(tri2(t) / 2, 15)
        },
      ),
    )
  })

  it('rejects bad options', () => {
    expect(() => cyclicSchedule({ init: 0, peak: 1, stepSizeUp: 0 })).toThrow(
      'cyclicSchedule: stepSizeUp must be a positive integer, got 0',
    )
    expect(() => cyclicSchedule({ init: 0, peak: 1, stepSizeDown: 2.5 })).toThrow(
      'cyclicSchedule: stepSizeDown must be a positive integer, got 2.5',
    )
    expect(() => cyclicSchedule({ init: 0, peak: 1, mode: 'exp_range' as CyclicMode })).toThrow(
      'cyclicSchedule: mode must be "triangular", "triangular2" or "expRange", got "exp_range"',
    )
    expect(() => cyclicSchedule({ init: 0, peak: 1, mode: 'expRange', gamma: 1.1 })).toThrow(
      'cyclicSchedule: gamma must be in (0, 1], got 1.1',
    )
    expect(() => cyclicSchedule({ init: 0, peak: 1, scaleMode: 'step' as 'cycle' })).toThrow(
      'cyclicSchedule: scaleMode must be "cycle" or "iterations", got "step"',
    )
    expect(() => cyclicSchedule({ init: 0, peak: 1, scaleFn: 2 as unknown as (x: number) => number })).toThrow(
      'cyclicSchedule: scaleFn must be a function, got 2',
    )
    expect(() => cyclicSchedule({ init: 0, peak: Number.NaN })).toThrow(
      'cyclicSchedule: peak must be a finite number, got NaN',
    )
  })
})
