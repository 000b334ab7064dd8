import { fusedKernels } from '@gd/tensor'
import { buffersLike, sizes, type FloatArray } from './leaves.js'
import { elementwise } from './elementwise.js'
import { bool, closedUnit, num, resolveOptions, unitInterval } from './options.js'
import type { GradientTransformation } from './transform.js'

/** Options of {@link trace}. */
export interface TraceOptions {
  /** μ, the decay of the running sum. Default 0.9. */
  momentum?: number
  /** τ, the part of the new gradient left out (PyTorch's `dampening`). Default 0. */
  dampening?: number
  /** Nesterov momentum: u = g + μ b instead of b. Default false. */
  nesterov?: boolean
}

/** State of {@link trace}: step count and the momentum buffer b, one per leaf. */
export interface TraceState {
  readonly count: number
  readonly trace: FloatArray[]
}

/**
 * Momentum, as PyTorch's SGD documents it:
 *
 * ```
 * b ← g                        on the first step
 * b ← μ b + (1 − τ) g          afterwards
 * u = g + μ b   (nesterov)     or   u = b
 * ```
 *
 * Optax's `trace` starts from b = 0 and has no dampening; with τ = 0 the two agree.
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
  const o = resolveOptions(fn, options, { momentum: 0.9, dampening: 0, nesterov: false }, {
    momentum: num(unitInterval),
    dampening: num(closedUnit),
    nesterov: bool,
  })
  const mu = o.momentum
  const nesterov = o.nesterov
  return elementwise<TraceState>(
    fn,
    (params) => ({ count: 0, trace: buffersLike(fn, params) }),
    (state) => {
      const first = state.count === 0
      const keep = first ? 0 : mu
      const take = first ? 1 : 1 - o.dampening
      return {
        state: { count: state.count + 1, trace: state.trace },
        kernel: (k, g, out, base, factor) => {
          const b = state.trace[k]!
          if (fusedKernels()?.momentum(g, b, out, base !== null, factor, keep, take, mu, nesterov)) return
          if (base === null) traceUpdate(g, b, out, keep, take, mu, nesterov)
          else traceApply(g, b, base, factor, keep, take, mu, nesterov)
        },
      }
    },
    { sizes: (s) => sizes(s.trace) },
  )
}

// Top-level loops, one per purpose, so V8 keeps their optimized code across steps. Float32 leaves
// of 96 elements or more run @gd/tensor's WebAssembly kernel instead when it is loaded (`fusedKernels`).

/** b ← keep·b + take·g;  u = g + μb (nesterov) or b. */
function traceUpdate(g: FloatArray, b: FloatArray, out: FloatArray, keep: number, take: number, mu: number, nesterov: boolean): void {
  const n = g.length
  if (nesterov) {
    for (let i = 0; i < n; i++) {
      const bi = keep * b[i]! + take * g[i]!
      b[i] = bi
      out[i] = g[i]! + mu * bi
    }
  } else {
    for (let i = 0; i < n; i++) {
      const bi = keep * b[i]! + take * g[i]!
      b[i] = bi
      out[i] = bi
    }
  }
}

/** θ ← θ + factor · u, the fused step. */
function traceApply(g: FloatArray, b: FloatArray, p: FloatArray, factor: number, keep: number, take: number, mu: number, nesterov: boolean): void {
  const n = g.length
  if (nesterov) {
    for (let i = 0; i < n; i++) {
      const bi = keep * b[i]! + take * g[i]!
      b[i] = bi
      p[i] = p[i]! + factor * (g[i]! + mu * bi)
    }
  } else {
    for (let i = 0; i < n; i++) {
      const bi = keep * b[i]! + take * g[i]!
      b[i] = bi
      p[i] = p[i]! + factor * bi
    }
  }
}
