/**
 * Eager checks of a loss's options: unknown keys and out-of-range numbers are errors that name the
 * loss, the option and the value, in the same form as @gd/optimizers.
 * @module
 */
import { unknownOption } from '@gd/check'

/**
 * Throws unless `options` is a plain object whose keys are all in `known`.
 *
 * @throws Error `<fn>: unknown option <key>, expected one of <known>`.
 * @example
 * ```ts
 * import { checkOptions } from '@gd/losses'
 * checkOptions('huber', { delta: 2 }, ['delta', 'reduction', 'weights']) // ok
 * checkOptions('huber', { dleta: 2 }, ['delta']) // throws "huber: unknown option dleta, expected one of delta"
 * ```
 */
export function checkOptions(fn: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${fn}: options must be an object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`)
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw unknownOption(fn, key, known)
  }
}

/**
 * Returns `value`, or throws unless it is a finite number accepted by `valid`, whose range
 * `expected` describes.
 *
 * @throws Error `<fn>: <name> must be <expected>, got <value>`.
 * @example
 * ```ts
 * import { checkNumber } from '@gd/losses'
 * checkNumber('huber', 'delta', 1, (d) => d > 0, '> 0') // 1
 * checkNumber('huber', 'delta', -1, (d) => d > 0, '> 0') // throws "huber: delta must be > 0, got -1"
 * ```
 */
export function checkNumber(fn: string, name: string, value: unknown, valid: (x: number) => boolean, expected: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !valid(value)) {
    throw new Error(`${fn}: ${name} must be ${expected}, got ${typeof value === 'number' ? value : JSON.stringify(value) ?? String(value)}`)
  }
  return value
}

/**
 * Returns `value`, or throws unless it is a boolean.
 *
 * @throws Error `<fn>: <name> must be true or false, got <value>`.
 * @example
 * ```ts
 * import { checkBoolean } from '@gd/losses'
 * checkBoolean('poissonNll', 'logInput', true) // true
 * ```
 */
export function checkBoolean(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Error(`${fn}: ${name} must be true or false, got ${JSON.stringify(value) ?? String(value)}`)
  return value
}
