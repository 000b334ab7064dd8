import { elementwise, type Kernel } from '../core/elementwise.js'
import { numberRule, positive, resolveOptions } from '../core/options.js'
import type { GradientTransformation } from '../core/transform.js'

/** Options of {@link clipByValue}. */
export interface ClipByValueOptions {
  /** Largest allowed |u|. */
  maxAbs: number
}

/**
 * Clips every element into [−maxAbs, maxAbs]: u = min(max(g, −c), c) (NaN stays NaN).
 *
 * @throws Error `clipByValue: maxAbs must be > 0, got 0`.
 * @example
 * ```ts
 * import { chain, clipByValue, sgd } from '@gd/optimizers'
 * const opt = chain(clipByValue({ maxAbs: 1 }), sgd({ learningRate: 0.1 }))
 * ```
 */
export function clipByValue(options: ClipByValueOptions): GradientTransformation<Record<string, never>> {
  const fn = 'clipByValue'
  const { maxAbs: c } = resolveOptions(fn, options, { maxAbs: NaN }, { maxAbs: numberRule(positive) })
  // created once, so V8 keeps its optimized loop across steps
  const kernel: Kernel = (k, g, out, base, factor) => {
    for (let i = 0; i < g.length; i++) {
      const gi = g[i]!
      const u = gi > c ? c : gi < -c ? -c : gi
      out[i] = base === null ? u : base[i]! + factor * u
    }
  }
  return elementwise<Record<string, never>>(
    fn,
    () => ({}),
    (state) => ({ state, kernel }),
  )
}
