// gradientTable with recording checks: a fixed row, and a drawn row whose setting reaches f as an
// argument and which is declared first-order only. The rows' own tests are registered first, so
// they have run when the last test here looks at what the checks saw.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { tensor, type Tensor } from '@gd/tensor'
import { gradientTable, type GradientChecks } from './gradientTable.js'

/** The values stand in for traced ones: the checks call f on the tensors themselves. */
type V = Tensor
const seen: { check: string; shapes: number[][]; out: number }[] = []
const recording = (check: string) => (f: (...xs: V[]) => V, xs: Tensor[]) => {
  seen.push({ check, shapes: xs.map((x) => [...x.shape]), out: f(...xs).data[0]! })
  return true
}
const checks: GradientChecks<V> = { gradcheck: recording('gradcheck'), gradgradcheck: recording('gradgradcheck') }

const module = { first: (x: V) => x, second: (x: V) => x, helper: () => 0 }

gradientTable<V>({
  title: 'a table of two rows',
  module,
  exempt: ['helper'],
  checks,
  numRuns: 3,
  rows: {
    first: { f: (x) => x!, inputs: [[[2], 'positive']] },
    // The setting is drawn with the shape (here 10 + the rank) and passed to f, never through a global.
    second: {
      draw: fc.integer({ min: 1, max: 2 }).map((rank) => ({ shapes: [Array(rank).fill(2)], setting: 10 + rank })),
      domains: ['distinct'],
      f: (_xs, setting) => tensor([setting], { dtype: 'float64' }),
      secondOrder: false,
    },
  },
})

describe('what the checks saw', () => {
  it('the fixed row at its shape in its domain, both checks; the drawn row with its setting, first order only', () => {
    const fixed = seen.filter((s) => s.out < 10) // the first row returns its input, in [0.2, 3]
    expect(fixed.map((s) => s.check).sort()).toEqual([...Array(3).fill('gradcheck'), ...Array(3).fill('gradgradcheck')])
    for (const s of fixed) {
      expect(s.shapes).toEqual([[2]])
      expect(s.out >= 0.2 && s.out <= 3).toBe(true)
    }
    const drawn = seen.filter((s) => s.out >= 10) // the second row returns its setting, 10 + the rank
    expect(drawn.length).toBe(3)
    for (const s of drawn) {
      expect(s.check).toBe('gradcheck')
      expect(s.out).toBe(10 + s.shapes[0]!.length)
    }
  })
})
