import { coupledL2 } from '../transforms/addL2.js'
import { chain, type ChainState } from '../core/chain.js'
import { elementwise } from '../core/elementwise.js'
import { buffersLike, bufferSizes, type FloatArray } from '../core/leaves.js'
import { hyperRule, nonNegative, numberRule, positive, resolveOptions, unitInterval } from '../core/options.js'
import { scaleByLearningRate } from '../transforms/scaleByLearningRate.js'
import type { Hyper } from '../core/hyper.js'
import type { GradientTransformation, Optimizer } from '../core/transform.js'

/** Options of {@link scaleByNadam}. PyTorch's defaults. */
export interface ScaleByNadamOptions {
  beta1?: number
  beta2?: number
  eps?: number
  /** ψ in the momentum schedule μₜ = β₁ (1 − ½ · 0.96^(tψ)). Default 4e-3. */
  momentumDecay?: number
}

/** State of {@link scaleByNadam}: Adam's plus the running product of μ. */
export interface NadamState {
  readonly count: number
  readonly muProduct: number
  readonly mu: FloatArray[]
  readonly nu: FloatArray[]
}

/**
 * Nesterov-accelerated Adam (Dozat), with PyTorch's momentum schedule:
 *
 * ```
 * μₜ = β₁ (1 − ½ · 0.96^(tψ)),   Πₜ = Π_{i≤t} μᵢ
 * m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,   d = √(v / (1 − β₂ᵗ)) + eps
 * u = (1 − μₜ) / (1 − Πₜ) · g / d  +  μₜ₊₁ / (1 − Πₜ μₜ₊₁) · m / d
 * ```
 *
 * Optax's `nadam` uses a constant μ = β₁ instead of this schedule.
 *
 * @see https://openreview.net/forum?id=OM0jvwB8jIp57ZJjtNEZ
 * @example
 * ```ts
 * import { chain, scaleByNadam, scaleByLearningRate } from '@gd/optimizers'
 * const opt = chain(scaleByNadam(), scaleByLearningRate(2e-3))
 * ```
 */
export function scaleByNadam(options?: ScaleByNadamOptions): GradientTransformation<NadamState> {
  const fn = 'scaleByNadam'
  const o = resolveOptions(
    fn,
    options,
    { beta1: 0.9, beta2: 0.999, eps: 1e-8, momentumDecay: 4e-3 },
    {
      beta1: numberRule(unitInterval),
      beta2: numberRule(unitInterval),
      eps: numberRule(positive),
      momentumDecay: numberRule(nonNegative),
    },
  )
  const { beta1: b1, beta2: b2, eps } = o
  const muAt = (t: number): number => b1 * (1 - 0.5 * 0.96 ** (t * o.momentumDecay))
  return elementwise<NadamState>(
    fn,
    (params) => ({ count: 0, muProduct: 1, mu: buffersLike(fn, params), nu: buffersLike(fn, params) }),
    (state) => {
      const t = state.count + 1
      const muT = muAt(t)
      const muNext = muAt(t + 1)
      const product = state.muProduct * muT
      const cg = (1 - muT) / (1 - product)
      const cm = muNext / (1 - product * muNext)
      const bc2 = 1 - b2 ** t
      return {
        state: { count: t, muProduct: product, mu: state.mu, nu: state.nu },
        kernel: (k, g, out, base, factor) =>
          nadamLoop(g, state.mu[k]!, state.nu[k]!, out, base, factor, b1, b2, bc2, cg, cm, eps),
      }
    },
    { sizes: (s) => bufferSizes(s.mu) },
  )
}

/** Options of {@link nadam}. Defaults are PyTorch's. */
export interface NadamOptions extends ScaleByNadamOptions {
  /** Default 2e-3. */
  learningRate?: Hyper
  /** Coupled L2. Default 0. */
  weightDecay?: Hyper
}

/**
 * NAdam: θ ← θ − η · u with u from {@link scaleByNadam}; `chain(addL2?, scaleByNadam, scaleByLearningRate)`.
 * Defaults: learningRate 2e-3, beta1 0.9, beta2 0.999, eps 1e-8, momentumDecay 4e-3.
 *
 * @see https://openreview.net/forum?id=OM0jvwB8jIp57ZJjtNEZ
 * @throws Error `nadam: momentumDecay must be >= 0, got -1`.
 * @example
 * ```ts
 * import { nadam } from '@gd/optimizers'
 * const opt = nadam({ learningRate: 2e-3 })
 * ```
 */
export function nadam(options?: NadamOptions): Optimizer<ChainState> {
  const o = resolveOptions(
    'nadam',
    options,
    { learningRate: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, momentumDecay: 4e-3, weightDecay: 0 },
    {
      learningRate: hyperRule(nonNegative),
      beta1: numberRule(unitInterval),
      beta2: numberRule(unitInterval),
      eps: numberRule(positive),
      momentumDecay: numberRule(nonNegative),
      weightDecay: hyperRule(nonNegative),
    },
  )
  const links: GradientTransformation<any>[] = []
  if (o.weightDecay !== 0) links.push(coupledL2(o.weightDecay))
  links.push(scaleByNadam({ beta1: o.beta1, beta2: o.beta2, eps: o.eps, momentumDecay: o.momentumDecay }))
  links.push(scaleByLearningRate(o.learningRate))
  return chain(...links)
}

/** One leaf of NAdam. Top-level so V8 keeps it optimized. */
function nadamLoop(
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  out: FloatArray,
  base: FloatArray | null,
  factor: number,
  b1: number,
  b2: number,
  bc2: number,
  cg: number,
  cm: number,
  eps: number,
): void {
  for (let i = 0; i < g.length; i++) {
    const gi = g[i]!
    m[i] = b1 * m[i]! + (1 - b1) * gi
    v[i] = b2 * v[i]! + (1 - b2) * gi * gi
    const d = Math.sqrt(v[i]! / bc2) + eps
    const u = (cg * gi) / d + (cm * m[i]!) / d
    out[i] = base === null ? u : base[i]! + factor * u
  }
}
