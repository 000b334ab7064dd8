import { Tensor, type Tree } from '@gd/tensor'
import { badState, paramsFor, spend, unspent } from '../internal/consume.js'
import { flatten, inOrderOf, mapTree } from '../internal/tree.js'
import { copiesOf, floatElements, type FloatArray } from '../core/leaves.js'
import { outputFor } from '../core/chain.js'
import { closedUnit, numberRule, resolveOptions } from '../core/options.js'
import type { GradientTransformation } from '../core/transform.js'
import type { InPlaceTransformation } from '../core/inPlace.js'

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
  const { decay: d } = resolveOptions(fn, options, { decay: 0.999 }, { decay: numberRule(closedUnit) })
  /** Checks the state and params; returns grads' and params' data in init order. */
  const plan = (grads: Tree, state: EmaState, params: Tree | undefined) => {
    if (typeof state !== 'object' || state === null || !Array.isArray(state.average)) throw badState(fn, state)
    unspent(fn, state)
    paramsFor(fn, grads, params)
    const paths = (state as { paths?: unknown }).paths
    const ps = inOrderOf(fn, params!, paths, 'params', state.average.length).leaves.map((p, k) => {
      const d = floatElements(fn, p)
      if (d.length !== state.average[k]!.length)
        throw new Error(
          `${fn}: a parameter has ${d.length} elements but the state was built for ${state.average[k]!.length}`,
        )
      return d
    })
    return { ps, order: inOrderOf(fn, grads, paths, 'grads', state.average.length).order }
  }
  const tx: InPlaceTransformation<EmaState> = {
    init: (params) => ({ average: copiesOf(fn, params), paths: flatten(params).paths }),
    check: (grads, state, params) => void plan(grads, state, params),
    update(grads, state, params) {
      const { ps, order } = plan(grads, state, params)
      let j = 0
      const updates = mapTree(grads, (g) => {
        const k = order[j++]!
        const avg = state.average[k]!
        const p = ps[k]!
        const u = floatElements(fn, g)
        const out = outputFor(fn, g)
        const o = floatElements(fn, out)
        for (let i = 0; i < avg.length; i++) {
          avg[i] = d * avg[i]! + (1 - d) * (p[i]! + u[i]!)
          o[i] = u[i]!
        }
        return out
      })
      const next = { ...state }
      spend(state, next)
      return { updates, state: next }
    },
  }
  return tx
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
  const fn = 'emaParams'
  if (typeof state !== 'object' || state === null || !Array.isArray(state.average)) throw badState(fn, state)
  const { leaves, order } = inOrderOf(fn, params, (state as { paths?: unknown }).paths, 'params', state.average.length)
  leaves.forEach((p, k) => {
    if (floatElements(fn, p).length !== state.average[k]!.length)
      throw new Error(
        `${fn}: a parameter has ${p.size} elements but the state was built for ${state.average[k]!.length}`,
      )
  })
  let j = 0
  return mapTree(params, (p) => new Tensor(state.average[order[j++]!]!.slice(), p.shape, p.dtype))
}
