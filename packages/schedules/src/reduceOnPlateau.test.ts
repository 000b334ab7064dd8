import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { reduceOnPlateau, type ReduceOnPlateauState } from './reduceOnPlateau.js'

/** Feeds `metrics` through the pure step and returns the value after each one. */
function trace(plateau: ReturnType<typeof reduceOnPlateau>, metrics: readonly number[]): number[] {
  let state = plateau.init()
  return metrics.map((m) => {
    state = plateau.step(state, m)
    return state.value
  })
}

describe('reduceOnPlateau', () => {
  it('follows a hand-worked trace with patience and cooldown', () => {
    const plateau = reduceOnPlateau({ init: 1, factor: 0.5, patience: 2, cooldown: 1 })
    // metric:  5    4    4    4    4     4     4     4     3     3
    // bad:     0    0    1    2    3→0   0(cd) 1     2     0     1
    // value:   1    1    1    1    0.5   0.5   0.5   0.5   0.5   0.5
    expect(trace(plateau, [5, 4, 4, 4, 4, 4, 4, 4, 3, 3])).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
  })

  it('reduces exactly on the (patience + 1)-th bad step in a row', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), (patience) => {
        const plateau = reduceOnPlateau({ init: 1, factor: 0.1, patience })
        // One good metric, then patience + 1 equal (so not better) ones.
        const values = trace(
          plateau,
          Array.from({ length: patience + 2 }, () => 3),
        )
        expect(values.slice(0, patience + 1).every((v) => v === 1)).toBe(true)
        expect(values[patience + 1]).toBeCloseTo(0.1, 15)
      }),
    )
  })

  it('after a reduction waits cooldown + patience + 1 bad steps before the next', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }), (patience, cooldown) => {
        const plateau = reduceOnPlateau({ init: 1, factor: 0.5, patience, cooldown })
        const values = trace(
          plateau,
          Array.from({ length: 60 }, () => 1),
        )
        const reductionSteps = values.flatMap((v, i) => (i > 0 && v < (values[i - 1] ?? v) ? [i] : []))
        expect(reductionSteps[0]).toBe(patience + 1)
        for (let k = 1; k < reductionSteps.length; k++) {
          expect((reductionSteps[k] ?? 0) - (reductionSteps[k - 1] ?? 0)).toBe(cooldown + patience + 1)
        }
      }),
    )
  })

  it('clamps a reduction at minValue', () => {
    const plateau = reduceOnPlateau({ init: 1, factor: 0.1, patience: 0, minValue: 0.05 })
    // 1 → 0.1 → max(0.01, 0.05) = 0.05, then 0.05 − max(0.005, 0.05) = 0 ≤ eps: no more reductions.
    expect(trace(plateau, [1, 1, 1, 1, 1])).toEqual([1, expect.closeTo(0.1, 15), 0.05, 0.05, 0.05])
  })

  it('never goes below minValue, and settles within eps of it', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.9, noNaN: true }),
        fc.double({ min: 1e-4, max: 0.5, noNaN: true }),
        (factor, minValue) => {
          const plateau = reduceOnPlateau({ init: 1, factor, patience: 0, minValue })
          let state = plateau.init()
          for (let i = 0; i < 200; i++) {
            state = plateau.step(state, 1)
            expect(state.value).toBeGreaterThanOrEqual(minValue)
          }
          // A reduction that would move the value by eps (1e-8) or less is skipped, as in PyTorch.
          expect(state.value - minValue).toBeLessThanOrEqual(1e-8)
        },
      ),
    )
  })

  it('skips reductions of eps or less', () => {
    const plateau = reduceOnPlateau({ init: 1e-8, factor: 0.5, patience: 0 })
    let state = plateau.init()
    for (const m of [1, 1, 1]) state = plateau.step(state, m)
    expect(state.value).toBe(1e-8) // 1e-8 − 5e-9 = 5e-9 ≤ eps 1e-8
    expect(state.reductions).toBe(0)
  })

  it('counts an improvement smaller than the threshold as bad (relative and absolute)', () => {
    const relative = reduceOnPlateau({ init: 1, patience: 0, threshold: 0.01 })
    // best 1: better needs m < 1 · (1 − 0.01) = 0.99
    expect(trace(relative, [1, 0.995])).toEqual([1, expect.closeTo(0.1, 15)])
    expect(trace(relative, [1, 0.98])).toEqual([1, 1])
    const absolute = reduceOnPlateau({ init: 1, patience: 0, threshold: 0.1, thresholdMode: 'absolute' })
    // best 1: better needs m < 1 − 0.1 = 0.9
    expect(trace(absolute, [1, 0.95])).toEqual([1, expect.closeTo(0.1, 15)])
    expect(trace(absolute, [1, 0.85])).toEqual([1, 1])
  })

  it('in max mode treats a higher metric as better', () => {
    const plateau = reduceOnPlateau({ init: 1, mode: 'max', patience: 0, threshold: 0.1 })
    // best 0.5: better needs m > 0.5 · 1.1 = 0.55 (relative) …
    expect(trace(plateau, [0.5, 0.6])).toEqual([1, 1])
    expect(trace(plateau, [0.5, 0.52])).toEqual([1, expect.closeTo(0.1, 15)])
    const absolute = reduceOnPlateau({ init: 1, mode: 'max', patience: 0, threshold: 0.1, thresholdMode: 'absolute' })
    // … or m > 0.5 + 0.1 = 0.6 (absolute)
    expect(trace(absolute, [0.5, 0.61])).toEqual([1, 1])
    expect(trace(absolute, [0.5, 0.58])).toEqual([1, expect.closeTo(0.1, 15)])
  })

  it('never reduces while the metric keeps improving', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.01, max: 0.5, noNaN: true }), { maxLength: 50 }), (drops) => {
        let loss = 100
        const metrics = drops.map((d) => (loss *= 1 - d))
        const values = trace(reduceOnPlateau({ init: 1, patience: 0 }), metrics)
        expect(values.every((v) => v === 1)).toBe(true)
      }),
    )
  })

  it('resumes bit for bit from a JSON round trip of its state', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.nat(),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        (metrics, cut, patience, cooldown) => {
          const plateau = reduceOnPlateau({ init: 0.1, patience, cooldown, minValue: 1e-4 })
          const split = cut % metrics.length
          let straight = plateau.init()
          let resumed = plateau.init()
          metrics.forEach((m, i) => {
            straight = plateau.step(straight, m)
            resumed = plateau.step(resumed, m)
            if (i === split) resumed = JSON.parse(JSON.stringify(resumed)) as ReduceOnPlateauState
          })
          expect(resumed).toEqual(straight)
        },
      ),
    )
  })

  it('stores a metric of −0 as 0, so the state survives JSON exactly', () => {
    const plateau = reduceOnPlateau({ init: 1 })
    const state = plateau.step(plateau.init(), -0)
    expect(Object.is(state.best, 0)).toBe(true)
    expect(JSON.parse(JSON.stringify(state))).toEqual(state)
  })

  it('does not modify the state it is given', () => {
    const plateau = reduceOnPlateau({ init: 1, patience: 0 })
    const state = Object.freeze(plateau.step(plateau.init(), 1))
    const next = plateau.step(state, 2)
    expect(state).toEqual({ value: 1, best: 1, badSteps: 0, cooldownLeft: 0, steps: 1, reductions: 0 })
    expect(next.value).toBeCloseTo(0.1, 15)
    expect(next.steps).toBe(2)
  })

  it('offers a mutable tracker that agrees with the pure steps and resumes from saved state', () => {
    const plateau = reduceOnPlateau({ init: 1, factor: 0.5, patience: 1 })
    const metrics = [3, 2, 2, 2, 2, 1, 1, 1]
    const tracker = plateau.tracker()
    const values = metrics.map((m) => tracker.step(m))
    expect(values).toEqual(trace(plateau, metrics))
    expect(tracker.value).toBe(values.at(-1))
    const saved = JSON.stringify(tracker.state)
    const resumed = plateau.tracker(JSON.parse(saved) as ReduceOnPlateauState)
    expect(resumed.step(1)).toBe(tracker.step(1))
    expect(resumed.state).toEqual(tracker.state)
  })

  it('rejects bad options, metrics and states', () => {
    expect(() => reduceOnPlateau({ init: 1, factor: 1 })).toThrow('reduceOnPlateau: factor must be in (0, 1), got 1')
    expect(() => reduceOnPlateau({ init: 1, factor: 0 })).toThrow('reduceOnPlateau: factor must be in (0, 1), got 0')
    expect(() => reduceOnPlateau({ init: 1, mode: 'lowest' as 'min' })).toThrow(
      'reduceOnPlateau: mode must be "min" or "max", got "lowest"',
    )
    expect(() => reduceOnPlateau({ init: 1, patience: -1 })).toThrow(
      'reduceOnPlateau: patience must be a non-negative integer, got -1',
    )
    expect(() => reduceOnPlateau({ init: 1, threshold: -0.1 })).toThrow(
      'reduceOnPlateau: threshold must be a non-negative finite number, got -0.1',
    )
    expect(() => reduceOnPlateau({ init: 1, thresholdMode: 'rel' as 'relative' })).toThrow(
      'reduceOnPlateau: thresholdMode must be "relative" or "absolute", got "rel"',
    )
    expect(() => reduceOnPlateau({ init: 1, cooldown: 1.5 })).toThrow(
      'reduceOnPlateau: cooldown must be a non-negative integer, got 1.5',
    )
    expect(() => reduceOnPlateau({ init: 1, minValue: -1 })).toThrow(
      'reduceOnPlateau: minValue must be a non-negative finite number, got -1',
    )
    expect(() => reduceOnPlateau({ init: 1, eps: Number.NaN })).toThrow(
      'reduceOnPlateau: eps must be a non-negative finite number, got NaN',
    )
    expect(() => reduceOnPlateau({ init: Number.NaN })).toThrow(
      'reduceOnPlateau: init must be a finite number, got NaN',
    )
    expect(() => reduceOnPlateau({ init: 0.001, minValue: 0.01 })).toThrow(
      'reduceOnPlateau: init must be at least minValue (0.01), got 0.001',
    )
    const plateau = reduceOnPlateau({ init: 1 })
    expect(() => plateau.step(plateau.init(), Number.NaN)).toThrow(
      'reduceOnPlateau: metric must be a finite number, got NaN',
    )
    expect(() => plateau.step(plateau.init(), Infinity)).toThrow(
      'reduceOnPlateau: metric must be a finite number, got Infinity',
    )
    expect(() => plateau.step({ ...plateau.init(), badSteps: -1 }, 1)).toThrow(
      'reduceOnPlateau: state.badSteps must be a non-negative integer, got -1',
    )
    expect(() => plateau.step(null as unknown as ReduceOnPlateauState, 1)).toThrow(
      'reduceOnPlateau: state must be an object from init() or step(), got null',
    )
    expect(() => plateau.tracker({ ...plateau.init(), value: Number.NaN })).toThrow(
      'reduceOnPlateau: state.value must be a finite number, got NaN',
    )
  })
})
