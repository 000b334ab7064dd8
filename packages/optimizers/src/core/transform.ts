import type { Tree } from '@gd/tensor'

/** Extra, optional inputs some transforms read at update time (e.g. the loss `value`). */
export interface UpdateExtra {
  /** The loss at the current parameters, for transforms that react to it. */
  readonly value?: number
  readonly [key: string]: unknown
}

/** What {@link GradientTransformation.update} returns: the transformed updates and the next state. */
export interface UpdateResult<S> {
  readonly updates: Tree
  readonly state: S
}

/**
 * A gradient transformation: a pure pair of functions over parameter trees, in the style of Optax.
 *
 * - `init(params)` builds the state (plain data: numbers, booleans, typed arrays in plain objects).
 * - `update(grads, state, params?, extra?)` turns gradients into updates and returns the next state.
 *
 * **Ownership.** `grads` and `params` belong to the caller and are never written. The `state` passed
 * to `update` is consumed: its buffers are updated in place (no per-step temporaries) and come back
 * in the returned state, so passing the same state object to `update` again throws
 * (`adam: state was already used by an update; …`) instead of silently mixing two steps. A call that
 * throws consumes nothing. To branch, copy first: `deserializeState(serializeState(s))` (or a JSON
 * round trip) gives a fresh, valid state. The returned `updates` are fresh tensors the caller owns.
 *
 * **Pairing.** Trees are matched by key and structure, never by leaf order: a state remembers the
 * paths of the params it was built for, grads with the same keys in another order update the right
 * buffers, and a missing or extra leaf is an error naming its path (`adam: grads.layers[1].w is
 * missing, the state has a leaf there`).
 *
 * That is the whole contract. A transform may also implement the optional members of
 * `InPlaceTransformation` (from `@gd/optimizers/extend`): a check that runs before anything is
 * written, and the fused path that {@link stepInPlace} and {@link chain} take to write the
 * parameters in one loop. Every transform of this package does; a custom one needs only these two.
 *
 * @example
 * ```ts
 * import { adam, applyUpdates } from '@gd/optimizers'
 * import { tensor } from '@gd/tensor'
 * const opt = adam({ learningRate: 0.1 })
 * let params = { w: tensor([1, 2]) }
 * let state = opt.init(params)
 * const { updates, state: next } = opt.update({ w: tensor([0.5, -1]) }, state, params)
 * params = applyUpdates(params, updates)
 * state = next
 * ```
 */
export interface GradientTransformation<S = unknown> {
  init(params: Tree): S
  update(grads: Tree, state: S, params?: Tree, extra?: UpdateExtra): UpdateResult<S>
}

/**
 * A complete, named optimizer: a {@link GradientTransformation} whose updates already include the
 * learning rate and point downhill, ready for `applyUpdates`. Every function that returns an
 * `Optimizer` runs the shared conformance suite in its test.
 *
 * @example
 * ```ts
 * import { sgd, type Optimizer } from '@gd/optimizers'
 * const opt: Optimizer = sgd({ learningRate: 0.1 })
 * ```
 */
export type Optimizer<S = unknown> = GradientTransformation<S>

/** What a closure returns to a {@link ClosureOptimizer}: f(θ) and ∇f(θ) as a tree shaped like θ. */
export interface ValueAndGradient {
  readonly value: number
  readonly gradient: Tree
}

/** The outcome of {@link ClosureOptimizer.minimize}. */
export interface MinimizeResult<T extends Tree, S = unknown> {
  readonly params: T
  readonly value: number
  readonly gradientNorm: number
  /** Iterations so far, counting those before a resumed `state`. */
  readonly iterations: number
  /** Closure calls so far, counting those before a resumed `state`. */
  readonly evaluations: number
  /** True when the gradient norm reached the tolerance. */
  readonly converged: boolean
  /** Plain data to resume from (`minimize(f, params, { state })`); survives `serializeState`. */
  readonly state: S
}

/**
 * An optimizer driven by a value-and-gradient closure, for methods that evaluate the function
 * more than once per step (line searches): `minimize(f, params)` runs to convergence or its
 * iteration limit. Passing a previous result's `state` resumes that run exactly where it stopped.
 *
 * @example
 * ```ts
 * import { lbfgs, type ClosureOptimizer } from '@gd/optimizers'
 * import { tensor, type Tensor } from '@gd/tensor'
 * const opt: ClosureOptimizer = lbfgs()
 * const f = (p: { x: Tensor }) => {
 *   const x = p.x.item()
 *   return { value: (x - 3) ** 2, gradient: { x: tensor([2 * (x - 3)], { dtype: 'float64' }) } }
 * }
 * opt.minimize(f, { x: tensor([0], { dtype: 'float64' }) }).params.x.item() // 3
 * ```
 */
export interface ClosureOptimizer<S = unknown> {
  minimize<T extends Tree>(
    valueAndGradient: (params: T) => ValueAndGradient,
    params: T,
    options?: { readonly state?: S },
  ): MinimizeResult<T, S>
}
