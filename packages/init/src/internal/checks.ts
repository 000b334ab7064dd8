/**
 * Argument and option checks shared by the initializers. Internal: not re-exported from the package.
 * Options are read by @gd/check's `readOptions` (unknown names rejected with a "did you mean");
 * every message reads `<fn>: <what> must be <expected>, got <value>`.
 * @module
 */
import { complaint, finite, oneOf, optional, rule, withDefault } from '@gd/check'
import { type Shape } from '@gd/tensor'
import { checkShape } from '@gd/tensor/internal'

/** The `dtype` option of the random and structured initializers: float32 (default) or float64. */
export const floatDtype = /* @__PURE__ */ withDefault(oneOf(['float32', 'float64'] as const), 'float32')

/** A number that is not NaN (±Infinity allowed), for truncation bounds. */
export const notNaN = /* @__PURE__ */ rule<number>(
  'a number (±Infinity allowed)',
  (v) => typeof v === 'number' && !Number.isNaN(v),
)

/** A nonlinearity {@link calculateGain} knows. */
export const nonlinearity = /* @__PURE__ */ oneOf([
  'linear',
  'identity',
  'conv',
  'sigmoid',
  'tanh',
  'relu',
  'leakyRelu',
  'selu',
] as const)

/** The `negativeSlope` option: a finite number, or absent. */
export const negativeSlope = /* @__PURE__ */ optional(finite)

/** Throws unless `slope` is undefined or `nl` is leakyRelu, the one nonlinearity with a slope. */
export function slopeFits(op: string, nl: string, slope: number | undefined): void {
  if (slope !== undefined && nl !== 'leakyRelu') throw complaint(op, 'negativeSlope', 'only applies to leakyRelu', nl)
}

/**
 * A shape: an array of non-negative integers within @gd/tensor's element limit, checked by
 * @gd/tensor's own `checkShape` (the same toolkit check, plus the size limit) and copied.
 */
export function shape(op: string, key: string, value: unknown): Shape {
  return checkShape(op, value as Shape, key)
}
