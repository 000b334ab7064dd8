/**
 * fast-check arbitraries for tensors: shapes (size-1 dimensions included), pairs of shapes that
 * broadcast, and float64 tensors whose values lie in an op's domain.
 * @module
 */
import fc from 'fast-check'
import { Tensor } from '@gd/tensor'

/** Where an op is smooth: a value range, or a value generator (for kinks and singularities). */
export type Domain = { min: number; max: number } | ((random: fc.Arbitrary<number>) => fc.Arbitrary<number>)

/** Values in [-3, 3]. */
export const anywhere: Domain = { min: -3, max: 3 }
/** Values in [0.2, 3], for log, sqrt, pow bases and the like. */
export const positive: Domain = { min: 0.2, max: 3 }
/** Values at least 0.2 away from 0 (either sign), for denominators and kinks at 0. */
export const awayFromZero: Domain = (u) => u.map((x) => (x < 0 ? x - 0.2 : x + 0.2))
/** Values within 0.1 of an integer. */
export const nearIntegers: Domain = (u) =>
  fc.tuple(fc.integer({ min: -3, max: 3 }), u).map(([k, x]) => k + (x / 3) * 0.1)
/** Values within 0.1 of a half-integer: any of these is ≥ 0.3 from any {@link nearIntegers} value, so the two never tie. */
export const nearHalfIntegers: Domain = (u) =>
  fc.tuple(fc.integer({ min: -3, max: 3 }), u).map(([k, x]) => k + 0.5 + (x / 3) * 0.1)

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
  const value =
    typeof domain === 'function' ? domain(base) : fc.double({ min: domain.min, max: domain.max, noNaN: true })
  return fc
    .array(value, { minLength: n, maxLength: n })
    .map((v) => new Tensor(Float64Array.from(v), [...shape], 'float64'))
}
