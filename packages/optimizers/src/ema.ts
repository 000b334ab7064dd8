import { Tensor, treeLeaves, treeMap, type Tree } from '@gd/tensor'
import { copiesOf, floatData, mapLeaves, paramLeaves, checkSizes, type FloatArray } from './leaves.js'
import { outputFor } from './chain.js'
import { closedUnit, num, resolveOptions } from './options.js'
import type { GradientTransformation } from './transform.js'

/** Options of {@link ema}. */
export interface EmaOptions {
  /** d, the weight of the old average. Default 0.999. */
  decay?: number
}

/** State of {@link ema}: the averaged parameters, one buffer per leaf. */
export interface EmaState {
  readonly average: FloatArray[]
}

/**
 * Parameter averaging: passes updates through unchanged and keeps an exponential moving average
 * of the parameters after each step (starting at θ₀), for evaluation with smoother weights:
 * `avg ← d · avg + (1 − d)(θ + u)`. Put it last in a chain; read it with {@link emaParams}.
 *
 * @see https://pytorch.org/docs/stable/optim.html#weight-averaging-swa-and-ema
 * @example
 * ```ts
 * import { adam, chain, ema, emaParams } from '@gd/optimizers'
 * const opt = chain(adam(), ema({ decay: 0.99 }))
 * // const averaged = emaParams(state[1], params)
 * ```
 */
export function ema(options?: EmaOptions): GradientTransformation<EmaState> {
  const fn = 'ema'
  const { decay: d } = resolveOptions(fn, options, { decay: 0.999 }, { decay: num(closedUnit) })
  return {
    init: (params) => ({ average: copiesOf(fn, params) }),
    update(grads, state, params) {
      const ps = paramLeaves(fn, params)
      const updates = mapLeaves(fn, grads, state.average.map((a) => a.length), (g, k) => {
        const avg = state.average[k]!
        const p = floatData(fn, ps[k]!)
        const u = floatData(fn, g)
        const out = outputFor(fn, g)
        const o = floatData(fn, out)
        for (let i = 0; i < avg.length; i++) {
          avg[i] = d * avg[i]! + (1 - d) * (p[i]! + u[i]!)
          o[i] = u[i]!
        }
        return out
      })
      return { updates, state }
    },
  }
}

/**
 * The averaged parameters kept by {@link ema}, as a tree shaped like `params` (fresh tensors).
 *
 * @example
 * ```ts
 * import { ema, emaParams } from '@gd/optimizers'
 * import { tensor } from '@gd/tensor'
 * const params = { w: tensor([1, 2]) }
 * emaParams(ema().init(params), params) // { w: [1, 2] }
 * ```
 */
export function emaParams(state: EmaState, params: Tree): Tree {
  checkSizes('emaParams', treeLeaves(params), state.average.map((a) => a.length))
  let k = 0
  return treeMap((p) => new Tensor(state.average[k++]!.slice(), p.shape, p.dtype), params)
}
