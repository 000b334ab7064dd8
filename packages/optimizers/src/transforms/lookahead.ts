import type { Tree } from '@gd/tensor'
import { badState, paramsFor, spend, transformArg, unspent } from '../internal/consume.js'
import { flatten, inOrderOf, mapTree } from '../internal/tree.js'
import { copiesOf, floatElements, type FloatArray } from '../core/leaves.js'
import { closedUnit, numberRule, positiveInteger, resolveOptions } from '../core/options.js'
import { Tensor } from '@gd/tensor'
import { allocate } from '@gd/tensor/internal'
import type { GradientTransformation, UpdateExtra } from '../core/transform.js'
import { type InPlaceTransformation, checkBeforeWrite } from '../core/inPlace.js'

/** Options of {@link lookahead}. The paper's defaults. */
export interface LookaheadOptions {
  /** k, fast steps between synchronisations. Default 6. */
  syncPeriod?: number
  /** α, how far the slow weights move toward the fast ones. Default 0.5. */
  alpha?: number
}

/** State of {@link lookahead}: the step count, the slow weights and the fast optimizer's state. */
export interface LookaheadState<S> {
  readonly count: number
  readonly slow: FloatArray[]
  readonly fast: S
}

/**
 * Lookahead (Zhang et al., Algorithm 1) around a fast optimizer. The parameters you hold are the
 * fast weights θ; the slow weights φ live in the state (starting at θ₀):
 *
 * ```
 * θ ← θ + fast(g)                         every step
 * every k-th step:  φ ← φ + α (θ − φ),  θ ← φ
 * ```
 *
 * @see https://arxiv.org/abs/1907.08610
 * @example
 * ```ts
 * import { adam, lookahead } from '@gd/optimizers'
 * const opt = lookahead(adam({ learningRate: 1e-3 }), { syncPeriod: 5, alpha: 0.5 })
 * ```
 */
export function lookahead<S>(
  fast: GradientTransformation<S>,
  options?: LookaheadOptions,
): GradientTransformation<LookaheadState<S>> {
  const fn = 'lookahead'
  transformArg(fn, 'fast', fast)
  const o = resolveOptions(
    fn,
    options,
    { syncPeriod: 6, alpha: 0.5 },
    {
      syncPeriod: numberRule(positiveInteger),
      alpha: numberRule(closedUnit),
    },
  )
  /** Checks the state, params and the fast transform; returns params' data in init order. */
  const plan = (grads: Tree, state: LookaheadState<S>, params: Tree | undefined, extra: UpdateExtra | undefined) => {
    if (typeof state !== 'object' || state === null || !Number.isSafeInteger(state.count) || !Array.isArray(state.slow))
      throw badState(fn, state)
    unspent(fn, state)
    paramsFor(fn, grads, params)
    const paths = (state as { paths?: unknown }).paths
    const ps = inOrderOf(fn, params!, paths, 'params', state.slow.length).leaves.map((p, k) => {
      const d = floatElements(fn, p)
      if (d.length !== state.slow[k]!.length)
        throw new Error(
          `${fn}: a parameter has ${d.length} elements but the state was built for ${state.slow[k]!.length}`,
        )
      return d
    })
    checkBeforeWrite(fast, grads, state.fast, params, extra)
    return { ps, paths }
  }
  const tx: InPlaceTransformation<LookaheadState<S>> = {
    init: (params) => ({ count: 0, slow: copiesOf(fn, params), fast: fast.init(params), paths: flatten(params).paths }),
    check: (grads, state, params, extra) => void plan(grads, state, params, extra),
    update(grads, state, params, extra) {
      const { ps, paths } = plan(grads, state, params, extra)
      const r = fast.update(grads, state.fast, params, extra)
      const count = state.count + 1
      let result: { updates: Tree; state: LookaheadState<S> }
      if (count % o.syncPeriod !== 0) result = { updates: r.updates, state: { ...state, count, fast: r.state } }
      else {
        const { order } = inOrderOf(fn, r.updates, paths, 'updates', state.slow.length)
        let j = 0
        const updates = mapTree(r.updates, (u) => {
          const k = order[j++]!
          const phi = state.slow[k]!
          const theta = ps[k]!
          const du = floatElements(fn, u)
          const out = allocate(u.dtype as 'float32' | 'float64', u.size)
          for (let i = 0; i < out.length; i++) {
            const next = phi[i]! + o.alpha * (theta[i]! + du[i]! - phi[i]!)
            phi[i] = next
            out[i] = next - theta[i]!
          }
          return new Tensor(out, u.shape, u.dtype)
        })
        result = { updates, state: { ...state, count, fast: r.state } }
      }
      spend(state, result.state)
      return result
    },
  }
  return tx
}
