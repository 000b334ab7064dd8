import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cosineDecaySchedule } from './cosineDecaySchedule.js'

describe('cosineDecaySchedule', () => {
  it('follows half a cosine from init to alpha · init, then holds', () => {
    const lr = cosineDecaySchedule({ init: 0.1, decaySteps: 1000, alpha: 0 })
    expect(lr(0)).toBe(0.1)
    expect(lr(250)).toBeCloseTo(0.085355339059327, 14) // 0.1 · ½(1 + cos(π/4)) = 0.1 · (2 + √2)/4
    expect(lr(500)).toBeCloseTo(0.05, 15) // 0.1 · ½(1 + cos(π/2))
    expect(lr(1000)).toBeCloseTo(0, 15) // 0.1 · ½(1 + cos π)
    expect(lr(5000)).toBeCloseTo(0, 15)
  })

  it('keeps a floor of alpha · init and sharpens with exponent', () => {
    const floor = cosineDecaySchedule({ init: 1, decaySteps: 10, alpha: 0.2 })
    expect(floor(5)).toBeCloseTo(0.6, 15) // 0.8 · ½ + 0.2
    expect(floor(10)).toBeCloseTo(0.2, 15)
    const squared = cosineDecaySchedule({ init: 1, decaySteps: 10, exponent: 2 })
    expect(squared(5)).toBeCloseTo(0.25, 15) // (½)²
  })

  it("matches PyTorch's CosineAnnealingLR(T_max, eta_min = alpha · init) up to T_max", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 500 }),
        (init, alpha, decaySteps, raw) => {
          const t = raw % (decaySteps + 1)
          const etaMin = alpha * init
          const torch = etaMin + ((init - etaMin) * (1 + Math.cos((Math.PI * t) / decaySteps))) / 2
          expect(cosineDecaySchedule({ init, decaySteps, alpha })(t)).toBeCloseTo(torch, 12)
        },
      ),
    )
  })

  it('is non-increasing and stays within [alpha · init, init]', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.25, max: 4, noNaN: true }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 600 }),
        (init, alpha, exponent, decaySteps, t) => {
          const lr = cosineDecaySchedule({ init, decaySteps, alpha, exponent })
          // (1 − alpha)·1 + alpha may round one ulp away from 1, hence the relative slack of 1e-15.
          const slack = 1e-15 * init
          expect(lr(t + 1)).toBeLessThanOrEqual(lr(t) + slack)
          expect(lr(t)).toBeLessThanOrEqual(init + slack)
          expect(lr(t)).toBeGreaterThanOrEqual(alpha * init - slack)
        },
      ),
    )
  })

  it('rejects bad options', () => {
    expect(() => cosineDecaySchedule({ init: 0.1, decaySteps: 0 })).toThrow(
      'cosineDecaySchedule: decaySteps must be a positive integer, got 0',
    )
    expect(() => cosineDecaySchedule({ init: 0.1, decaySteps: 10, alpha: 1.5 })).toThrow(
      'cosineDecaySchedule: alpha must be in [0, 1], got 1.5',
    )
    expect(() => cosineDecaySchedule({ init: 0.1, decaySteps: 10, exponent: -1 })).toThrow(
      'cosineDecaySchedule: exponent must be a positive finite number, got -1',
    )
    expect(() => cosineDecaySchedule({ init: 0.1, decaySteps: 10 })(-1)).toThrow(
      'cosineDecaySchedule: step must be a non-negative integer, got -1',
    )
  })
})
