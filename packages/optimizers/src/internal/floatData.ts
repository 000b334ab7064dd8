import { floatElements, type FloatArray } from '../core/leaves.js'
import type { Flat } from './tree.js'

// The float elements of a flattened tree's leaves, read once per `Flat` (kept in its `data`): during a step (see
// `withFlatMemo`) every tree is flattened once, and the step's checks and its loops read the same leaves several
// times.

/**
 * The elements of every leaf of `flat`, in leaf order, each checked to be a float tensor (the first that is
 * not throws, named `fn`); read once per `Flat`, then shared (read-only).
 */
export function floatData(fn: string, flat: Flat): FloatArray[] {
  if (flat.data === undefined) flat.data = flat.leaves.map((t) => floatElements(fn, t))
  return flat.data
}

/** What {@link floatData} read from `flat`, or undefined when it has not (then read each leaf with floatElements). */
export const floatDataRead = (flat: Flat): FloatArray[] | undefined => flat.data
