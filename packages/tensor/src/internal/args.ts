/**
 * The argument checks the tensor ops share, built on @gd/check: each runs before the op touches its
 * arguments and throws `<fn>: <key> must be <expected>, got <value>`. Internal (not re-exported).
 * @module
 */
import { fail, type Check } from '@gd/check'
import { Tensor } from '../tensor.js'

/** A hint for a traced value of @gd/autograd met by a raw tensor op, which would lose its gradient. */
function hint(value: unknown): string {
  const name = (value as { constructor?: { name?: unknown } } | null | undefined)?.constructor?.name
  return name === 'Var' ? ' (a traced value: use the differentiable ops of @gd/autograd on it)' : ''
}

/**
 * True for a {@link Tensor}, including one made by another copy of this module (an ESM and a CJS
 * build in one program, or a test that reloads modules): they carry the same brand.
 */
export function isTensor(value: unknown): value is Tensor {
  return (
    value instanceof Tensor ||
    (typeof value === 'object' && value !== null && (value as { __gdTensor?: unknown }).__gdTensor === true)
  )
}

/** A {@link Tensor}. */
export const tensorArg: Check<Tensor> = (fn, key, value) =>
  isTensor(value) ? value : fail(fn, key, 'a Tensor', value, hint(value))

/** A {@link Tensor} or a plain number. */
export const tensorLikeArg: Check<Tensor | number> = (fn, key, value) =>
  typeof value === 'number' || isTensor(value) ? value : fail(fn, key, 'a Tensor or a number', value, hint(value))

/** An array of tensors (at least one when `nonEmpty`). */
export function tensorList(fn: string, key: string, value: unknown): Tensor[] {
  if (!Array.isArray(value) || value.length === 0) fail(fn, key, 'a non-empty array of Tensors', value)
  return value.map((t, i) => tensorArg(fn, `${key}[${i}]`, t))
}
