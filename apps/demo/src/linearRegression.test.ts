import { constant } from '@gd/schedules'
import { describe, expect, it } from 'vitest'
import { fitLine } from './linearRegression.js'

describe('fitLine', () => {
  it('recovers the line behind exact data and its loss falls every step', () => {
    const xs = [0, 0.5, 1, 1.5, 2]
    const ys = xs.map((x) => 2 * x + 1)
    const { w, b, history } = fitLine(xs, ys, constant(0.2), 500)
    expect(w).toBeCloseTo(2, 4)
    expect(b).toBeCloseTo(1, 4)
    // Until the loss reaches rounding noise (~1e-30) each step lowers it.
    for (let i = 1; i < 100; i++) expect(history[i]!.loss).toBeLessThan(history[i - 1]!.loss)
    expect(history.at(-1)!.loss).toBeLessThan(1e-12)
  })
})
