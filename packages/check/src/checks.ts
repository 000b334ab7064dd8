/**
 * Checks of single values. A {@link Check} returns the value it approves (possibly normalized, e.g. a
 * negative axis made positive) or throws `<fn>: <key> must be <expected>, got <value>`. The same checks
 * serve positional arguments (`positiveInteger('conv2d', 'stride', s)`) and options ({@link readOptions}).
 * @module
 */
import { fail } from './fail.js'

/**
 * Checks one value of function `fn`, named `key` in messages. `options` holds the options read before
 * this one (already checked) when the check runs inside {@link readOptions}.
 */
export type Check<T> = (fn: string, key: string, value: unknown, options?: Readonly<Record<string, unknown>>) => T

/**
 * A check that approves the values `ok` accepts and otherwise says they must be `expected`.
 * @example
 * ```ts
 * import { rule } from '@gd/check'
 * const even = rule<number>('an even integer', (v) => Number.isInteger(v) && (v as number) % 2 === 0)
 * even('f', 'n', 3) // throws 'f: n must be an even integer, got 3'
 * ```
 */
export function rule<T>(expected: string, ok: (value: unknown) => boolean): Check<T> {
  return (fn, key, value) => (ok(value) ? (value as T) : fail(fn, key, expected, value))
}

const isNumber = (v: unknown): v is number => typeof v === 'number'

/** Any number, NaN and ±Infinity included. */
export const number = /* @__PURE__ */ rule<number>('a number', isNumber)
// finite and integer wrap Number.* in arrows: a bundler cannot drop an unused pure call whose
// argument reads a property (it might be a getter), so `rule(..., Number.isFinite)` stayed in every bundle.
/** A finite number. */
export const finite = /* @__PURE__ */ rule<number>('a finite number', (v) => Number.isFinite(v))
/** A finite number > 0. */
export const positive = /* @__PURE__ */ rule<number>(
  'a positive finite number',
  (v) => Number.isFinite(v) && (v as number) > 0,
)
/** A finite number ≥ 0. */
export const nonNegative = /* @__PURE__ */ rule<number>(
  'a non-negative finite number',
  (v) => Number.isFinite(v) && (v as number) >= 0,
)
/** A safe integer. */
export const integer = /* @__PURE__ */ rule<number>('an integer', (v) => Number.isSafeInteger(v))
/** A safe integer ≥ 1. */
export const positiveInteger = /* @__PURE__ */ rule<number>(
  'a positive integer',
  (v) => Number.isSafeInteger(v) && (v as number) > 0,
)
/** A safe integer ≥ 0. */
export const nonNegativeInteger = /* @__PURE__ */ rule<number>(
  'a non-negative integer',
  (v) => Number.isSafeInteger(v) && (v as number) >= 0,
)
/** `true` or `false`. */
export const boolean = /* @__PURE__ */ rule<boolean>('a boolean', (v) => typeof v === 'boolean')
/** A string. */
export const string = /* @__PURE__ */ rule<string>('a string', (v) => typeof v === 'string')
/** A function. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const func = /* @__PURE__ */ rule<(...args: never[]) => unknown>('a function', (v) => typeof v === 'function')

/**
 * True for `{}`-literals and `Object.create(null)` objects, false for arrays, class instances
 * (tensors, dates, maps), functions and primitives.
 * @example
 * ```ts
 * import { isPlainObject } from '@gd/check'
 * isPlainObject({ a: 1 }) // true
 * isPlainObject([1]) // false
 * ```
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** A plain object (see {@link isPlainObject}). */
export const plainObject = /* @__PURE__ */ rule<Record<string, unknown>>('a plain object', isPlainObject)

/**
 * One of the `allowed` strings (or other primitives); the message lists them: `"mean", "sum" or "none"`.
 * @example
 * ```ts
 * import { oneOf } from '@gd/check'
 * oneOf(['mean', 'sum'])('mse', 'reduction', 'avg') // throws 'mse: reduction must be "mean" or "sum", got "avg"'
 * ```
 */
export function oneOf<const T>(allowed: readonly T[]): Check<T> {
  const list = allowed.map((a) => JSON.stringify(a))
  const expected = list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list.at(-1)}` : `${list[0]}`
  return rule<T>(expected, (v) => allowed.includes(v as T))
}

/**
 * `check`, but `undefined` passes through (an option without a default).
 * @example
 * ```ts
 * import { optional, positive } from '@gd/check'
 * optional(positive)('f', 'x', undefined) // undefined
 * ```
 */
export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (fn, key, value, options) => (value === undefined ? undefined : check(fn, key, value, options))
}

/**
 * `check`, but `undefined` gives `fallback` (an option with a default; the default is not checked).
 * @example
 * ```ts
 * import { boolean, withDefault } from '@gd/check'
 * withDefault(boolean, false)('f', 'keepDims', undefined) // false
 * ```
 */
export function withDefault<T>(check: Check<T>, fallback: T): Check<T> {
  return (fn, key, value, options) => (value === undefined ? fallback : check(fn, key, value, options))
}

/**
 * Either of two checks: the value passes when `first` or `second` approves it; the message names both.
 * @example
 * ```ts
 * import { either, func, positive } from '@gd/check'
 * const lr = either(positive, func, 'a positive number or a schedule')
 * lr('sgd', 'learningRate', -1) // throws 'sgd: learningRate must be a positive number or a schedule, got -1'
 * ```
 */
export function either<A, B>(first: Check<A>, second: Check<B>, expected: string): Check<A | B> {
  return (fn, key, value, options) => {
    for (const check of [first, second] as Check<A | B>[]) {
      try {
        return check(fn, key, value, options)
      } catch {
        // try the other one
      }
    }
    return fail(fn, key, expected, value)
  }
}

/**
 * An array whose every item passes `item` (messages name the item as `key[i]`); returns a copy.
 * @example
 * ```ts
 * import { arrayOf, positiveInteger } from '@gd/check'
 * arrayOf(positiveInteger)('f', 'steps', [1, 0]) // throws 'f: steps[1] must be a positive integer, got 0'
 * ```
 */
export function arrayOf<T>(item: Check<T>): Check<T[]> {
  return (fn, key, value, options) => {
    if (!Array.isArray(value)) fail(fn, key, 'an array', value)
    return value.map((v, i) => item(fn, `${key}[${i}]`, v, options))
  }
}
