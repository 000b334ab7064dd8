import { momentumBuffer, type TraceState } from '../internal/momentum.js'
import { booleanRule, closedUnit, numberRule, resolveOptions, unitInterval } from '../core/options.js'
import type { GradientTransformation } from '../core/transform.js'

/** Options of {@link trace}. */
export interface TraceOptions {
  /** μ, the decay of the running sum. Default 0.9. */
  momentum?: number
  /** τ, the part of the new gradient left out (PyTorch's `dampening`). Default 0. */
  dampening?: number
  /** Nesterov momentum: u = g + μ b instead of b. Default false. */
  nesterov?: boolean
  /**
   * Start from b = 0, so the first step is b = (1 − τ) g as every later one (Optax's `trace`, and
   * Signum's moving average in {@link signSgd}), instead of b = g (PyTorch). Default false.
   */
  startAtZero?: boolean
}

export type { TraceState } from '../internal/momentum.js'

/**
 * Momentum, as PyTorch's SGD documents it:
 *
 * ```
 * b ← g                        on the first step (b ← (1 − τ) g with startAtZero)
 * b ← μ b + (1 − τ) g          afterwards
 * u = g + μ b   (nesterov)     or   u = b
 * ```
 *
 * Optax's `trace` starts from b = 0 (`startAtZero: true`) and has no dampening.
 *
 * Speed: float32 leaves of 96 elements or more run a WebAssembly SIMD128 loop once @gd/tensor has
 * loaded Wasm (see `fusedKernels` there); results then differ in the last float32 bits.
 *
 * @see https://pytorch.org/docs/stable/generated/torch.optim.SGD.html
 * @throws Error `trace: momentum must be in [0, 1), got 1`.
 * @example
 * ```ts
 * import { chain, scaleByLearningRate, trace } from '@gd/optimizers'
 * const heavyBall = chain(trace({ momentum: 0.9, nesterov: true }), scaleByLearningRate(0.01))
 * ```
 */
export function trace(options?: TraceOptions): GradientTransformation<TraceState> {
  const fn = 'trace'
  const o = resolveOptions(
    fn,
    options,
    { momentum: 0.9, dampening: 0, nesterov: false, startAtZero: false },
    {
      momentum: numberRule(unitInterval),
      dampening: numberRule(closedUnit),
      nesterov: booleanRule,
      startAtZero: booleanRule,
    },
  )
  return momentumBuffer(fn, {
    keep: o.momentum,
    take: 1 - o.dampening,
    mu: o.momentum,
    nesterov: o.nesterov,
    startAtG: !o.startAtZero,
  })
}
