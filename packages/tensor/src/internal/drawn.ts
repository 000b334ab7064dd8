/**
 * {@link drawn}: how the random ops make their results, so that a compiled step draws anew at each replay.
 * @module
 */
import { allocate, type DType, type StorageOf } from '../dtype.js'
import type { PRNGKey } from '../rng.js'
import { sizeOf, type Shape } from '../shape.js'
import { Tensor } from '../tensor.js'
import { kernel, traceConstant, traceKey } from './trace.js'

/**
 * A tensor of `shape` whose values `draw(key, out)` computes from a random key (checked already). While a step is
 * recorded, a key that stands for one the step takes as an argument (see `recordTrace`) makes `draw` a kernel call,
 * run again at each replay with the key's values then; `reads` (the draw reads a tensor) makes it one for any key;
 * otherwise the values are a constant of the recording, as any other JavaScript value is.
 */
export function drawn<D extends DType>(
  key: PRNGKey,
  shape: Shape,
  dtype: D,
  draw: (key: PRNGKey, out: StorageOf<D>) => void,
  reads = false,
): Tensor<D> {
  const out = allocate(dtype, sizeOf(shape))
  const slot = traceKey(key)
  if (slot !== undefined) kernel(out, () => draw([slot[0]!, slot[1]!], out), true)
  else if (reads) kernel(out, () => draw(key, out), true)
  else {
    draw(key, out)
    traceConstant(out)
  }
  return new Tensor(out, shape, dtype)
}
