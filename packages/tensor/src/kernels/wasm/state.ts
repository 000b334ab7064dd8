/**
 * The Wasm switch and the registry of loaded Wasm kernels that code outside the seam asks for (the
 * elementwise ops, @gd/optimizers' loops). Kept apart from the loaders so that asking "is there a
 * Wasm kernel?" does not pull the module bytes into a bundle: the kernels arrive when the seam
 * loads Wasm (first large float32 product, or `initWasm()`), never because an op or an optimizer
 * was imported.
 * @module
 */
import type { Storage } from '../../dtype.js'
import type { FloatArray } from '../gemm.js'
import type { WasmMemory } from './load.js'

/** Unary op codes, as `assembly/elementwise.ts` numbers them. @internal */
export const UNARY = { neg: 0, square: 1, sqrt: 2, exp: 3, log: 4, tanh: 5, sigmoid: 6, relu: 7 } as const

/** Binary op codes, as `assembly/elementwise.ts` numbers them. @internal */
export const BINARY = { add: 0, sub: 1, mul: 2, div: 3, reluGrad: 4 } as const

/** Reduction op codes, as `assembly/elementwise.ts` numbers them. @internal */
export const REDUCE = { sum: 0, max: 1, min: 2 } as const

/**
 * Float32 elementwise loops on WebAssembly SIMD128 (see `wasmElementwise.ts`). Each returns false,
 * having touched nothing, when it does not take the call (not float32, or too short to pay).
 * @internal
 */
export interface ElementwiseKernels {
  /** y = op(x), `op` a code of {@link UNARY}. */
  unary(op: number, x: Storage, y: Storage): boolean
  /** The `BinaryLoop` contract of `elementwise.ts`, `op` a code of {@link BINARY}: out[i] = A[oa + i·sa] ∘ B[ob + i·sb], steps 0 or 1. */
  binary(
    op: number,
    out: Storage,
    A: Storage,
    oa: number,
    sa: number,
    B: Storage,
    ob: number,
    sb: number,
    n: number,
  ): boolean
  /**
   * out[r] = op over the `length` floats of row r (rows one after another from `start`), divided by
   * `divisor`; `op` a code of {@link REDUCE}. Sums are float64 in four lanes (the last bits may differ
   * from a loop's); max and min are exact (NaN if any is NaN; of ±0, the wrapper returns the row's first zero, as the JavaScript loop does).
   */
  reduceRows(
    op: number,
    x: Storage,
    start: number,
    rows: number,
    length: number,
    out: Storage,
    divisor: number,
  ): boolean
  /** out[j] = Σ_r x[start + r·count + j] / divisor, each column summed in row order in float64: exactly a loop's result. */
  sumColumns(x: Storage, start: number, rows: number, count: number, out: Storage, divisor: number): boolean
}

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
 * fusedKernels()?.adam(g, m, v, p, true, -1e-3, 0.9, 0.999, 10, 1000, 1e-8, 0)
 * p[0] // -0.001, as every element of p
 * ```
 */
export interface FusedKernels {
  adam(
    g: FloatArray,
    m: FloatArray,
    v: FloatArray,
    out: FloatArray,
    accumulate: boolean,
    factor: number,
    beta1: number,
    beta2: number,
    c1: number,
    c2: number,
    eps: number,
    epsRoot: number,
  ): boolean
  momentum(
    g: FloatArray,
    b: FloatArray,
    out: FloatArray,
    accumulate: boolean,
    factor: number,
    keep: number,
    take: number,
    mu: number,
    nesterov: boolean,
  ): boolean
  rms(
    g: FloatArray,
    v: FloatArray,
    m: FloatArray | null,
    out: FloatArray,
    accumulate: boolean,
    factor: number,
    alpha: number,
    eps: number,
  ): boolean
  /**
   * A zeroed Float32Array of `n` elements in the kernels' own memory, which they update in place
   * without copying it (@gd/optimizers allocates its float32 state here); null when `n` is under
   * {@link FUSED_MIN}, the memory is full, or no arena is attached yet (`initWasm()` and
   * `toWasmMemory` attach it). Freed when collected. Views made from its `buffer` must not outlive it.
   */
  alloc(n: number): Float32Array | null
  /** Whether `x` lives in the kernels' memory (from {@link FusedKernels.alloc}). */
  holds(x: ArrayBufferView): boolean
  /** The kernels' memory and the first byte free for an arena. @internal */
  readonly memory: WasmMemory
  /** @internal */
  readonly arenaBase: number
  /** The allocator behind `alloc`, once attached (see `attachArena`). @internal */
  arena?: Arena
}

/** Float32 arrays allocated in a kernel module's memory (see `arenaIn`). @internal */
export interface Arena {
  /** A zeroed Float32Array of `n` elements in the memory, or null when it does not fit (or cannot be freed here). */
  alloc(n: number): Float32Array | null
  /** Whether `x` is a view of this memory. */
  holds(x: ArrayBufferView): boolean
  /** Bytes reserved and bytes in live blocks. */
  usage(): { reserved: number; used: number }
  /** Frees `x`'s block now, before the collector would (tests of the free list); `x` must not be used after. @internal */
  free(x: Float32Array): void
}

/** The shortest arrays worth a fused kernel call (measured in `wasmOptim.ts`, see `fusedPays`). @internal */
export const FUSED_MIN = 96

/**
 * Whether `useWasm` allows Wasm kernels, and each family once loaded (`undefined`: not tried yet,
 * null: cannot run here).
 */
export const wasmState: {
  allowed: boolean
  fused: FusedKernels | null | undefined
  elementwise: ElementwiseKernels | null | undefined
} = {
  allowed: true,
  fused: undefined,
  elementwise: undefined,
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

/** The elementwise kernels when allowed and loaded, else null. @internal */
export function elementwiseKernels(): ElementwiseKernels | null {
  return wasmState.allowed ? (wasmState.elementwise ?? null) : null
}
