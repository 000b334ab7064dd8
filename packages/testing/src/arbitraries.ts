/**
 * fast-check arbitraries for tensors: shapes (size-1 dimensions included), pairs of shapes that
 * broadcast, and float64 tensors whose values lie in an op's domain.
 * @module
 */
import fc from 'fast-check'
import { Tensor } from '@gd/tensor'

/**
 * The smooth domains @gd/autograd declares on its ops, as plain data (`SmoothDomain` there; autograd
 * has no runtime dependency on this package, so the names are repeated here and kept equal by the
 * type check of autograd's gradient table).
 */
export type SmoothDomain = 'anywhere' | 'positive' | 'awayFromZero' | 'nearIntegers' | 'nearHalfIntegers' | 'distinct'

/**
 * Where a function is smooth: a named domain, a value range, or a value generator (for kinks and
 * singularities).
 */
export type Domain =
  SmoothDomain | { min: number; max: number } | ((random: fc.Arbitrary<number>) => fc.Arbitrary<number>)

/** Values in [-3, 3]. */
export const anywhere: Domain = 'anywhere'
/** Values in [0.2, 3], for log, sqrt, pow bases and the like. */
export const positive: Domain = 'positive'
/** Values at least 0.2 away from 0 (either sign), for denominators and kinks at 0. */
export const awayFromZero: Domain = 'awayFromZero'
/** Values within 0.1 of an integer. */
export const nearIntegers: Domain = 'nearIntegers'
/** Values within 0.1 of a half-integer: any of these is ≥ 0.3 from any {@link nearIntegers} value, so the two never tie. */
export const nearHalfIntegers: Domain = 'nearHalfIntegers'
/** Values 0.3 apart in random order (−2, −1.7, …): no two elements tie, and no slice has zero variance. */
export const distinct: Domain = 'distinct'

/** How each named domain draws one value from a uniform u in [-3, 3] (all but `distinct`, which draws a whole tensor). */
const named: Record<Exclude<SmoothDomain, 'distinct'>, (u: fc.Arbitrary<number>) => fc.Arbitrary<number>> = {
  anywhere: (u) => u,
  positive: () => fc.double({ min: 0.2, max: 3, noNaN: true }),
  awayFromZero: (u) => u.map((x) => (x < 0 ? x - 0.2 : x + 0.2)),
  nearIntegers: (u) => fc.tuple(fc.integer({ min: -3, max: 3 }), u).map(([k, x]) => k + (x / 3) * 0.1),
  nearHalfIntegers: (u) => fc.tuple(fc.integer({ min: -3, max: 3 }), u).map(([k, x]) => k + 0.5 + (x / 3) * 0.1),
}

/** A shape of rank 0..maxRank with dimensions 1..maxDim. */
export const shapeArb = (maxRank = 3, maxDim = 3): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: 0, maxLength: maxRank })

/** Two shapes that broadcast together: leading axes dropped and some dimensions set to 1. */
export const broadcastPairArb = (maxRank = 3, maxDim = 3): fc.Arbitrary<[number[], number[]]> =>
  fc
    .tuple(
      shapeArb(maxRank, maxDim),
      fc.nat(maxRank),
      fc.nat(maxRank),
      fc.array(fc.boolean(), { minLength: 2 * maxRank, maxLength: 2 * maxRank }),
    )
    .map(([out, dropA, dropB, ones]) => [
      out.slice(Math.min(dropA, out.length)).map((d, i) => (ones[i] ? 1 : d)),
      out.slice(Math.min(dropB, out.length)).map((d, i) => (ones[i + maxRank] ? 1 : d)),
    ])

/** A float64 tensor of `shape` with values in `domain`. */
export function valuesArb(shape: readonly number[], domain: Domain = anywhere): fc.Arbitrary<Tensor<'float64'>> {
  const n = shape.reduce((a, b) => a * b, 1)
  const base = fc.double({ min: -3, max: 3, noNaN: true })
  const values =
    domain === 'distinct'
      ? fc.shuffledSubarray(
          Array.from({ length: n }, (_, i) => 0.3 * i - 2),
          { minLength: n },
        )
      : fc.array(valueArb(domain, base), { minLength: n, maxLength: n })
  return values.map((v) => new Tensor(Float64Array.from(v), [...shape], 'float64'))
}

function valueArb(domain: Exclude<Domain, 'distinct'>, base: fc.Arbitrary<number>): fc.Arbitrary<number> {
  if (typeof domain === 'function') return domain(base)
  if (typeof domain === 'string') return named[domain](base)
  return fc.double({ min: domain.min, max: domain.max, noNaN: true })
}
