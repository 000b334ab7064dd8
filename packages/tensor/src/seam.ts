/**
 * The kernel seam: the one place where matmul, convolution and pooling reach their inner loops.
 *
 * Every compute op in this package calls its loops through the {@link kernels} table, never
 * directly. A faster implementation (WebAssembly SIMD, say) replaces entries op by op with
 * {@link useKernels}, keeping exactly the contracts documented on each default in `kernels/`
 * (same arguments, same layouts, same accumulate-into-output rule), and the public API does not
 * change. Tests use the same switch to check an op goes through the seam, or to run the op suites
 * against a replacement.
 * @module
 */
import { gemm } from './kernels/gemm.js'
import { col2im, im2col } from './kernels/im2col.js'
import { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward } from './kernels/pool.js'

/**
 * The floating-point storage every kernel reads and writes: `Float32Array | Float64Array`.
 *
 * @example
 * ```ts
 * import type { FloatArray } from '@gd/tensor'
 * const scratch: FloatArray = new Float32Array(16)
 * ```
 */
export type FloatArray = Float32Array | Float64Array

/**
 * The replaceable kernels. Each takes typed arrays and plain numbers and writes into an output
 * array it is given; none allocates a tensor.
 *
 * - `gemm(m, n, k, a, aOffset, aRowStride, aColStride, b, bOffset, bRowStride, bColStride, c, cOffset, ldc)`:
 *   `C += A · B` with A and B read through arbitrary strides (a transpose is swapped strides).
 * - `im2col(x, xOffset, channels, window, cols)` and its adjoint `col2im(cols, channels, window, dx, dxOffset)` (adds).
 * - `maxPool2d(x, planes, window, y)`, `maxPool2dBackward(dy, x, planes, window, dx)` (adds),
 *   `avgPool2d(x, planes, window, y)`, `avgPool2dBackward(dy, planes, window, dx)` (adds).
 *
 * @example
 * ```ts
 * import { kernels } from '@gd/tensor'
 * const c = new Float64Array(1)
 * kernels.gemm(1, 1, 2, new Float64Array([1, 2]), 0, 2, 1, new Float64Array([3, 4]), 0, 1, 1, c, 0, 1)
 * c[0] // 11
 * ```
 */
export interface Kernels {
  gemm: typeof gemm
  im2col: typeof im2col
  col2im: typeof col2im
  maxPool2d: typeof maxPoolForward
  maxPool2dBackward: typeof maxPoolBackward
  avgPool2d: typeof avgPoolForward
  avgPool2dBackward: typeof avgPoolBackward
}

const defaults: Readonly<Kernels> = Object.freeze({
  gemm,
  im2col,
  col2im,
  maxPool2d: maxPoolForward,
  maxPool2dBackward: maxPoolBackward,
  avgPool2d: avgPoolForward,
  avgPool2dBackward: avgPoolBackward,
})

const active: Kernels = { ...defaults }

/**
 * The kernels in use right now (read-only from outside; change them with {@link useKernels}).
 * Ops read an entry at every call, so a replacement takes effect immediately.
 *
 * @example
 * ```ts
 * import { kernels } from '@gd/tensor'
 * typeof kernels.gemm // 'function'
 * ```
 */
export const kernels: Readonly<Kernels> = active

/**
 * Replaces some kernels (the others stay as they are) and returns a function that restores the
 * ones in use before the call.
 *
 * @throws Error `useKernels: unknown kernel "gemv"`, or when an entry is not a function.
 * @example
 * ```ts
 * import { kernels, matmul, tensor, useKernels } from '@gd/tensor'
 * let calls = 0
 * const base = kernels.gemm
 * const restore = useKernels({ gemm: (...args) => (calls++, base(...args)) })
 * matmul(tensor([[1, 2]]), tensor([[3], [4]])) // [[11]], and calls === 1
 * restore()
 * ```
 */
export function useKernels(replacements: Partial<Kernels>): () => void {
  const previous: Kernels = { ...active }
  for (const [name, fn] of Object.entries(replacements)) {
    if (!Object.hasOwn(defaults, name)) {
      throw new Error(
        `useKernels: unknown kernel ${JSON.stringify(name)}, expected one of ${Object.keys(defaults).join(', ')}`,
      )
    }
    if (typeof fn !== 'function') {
      throw new Error(`useKernels: kernel ${JSON.stringify(name)} must be a function, got ${typeof fn}`)
    }
  }
  Object.assign(active, replacements)
  return () => {
    Object.assign(active, previous)
  }
}

/**
 * Puts every kernel back to the pure-JavaScript default.
 *
 * @example
 * ```ts
 * import { resetKernels } from '@gd/tensor'
 * resetKernels()
 * ```
 */
export function resetKernels(): void {
  Object.assign(active, defaults)
}
