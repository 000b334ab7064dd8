import type { Tree } from '@gd/tensor'
import type { FloatArray } from '../core/leaves.js'
import type { UpdateExtra } from '../core/transform.js'

// What a transform made by `elementwise` finds when it checks a step, for `chain`'s fused step, which runs
// such transforms one after another on plain arrays (no tree of updates between them).

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
 * A checked step of an elementwise transform on `grads`, before it runs: the gradient elements in leaf
 * order (`gs`), each leaf's index in the state (`order`) and its parameter elements (`ps`), the next state
 * and the per-leaf loop (elementwise's `Kernel`).
 */
export interface Plan {
  readonly gs: FloatArray[]
  readonly order: number[]
  readonly ps: (FloatArray | null)[]
  readonly next: unknown
  readonly kernel: Kernel
}

/**
 * The plan of one step, made once per step (see `once`); throws what the transform's `check` throws. It holds
 * for any updates of grads' structure and sizes (a previous link's output), with their elements for `gs`.
 */
export type Planner = (grads: Tree, state: unknown, params: Tree | undefined, extra: UpdateExtra | undefined) => Plan

/**
 * What `elementwise` made: the transform's planner and the `update` and `applyScaledInPlace` it was made with
 * (a chain takes the planner only while the transform still has these two, not replaced by other code).
 */
export interface Planned {
  readonly plan: Planner
  readonly update: unknown
  readonly applyScaledInPlace: unknown
}

/** What `elementwise` made, by transform. */
export const planners = /* @__PURE__ */ new WeakMap<object, Planned>()

/** The planner of `tx` when `elementwise` made it and its `update` and `applyScaledInPlace` are still its own. */
export function plannerOf(tx: object): Planner | undefined {
  const made = planners.get(tx)
  const own = tx as { update?: unknown; applyScaledInPlace?: unknown }
  return made !== undefined && own.update === made.update && own.applyScaledInPlace === made.applyScaledInPlace
    ? made.plan
    : undefined
}
