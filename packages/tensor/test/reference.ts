// Naive reference machinery for the property tests: multi-indices, broadcasting by index arithmetic,
// and fast-check arbitraries for shapes and tensors. Deliberately simple and slow.
import fc from 'fast-check'
import { Tensor } from '../src/tensor.js'

export const sizeOfShape = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)

/** Row-major multi-index of flat position `flat` in `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length)
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!
    flat = Math.floor(flat / shape[d]!)
  }
  return idx
}

/** Flat position of a multi-index in `shape`. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  return idx.reduce((acc, i, d) => acc * shape[d]! + i, 0)
}

/** The element of `t` that broadcasting reads for output multi-index `outIdx`. */
export function broadcastRead(
  t: { data: ArrayLike<number>; shape: readonly number[] },
  outIdx: readonly number[],
): number {
  const lead = outIdx.length - t.shape.length
  const idx = t.shape.map((d, i) => (d === 1 ? 0 : outIdx[lead + i]!))
  return t.data[ravel(idx, t.shape)]!
}

/** A shape of rank 0..maxRank with dimensions 1..maxDim. */
export const shapeArb = (maxRank = 4, maxDim = 4): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: 0, maxLength: maxRank })

/** An output shape and two input shapes that broadcast to it (leading axes dropped, some dims set to 1). */
export const broadcastPairArb = fc
  .tuple(shapeArb(4, 4), fc.nat(4), fc.nat(4), fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }))
  .map(([out, dropA, dropB, ones]) => {
    const a = out.slice(Math.min(dropA, out.length)).map((d, i) => (ones[i] ? 1 : d))
    const b = out.slice(Math.min(dropB, out.length)).map((d, i) => (ones[i + 4] ? 1 : d))
    return { a, b }
  })

/** Random float64 values of the given shape in [-range, range]. */
export const valuesArb = (shape: readonly number[], range = 10): fc.Arbitrary<Tensor<'float64'>> =>
  fc
    .array(fc.double({ min: -range, max: range, noNaN: true }), {
      minLength: sizeOfShape(shape),
      maxLength: sizeOfShape(shape),
    })
    .map((v) => new Tensor(Float64Array.from(v), [...shape], 'float64'))

/** A float64 tensor with a random shape. */
export const tensorArb = (maxRank = 4, maxDim = 4): fc.Arbitrary<Tensor<'float64'>> =>
  shapeArb(maxRank, maxDim).chain((s) => valuesArb(s))
