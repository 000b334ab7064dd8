import { finite } from '@gd/check'
import { floatLeaves } from '../internal/consume.js'
import { fusedKernels, type Tree } from '@gd/tensor'
import { mapTree } from '../internal/tree.js'
import { floatElements } from '../core/leaves.js'
import { outputFor } from '../core/chain.js'
import type { GradientTransformation } from '../core/transform.js'
import type { InPlaceTransformation } from '../core/inPlace.js'

/** State of {@link scale}: nothing. */
export type ScaleState = Record<string, never>

/**
 * u = factor · g for every leaf, writing into chain scratch when it can (shared by the
 * scalar-multiply transforms).
 *
 * @example
 * ```ts
 * import { scaleTree } from '@gd/optimizers/extend'
 * import { tensor } from '@gd/tensor'
 * scaleTree('half', { w: tensor([2, 4]) }, 0.5) // { w: [1, 2] }
 * ```
 */
export function scaleTree(fn: string, grads: Tree, factor: number): Tree {
  finite(fn, 'factor', factor)
  return mapTree(grads, (g) => {
    const out = outputFor(fn, g)
    const src = floatElements(fn, g)
    const dst = floatElements(fn, out)
    // the Wasm kernel computes as this loop does (float64, one rounding), so either gives these bits
    if (fusedKernels()?.scale(src, dst, factor)) return out
    for (let i = 0; i < dst.length; i++) dst[i] = factor * src[i]!
    return out
  })
}

/**
 * Multiplies updates by a constant: u = factor · g.
 *
 * @example
 * ```ts
 * import { chain, scale, scaleByAdam } from '@gd/optimizers'
 * const descend = chain(scaleByAdam(), scale(-1e-3)) // Adam with a fixed learning rate
 * ```
 */
export function scale(factor: number): GradientTransformation<ScaleState> {
  finite('scale', 'factor', factor)
  const tx: InPlaceTransformation<ScaleState> = {
    init: () => ({}),
    check: (grads) => floatLeaves('scale', grads),
    update: (grads, state) => ({ updates: scaleTree('scale', grads, factor), state }),
    factor: (state) => ({ factor, state }),
  }
  return tx
}
