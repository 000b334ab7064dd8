/**
 * {@link kernelReading}: the usual shape of an op's kernel call, for ops in @gd's packages whose loops read their
 * operands' elements in JavaScript.
 * @module
 */
import { arrayOf, fail, func, rule } from '@gd/check'
import type { Storage } from '../dtype.js'
import { isTensor } from './args.js'
import { forReplay, type Tensor } from '../tensor.js'
import { kernel } from './trace.js'

const tensorCheck = /* @__PURE__ */ rule<Tensor>('a Tensor', isTensor)

/**
 * Runs `run` on the elements of `inputs` (each tensor's `data`, read inside the call) and keeps it as a kernel call
 * that writes each of `outs` whole, so that a compiled step replays it on the values the inputs have then (see
 * `kernel`); false, having written nothing, when `run` returned false (a kernel declined).
 * @example
 * ```ts
 * import { kernelReading } from '@gd/tensor/internal'
 * import { tensor } from '@gd/tensor'
 * const out = new Float32Array(2)
 * kernelReading(out, [tensor([1, 2])], (x) => out.set(x.map((v) => 2 * v))) // true
 * out // Float32Array [2, 4]
 * ```
 */
export function kernelReading<S extends Storage>(
  outs: Storage | Storage[],
  inputs: readonly Tensor[],
  run: (...data: S[]) => unknown,
): boolean {
  if (!ArrayBuffer.isView(outs) && !Array.isArray(outs))
    fail('kernelReading', 'outs', 'a typed array or an array of them', outs)
  arrayOf(tensorCheck)('kernelReading', 'inputs', inputs)
  func('kernelReading', 'run', run)
  const xs = inputs.map(forReplay)
  return kernel(outs, () => run(...xs.map((x) => x.data as S)), true)
}
