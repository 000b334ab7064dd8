import type { Hyper } from './hyper.js'

/** A numeric range, with open or closed ends; an absent end is unbounded. */
export interface Range {
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
export type Rule =
  | { readonly kind: 'number'; readonly range: Range; readonly schedule?: boolean }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'any' }

/**
 * `x ≥ 0`
 *
 * @example
 * ```ts
 * import { inRange, nonNegative } from '@gd/optimizers'
 * inRange(0, nonNegative) // true
 * ```
 */
export const nonNegative: Range = { min: 0 }
/**
 * `x > 0`
 *
 * @example
 * ```ts
 * import { inRange, positive } from '@gd/optimizers'
 * inRange(0, positive) // false
 * ```
 */
export const positive: Range = { min: 0, minOpen: true }
/**
 * `0 ≤ x < 1`, the range of a decay rate such as `beta1`.
 *
 * @example
 * ```ts
 * import { inRange, unitInterval } from '@gd/optimizers'
 * inRange(1, unitInterval) // false
 * ```
 */
export const unitInterval: Range = { min: 0, max: 1, maxOpen: true }
/**
 * `0 ≤ x ≤ 1`
 *
 * @example
 * ```ts
 * import { inRange, closedUnit } from '@gd/optimizers'
 * inRange(1, closedUnit) // true
 * ```
 */
export const closedUnit: Range = { min: 0, max: 1 }
/**
 * An integer ≥ 1.
 *
 * @example
 * ```ts
 * import { inRange, positiveInteger } from '@gd/optimizers'
 * inRange(1.5, positiveInteger) // false
 * ```
 */
export const positiveInteger: Range = { min: 1, integer: true }

/**
 * A rule for a plain number in `range`.
 *
 * @example
 * ```ts
 * import { num, nonNegative, positiveInteger, resolveOptions } from '@gd/optimizers'
 * resolveOptions('f', { k: 2 }, { k: 1 }, { k: num(positiveInteger) })
 * ```
 */
export const num = /* @__NO_SIDE_EFFECTS__ */ (range: Range): Rule => ({ kind: 'number', range })
/**
 * A rule for a number in `range` or a schedule whose values must lie in `range`.
 *
 * @example
 * ```ts
 * import { hyper, nonNegative, positiveInteger, resolveOptions } from '@gd/optimizers'
 * resolveOptions('f', { lr: (k: number) => 1 / (k + 1) }, { lr: 1 }, { lr: hyper(nonNegative) })
 * ```
 */
export const hyper = /* @__NO_SIDE_EFFECTS__ */ (range: Range): Rule => ({ kind: 'number', range, schedule: true })
/**
 * A rule for a boolean.
 *
 * @example
 * ```ts
 * import { bool, nonNegative, positiveInteger, resolveOptions } from '@gd/optimizers'
 * resolveOptions('f', { on: true }, { on: false }, { on: bool })
 * ```
 */
export const bool: Rule = { kind: 'boolean' }
/**
 * A rule that accepts anything (the caller checks it).
 *
 * @example
 * ```ts
 * import { any, nonNegative, positiveInteger, resolveOptions } from '@gd/optimizers'
 * resolveOptions('f', { mask: { w: true } }, { mask: true }, { mask: any })
 * ```
 */
export const any: Rule = { kind: 'any' }

/**
 * Describes a range the way error messages say it: `in [0, 1)`, `>= 0`, `> 0`, `an integer >= 1`.
 *
 * @example
 * ```ts
 * import { describeRange, unitInterval } from '@gd/optimizers'
 * describeRange(unitInterval) // 'in [0, 1)'
 * ```
 */
export function describeRange(r: Range): string {
  const { min, max } = r
  const int = r.integer ? 'an integer ' : ''
  if (min !== undefined && max !== undefined) {
    return `${int}in ${r.minOpen ? '(' : '['}${min}, ${max}${r.maxOpen ? ')' : ']'}`
  }
  if (min !== undefined) return `${int}>${r.minOpen ? '' : '='} ${min}`
  if (max !== undefined) return `${int}<${r.maxOpen ? '' : '='} ${max}`
  return r.integer ? 'an integer' : 'a number'
}

/**
 * True when `x` is a number inside `r` (NaN never is).
 *
 * @example
 * ```ts
 * import { inRange, unitInterval } from '@gd/optimizers'
 * inRange(0.9, unitInterval) // true
 * ```
 */
export function inRange(x: number, r: Range): boolean {
  const { min = -Infinity, max = Infinity } = r
  // every comparison with NaN is false, so NaN is never in range
  return (
    typeof x === 'number' &&
    (r.minOpen ? x > min : x >= min) &&
    (r.maxOpen ? x < max : x <= max) &&
    (!r.integer || Number.isInteger(x))
  )
}

function show(x: unknown): string {
  if (typeof x === 'function') return 'a function'
  return typeof x === 'string' || typeof x === 'object' ? (JSON.stringify(x) ?? String(x)) : String(x)
}

/**
 * The package's one message shape for a bad value: `<fn>: <what> must be <expected>, got <value><tail>`.
 *
 * @example
 * ```ts
 * import { mustBe } from '@gd/optimizers'
 * mustBe('adam', 'beta1', 'in [0, 1)', 1.2).message // 'adam: beta1 must be in [0, 1), got 1.2'
 * ```
 */
export function mustBe(fn: string, what: string, expected: string, value: unknown, tail = ''): Error {
  return new Error(`${fn}: ${what} must be ${expected}, got ${show(value)}${tail}`)
}

/**
 * Merges `given` over `defaults` and checks every option eagerly, throwing
 * `<fn>: <name> must be <range>, got <value>` or `<fn>: unknown option <name>, expected one of ...`.
 *
 * @example
 * ```ts
 * import { resolveOptions, hyper, num, nonNegative, unitInterval } from '@gd/optimizers'
 * const o = resolveOptions('myOpt', { beta1: 0.8 }, { learningRate: 0.1, beta1: 0.9 },
 *   { learningRate: hyper(nonNegative), beta1: num(unitInterval) })
 * o.beta1 // 0.8
 * resolveOptions('myOpt', { beta1: 1.2 }, { beta1: 0.9 }, { beta1: num(unitInterval) })
 * // throws 'myOpt: beta1 must be in [0, 1), got 1.2'
 * ```
 */
export function resolveOptions<T extends object>(
  fn: string,
  given: T | undefined,
  defaults: Required<T>,
  rules: { readonly [K in keyof T]-?: Rule },
): Required<T> {
  if (given !== undefined && (given === null || typeof given !== 'object' || Array.isArray(given))) {
    throw mustBe(fn, 'options', 'an object', given)
  }
  const known = Object.keys(rules)
  const out = { ...defaults } as Record<string, unknown>
  for (const [key, value] of Object.entries(given ?? {})) {
    if (!known.includes(key)) throw new Error(`${fn}: unknown option ${key}, expected one of ${known.join(', ')}`)
    if (value !== undefined) out[key] = value
  }
  for (const key of known) {
    const rule = (rules as Record<string, Rule>)[key]!
    const value = out[key]
    if (rule.kind === 'boolean' && typeof value !== 'boolean') throw mustBe(fn, key, 'a boolean', value)
    if (rule.kind === 'number' && !(rule.schedule && typeof value === 'function') && !inRange(value as number, rule.range)) {
      throw mustBe(fn, key, describeRange(rule.range) + (rule.schedule ? ' (or a schedule)' : ''), value)
    }
  }
  return out as Required<T>
}

/**
 * The value of a hyperparameter at `step`: the number itself, or its schedule's value, checked
 * against `range` (`<fn>: <name> must be <range>, got <v> from its schedule at step <k>`).
 *
 * @example
 * ```ts
 * import { hyperAt, nonNegative } from '@gd/optimizers'
 * hyperAt('sgd', 'learningRate', (k) => 1 / (k + 1), 3, nonNegative) // 0.25
 * ```
 */
export function hyperAt(fn: string, name: string, h: Hyper, step: number, range: Range): number {
  if (typeof h === 'number') return h
  const v = h(step)
  if (!inRange(v, range)) throw mustBe(fn, name, describeRange(range), v, ` from its schedule at step ${step}`)
  return v
}
