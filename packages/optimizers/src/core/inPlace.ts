import type { Tree } from '@gd/tensor'
import { transformArg } from '../internal/consume.js'
import type { GradientTransformation, UpdateExtra } from './transform.js'

/**
 * The optional, faster side of a {@link GradientTransformation}: the same `init` and `update`, plus
 * members that {@link index.chain | chain} and {@link index.stepInPlace | stepInPlace} look for and use when present. Every member is
 * optional, and a transform with none of them is still correct everywhere: `stepInPlace` then runs
 * `update` and adds the updates to the parameters, and `chain` checks it when its own `update` runs.
 *
 * **When to implement it.** Not for a first version: write `init` and `update` and test them. Add
 * - `check` when your transform can throw (bad state, wrong sizes, a schedule out of range) and it
 *   sits in a chain: the chain runs every link's `check` before the first link writes, so a step
 *   that throws leaves every link's state and the parameters as they were.
 * - `applyScaledInPlace` when your update is elementwise and is often followed by a learning rate:
 *   `chain(yours, scaleByLearningRate(η))` then writes `θ += −η · u` in the same loop that computes
 *   `u`, with no updates tensor in between. {@link elementwise} gives you this (and `check`) for free.
 * - `factor` when your transform only multiplies by a scalar (as `scale` and `scaleByLearningRate`
 *   do), so a chain can fold it into the previous link's `applyScaledInPlace`.
 * - `applyInPlace` when your transform can do the whole step and the parameter write in one go
 *   (a chain has it when its last two links fuse).
 *
 * The fused result must equal `applyUpdates(params, update(grads, state, params).updates)` up to
 * float rounding; the optimizer conformance suite of `@gd/testing` checks that for every named
 * optimizer.
 *
 * @example
 * ```ts
 * import { chain, scaleByLearningRate, stepInPlace } from '@gd/optimizers'
 * import { elementwise, type FloatArray, type InPlaceTransformation } from '@gd/optimizers/extend'
 * import { tensor } from '@gd/tensor'
 * // u = g³, fused by elementwise: it has check and applyScaledInPlace
 * function cubeLoop(g: FloatArray, out: FloatArray, base: FloatArray | null, factor: number): void {
 *   for (let i = 0; i < g.length; i++) out[i] = base === null ? g[i]! ** 3 : base[i]! + factor * g[i]! ** 3
 * }
 * const cube: InPlaceTransformation<object> = elementwise('cube', () => ({}), (state) => ({
 *   state,
 *   kernel: (k, g, out, base, factor) => cubeLoop(g, out, base, factor),
 * }))
 * typeof cube.applyScaledInPlace // 'function'
 * const opt = chain(cube, scaleByLearningRate(0.5))
 * const params = { w: tensor([1, 2]) }
 * stepInPlace(opt, { w: tensor([2, 1]) }, opt.init(params), params)
 * params.w.toArray() // [-3, 1.5]: one loop wrote θ − 0.5 · g³
 * ```
 */
export interface InPlaceTransformation<S = unknown> extends GradientTransformation<S> {
  /**
   * Throws exactly what `update` would throw for these arguments, and writes nothing.
   * {@link index.chain | chain} and {@link index.stepInPlace | stepInPlace} run it for every link before the first one writes.
   */
  check?(grads: Tree, state: S, params?: Tree, extra?: UpdateExtra): void
  /**
   * The same step as `update` followed by `applyUpdates`, written straight into the parameters'
   * buffers (equal to the unfused result up to rounding). Returns the next state.
   */
  applyInPlace?(grads: Tree, state: S, params: Tree, extra?: UpdateExtra): S
  /**
   * For transforms that only multiply by a scalar: the factor they will apply at this state and the
   * state after. Lets {@link index.chain | chain} fold them into the previous link's `applyScaledInPlace`.
   */
  factor?(state: S): { factor: number; state: S }
  /**
   * `params += factor · (this transform's updates)` in one loop, writing into the parameters'
   * buffers; returns the next state. Used by {@link index.chain | chain} together with the next link's `factor`.
   */
  applyScaledInPlace?(grads: Tree, state: S, params: Tree, factor: number, extra?: UpdateExtra): S
}

/**
 * Runs `tx`'s pre-write `check` (see {@link InPlaceTransformation}) when it has one: throws what
 * `tx.update` would throw for these arguments, and writes nothing. A transform without `check` passes.
 * For combinators that wrap other transforms (as `masked` and `partition` do) and must check every
 * inner transform before any of them writes.
 *
 * @example
 * ```ts
 * import { scaleByAdam } from '@gd/optimizers'
 * import { checkBeforeWrite } from '@gd/optimizers/extend'
 * import { tensor } from '@gd/tensor'
 * const tx = scaleByAdam()
 * const state = tx.init({ w: tensor([1, 2]) })
 * checkBeforeWrite(tx, { w: tensor([1, 2, 3]) }, state)
 * // throws 'scaleByAdam: grads.w has 3 elements but the state was built for 2'
 * ```
 */
export function checkBeforeWrite<S>(
  tx: GradientTransformation<S>,
  grads: Tree,
  state: S,
  params?: Tree,
  extra?: UpdateExtra,
): void {
  transformArg('checkBeforeWrite', 'tx', tx)
  ;(tx as InPlaceTransformation<S>).check?.(grads, state, params, extra)
}
