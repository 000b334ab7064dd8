/**
 * Loads the Wasm conv and pooling kernels for the seam, called by the convolution and pooling ops
 * (so the module bytes arrive with those ops, never with the kernel table alone).
 * @module
 */
import { wasmState } from '../registry.js'
import { loadWasmConvSync } from './wasm.js'

/**
 * Loads the kernels synchronously on the first call that may use them (Wasm allowed, not tried
 * yet); later calls do nothing.
 *
 * @example
 * ```ts
 * import { prepareWasmConv } from './load.js'
 * prepareWasmConv() // wasmState.conv is now ConvKernels, or null without Wasm SIMD
 * ```
 */
export function prepareWasmConv(): void {
  if (wasmState.allowed && wasmState.conv === undefined) wasmState.conv = loadWasmConvSync()
}
