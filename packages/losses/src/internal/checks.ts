/**
 * Argument and option checks shared by the losses. Internal: not re-exported from the package.
 * Options are read by @gd/check's `readOptions` (unknown names rejected with a "did you mean");
 * every message reads `<fn>: <what> must be <expected>, got <value>`.
 * @module
 */
import { forReplay, kernel } from '@gd/tensor/internal'
import { Var, type Input } from '@gd/autograd'
import { fail, integer, oneOf, optional, rule, withDefault } from '@gd/check'
import { Tensor } from '@gd/tensor'

/** A constant tensor (not a traced Var). */
export const constantTensor = /* @__PURE__ */ rule<Tensor>('a Tensor', (v) => v instanceof Tensor)

/** The options every loss takes, as `readOptions` reads them. */
export const lossSpec = {
  reduction: /* @__PURE__ */ withDefault(oneOf(['mean', 'sum', 'none'] as const), 'mean'),
  weights: /* @__PURE__ */ optional(constantTensor),
}

/** The options of the losses over a class axis. */
export const classSpec = {
  classWeights: /* @__PURE__ */ optional(constantTensor),
  ignoreIndex: /* @__PURE__ */ optional(integer),
}

/** A Tensor or a Var: something with a shape and a dtype. */
export const shaped = /* @__PURE__ */ rule<Tensor | Var>(
  'a Tensor or a Var',
  (v) => v instanceof Tensor || v instanceof Var,
)

/** A Var. */
export const traced = /* @__PURE__ */ rule<Var>('a Var', (v) => v instanceof Var)

/** A loss input: a Tensor, a Var or a number. */
export const input = /* @__PURE__ */ rule<Input>(
  'a Tensor, a Var or a number',
  (v) => v instanceof Tensor || v instanceof Var || typeof v === 'number',
)

/**
 * Checks that `value` is a loss input (see {@link input}) and, when it is a Tensor or a Var, that
 * its dtype is float32 or float64: predictions, logits and scores are real numbers, and an int32
 * or bool tensor there is a mistake (labels go in the targets).
 */
export function floatInput(fn: string, key: string, value: unknown): Input {
  const x = input(fn, key, value)
  const dtype = x instanceof Var || x instanceof Tensor ? x.dtype : 'float32'
  if (dtype !== 'float32' && dtype !== 'float64') fail(fn, `${key}' dtype`, 'float32 or float64', dtype)
  return x
}

/** True for a number in [0, 1] (false for NaN). */
export const inUnit = (v: number): boolean => v >= 0 && v <= 1

/** True for a number ≥ 0 (false for NaN). */
export const atLeastZero = (v: number): boolean => v >= 0

/**
 * Throws `<fn>: <key> must be <expected>, got <v>` for the first value `v` of `x` that `ok`
 * refuses (NaN included, when `ok` compares). One pass over the data, before any op runs.
 */
export function everyValue(fn: string, key: string, x: Var, ok: (v: number) => boolean, expected: string): void {
  checkValues(x.value, (v) => {
    if (!ok(v)) fail(fn, key, expected, v)
  })
}

/**
 * Calls `check` on each value of `x` (which throws for a bad one), as a kernel call: a compiled step (see `kernel` of
 * @gd/tensor/internal) checks each step's values again.
 */
export function checkValues(x: Tensor, check: (v: number) => void): void {
  const at = forReplay(x)
  kernel([], () => {
    for (const v of at.data) check(v)
  })
}
