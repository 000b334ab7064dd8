import { fail } from '@gd/check'
import { fusedKernels, type Tree } from '@gd/tensor'
import { leavesOf } from '../internal/tree.js'
import { elementwise } from '../core/elementwise.js'
import { paramLeaves, type FloatArray } from '../core/leaves.js'
import { maskLeaves, type Mask } from '../core/mask.js'
import { anyRule, hyperRule, hyperAt, nonNegative, resolveOptions } from '../core/options.js'
import type { Hyper } from '../core/hyper.js'
import type { GradientTransformation } from '../core/transform.js'

/** Options of {@link addDecayedWeights} and {@link addL2}. */
export interface WeightDecayOptions {
  /** λ, a number or a schedule. Default 0. */
  weightDecay?: Hyper
  /** Which parameters decay (e.g. not biases or norms). Default: all. */
  mask?: Mask
}

/** State: the step count (for a schedule) and which leaves decay. */
export interface WeightDecayState {
  readonly count: number
  readonly decays: readonly boolean[]
}

/**
 * Shared body of {@link addDecayedWeights} and `addL2`: u = g + λ θ on masked leaves, with `fn`
 * naming the caller in messages.
 *
 * @example
 * ```ts
 * import { weightDecayTransform } from '@gd/optimizers/extend'
 * const decay = weightDecayTransform('myDecay', { weightDecay: 1e-4 })
 * ```
 */
export function weightDecayTransform(
  fn: string,
  options: WeightDecayOptions | undefined,
): GradientTransformation<WeightDecayState> {
  const o = resolveOptions<WeightDecayOptions>(
    fn,
    options,
    { weightDecay: 0, mask: true },
    { weightDecay: hyperRule(nonNegative), mask: anyRule },
  )
  return decayTransform(fn, o.weightDecay, (params) => maskLeaves(fn, o.mask, params))
}

/**
 * u = g + λ θ on the leaves `decays(params)` selects, with λ already validated. Optimizers that
 * decay every leaf pass {@link decayAll}, which keeps the mask code out of their bundles.
 *
 * @example
 * ```ts
 * import { decayAll, decayTransform } from '@gd/optimizers/extend'
 * const l2 = decayTransform('addL2', 1e-4, decayAll)
 * ```
 */
export function decayTransform(
  fn: string,
  weightDecay: Hyper,
  decays: (params: Tree) => boolean[],
): GradientTransformation<WeightDecayState> {
  resolveOptions(fn, { weightDecay }, { weightDecay: 0 }, { weightDecay: hyperRule(nonNegative) })
  if (typeof decays !== 'function') fail(fn, 'decays', 'a function of params', decays)
  return elementwise<WeightDecayState>(
    fn,
    (params: Tree) => {
      paramLeaves(fn, params)
      return { count: 0, decays: decays(params) }
    },
    (state) => {
      const wd = hyperAt(fn, 'weightDecay', weightDecay, state.count, nonNegative)
      return {
        state: { ...state, count: state.count + 1 },
        // a method, not an arrow property: tsx (esbuild's keepNames) would rename the closure once a step
        kernel(k, g, out, base, factor, p) {
          decayLoop(g, p!, out, base, factor, state.decays[k] ? wd : 0)
        },
      }
    },
    // one flag per leaf: keyed like the buffers of other transforms (the sizes come from params)
    { needsParams: true, sizes: (s) => s.decays.map(() => -1) },
  )
}

/**
 * Every leaf decays (`true` once per leaf of `params`).
 *
 * @example
 * ```ts
 * import { decayAll } from '@gd/optimizers/extend'
 * import { tensor } from '@gd/tensor'
 * decayAll({ w: tensor([1]), b: tensor([0]) }) // [true, true]
 * ```
 */
export const decayAll = (params: Tree): boolean[] => leavesOf(params).map(() => true)

/**
 * Adds decayed weights to the updates, u = g + λ θ, on the leaves `mask` selects. Placed after an
 * adaptive scaling and before the learning rate it is decoupled weight decay (AdamW:
 * θ ← θ − η (adam(g) + λ θ)), not an L2 penalty.
 *
 * Speed: float32 leaves of 96 elements or more run @gd/tensor's WebAssembly decay kernel once Wasm is
 * loaded (`await initWasm()`, or the first large float32 matmul); it computes in float64 as the
 * JavaScript loop does, so the results are the same bits either way.
 *
 * @see https://arxiv.org/abs/1711.05101
 * @throws Error `addDecayedWeights: weightDecay must be >= 0 (or a schedule), got -1`.
 * @example
 * ```ts
 * import { addDecayedWeights, chain, scaleByAdam, scaleByLearningRate } from '@gd/optimizers'
 * const adamw = chain(scaleByAdam(), addDecayedWeights({ weightDecay: 0.01, mask: { w: true, b: false } }), scaleByLearningRate(1e-3))
 * ```
 */
export function addDecayedWeights(options?: WeightDecayOptions): GradientTransformation<WeightDecayState> {
  return weightDecayTransform('addDecayedWeights', options)
}

/**
 * u = g + λθ for one leaf (fused: base + factor · u, where base and out are θ). Top-level so V8 keeps it
 * optimized. Float32 leaves of 96 elements or more run @gd/tensor's Wasm `decay` kernel once it is loaded:
 * float64 arithmetic in this loop's order, so the same bits (θ and the updates read where they lie when
 * they are in the kernels' memory, as AdamW's are inside `stepInPlace`).
 */
function decayLoop(
  g: FloatArray,
  p: FloatArray,
  out: FloatArray,
  base: FloatArray | null,
  factor: number,
  lambda: number,
): void {
  // (elementwise passes base = out = p whenever base is given, as the kernel's accumulate mode expects)
  if (fusedKernels()?.decay(g, p, out, base !== null, factor, lambda)) return
  const n = g.length
  if (base === null) for (let i = 0; i < n; i++) out[i] = g[i]! + lambda * p[i]!
  else for (let i = 0; i < n; i++) out[i] = base[i]! + factor * (g[i]! + lambda * p[i]!)
}
