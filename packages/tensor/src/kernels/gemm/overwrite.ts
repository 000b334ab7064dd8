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
 * The batched form of a kernel {@link overwritingGemm} returned: a stack of products in one call (see
 * {@link WasmGemmBatch}). @internal
 *
 * @example
 * ```ts
 * import { gemmBatchOf, overwritingGemm } from './overwrite.js'
 * const gemm = overwritingGemm(64, 64, 64) // null until the Wasm gemm has loaded
 * if (gemm !== null) gemmBatchOf(gemm) // (outer, inner, m, n, k, a, …, overwrite) => boolean
 * ```
 */
export function gemmBatchOf(gemm: WasmGemmKernel): WasmGemmBatch {
  return madeHere.get(gemm)!
}
