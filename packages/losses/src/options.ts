/**
 * The option checks @gd/losses exported before every loss read its options with @gd/check's
 * `readOptions`. They stay, as thin wrappers over the same toolkit, for code that calls them.
 * @module
 */
import { boolean, fail, isPlainObject, string, unknownOption } from '@gd/check'

/**
 * Throws unless `options` is `undefined`, `null` or a plain object whose keys are all in `known`.
 *
 * @deprecated Read options with a spec instead, as every loss does: each key is then checked and
 *   defaulted in one place.
 * @throws Error `<fn>: unknown option <key>, expected one of <known>; did you mean <closest>?` or
 *   `<fn>: options must be a plain object, got <value>`.
 * @example
 * ```ts
 * import { checkOptions } from '@gd/losses'
 * checkOptions('huber', { delta: 2 }, ['delta', 'reduction', 'weights']) // ok
 * checkOptions('huber', { dleta: 2 }, ['delta']) // throws "huber: unknown option dleta, expected one of delta; did you mean delta?"
 * ```
 */
export function checkOptions(fn: string, options: unknown, known: readonly string[]): void {
  string('checkOptions', 'fn', fn)
  if (!Array.isArray(known) || !known.every((k) => typeof k === 'string'))
    fail('checkOptions', 'known', 'an array of strings', known)
  if (options === undefined || options === null) return
  if (!isPlainObject(options)) fail(fn, 'options', 'a plain object', options)
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw unknownOption(fn, key, known)
  }
}

/**
 * Returns `value`, or throws unless it is a finite number accepted by `valid`, whose range
 * `expected` describes.
 *
 * @deprecated Use a check from a spec (`positive`, `within({ min: 0 })`, …) read by `readOptions`.
 * @throws Error `<fn>: <name> must be <expected>, got <value>`.
 * @example
 * ```ts
 * import { checkNumber } from '@gd/losses'
 * checkNumber('huber', 'delta', 1, (d) => d > 0, '> 0') // 1
 * checkNumber('huber', 'delta', -1, (d) => d > 0, '> 0') // throws "huber: delta must be > 0, got -1"
 * ```
 */
export function checkNumber(
  fn: string,
  name: string,
  value: unknown,
  valid: (x: number) => boolean,
  expected: string,
): number {
  string('checkNumber', 'fn', fn)
  string('checkNumber', 'name', name)
  if (typeof valid !== 'function') fail('checkNumber', 'valid', 'a function', valid)
  string('checkNumber', 'expected', expected)
  if (typeof value !== 'number' || !Number.isFinite(value) || !valid(value)) fail(fn, name, expected, value)
  return value
}

/**
 * Returns `value`, or throws unless it is a boolean.
 *
 * @deprecated Use `boolean` from a spec read by `readOptions`.
 * @throws Error `<fn>: <name> must be a boolean, got <value>`.
 * @example
 * ```ts
 * import { checkBoolean } from '@gd/losses'
 * checkBoolean('poissonNll', 'logInput', true) // true
 * ```
 */
export function checkBoolean(fn: string, name: string, value: unknown): boolean {
  return boolean(string('checkBoolean', 'fn', fn), string('checkBoolean', 'name', name), value)
}
