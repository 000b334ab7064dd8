import type { Tree } from '@gd/tensor'
import { floatLeaves } from '../internal/consume.js'
import { leavesOf } from '../internal/tree.js'
import { floatElements, mapGradientLeaves } from '../core/leaves.js'
import { outputFor } from '../core/chain.js'
import { numberRule, positive, resolveOptions } from '../core/options.js'
import type { GradientTransformation } from '../core/transform.js'
import type { InPlaceTransformation } from '../core/inPlace.js'

/** Options of {@link clipByGlobalNorm}. */
export interface ClipByGlobalNormOptions {
  /** Largest allowed norm of all updates taken together. */
  maxNorm: number
}

/**
 * Rescales all updates together when their global norm is too large:
 *
 * ```
 * n = √(Σ_leaves Σ_i gᵢ²)
 * u = g · maxNorm / n   if n > maxNorm,   else g
 * ```
 *
 * As Optax's `clip_by_global_norm`; PyTorch's `clip_grad_norm_` divides by n + 1e-6 instead.
 *
 * @see https://arxiv.org/abs/1211.5063
 * @throws Error `clipByGlobalNorm: maxNorm must be > 0, got -1`.
 * @example
 * ```ts
 * import { chain, clipByGlobalNorm, adam } from '@gd/optimizers'
 * const opt = chain(clipByGlobalNorm({ maxNorm: 1 }), adam())
 * ```
 */
export function clipByGlobalNorm(options: ClipByGlobalNormOptions): GradientTransformation<Record<string, never>> {
  const fn = 'clipByGlobalNorm'
  const { maxNorm } = resolveOptions(fn, options, { maxNorm: NaN }, { maxNorm: numberRule(positive) })
  const tx: InPlaceTransformation<Record<string, never>> = {
    init: () => ({}),
    check: (grads) => floatLeaves(fn, grads),
    update(grads, state) {
      let ss = 0
      for (const g of leavesOf(grads)) {
        const d = floatElements(fn, g)
        for (let i = 0; i < d.length; i++) ss += d[i]! * d[i]!
      }
      const norm = Math.sqrt(ss)
      const s = norm > maxNorm ? maxNorm / norm : 1
      const updates = mapGradientLeaves(fn, grads, null, (g) => {
        const out = outputFor(fn, g)
        const src = floatElements(fn, g)
        const dst = floatElements(fn, out)
        for (let i = 0; i < dst.length; i++) dst[i] = s * src[i]!
        return out
      })
      return { updates, state }
    },
  }
  return tx
}

/**
 * The global Euclidean norm of a tree of tensors, √(Σ xᵢ²), for watching gradient norms.
 *
 * @example
 * ```ts
 * import { globalNorm } from '@gd/optimizers'
 * import { tensor } from '@gd/tensor'
 * globalNorm({ a: tensor([3]), b: tensor([4]) }) // 5
 * ```
 */
export function globalNorm(tree: Tree): number {
  let ss = 0
  for (const g of leavesOf(tree)) {
    const d = floatElements('globalNorm', g)
    for (let i = 0; i < d.length; i++) ss += d[i]! * d[i]!
  }
  return Math.sqrt(ss)
}
