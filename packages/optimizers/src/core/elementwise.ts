import { fail, func, isPlainObject } from '@gd/check'
import type { Tree } from '@gd/tensor'
import { badState, spend, unspent } from '../internal/consume.js'
import { flatten, mapTree, once, pairTo, pathIn } from '../internal/tree.js'
import { floatElements, type FloatArray } from './leaves.js'
import { outputFor } from './chain.js'
import { planners, type Kernel, type Planner } from '../internal/plans.js'
import { floatData, floatDataRead } from '../internal/floatData.js'
import type { UpdateExtra } from './transform.js'
import type { InPlaceTransformation } from './inPlace.js'

/** A per-leaf loop (defined beside the plans that `chain`'s fused step hands between links). */
export type { Kernel }

/**
 * Builds a transform from a per-step `prepare` (reads the state, returns the next state and the
 * loop to run on every leaf; it must not write anything); takes care of pairing, size checks,
 * output buffers and the fused path used by `stepInPlace`. Used by every elementwise transform in
 * this package.
 *
 * With `sizes` (a state with one buffer or flag per leaf; a size of -1 is not checked), the state
 * also records the params' leaf paths (`paths`, plain strings), and grads and params are paired
 * with its buffers by path, not by leaf order. Everything (state, pairing, sizes, params, and `prepare`, which reads schedules) is
 * checked before the first kernel runs, so a call that throws writes nothing; the state passed in
 * is then consumed (see `GradientTransformation`).
 *
 * Put the loop in a top-level function (or one created once) and call it from the kernel: a loop
 * inside a closure made afresh every step runs about 2x slower in V8.
 *
 * @example
 * ```ts
 * import { type FloatArray } from '@gd/optimizers'
 * import { elementwise } from '@gd/optimizers/extend'
 * // u = g³, stateless
 * function cubeLoop(g: FloatArray, out: FloatArray, base: FloatArray | null, factor: number): void {
 *   for (let i = 0; i < g.length; i++) {
 *     const u = g[i]! ** 3
 *     out[i] = base === null ? u : base[i]! + factor * u
 *   }
 * }
 * const cube = elementwise('cube', () => ({}), (state) => ({
 *   state,
 *   kernel: (k, g, out, base, factor) => cubeLoop(g, out, base, factor),
 * }))
 * ```
 */
export function elementwise<S>(
  fn: string,
  init: (params: Tree) => S,
  prepare: (state: S, extra?: UpdateExtra) => { state: S; kernel: Kernel },
  options: { sizes?: (state: S) => readonly number[]; needsParams?: boolean } = {},
): InPlaceTransformation<S> {
  if (typeof fn !== 'string') fail('elementwise', 'fn', 'a string', fn)
  func(fn, 'init', init)
  func(fn, 'prepare', prepare)
  if (!isPlainObject(options)) fail(fn, 'options', 'a plain object', options)
  const { sizes, needsParams } = options
  /** Checks everything a step needs and returns its plan; writes nothing. */
  const plan = (grads: Tree, state: S, params: Tree | undefined, extra: UpdateExtra | undefined, inPlace: boolean) => {
    if (typeof state !== 'object' || state === null) throw badState(fn, state)
    unspent(fn, state)
    const flat = flatten(grads)
    const gs = floatData(fn, flat)
    const n = gs.length
    let order: number[] | null = null
    const paths = (state as { paths?: unknown }).paths
    if (sizes !== undefined) {
      let got: unknown
      try {
        got = sizes(state)
      } catch {
        // a state without its buffers: reported below
      }
      const ok = Array.isArray(got) && got.every((e) => Number.isSafeInteger(e))
      if (!ok || (Array.isArray(paths) && paths.length !== (got as unknown[]).length)) throw badState(fn, state)
      const expected = got as readonly number[]
      if (Array.isArray(paths)) order = pairTo(fn, flat, paths as string[], 'grads', 'the state')
      else if (expected.length !== n)
        throw new Error(`${fn}: expected ${expected.length} gradient leaves (as at init), got ${n}`)
      for (let j = 0; j < n; j++) {
        const k = order !== null ? order[j]! : j
        if (expected[k]! >= 0 && gs[j]!.length !== expected[k]) {
          throw new Error(
            `${fn}: ${pathIn('grads', flat.paths[j]!)} has ${gs[j]!.length} elements but the state was built for ${expected[k]}`,
          )
        }
      }
    }
    const ps: (FloatArray | null)[] = new Array<null>(n).fill(null)
    if (params === undefined) {
      if (inPlace || needsParams) throw new Error(`${fn}: needs params, got undefined`)
    } else {
      const pf = flatten(params)
      const known = floatDataRead(pf)
      pairTo(fn, pf, flat.paths, 'params', 'grads').forEach((j, i) => {
        const p = known !== undefined ? known[i]! : floatElements(fn, pf.leaves[i]!)
        if (p.length !== gs[j]!.length) {
          throw new Error(
            `${fn}: ${pathIn('params', pf.paths[i]!)} has ${p.length} elements but its gradient has ${gs[j]!.length}`,
          )
        }
        ps[j] = p
      })
    }
    const prepared = prepare(state, extra)
    if (typeof prepared?.kernel !== 'function') fail(fn, 'prepare(state)', 'an object with state and kernel', prepared)
    let { state: next } = prepared
    const { kernel } = prepared
    if (Array.isArray(paths) && (next as { paths?: unknown }).paths !== paths) next = { ...next, paths }
    return { gs, order: order ?? gs.map((_, j) => j), ps, next, kernel }
  }
  /**
   * {@link plan}, made once for the check and the step that follows it inside stepInPlace (`inPlace` only matters
   * without params).
   */
  const planned = (
    grads: Tree,
    state: S,
    params: Tree | undefined,
    extra: UpdateExtra | undefined,
    inPlace: boolean,
  ) => {
    unspent(fn, state) // a state spent since the first look is still refused
    return once(plan, [grads, state, params, extra, params === undefined && inPlace], () =>
      plan(grads, state, params, extra, inPlace),
    )
  }
  /** One step: each leaf's update into a fresh (or chain scratch) tensor, or with a `factor` into its parameters. */
  const step = (grads: Tree, state: S, params: Tree | undefined, extra?: UpdateExtra, factor?: number) => {
    const { gs, order, ps, next, kernel } = planned(grads, state, params, extra, factor !== undefined)
    if (factor !== undefined) {
      // into the parameters: the updates are not made, and the tree of them is grads' own (applyScaledInPlace returns the state)
      for (let i = 0; i < gs.length; i++) kernel(order[i]!, gs[i]!, ps[i]!, ps[i]!, factor, ps[i]!)
      spend(state, next)
      return { updates: grads, state: next }
    }
    let j = 0
    const updates = mapTree(grads, (g) => {
      const i = j++
      const out = outputFor(fn, g)
      kernel(order[i]!, gs[i]!, floatElements(fn, out), null, 1, ps[i]!)
      return out
    })
    spend(state, next)
    return { updates, state: next }
  }
  const tx: InPlaceTransformation<S> = {
    init: sizes === undefined ? init : (params) => ({ ...init(params), paths: flatten(params).paths }),
    check: (grads, state, params, extra) => void planned(grads, state, params, extra, false),
    update: (grads, state, params, extra) => step(grads, state, params, extra),
    applyScaledInPlace: (grads, state, params, factor, extra) => step(grads, state, params, extra, factor).state,
  }
  const planOf: Planner = (grads, state, params, extra) => planned(grads, state as S, params, extra, false)
  planners.set(tx, { plan: planOf, update: tx.update, applyScaledInPlace: tx.applyScaledInPlace })
  return tx
}
