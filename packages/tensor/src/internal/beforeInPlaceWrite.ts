/**
 * {@link beforeInPlaceWrite}, the hook in-place writers call (see `deferredLeaves.ts`).
 * @module
 */
import { tensorArg } from './args.js'
import { FUSE_MIN, retireCapture } from './deferredLeaves.js'
import type { Tensor } from '../tensor.js'

/**
 * Call before writing into `t`'s storage in place (as `stepInPlace` of @gd/optimizers does): the deferred
 * chains that read it (made before this write, not yet computed) keep a copy of its values, so that they
 * compute what they would have computed when they were made. Costs one lookup when no chain read the
 * storage since the last such write, else one copy of it. Changes no value.
 *
 * @throws Error `beforeInPlaceWrite: t must be a Tensor, got …` for anything else, and the released message for a
 *   released tensor.
 * @example
 * ```ts
 * import { beforeInPlaceWrite } from '@gd/tensor/internal'
 * import { exp, initWasm, tensor } from '@gd/tensor'
 * await initWasm()
 * const w = tensor(new Float32Array(65536).fill(1))
 * const y = exp(w) // deferred: computed when first read
 * beforeInPlaceWrite(w)
 * w.storage.fill(0) // as an optimizer step writes a parameter
 * y.data[0] // 2.71828: e¹, from w as it was
 * ```
 */
export function beforeInPlaceWrite(t: Tensor): void {
  const s = tensorArg('beforeInPlaceWrite', 't', t).storage
  // (a short array at the start of its buffer is never captured: reading `buffer` would give it a buffer object)
  if (!(s instanceof Float32Array) || (s.length < FUSE_MIN && s.byteOffset === 0)) return
  retireCapture(s)
}
