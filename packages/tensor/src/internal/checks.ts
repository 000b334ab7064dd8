/**
 * Checks shared by several ops that do not need the Tensor class (so the modules that define it can
 * use them without an import cycle). Internal (not re-exported).
 * @module
 */
import { fail, oneOf, optional, type Check } from '@gd/check'
import { dtypes, type DType } from '../dtype.js'

/** A {@link DType}: `"bool", "int32", "float32" or "float64"`. */
export const dtypeCheck: Check<DType> = /* @__PURE__ */ oneOf(dtypes)

/** A `Size2d` (one number or `[height, width]`) read as a pair of positive integers: `op: name must be a positive integer or a pair of them, got 0`. */
export function size2d(op: string, name: string, value: unknown): [number, number] {
  const p: readonly unknown[] = typeof value === 'number' ? [value, value] : Array.isArray(value) ? value : []
  if (p.length !== 2 || !p.every((v) => Number.isSafeInteger(v) && (v as number) >= 1)) {
    fail(op, name, 'a positive integer or a pair of them', value)
  }
  return [p[0] as number, p[1] as number]
}

/** {@link size2d} as a check for {@link readOptions}. */
export const size2dArg: Check<[number, number]> = (fn, key, value) => size2d(fn, key, value)

/** The options `window2d` reads; padding (a `Padding2d`) is checked when it is resolved. */
export const windowSpec = {
  stride: /* @__PURE__ */ optional(size2dArg),
  padding: /* @__PURE__ */ optional<unknown>((_fn, _key, value) => value),
  dilation: /* @__PURE__ */ optional(size2dArg),
}
