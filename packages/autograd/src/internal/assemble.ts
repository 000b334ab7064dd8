import * as T from '@gd/tensor'
import { apply } from '../primitive.js'
import type { Var } from '../variable.js'

/** Zeros of `shape` with each of `parts` added into its box at `begins[k]` (boxes may overlap). */
function layOut(shape: readonly number[], dtype: T.DType, begins: readonly (readonly number[])[], parts: readonly T.Tensor[]): T.Tensor {
  const out = T.zeros(shape, { dtype })
  const dst = out.storage
  const strides = T.stridesOf(shape)
  const rank = shape.length
  parts.forEach((part, k) => {
    const src = part.data
    if (src.length === 0) return
    if (rank === 0) {
      dst[0]! += src[0]!
      return
    }
    const begin = begins[k]!
    const ps = part.shape
    const run = ps[rank - 1]!
    const pos = new Array<number>(rank - 1).fill(0)
    let base = 0
    for (let d = 0; d < rank; d++) base += begin[d]! * strides[d]!
    for (let from = 0; from < src.length; from += run) {
      let to = base
      for (let d = 0; d < rank - 1; d++) to += pos[d]! * strides[d]!
      for (let j = 0; j < run; j++) dst[to + j]! += src[from + j]!
      for (let d = rank - 2; d >= 0; d--) {
        if (++pos[d]! < ps[d]!) break
        pos[d] = 0
      }
    }
  })
  return out
}

/** The differentiable slice op, as `assemble` needs it for its gradient. */
type Slice = (x: Var, begin: readonly number[], size: readonly number[]) => Var

/**
 * The cotangent of an input of `shape` that is zero outside the boxes where `parts` go: one pass
 * over the result. Differentiable: its gradient slices each box back out with `slice` (passed in,
 * so that this module does not import the shape ops). @internal
 */
export function assemble(slice: Slice, shape: readonly number[], dtype: T.DType, begins: readonly (readonly number[])[], parts: readonly Var[]): Var {
  return apply(
    {
      name: 'assemble',
      forward: (...ts) => layOut(shape, dtype, begins, ts),
      backward: (g) => begins.map((b, k) => slice(g, b, parts[k]!.shape)),
    },
    parts,
  )
}
