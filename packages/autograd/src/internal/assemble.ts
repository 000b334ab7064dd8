import * as T from '@gd/tensor'
import { allocate, forReplay, kernel, sizeOf, stridesOf } from '@gd/tensor/internal'
import { apply } from '../primitive.js'
import type { Var } from '../variable.js'

/** True when no two boxes (begins[k], shapes[k]) share an element (checked for up to 64 boxes). */
function disjoint(begins: readonly (readonly number[])[], parts: readonly T.Tensor[]): boolean {
  if (parts.length > 64) return false
  for (let a = 0; a < parts.length; a++) {
    for (let b = a + 1; b < parts.length; b++) {
      let apart = false
      for (let d = 0; d < begins[a]!.length && !apart; d++) {
        const [a0, b0] = [begins[a]![d]!, begins[b]![d]!]
        apart = a0 + parts[a]!.shape[d]! <= b0 || b0 + parts[b]!.shape[d]! <= a0
      }
      if (!apart && parts[a]!.size > 0 && parts[b]!.size > 0) return false
    }
  }
  return true
}

/**
 * Zeros of `shape` with each of `parts` added into its box at `begins[k]`, a row at a time.
 * Boxes that do not overlap (the parts of a split) are copied, others added.
 */
function layOut(
  shape: readonly number[],
  dtype: T.DType,
  begins: readonly (readonly number[])[],
  parts: readonly T.Tensor[],
): T.Tensor {
  const size = sizeOf(shape)
  const dst = allocate(dtype, size) // zeros
  const strides = stridesOf(shape)
  const rank = shape.length
  const copy = disjoint(begins, parts)
  // (kernel: a compiled step replays the loop, see kernel of @gd/tensor/internal; it adds into zeros)
  const views = parts.map(forReplay)
  kernel(dst, () => place(dst, strides, rank, copy, begins, views))
  return new T.Tensor(dst, shape, dtype)
}

/** Copies (or, overlapping, adds) each part into `dst` at its begin. */
function place(
  dst: T.Storage,
  strides: readonly number[],
  rank: number,
  copy: boolean,
  begins: readonly (readonly number[])[],
  parts: readonly T.Tensor[],
): void {
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k]!
    const src = part.data
    if (src.length === 0) continue
    if (rank === 0) {
      dst[0]! += src[0]!
      continue
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
      if (copy) dst.set(src.subarray(from, from + run), to)
      else for (let j = 0; j < run; j++) dst[to + j]! += src[from + j]!
      for (let d = rank - 2; d >= 0; d--) {
        if (++pos[d]! < ps[d]!) break
        pos[d] = 0
      }
    }
  }
}

/** The differentiable slice op, as `assemble` needs it for its gradient. */
type Slice = (x: Var, begin: readonly number[], size: readonly number[]) => Var

/**
 * The cotangent of an input of `shape` that is zero outside the boxes where `parts` go: one pass
 * over the result. Differentiable: its gradient slices each box back out with `slice` (passed in,
 * so that this module does not import the shape ops). @internal
 */
export function assemble(
  slice: Slice,
  shape: readonly number[],
  dtype: T.DType,
  begins: readonly (readonly number[])[],
  parts: readonly Var[],
): Var {
  return apply(
    {
      name: 'assemble',
      forward: (...ts) => layOut(shape, dtype, begins, ts),
      backward: (g) => begins.map((b, k) => slice(g, b, parts[k]!.shape)),
    },
    parts,
  )
}
