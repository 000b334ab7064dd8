// Private: the checks the transformer family's layers share (parameters, inputs, apply options
// with an attention mask). Every check runs before any arithmetic, once per call.
import { toVar, Var, type Input } from '@gd/autograd'
import { boolean, fail, isPlainObject, optional, withDefault, type Check } from '@gd/check'
import * as T from '@gd/tensor'
import { checkKey, formatList } from '@gd/tensor/internal'

const isFloat = (dtype: string): boolean => dtype === 'float32' || dtype === 'float64'
const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i])

/** Throws unless `params` is a plain object; `expected` names its keys, e.g. `{ gamma, beta }`. */
export function paramObject(fn: string, params: unknown, expected: string, what = 'params'): Record<string, unknown> {
  if (!isPlainObject(params)) fail(fn, what, `the layer's parameters ${expected}`, params)
  return params
}

/** `tree[name]`, which must be a float Tensor or Var of exactly `shape`. */
export function floatLeaf(
  fn: string,
  tree: Record<string, unknown>,
  name: string,
  shape: readonly number[],
  path = 'params',
): T.Tensor | Var {
  const leaf = tree[name]
  const ok = (leaf instanceof T.Tensor || leaf instanceof Var) && isFloat(leaf.dtype) && sameShape(leaf.shape, shape)
  if (!ok) fail(fn, `${path}.${name}`, `a float32 or float64 Tensor or Var of shape ${formatList(shape)}`, leaf)
  return leaf
}

/** The input as a Var; it must be a float Tensor or Var that `fits` (whose shape is described by `expected`). */
export function floatInput(fn: string, x: Input, expected: string, fits: (shape: readonly number[]) => boolean): Var {
  const ok = (x instanceof T.Tensor || x instanceof Var) && isFloat(x.dtype) && fits(x.shape)
  if (!ok) fail(fn, 'x', `a float32 or float64 Tensor or Var ${expected}`, x)
  return toVar(fn, x)
}

const key: Check<T.PRNGKey> = (fn, _key, value) => checkKey(fn, value as T.PRNGKey)
const mask: Check<T.Tensor> = (fn, name, value) => {
  if (!(value instanceof T.Tensor) || value.dtype !== 'bool' || value.rank !== 2)
    fail(fn, name, 'a bool Tensor of shape [batch, time]', value)
  return value
}

/** The apply options of layers that take an attention mask: layer.ts's `train` and `key`, and `mask`. */
export const maskedApplySpec = {
  train: /* @__PURE__ */ withDefault(boolean, false),
  key: /* @__PURE__ */ optional(key),
  mask: /* @__PURE__ */ optional(mask),
}

/** Throws unless a key padding mask read by {@link maskedApplySpec} matches input of shape [batch, time, …]. */
export function checkMask(fn: string, m: T.Tensor | undefined, shape: readonly number[]): void {
  if (m !== undefined && (m.shape[0] !== shape[0] || m.shape[1] !== shape[1])) {
    fail(fn, 'mask', `a bool Tensor of shape [${shape[0]},${shape[1]}] (the input's [batch, time])`, m)
  }
}
