/**
 * The property suite behind every package's gradient table: one row per differentiable function,
 * each checked on random float64 inputs from its smooth domain by `gradcheck` and `gradgradcheck`,
 * and a meta-test that every exported function has a row.
 * @module
 */
import fc from 'fast-check'
import type { Tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { anywhere, valuesArb, type Domain } from './arbitraries.js'

/** One row with fixed shapes: the function applied to traced inputs, and the shape and smooth domain of each input. */
export interface FixedRow<V> {
  /** Fixed constants (labels, targets) are closed over; only these inputs are differentiated. */
  f: (...xs: V[]) => V
  inputs: [number[], Domain][]
  /** False only for a function documented as first-order: gradgradcheck is then left out (default true). */
  secondOrder?: boolean
  draw?: undefined
}

/** One run of a {@link DrawnRow}: the shape of each differentiated input, and a setting that is not differentiated. */
export interface Draw {
  shapes: number[][]
  /** An integer the function reads but does not differentiate (an axis, a diagonal offset); 0 when unused. */
  setting: number
}

/**
 * One row whose shapes are drawn per run (random ranks, pairs that broadcast) together with a
 * setting such as an axis; the setting reaches `f` as an argument.
 */
export interface DrawnRow<V> {
  /** Draws each run's shapes and setting. */
  draw: fc.Arbitrary<Draw>
  /** Each input's smooth domain, in order (anywhere when left out), e.g. read from an op's declared `domain`. */
  domains?: readonly (Domain | undefined)[]
  /** The function checked: the differentiated inputs, then this run's setting. */
  f: (xs: V[], setting: number) => V
  /** False only for a function documented as first-order: gradgradcheck is then left out (default true). */
  secondOrder?: boolean
  inputs?: undefined
}

/** A row of a gradient table: fixed shapes, or shapes and a setting drawn per run. */
export type GradientRow<V> = FixedRow<V> | DrawnRow<V>

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
 * // A drawn row (as in packages/autograd/src/ops.test.ts): random shapes and an axis per run; each
 * // input's domain is read from the op where it declares one (`[AG.div.domain.a, AG.div.domain.b]`),
 * // and left out (anywhere) here.
 * import * as AG from '@gd/autograd'
 * import { shapeArb } from '@gd/testing'
 * import fc from 'fast-check'
 * const withAxis = shapeArb(3, 3)
 *   .filter((s) => s.length > 0)
 *   .chain((s) => fc.integer({ min: -s.length, max: s.length - 1 }).map((axis) => ({ shapes: [s], setting: axis })))
 * const row = { draw: withAxis, domains: [], f: ([x]: Var[], axis: number) => AG.logSoftmax(x!, axis) }
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
      const title = row.secondOrder === false ? 'gradcheck (first order only)' : 'gradcheck and gradgradcheck'
      it(`${name}: ${title} on random inputs`, () => {
        fc.assert(
          fc.property(runArb(row), ({ xs, setting }) => {
            const f = row.draw === undefined ? row.f : (...vs: V[]) => row.f(vs, setting)
            expect(checks.gradcheck(f, xs)).toBe(true)
            if (row.secondOrder !== false) expect(checks.gradgradcheck(f, xs)).toBe(true)
          }),
          { numRuns: spec.numRuns ?? 8 },
        )
      })
    }
  })
}

/** One run's inputs, drawn in their domains, and its setting. */
function runArb<V>(row: GradientRow<V>): fc.Arbitrary<{ xs: Tensor[]; setting: number }> {
  if (row.draw === undefined) {
    return fc.tuple(...row.inputs.map(([shape, domain]) => valuesArb(shape, domain))).map((xs) => ({ xs, setting: 0 }))
  }
  const { domains = [] } = row
  return row.draw.chain(({ shapes, setting }) =>
    fc.tuple(...shapes.map((shape, k) => valuesArb(shape, domains[k] ?? anywhere))).map((xs) => ({ xs, setting })),
  )
}
