// Option checks shared by every schedule. Internal: not re-exported from the package.
// Options are read by @gd/check's readOptions (unknown names rejected with a "did you mean");
// every message reads `<fn>: <option> must be <what>, got <value>`.
import { fail, nonNegativeInteger, rule, within, type Check } from '@gd/check'

export {
  boolean,
  fail,
  finite,
  func,
  nonNegative,
  nonNegativeInteger,
  oneOf,
  optional,
  positive,
  positiveInteger,
  readOptions,
  withDefault,
  type Check,
  type Spec,
} from '@gd/check'

/** A number in [0, 1]. */
export const unit = /* @__PURE__ */ within({ min: 0, max: 1 })
/** A number in (0, 1]. */
export const factor = /* @__PURE__ */ within({ min: 0, minOpen: true, max: 1 })
/** A number in (0, 1). */
export const fraction = /* @__PURE__ */ within({ min: 0, minOpen: true, max: 1, maxOpen: true })

/** A schedule: any function of the step. */
export const isSchedule = /* @__PURE__ */ rule<(step: number) => number>(
  'a schedule (a function of the step)',
  (v) => typeof v === 'function',
)

/** A list (possibly empty) of strictly increasing positive integer steps, copied. */
export const increasingSteps: Check<readonly number[]> = (fn, key, value) =>
  Array.isArray(value) && value.every((b, i) => Number.isSafeInteger(b) && b > (value[i - 1] ?? 0))
    ? [...(value as number[])]
    : fail(fn, key, 'strictly increasing positive integers', value)

/**
 * A list with one item per piece, that is one more than the `boundaries` checked before it, each
 * passing `item`; copied. `noun` names one item in the message.
 */
export function onePerPiece<T>(noun: string, item: Check<T>): Check<readonly T[]> {
  return (fn, key, value, options) => {
    const length = (options!.boundaries as readonly number[]).length + 1
    if (!Array.isArray(value) || value.length !== length) {
      fail(fn, key, `a list of ${noun}s of length ${length} (one more than boundaries)`, value)
    }
    return value.map((v, i) => item(fn, `${key}[${i}]`, v))
  }
}

/**
 * The schedule `formula` behind a guard: each call checks its step first (a non-negative integer)
 * and its value after (a finite number), so no step and no overflow gives a silent NaN.
 */
export function stepwise(name: string, formula: (step: number) => number): (step: number) => number {
  return (step) => {
    const value = formula(nonNegativeInteger(name, 'step', step))
    // the message is built only on failure, after the step is known to be a number
    return Number.isFinite(value) ? value : fail(name, `value at step ${step}`, 'a finite number', value)
  }
}
