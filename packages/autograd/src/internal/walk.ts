import type { Level, Var } from '../variable.js'

/** The level whose backward pass is running, if any. */
let walking: Level | null = null

/** True when `v` belongs to `level`: it depends on the level's leaves and was made while it was open. @internal */
export const within = (v: Var, level: Level): boolean => (v.levels & level.bit) !== 0 && v.id >= level.startId

/** Runs `fn` as the backward pass of `level` (passes nest: a rule may run a transform). @internal */
export function walk<T>(level: Level, fn: () => T): T {
  const saved = walking
  walking = level
  try {
    return fn()
  } finally {
    walking = saved
  }
}

/**
 * Which of an op's inputs the running backward pass wants a cotangent for: those of its level.
 * An input that only an enclosing transform tracks gets none here (that transform differentiates
 * through this pass's results, never through the cotangents it drops). @internal
 */
export function needed(inputs: readonly Var[]): boolean[] {
  const level = walking
  return inputs.map((v) => (level === null ? v.tracked : within(v, level)))
}
