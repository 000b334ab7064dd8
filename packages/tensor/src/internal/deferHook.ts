/**
 * Where the elementwise ops (`../elementwise.ts`) find the deferred chains (`./deferred.ts`): set by the
 * elementwise module's loader (`../kernels/elementwise/wasm.ts`) when the module loads, since a chain runs
 * only on its kernels. A bundle that can never load the module carries none of the chains' code.
 * @module
 */
import type { deferBinary, deferUnary } from './deferred.js'

/** The deferred chains' entry points once the elementwise module has loaded, else null. @internal */
export const deferHook: { unary: typeof deferUnary | null; binary: typeof deferBinary | null } = {
  unary: null,
  binary: null,
}
