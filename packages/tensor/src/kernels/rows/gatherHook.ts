/**
 * Where Tensor (`../../tensor.ts`) finds the fused rows module's gather, which makes a float32 strided
 * view contiguous in the shared memory: set by `./wasm.ts` when the module loads, so that Tensor imports
 * neither the module nor the registry (a bundle that only reaches Tensor stays as small as it was).
 * `kernel` returns false, having written nothing, when it does not take the call (Wasm turned off since,
 * an array outside the memory, rank above 4, a small view).
 * @module
 */

/** out = the view of `src` from element `offset` with `shape` and element `strides`, in row-major order. */
export type GatherKernel = (
  src: Float32Array,
  offset: number,
  shape: readonly number[],
  strides: readonly number[],
  out: Float32Array,
) => boolean

/** The gather once the fused rows module has loaded, else null. @internal */
export const gatherHook: { kernel: GatherKernel | null } = { kernel: null }
