import { elementwise, type Kernel } from '../core/elementwise.js'
import type { GradientTransformation } from '../core/transform.js'

/**
 * The sign of each update, u = sign(g) (sign(0) = 0), the core of signSGD.
 *
 * @see https://arxiv.org/abs/1802.04434
 * @example
 * ```ts
 * import { chain, scaleBySign, scaleByLearningRate } from '@gd/optimizers'
 * const signSgd = chain(scaleBySign(), scaleByLearningRate(1e-3))
 * ```
 */
export function scaleBySign(): GradientTransformation<Record<string, never>> {
  // created once, so V8 keeps its optimized loop across steps
  const kernel: Kernel = (k, g, out, base, factor) => {
    for (let i = 0; i < g.length; i++) {
      const u = Math.sign(g[i]!)
      out[i] = base === null ? u : base[i]! + factor * u
    }
  }
  return elementwise<Record<string, never>>(
    'scaleBySign',
    () => ({}),
    (state) => ({ state, kernel }),
  )
}
