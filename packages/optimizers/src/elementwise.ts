import type { Tree } from '@gd/tensor'
import { leavesOf } from './internal/tree.js'
import { floatData, mapLeaves, type FloatArray } from './leaves.js'
import { outputFor } from './chain.js'
import type { GradientTransformation, UpdateExtra } from './transform.js'

/**
 * A per-leaf loop. With `base === null` it writes the transform's update into `out`; otherwise it
 * writes `base[i] + factor · update` (the fused parameter step, where `base` and `out` are the
 * parameter buffer). `k` is the leaf index, `p` the parameter elements when given.
 */
export type Kernel = (
  k: number,
  g: FloatArray,
  out: FloatArray,
  base: FloatArray | null,
  factor: number,
  p: FloatArray | null,
) => void

/**
 * Builds a transform from a per-step `prepare` (reads the state, returns the next state and the
 * loop to run on every leaf); takes care of leaf order, size checks, output buffers and the fused
 * path used by `stepInPlace`. Used by every elementwise transform in this package.
 *
 * Put the loop in a top-level function (or one created once) and call it from the kernel: a loop
 * inside a closure made afresh every step runs about 2x slower in V8.
 *
 * @example
 * ```ts
 * import { elementwise, type FloatArray } from '@gd/optimizers'
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
): GradientTransformation<S> {
  const paramData = (params: Tree | undefined, n: number, needed: boolean): (FloatArray | null)[] => {
    if (params === undefined) {
      if (needed || options.needsParams) throw new Error(`${fn}: needs params, got undefined`)
      return new Array<null>(n).fill(null)
    }
    const ps = leavesOf(params).map((p) => floatData(fn, p))
    if (ps.length !== n) throw new Error(`${fn}: expected ${n} parameter leaves (one per gradient), got ${ps.length}`)
    return ps
  }
  /** One step: each leaf's update into a fresh (or chain scratch) tensor, or with a `factor` into its parameters. */
  const step = (grads: Tree, state: S, params: Tree | undefined, extra?: UpdateExtra, factor?: number) => {
    const expected = options.sizes?.(state) ?? null
    const { state: next, kernel } = prepare(state, extra)
    const ps = paramData(params, leavesOf(grads).length, factor !== undefined)
    const updates = mapLeaves(fn, grads, expected, (g, k) => {
      const p = ps[k] ?? null
      if (p !== null && p.length !== g.size) throw new Error(`${fn}: leaf ${k} has ${p.length} parameters but ${g.size} gradients`)
      if (factor !== undefined) {
        kernel(k, floatData(fn, g), p!, p, factor, p)
        return g
      }
      const out = outputFor(fn, g)
      kernel(k, floatData(fn, g), floatData(fn, out), null, 1, p)
      return out
    })
    return { updates, state: next }
  }
  return {
    init,
    update: (grads, state, params, extra) => step(grads, state, params, extra),
    applyScaledInPlace: (grads, state, params, factor, extra) => step(grads, state, params, extra, factor).state,
  }
}
