/**
 * The property suite behind every package's gradient table: one row per differentiable function,
 * each checked on random float64 inputs from its smooth domain by `gradcheck` and `gradgradcheck`,
 * and a meta-test that every exported function has a row.
 * @module
 */
import fc from 'fast-check'
import type { Tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { valuesArb, type Domain } from './arbitraries.js'

/** One row: the function applied to traced inputs, and the shape and smooth domain of each input. */
export interface GradientRow<V> {
  /** Fixed constants (labels, targets) are closed over; only these inputs are differentiated. */
  f: (...xs: V[]) => V
  inputs: [number[], Domain][]
}

/** The two checks, passed in so that this package needs no dependency on @gd/autograd. */
export interface GradientChecks<V> {
  gradcheck(f: (...xs: V[]) => V, inputs: Tensor[]): boolean
  gradgradcheck(f: (...xs: V[]) => V, inputs: Tensor[]): boolean
}

/** What the table covers: the module whose exported functions need rows, and which are exempt. */
export interface GradientTableSpec<V> {
  /** The title of the `describe` block. */
  title: string
  /** The package's namespace (`import * as losses from './index.js'`). */
  module: Record<string, unknown>
  /** Exported functions without a row of their own (helpers, or layers covered elsewhere). */
  exempt: readonly string[]
  /** Rows keyed by export name; a key with a space (`'sequential of linear'`) is an extra case. */
  rows: Record<string, GradientRow<V>>
  checks: GradientChecks<NoInfer<V>>
  /** Random inputs drawn per row (default 8). */
  numRuns?: number
}

/**
 * Registers the gradient table's tests.
 *
 * @example
 * ```ts
 * // not run: it registers vitest tests (as in packages/losses/src/gradients.test.ts)
 * import { gradcheck, gradgradcheck, type Var } from '@gd/autograd'
 * import * as losses from '@gd/losses'
 * import { anywhere, gradientTable } from '@gd/testing'
 * gradientTable<Var>({
 *   title: 'gradients of every loss (float64)', module: losses, exempt: [], checks: { gradcheck, gradgradcheck },
 *   rows: { mse: { f: (p, t) => losses.mse(p!, t!), inputs: [[[2, 3], anywhere], [[2, 3], anywhere]] } },
 * })
 * ```
 */
export function gradientTable<V>(spec: GradientTableSpec<V>): void {
  const { rows, checks } = spec
  describe(spec.title, () => {
    it('covers every exported function (meta-test)', () => {
      const functions = Object.entries(spec.module)
        .filter(([name, v]) => typeof v === 'function' && !spec.exempt.includes(name))
        .map(([name]) => name)
      expect(functions.sort()).toEqual(
        Object.keys(rows)
          .filter((k) => !k.includes(' '))
          .sort(),
      )
    })

    for (const [name, row] of Object.entries(rows)) {
      it(`${name}: gradcheck and gradgradcheck on random inputs`, () => {
        const arb = fc.tuple(...row.inputs.map(([shape, domain]) => valuesArb(shape, domain)))
        fc.assert(
          fc.property(arb, (xs) => {
            expect(checks.gradcheck(row.f, xs)).toBe(true)
            expect(checks.gradgradcheck(row.f, xs)).toBe(true)
          }),
          { numRuns: spec.numRuns ?? 8 },
        )
      })
    }
  })
}
