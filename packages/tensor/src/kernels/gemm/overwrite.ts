/**
 * Which products may run on the Wasm gemm in overwrite mode (`C = A · B`, whatever C held), so that their
 * result needs no zero-fill: see `matmul`. Apart from `./wasm.ts` because the registry imports that
 * module's types.
 * @module
 */
import { wasmGemmPays, wasmState } from '../registry.js'
import { madeHere, type WasmGemmBatch, type WasmGemmKernel } from './wasm.js'

/**
 * The loaded Wasm gemm when the default `kernels.gemm` would run a float32 `m × n × k` product on it (Wasm
 * allowed and loaded, the product big enough to pay), so that the caller may run it there in overwrite
 * mode instead; else null (not loaded yet, too small, or off). @internal
 *
 * @example
 * ```ts
 * import { overwritingGemm } from './overwrite.js'
 * overwritingGemm(4, 4, 4) // null: 64 multiply-adds run on the JavaScript kernel
 * ```
 */
export function overwritingGemm(m: number, n: number, k: number): WasmGemmKernel | null {
  const gemm = wasmState.gemm
  return wasmState.allowed && gemm != null && madeHere.has(gemm) && k > 0 && wasmGemmPays(m, n, k)
    ? (gemm as WasmGemmKernel)
    : null
}

/**
 * The overwrite entry a replacement gemm may carry as its property `overwriting` (`@gd/tensor/threads`'
 * kernel does): for a float32 `m × n × k` product, the kernel that runs it as `C = A · B` when called
 * with its last argument `overwrite` true, writing every element of C's `m × n` block whatever it held,
 * with the bits the gemm itself gives adding into zeros; or null when the gemm would not (a product it
 * runs on the JavaScript kernel, which only adds). matmul asks it instead of zero-filling the result. @internal
 *
 * @example
 * ```ts
 * import type { OverwriteEntry } from './overwrite.js'
 * const never: OverwriteEntry = () => null // a gemm that always adds into C
 * ```
 */
export type OverwriteEntry = (m: number, n: number, k: number) => WasmGemmKernel | null

/**
 * What the gemm in use offers a float32 `m × n × k` product in overwrite mode: its `overwriting` entry's
 * answer when it carries one, else null (a replacement that only adds into C). @internal
 *
 * @example
 * ```ts
 * import { overwritingOf } from './overwrite.js'
 * overwritingOf(() => {}, 64, 64, 64) // null: a plain replacement has no overwrite mode
 * ```
 */
export function overwritingOf(gemm: object, m: number, n: number, k: number): WasmGemmKernel | null {
  const entry = (gemm as { overwriting?: unknown }).overwriting
  return typeof entry === 'function' ? (entry as OverwriteEntry)(m, n, k) : null
}

/**
 * The batched form of a kernel {@link overwritingGemm} or an {@link OverwriteEntry} returned: a stack of
 * products in one call (see {@link WasmGemmBatch}); null for a kernel that has none (a threaded one, which
 * splits each product of the stack instead, or one loaded by another copy of this module). @internal
 *
 * @example
 * ```ts
 * import { gemmBatchOf, overwritingGemm } from './overwrite.js'
 * const gemm = overwritingGemm(64, 64, 64) // null until the Wasm gemm has loaded
 * if (gemm !== null) gemmBatchOf(gemm) // (outer, inner, m, n, k, a, …, overwrite) => boolean
 * ```
 */
export function gemmBatchOf(gemm: WasmGemmKernel): WasmGemmBatch | null {
  return madeHere.get(gemm) ?? null
}
