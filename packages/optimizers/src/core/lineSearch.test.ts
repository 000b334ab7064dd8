import { describe, expect, it } from 'vitest'
import { backtrackingArmijo, strongWolfe, type LinePoint } from '../index.js'

// φ(t) = (t − 2)² − 4 … a parabola with minimum at t = 2, φ(0) = 0, φ'(0) = −4
const phi = (t: number): LinePoint => ({ t, value: (t - 2) ** 2 - 4, gradient: new Float64Array(), slope: 2 * (t - 2) })
const o = { c1: 1e-4, c2: 0.1, maxSteps: 30 }

describe('line searches', () => {
  it('strong Wolfe brackets by doubling and zooms to a point meeting both conditions', () => {
    const p = strongWolfe(phi, phi(0), 0.25, o)
    expect(p.value).toBeLessThanOrEqual(0 + o.c1 * p.t * -4)
    expect(Math.abs(p.slope)).toBeLessThanOrEqual(o.c2 * 4)
    // cubic interpolation on a parabola lands on the minimum exactly
    expect(p.t).toBeCloseTo(2, 8)
  })

  it('backtracking halves the step until the Armijo condition holds', () => {
    // t = 8: φ = 32 > 0; t = 4: φ = 0 > −1.6e-3; t = 2: φ = −4, accepted
    expect(backtrackingArmijo(phi, phi(0), 8, o).t).toBe(2)
  })
})
