import {
  describeRange as checkDescribeRange,
  fail,
  inRange as checkInRange,
  isPlainObject,
  mustBe as checkMustBe,
  readOptions,
  type Check,
} from '@gd/check'
import type { Hyper } from './hyper.js'

// The optimizers' option rules, read by @gd/check underneath: `resolveOptions` turns its rules into
// checks for `readOptions` (unknown names get a "did you mean"), and the range helpers and `mustBe`
// are the toolkit's, under the names custom optimizers already import from here.

/**
 * A numeric range, with open or closed ends; an absent end is unbounded. (The same shape as the
 * internal checks' range, written out here so the published types stand alone.)
 */
export interface NumberRange {
  readonly min?: number
  readonly max?: number
  /** True when `min` itself is excluded. */
  readonly minOpen?: boolean
  /** True when `max` itself is excluded. */
  readonly maxOpen?: boolean
  /** True when only integers are allowed. */
  readonly integer?: boolean
}

/**
 * How one option is checked: a number in a range (optionally also a schedule, checked at each step),
 * a boolean, or anything (checked by the caller).
 */
export type OptionRule =
  | { readonly kind: 'number'; readonly range: NumberRange; readonly schedule?: boolean }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'any' }

/**
 * `x ≥ 0`
 *
 * @example
 * ```ts
 * import { inRange, nonNegative } from '@gd/optimizers/extend'
 * inRange(0, nonNegative) // true
 * ```
 */
export const nonNegative: NumberRange = { min: 0 }
/**
 * `x > 0`
 *
 * @example
 * ```ts
 * import { inRange, positive } from '@gd/optimizers/extend'
 * inRange(0, positive) // false
 * ```
 */
export const positive: NumberRange = { min: 0, minOpen: true }
/**
 * `0 ≤ x < 1`, the range of a decay rate such as `beta1`.
 *
 * @example
 * ```ts
 * import { inRange, unitInterval } from '@gd/optimizers/extend'
 * inRange(1, unitInterval) // false
 * ```
 */
export const unitInterval: NumberRange = { min: 0, max: 1, maxOpen: true }
/**
 * `0 ≤ x ≤ 1`
 *
 * @example
 * ```ts
 * import { inRange, closedUnit } from '@gd/optimizers/extend'
 * inRange(1, closedUnit) // true
 * ```
 */
export const closedUnit: NumberRange = { min: 0, max: 1 }
/**
 * An integer ≥ 1.
 *
 * @example
 * ```ts
 * import { inRange, positiveInteger } from '@gd/optimizers/extend'
 * inRange(1.5, positiveInteger) // false
 * ```
 */
export const positiveInteger: NumberRange = { min: 1, integer: true }

/**
 * A rule for a plain number in `range`.
 *
 * @example
 * ```ts
 * import { numberRule, nonNegative, positiveInteger, resolveOptions } from '@gd/optimizers/extend'
 * resolveOptions('f', { k: 2 }, { k: 1 }, { k: numberRule(positiveInteger) })
 * ```
 */
export const numberRule = /* @__NO_SIDE_EFFECTS__ */ (range: NumberRange): OptionRule => ({
  kind: 'number',
  range: rangeArg('num', range),
})
/**
 * A rule for a number in `range` or a schedule whose values must lie in `range`.
 *
 * @example
 * ```ts
 * import { hyperRule, nonNegative, positiveInteger, resolveOptions } from '@gd/optimizers/extend'
 * type Options = { lr?: number | ((k: number) => number) }
 * const o = resolveOptions<Options>('f', { lr: (k: number) => 1 / (k + 1) }, { lr: 1 }, { lr: hyperRule(nonNegative) })
 * typeof o.lr // 'function'
 * ```
 */
export const hyperRule = /* @__NO_SIDE_EFFECTS__ */ (range: NumberRange): OptionRule => ({
  kind: 'number',
  range: rangeArg('hyper', range),
  schedule: true,
})
/**
 * A rule for a boolean.
 *
 * @example
 * ```ts
 * import { booleanRule, nonNegative, positiveInteger, resolveOptions } from '@gd/optimizers/extend'
 * resolveOptions('f', { on: true }, { on: false }, { on: booleanRule })
 * ```
 */
export const booleanRule: OptionRule = { kind: 'boolean' }
/**
 * A rule that accepts anything (the caller checks it).
 *
 * @example
 * ```ts
 * import { anyRule, nonNegative, positiveInteger, resolveOptions } from '@gd/optimizers/extend'
 * type Options = { mask?: boolean | { w: boolean } }
 * resolveOptions<Options>('f', { mask: { w: true } }, { mask: true }, { mask: anyRule }).mask // { w: true }
 * ```
 */
export const anyRule: OptionRule = { kind: 'any' }

/**
 * Describes a range the way error messages say it: `in [0, 1)`, `>= 0`, `> 0`, `an integer >= 1`.
 *
 * @example
 * ```ts
 * import { describeRange, unitInterval } from '@gd/optimizers/extend'
 * describeRange(unitInterval) // 'in [0, 1)'
 * ```
 */
export const describeRange = (r: NumberRange): string => checkDescribeRange(rangeArg('describeRange', r))

/**
 * True when `x` is a number inside `r` (NaN never is).
 *
 * @example
 * ```ts
 * import { inRange, unitInterval } from '@gd/optimizers/extend'
 * inRange(0.9, unitInterval) // true
 * ```
 */
export const inRange = (x: unknown, r: NumberRange): x is number => checkInRange(x, rangeArg('inRange', r))

/**
 * The package's one message shape for a bad value: `<fn>: <what> must be <expected>, got <value><tail>`.
 *
 * @example
 * ```ts
 * import { valueError } from '@gd/optimizers/extend'
 * valueError('adam', 'beta1', 'in [0, 1)', 1.2).message // 'adam: beta1 must be in [0, 1), got 1.2'
 * ```
 */
export function valueError(fn: string, what: string, expected: string, value: unknown, tail = ''): Error {
  for (const [name, s] of [
    ['fn', fn],
    ['what', what],
    ['expected', expected],
    ['tail', tail],
  ] as const) {
    if (typeof s !== 'string') fail('valueError', name, 'a string', s)
  }
  return checkMustBe(fn, what, expected, value, tail)
}

/** `r` after checking it is a range (a plain object). */
function rangeArg(fn: string, r: NumberRange): NumberRange {
  if (!isPlainObject(r)) fail(fn, 'range', 'a range such as { min: 0, max: 1 }', r)
  return r
}

/**
 * Merges `given` over `defaults` and checks every option eagerly (defaults included), throwing
 * `<fn>: <name> must be <range>, got <value>` or
 * `<fn>: unknown option <name>, expected one of ...; did you mean <near miss>?`. `undefined` and
 * `null` mean no options; anything but a plain object is an error. Read by @gd/check's
 * `readOptions`.
 *
 * @example
 * ```ts
 * import { resolveOptions, hyperRule, numberRule, nonNegative, unitInterval } from '@gd/optimizers/extend'
 * type Options = { learningRate?: number; beta1?: number }
 * const o = resolveOptions<Options>('myOpt', { beta1: 0.8 }, { learningRate: 0.1, beta1: 0.9 },
 *   { learningRate: hyperRule(nonNegative), beta1: numberRule(unitInterval) })
 * o.beta1 // 0.8
 * resolveOptions('myOpt', { beta1: 1.2 }, { beta1: 0.9 }, { beta1: numberRule(unitInterval) })
 * // throws 'myOpt: beta1 must be in [0, 1), got 1.2'
 * ```
 */
export function resolveOptions<T extends object>(
  fn: string,
  given: T | undefined,
  defaults: Required<T>,
  rules: { readonly [K in keyof T]-?: OptionRule },
): Required<T> {
  if (typeof fn !== 'string') fail('resolveOptions', 'fn', 'a string', fn)
  if (!isPlainObject(defaults)) fail(fn, 'defaults', 'a plain object', defaults)
  if (!isPlainObject(rules)) fail(fn, 'rules', 'a plain object', rules)
  const spec: Record<string, Check<unknown>> = {}
  for (const [key, rule] of Object.entries(rules as Record<string, OptionRule>)) {
    const fallback = (defaults as Record<string, unknown>)[key]
    spec[key] = (f, k, value) => checkRule(f, k, value === undefined ? fallback : value, rule)
  }
  return readOptions(fn, given, spec) as Required<T>
}

/** Checks one option's value (a given value or its default) against its rule; returns it. */
function checkRule(fn: string, key: string, value: unknown, rule: OptionRule): unknown {
  if (rule.kind === 'boolean' && typeof value !== 'boolean') fail(fn, key, 'a boolean', value)
  if (rule.kind === 'number' && !(rule.schedule && typeof value === 'function')) {
    if (!checkInRange(value, rule.range))
      fail(fn, key, describeRange(rule.range) + (rule.schedule ? ' (or a schedule)' : ''), value)
    // a hyperparameter that may be a schedule is a rate: infinite would give NaN or garbage updates
    if (rule.schedule && !Number.isFinite(value)) fail(fn, key, 'finite', value)
  }
  return value
}

/**
 * The value of a hyperparameter at `step`: the number itself, or its schedule's value, checked
 * against `range` (`<fn>: <name> must be <range>, got <v> from its schedule at step <k>`).
 *
 * @example
 * ```ts
 * import { hyperAt, nonNegative } from '@gd/optimizers/extend'
 * hyperAt('sgd', 'learningRate', (k) => 1 / (k + 1), 3, nonNegative) // 0.25
 * ```
 */
export function hyperAt(fn: string, name: string, h: Hyper, step: number, range: NumberRange): number {
  if (typeof fn !== 'string' || typeof name !== 'string') fail('hyperAt', 'fn and name', 'strings', [fn, name])
  rangeArg(fn, range)
  if (typeof h === 'number') return h
  if (typeof h !== 'function') fail(fn, name, `${describeRange(range)} (or a schedule)`, h)
  if (!Number.isSafeInteger(step) || step < 0) fail(fn, 'step', 'a non-negative integer', step)
  const v = h(step)
  const tail = ` from its schedule at step ${step}`
  if (!checkInRange(v, range)) fail(fn, name, describeRange(range), v, tail)
  if (!Number.isFinite(v)) fail(fn, name, 'finite', v, tail)
  return v
}
