import { isPlainObject, type Check } from './checks.js'
import { didYouMean } from './didYouMean.js'
import { fail } from './fail.js'

/** The checks of an options type `T`: one per option, none missing, none extra. */
export type Spec<T> = { readonly [K in keyof T]-?: Check<T[K]> }

/** What {@link readOptions} returns for a spec: each option's checked value. */
export type Read<S> = { -readonly [K in keyof S]: S[K] extends Check<infer V> ? V : never }

/**
 * The error for an unknown option `key` of `fn`:
 * `<fn>: unknown option <key>, expected one of <valid>; did you mean <closest>?`.
 * @example
 * ```ts
 * import { unknownOption } from '@gd/check'
 * unknownOption('fit', 'epoch', ['epochs', 'batchSize']).message
 * // → 'fit: unknown option epoch, expected one of epochs, batchSize; did you mean epochs?'
 * ```
 */
export function unknownOption(fn: string, key: string, valid: readonly string[]): Error {
  const near = didYouMean(key, valid)
  const list = valid.length ? `expected one of ${valid.join(', ')}` : 'it takes no options'
  return new Error(`${fn}: unknown option ${key}, ${list}${near === undefined ? '' : `; did you mean ${near}?`}`)
}

/**
 * Reads the options object of `fn` against `spec` before anything else happens:
 * - `undefined` and `null` mean no options; anything but a plain object is an error
 *   (`<fn>: options must be a plain object, got …`);
 * - a key that `spec` does not name is an error listing the valid names, with a "did you mean" for a
 *   near miss ({@link unknownOption});
 * - each option then passes its check in the order of `spec` (a check sees the options read before it),
 *   so an invalid value names the option and its valid range.
 *
 * Returns a fresh object with every option of `spec` (defaults filled in by `withDefault`).
 * @example
 * ```ts
 * import { boolean, readOptions, withDefault } from '@gd/check'
 * const spec = { keepDims: withDefault(boolean, false) }
 * readOptions('sum', { keepDims: true }, spec).keepDims // true
 * readOptions('sum', {}, spec).keepDims // false
 * readOptions('sum', { keepdims: true }, spec)
 * // throws 'sum: unknown option keepdims, expected one of keepDims; did you mean keepDims?'
 * ```
 */
export function readOptions<S extends Readonly<Record<string, Check<unknown>>>>(
  fn: string,
  options: unknown,
  spec: S,
): Read<S> {
  if (options === undefined || options === null) options = {}
  if (!isPlainObject(options)) fail(fn, 'options', 'a plain object', options)
  const valid = Object.keys(spec)
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(spec, key)) throw unknownOption(fn, key, valid)
  }
  const out: Record<string, unknown> = {}
  for (const key of valid) out[key] = spec[key]!(fn, key, options[key], out)
  return out as Read<S>
}
