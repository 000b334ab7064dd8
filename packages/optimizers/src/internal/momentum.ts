import { fusedKernels } from '@gd/tensor'
import { buffersLike, bufferSizes, type FloatArray } from '../core/leaves.js'
import { elementwise } from '../core/elementwise.js'
import type { GradientTransformation } from '../core/transform.js'

/** State of a momentum buffer: step count and the buffer b, one per leaf. */
export interface TraceState {
  readonly count: number
  readonly trace: FloatArray[]
}

/**
 * The momentum buffer behind `trace` and Signum: b ← keep·b + take·g, u = g + μ b (nesterov) or b.
 * With `startAtG` the first step sets b = g (PyTorch's SGD); otherwise b starts at 0 and every step
 * uses `keep` and `take` (an exponential moving average when take = 1 − keep).
 */
export function momentumBuffer(
  fn: string,
  o: {
    readonly keep: number
    readonly take: number
    readonly mu: number
    readonly nesterov: boolean
    readonly startAtG: boolean
  },
): GradientTransformation<TraceState> {
  const { mu, nesterov } = o
  return elementwise<TraceState>(
    fn,
    (params) => ({ count: 0, trace: buffersLike(fn, params) }),
    (state) => {
      const first = o.startAtG && state.count === 0
      const keep = first ? 0 : o.keep
      const take = first ? 1 : o.take
      return {
        state: { ...state, count: state.count + 1 },
        kernel: (k, g, out, base, factor) => {
          const b = state.trace[k]!
          if (fusedKernels()?.momentum(g, b, out, base !== null, factor, keep, take, mu, nesterov)) return
          if (base === null) traceUpdate(g, b, out, keep, take, mu, nesterov)
          else traceApply(g, b, base, factor, keep, take, mu, nesterov)
        },
      }
    },
    { sizes: (s) => bufferSizes(s.trace) },
  )
}

// Top-level loops, one per purpose, so V8 keeps their optimized code across steps. Float32 leaves
// of 96 elements or more run @gd/tensor's WebAssembly kernel instead when it is loaded (`fusedKernels`).

/** b ← keep·b + take·g;  u = g + μb (nesterov) or b. */
function traceUpdate(
  g: FloatArray,
  b: FloatArray,
  out: FloatArray,
  keep: number,
  take: number,
  mu: number,
  nesterov: boolean,
): void {
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
function traceApply(
  g: FloatArray,
  b: FloatArray,
  p: FloatArray,
  factor: number,
  keep: number,
  take: number,
  mu: number,
  nesterov: boolean,
): void {
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
