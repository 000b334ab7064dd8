/**
 * Which products may run on the Wasm gemm in overwrite mode (`C = A · B`, whatever C held), so that their
 * result needs no zero-fill: see `matmul`. Apart from `./wasm.ts` because the registry imports that
 * module's types.
 * @module
 */
import { wasmGemmPays, wasmState } from '../registry.js'
import { madeHere, type WasmGemmKernel } from './wasm.js'

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
