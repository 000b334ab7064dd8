// Argument checks shared by the helpers that take a list of numbers.
import { complaint, fail, type Check } from '@gd/check'

/** A plain array or a typed array (not a bigint one) of finite numbers, checked once per call. */
export const finiteNumbers: Check<ArrayLike<number>> = (fn, key, value) => {
  if (!isNumberList(value)) fail(fn, key, 'an array or a typed array of finite numbers', value)
  const values = value as ArrayLike<unknown>
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (typeof v !== 'number' || !Number.isFinite(v)) throw complaint(fn, `${key}[${i}]`, 'must be a finite number', v)
  }
  return values as ArrayLike<number>
}

/** True for a plain array (of anything: check the items) or a typed array of numbers (not bigints). */
export function isNumberList(value: unknown): value is ArrayLike<unknown> {
  if (Array.isArray(value)) return true
  return (
    ArrayBuffer.isView(value) &&
    !(value instanceof DataView) &&
    !(value instanceof BigInt64Array) &&
    !(value instanceof BigUint64Array)
  )
}
