/**
 * The Wasm switch and the registry of fused optimizer kernels. Kept apart from the loaders so
 * that code asking "is there a fused kernel?" (an optimizer's loop) does not pull the module bytes
 * into a bundle: the kernels arrive when the seam loads Wasm (first large float32 product, or
 * `initWasm()`), never because an optimizer was imported.
 * @module
 */
import type { FloatArray } from '../gemm.js'

/**
 * Fused float32 optimizer updates on WebAssembly SIMD128, for @gd/optimizers' elementwise loops.
 * Each walks its arrays once and updates the optimizer's buffers in place; `out` receives the
 * update u (`accumulate` false) or `out + factor · u` (`accumulate` true: the fused parameter
 * step, `out` being the parameters). Each returns false, having touched nothing, when it does not
 * take the call (an operand is not a Float32Array, or the arrays are too short to pay for the
 * call), and the caller then runs its JavaScript loop. Arithmetic is float32, so results differ
 * from the JavaScript loops (float64, rounded once) in the last bits.
 *
 * - `adam`: m ← β₁ m + (1 − β₁) g, v ← β₂ v + (1 − β₂) g², u = c₁ m / (√(c₂ v + epsRoot) + eps).
 * - `momentum`: b ← keep · b + take · g, u = b, or g + μ b with Nesterov.
 * - `rms`: v ← α v + (1 − α) g² (centered: m ← α m + (1 − α) g, v − m² in place of v), u = g / (√v + eps).
 *
 * @example
 * ```ts
 * import { fusedKernels, initWasm } from '@gd/tensor'
 * await initWasm()
 * const n = 4096
 * const [g, m, v, p] = [new Float32Array(n).fill(1), new Float32Array(n), new Float32Array(n), new Float32Array(n)]
 * fusedKernels()?.adam(g, m, v, p, true, -1e-3, 0.9, 0.999, 10, 1000, 1e-8, 0) // p ≈ -1e-3 everywhere
 * ```
 */
export interface FusedKernels {
  adam(
    g: FloatArray, m: FloatArray, v: FloatArray, out: FloatArray, accumulate: boolean, factor: number,
    beta1: number, beta2: number, c1: number, c2: number, eps: number, epsRoot: number,
  ): boolean
  momentum(
    g: FloatArray, b: FloatArray, out: FloatArray, accumulate: boolean, factor: number,
    keep: number, take: number, mu: number, nesterov: boolean,
  ): boolean
  rms(
    g: FloatArray, v: FloatArray, m: FloatArray | null, out: FloatArray, accumulate: boolean, factor: number,
    alpha: number, eps: number,
  ): boolean
}

/** Whether `useWasm` allows Wasm kernels, and the fused kernels once loaded (null: cannot run here). */
export const wasmState: { allowed: boolean; fused: FusedKernels | null | undefined } = {
  allowed: true,
  fused: undefined,
}

/**
 * The fused optimizer kernels when they can run: Wasm is allowed (see `useWasm`) and its module
 * is loaded, which happens with the first float32 product large enough for the Wasm gemm or at
 * `await initWasm()`; null otherwise (run the JavaScript loop). Never loads anything itself, so
 * importing an optimizer does not pull the Wasm bytes into a bundle.
 *
 * @example
 * ```ts
 * import { fusedKernels, initWasm } from '@gd/tensor'
 * await initWasm()
 * fusedKernels() !== null // true on Node ≥ 16.4 and current browsers
 * ```
 */
export function fusedKernels(): FusedKernels | null {
  return wasmState.allowed ? (wasmState.fused ?? null) : null
}
