import { treeLeaves } from '@gd/tensor'
import { copiesOf, floatData, mapLeaves, paramLeaves, type FloatArray } from './leaves.js'
import { closedUnit, num, positiveInteger, resolveOptions } from './options.js'
import { Tensor, allocate } from '@gd/tensor'
import type { GradientTransformation } from './transform.js'

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
  const o = resolveOptions(fn, options, { syncPeriod: 6, alpha: 0.5 }, {
    syncPeriod: num(positiveInteger),
    alpha: num(closedUnit),
  })
  return {
    init: (params) => ({ count: 0, slow: copiesOf(fn, params), fast: fast.init(params) }),
    update(grads, state, params, extra) {
      const ps = paramLeaves(fn, params)
      const r = fast.update(grads, state.fast, params, extra)
      const count = state.count + 1
      if (count % o.syncPeriod !== 0) return { updates: r.updates, state: { ...state, count, fast: r.state } }
      const us = treeLeaves(r.updates)
      const updates = mapLeaves(fn, r.updates, state.slow.map((s) => s.length), (u, k) => {
        const phi = state.slow[k]!
        const theta = floatData(fn, ps[k]!)
        const du = floatData(fn, us[k]!)
        const out = allocate(u.dtype as 'float32' | 'float64', u.size)
        for (let i = 0; i < out.length; i++) {
          const next = phi[i]! + o.alpha * (theta[i]! + du[i]! - phi[i]!)
          phi[i] = next
          out[i] = next - theta[i]!
        }
        return new Tensor(out, u.shape, u.dtype)
      })
      return { updates, state: { count, slow: state.slow, fast: r.state } }
    },
  }
}
