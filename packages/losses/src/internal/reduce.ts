/**
 * The body of `reduceLoss` (reduction.ts) for options already read: a loss reads `reduction` and `weights`
 * with its own spec (which holds `lossSpec`'s checks), then calls this instead of reading them again.
 * Internal: not re-exported from the package.
 * @module
 */
import { div, mean, mul, sum, type Var } from '@gd/autograd'
import * as T from '@gd/tensor'
import type { Shape, Tensor } from '@gd/tensor'
import { forReplay, formatList, kernel } from '@gd/tensor/internal'
import { checkValues } from './checks.js'

/**
 * Applies the user's `weights` (read, not yet checked against the values), `extra` weights (a Tensor of
 * the values' shape, or undefined) and the reduction to a loss's unreduced values, as `reduceLoss` does.
 */
export function reduced(
  loss: string,
  values: Var,
  reduction: 'mean' | 'sum' | 'none',
  weights: Tensor | undefined,
  extra: Tensor | undefined,
): Var {
  let w: Tensor | undefined =
    weights === undefined ? undefined : checkWeights(loss, weights, values.shape, values.dtype)
  if (extra !== undefined) {
    const e = T.cast(extra, values.dtype)
    w = w === undefined ? e : T.mul(w, e)
  }
  if (w === undefined) {
    if (reduction === 'none') return values
    // An empty batch sums to 0; its mean is taken as 0 too, as with all-zero weights below.
    return reduction === 'sum' || values.value.size === 0 ? sum(values) : mean(values)
  }
  const weighted = mul(values, w)
  if (reduction === 'none') return weighted
  if (reduction === 'sum') return sum(weighted)
  const total = forReplay(T.sum(T.broadcastTo(w, values.shape)))
  // With every weight 0 the weighted sum is 0 too; divide by 1 so the mean is 0, not 0/0. (A kernel call, not a number
  // read in JavaScript: a compiled step computes it again from each step's weights.)
  const divisor = T.scalar(0, { dtype: total.dtype })
  const d = divisor.storage
  kernel(
    d,
    () => {
      const t = total.storage[total.offset]!
      d[0] = t > 0 ? t : 1
    },
    true,
  )
  return div(sum(weighted), divisor)
}

function checkWeights(loss: string, weights: Tensor, shape: Shape, dtype: T.DType): Tensor {
  const w = weights.shape
  if (w.length > shape.length || w.some((d, i) => d !== shape[i])) {
    throw new Error(
      `${loss}: weights ${formatList(w)} must match the leading axes of the per-sample loss ${formatList(shape)}`,
    )
  }
  checkValues(weights, (v) => {
    if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`${loss}: weights must be finite and >= 0, got ${v}`)
  })
  const full = [...w, ...shape.slice(w.length).map(() => 1)]
  return T.reshape(T.cast(weights, dtype), full)
}
