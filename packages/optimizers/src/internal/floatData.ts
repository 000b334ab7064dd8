import { floatElements, type FloatArray } from '../core/leaves.js'
import type { Flat } from './tree.js'

// The float elements of a flattened tree's leaves, read once per `Flat`: during a step (see `withFlatMemo`)
// every tree is flattened once, and the step's checks and its loops read the same leaves several times.

/** The elements read by {@link floatData}, by the `Flat` they were read from. */
const read = /* @__PURE__ */ new WeakMap<Flat, FloatArray[]>()

/**
 * The elements of every leaf of `flat`, in leaf order, each checked to be a float tensor (the first that is
 * not throws, named `fn`); read once per `Flat`, then shared (read-only).
 */
export function floatData(fn: string, flat: Flat): FloatArray[] {
  let data = read.get(flat)
  if (data === undefined) {
    data = flat.leaves.map((t) => floatElements(fn, t))
    read.set(flat, data)
  }
  return data
}

/** What {@link floatData} read from `flat`, or undefined when it has not (then read each leaf with floatElements). */
export const floatDataRead = (flat: Flat): FloatArray[] | undefined => read.get(flat)
