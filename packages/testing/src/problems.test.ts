import { describe, expect, it } from 'vitest'
import { quadratic, rosenbrock } from './problems.js'

describe('reference problems', () => {
  it('have zero gradient and the known value at their minimum', () => {
    for (const p of [quadratic([1, 10]), rosenbrock]) {
      const at = new Float64Array(p.minimum)
      expect(p.value(at)).toBe(0)
      // (+ 0 turns a -0, from −2·(1 − 1), into 0.)
      expect([...p.gradient(at)].map((g) => g + 0)).toEqual(p.minimum.map(() => 0))
    }
  })

  it('have gradients that match central differences', () => {
    for (const p of [quadratic([1, 10]), rosenbrock]) {
      const x = new Float64Array(p.start)
      const g = p.gradient(x)
      for (let i = 0; i < x.length; i++) {
        const h = 1e-6
        const plus = Float64Array.from(x)
        const minus = Float64Array.from(x)
        plus[i]! += h
        minus[i]! -= h
        expect(g[i]).toBeCloseTo((p.value(plus) - p.value(minus)) / (2 * h), 4)
      }
    }
  })
})
