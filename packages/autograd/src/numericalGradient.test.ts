import { describe, expect, it } from 'vitest'
import { tensor } from '@gd/tensor'
import { numericalGradient } from './numericalGradient.js'

describe('numericalGradient', () => {
  it('matches a hand-derived gradient', () => {
    // f(x, y) = x² y + sin(y); ∂f/∂x = 2xy = 2·1.5·-2 = -6; ∂f/∂y = x² + cos(y) = 2.25 + cos(-2)
    const x = tensor([1.5, -2], { dtype: 'float64' })
    const g = numericalGradient((t) => t.data[0]! ** 2 * t.data[1]! + Math.sin(t.data[1]!), x)
    expect(g.data[0]).toBeCloseTo(-6, 6)
    expect(g.data[1]).toBeCloseTo(2.25 + Math.cos(-2), 6)
    expect(g.shape).toEqual([2])
  })

  it('rejects float32 input and non-finite outputs', () => {
    expect(() => numericalGradient(() => 0, tensor([1]))).toThrow(
      'numericalGradient: x must be float64 for accurate differences, got float32',
    )
    expect(() => numericalGradient(() => Number.NaN, tensor([1], { dtype: 'float64' }))).toThrow(
      'numericalGradient: f must return a finite number at shape [1], got NaN',
    )
  })
})
