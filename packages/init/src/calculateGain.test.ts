import { describe, expect, it } from 'vitest'
import { calculateGain } from './calculateGain.js'

describe('calculateGain', () => {
  it("gives PyTorch's gains", () => {
    for (const n of ['linear', 'identity', 'conv', 'sigmoid'] as const) expect(calculateGain(n)).toBe(1)
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3, 15)
    expect(calculateGain('relu')).toBeCloseTo(Math.SQRT2, 15)
    expect(calculateGain('selu')).toBe(0.75)
    // √(2 / (1 + 0.01²)) = √(2 / 1.0001) = 1.41414285699...
    expect(calculateGain('leakyRelu')).toBeCloseTo(1.4141428569978354, 14)
    // √(2 / 1.04) = 1.38675049...
    expect(calculateGain('leakyRelu', { negativeSlope: 0.2 })).toBeCloseTo(1.3867504905630728, 14)
    // A slope of 0 is plain ReLU; a slope of 1 is linear.
    expect(calculateGain('leakyRelu', { negativeSlope: 0 })).toBeCloseTo(Math.SQRT2, 15)
    expect(calculateGain('leakyRelu', { negativeSlope: 1 })).toBeCloseTo(1, 15)
  })

  it('rejects unknown nonlinearities and misplaced slopes', () => {
    expect(() => calculateGain('gelu' as never)).toThrow(
      'calculateGain: nonlinearity must be "linear", "identity", "conv", "sigmoid", "tanh", "relu", "leakyRelu" or "selu", got "gelu"',
    )
    expect(() => calculateGain('relu', { negativeSlope: 0.1 })).toThrow(
      'calculateGain: negativeSlope only applies to leakyRelu, got "relu"',
    )
    expect(() => calculateGain('leakyRelu', { negativSlope: 0.1 } as never)).toThrow(
      'calculateGain: unknown option negativSlope, expected one of negativeSlope; did you mean negativeSlope?',
    )
    expect(() => calculateGain('leakyRelu', { negativeSlope: Number.NaN })).toThrow(
      'calculateGain: negativeSlope must be a finite number, got NaN',
    )
  })
})
