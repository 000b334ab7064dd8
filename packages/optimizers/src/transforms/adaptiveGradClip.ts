import type { Tensor } from '@gd/tensor'
import { paramsFor } from '../internal/consume.js'
import { floatElements, mapGradientLeaves } from '../core/leaves.js'
import { outputFor } from '../core/chain.js'
import { numberRule, positive, resolveOptions } from '../core/options.js'
import type { GradientTransformation } from '../core/transform.js'
import type { InPlaceTransformation } from '../core/inPlace.js'

/** Options of {@link adaptiveGradClip}. The paper's defaults. */
export interface AdaptiveGradClipOptions {
  /** λ, the largest allowed ratio ‖g‖ / ‖θ‖ per unit. Default 0.01. */
  clipping?: number
  /** Floor on the parameter norm, so zero-initialised units can move. Default 1e-3. */
  eps?: number
}

/**
 * Unit-wise adaptive gradient clipping (Brock et al., NFNets, §4.1). A unit is one slice along the
 * last axis (one output unit of a `[in, out]` weight; the whole tensor for rank ≤ 1):
 *
 * ```
 * limit = λ · max(‖θ_unit‖, eps)
 * u_unit = g_unit · limit / ‖g_unit‖   if ‖g_unit‖ > limit,   else g_unit
 * ```
 *
 * @see https://arxiv.org/abs/2102.06171
 * @example
 * ```ts
 * import { adaptiveGradClip, chain, sgd } from '@gd/optimizers'
 * const opt = chain(adaptiveGradClip({ clipping: 0.01 }), sgd({ learningRate: 0.1, momentum: 0.9 }))
 * ```
 */
export function adaptiveGradClip(options?: AdaptiveGradClipOptions): GradientTransformation<Record<string, never>> {
  const fn = 'adaptiveGradClip'
  const o = resolveOptions(
    fn,
    options,
    { clipping: 0.01, eps: 1e-3 },
    { clipping: numberRule(positive), eps: numberRule(positive) },
  )
  const tx: InPlaceTransformation<Record<string, never>> = {
    init: () => ({}),
    check: (grads, state, params) => void paramsFor(fn, grads, params),
    update(grads, state, params) {
      const ps = paramsFor(fn, grads, params)
      const updates = mapGradientLeaves(fn, grads, null, (g, k) => {
        const p = ps[k]!
        const units = unitsOf(p)
        const gNorm = unitNorms(floatElements(fn, g), units)
        const pNorm = unitNorms(floatElements(fn, p), units)
        const out = outputFor(fn, g)
        const src = floatElements(fn, g)
        const dst = floatElements(fn, out)
        for (let i = 0; i < dst.length; i++) {
          const j = i % units
          const limit = o.clipping * Math.max(pNorm[j]!, o.eps)
          dst[i] = gNorm[j]! > limit ? (src[i]! * limit) / gNorm[j]! : src[i]!
        }
        return out
      })
      return { updates, state }
    },
  }
  return tx
}

const unitsOf = (p: Tensor): number => (p.rank <= 1 ? 1 : p.shape[p.rank - 1]!)

function unitNorms(d: ArrayLike<number>, units: number): Float64Array {
  const ss = new Float64Array(units)
  for (let i = 0; i < d.length; i++) ss[i % units] = ss[i % units]! + d[i]! * d[i]!
  for (let j = 0; j < units; j++) ss[j] = Math.sqrt(ss[j]!)
  return ss
}
