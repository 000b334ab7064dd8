import { number } from '@gd/check'
import { tensorArg, tensorLikeArg } from './internal/args.js'
import { allocate, type DType, type Storage } from './dtype.js'
import { asTensor, expandTo, mapUnary, resultType, type TensorLike } from './elementwise.js'
import { broadcastShapes, sizeOf } from './shape.js'
import { forReplay, Tensor } from './tensor.js'
import { kernel } from './internal/trace.js'

/**
 * Picks `a` where `condition` is non-zero (true) and `b` elsewhere, broadcasting all three.
 *
 * @throws Error when the shapes do not broadcast.
 * @example
 * ```ts
 * import { tensor, where } from '@gd/tensor'
 * where(tensor([true, false]), tensor([1, 2]), 0).toArray() // [1, 0]
 * ```
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  tensorArg('where', 'condition', condition)
  tensorLikeArg('where', 'a', a)
  tensorLikeArg('where', 'b', b)
  const dtype = resultType(a, b)
  const ta = asTensor(a, dtype, 'where')
  const tb = asTensor(b, dtype, 'where')
  const shape = broadcastShapes('where', broadcastShapes('where', condition.shape, ta.shape), tb.shape)
  const out = allocate(dtype, sizeOf(shape))
  const [cond, xa, xb] = [forReplay(condition), forReplay(ta), forReplay(tb)]
  kernel(out, () => select(out, shape, dtype, cond, xa, xb), true)
  return new Tensor(out, shape, dtype)
}

/** out = cond ? xa : xb over the broadcast `shape` (every element written). */
function select(out: Storage, shape: readonly number[], dtype: DType, cond: Tensor, xa: Tensor, xb: Tensor): void {
  const c = expandTo(cond, shape)
  // the branches' elements are copied bit for bit only when they already have the result's type
  const bits = xa.dtype === dtype && xb.dtype === dtype ? bitsOf(out) : null
  if (bits === null) {
    const x = expandTo(xa, shape)
    const y = expandTo(xb, shape)
    for (let i = 0; i < out.length; i++) out[i] = c[i] !== 0 ? x[i]! : y[i]!
  } else if (xb.size === 1) selectConstant(bits, c, bitsOf(expandTo(xa, shape))!, bitsOf(xb.data)![0]!, 0)
  else if (xa.size === 1) selectConstant(bits, c, bitsOf(expandTo(xb, shape))!, bitsOf(xa.data)![0]!, -1)
  else selectArrays(bits, c, bitsOf(expandTo(xa, shape))!, bitsOf(expandTo(xb, shape))!)
}

// float32 and int32 results are selected on the elements' bits, with the condition turned into a mask
// (m = −1 where it holds, 0 elsewhere): a loop with no branch, where `c ? x : y` would branch on every
// element and mispredict half of a random mask.

/** The 32-bit integers over a float32 or int32 array's bytes; null for other element types. */
function bitsOf(a: Storage): Int32Array | null {
  if (a instanceof Int32Array) return a
  return a instanceof Float32Array ? new Int32Array(a.buffer, a.byteOffset, a.length) : null
}

/** out = x where c is non-zero, y elsewhere. */
function selectArrays(out: Int32Array, c: Storage, x: Int32Array, y: Int32Array): void {
  for (let i = 0; i < out.length; i++) {
    const m = -(c[i] !== 0)
    out[i] = (x[i]! & m) | (y[i]! & ~m)
  }
}

/** out = x where c is non-zero and k elsewhere; with `flip` −1, k where c is non-zero and x elsewhere. */
function selectConstant(out: Int32Array, c: Storage, x: Int32Array, k: number, flip: number): void {
  for (let i = 0; i < out.length; i++) {
    const m = -(c[i] !== 0) ^ flip
    out[i] = (x[i]! & m) | (k & ~m)
  }
}

/**
 * Limits every element to [min, max]: min(max(x, min), max). NaN stays NaN. Bounds that an int32
 * tensor cannot hold (fractional) give a float32 result, as for the other ops' numbers.
 *
 * @throws Error when `min > max`.
 * @example
 * ```ts
 * import { clip, tensor } from '@gd/tensor'
 * clip(tensor([-2, 0.5, 3]), 0, 1).toArray() // [0, 0.5, 1]
 * ```
 */
export function clip(x: Tensor, min: number, max: number): Tensor {
  tensorArg('clip', 'x', x)
  number('clip', 'min', min)
  number('clip', 'max', max)
  if (!(min <= max)) throw new Error(`clip: min must be <= max, got ${min} and ${max}`)
  // JAX's weak-type rule: bounds an int32 tensor cannot hold make the result float
  let dtype: DType = x.dtype === 'bool' ? 'int32' : x.dtype
  const fractional = (v: number): boolean => Number.isFinite(v) && !Number.isInteger(v)
  if (dtype === 'int32' && (fractional(min) || fractional(max))) dtype = 'float32'
  return mapUnary('clip', x, dtype, (v) => (v < min ? min : v > max ? max : v))
}
