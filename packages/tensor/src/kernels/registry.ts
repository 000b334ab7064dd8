/**
 * The registry of kernel families: the one place that decides, per family, whether a call runs on
 * its JavaScript loop or on its WebAssembly SIMD128 kernel. It holds
 *
 * - the thresholds (`GEMM_MIN`, `ELEMENTWISE_MIN`, …): from what size each family's Wasm kernel pays
 *   for its call and copies, read by the predicates below and by nothing else;
 * - {@link wasmState}: the Wasm switch (`useWasm`) and each family's Wasm kernels once loaded;
 * - the accessors the ops ask (`wasmGemmPays`, `elementwiseKernels`, `fusedKernels`, …).
 *
 * The families, each in its folder under `kernels/`: `gemm` (matrix products), `conv` (convolutions,
 * with im2col), `pool` (max and average pooling; its Wasm kernels share the conv module), `elementwise`
 * (unary and binary float32 loops), `reduction` (sum, mean, max and min over rows or columns; its Wasm
 * kernels share the elementwise module) and `optim` (the fused optimizer updates). The threaded gemm
 * of `@gd/tensor/threads` reads its default threshold (`THREADS_MIN`) here too.
 *
 * Nothing here imports a module's bytes or a loader: only types and numbers, so that asking "is
 * there a Wasm kernel?" keeps a bundle free of the Wasm modules. The kernels arrive when the seam
 * loads them (first large float32 product, first convolution or pooling op, or `initWasm()`).
 * See `kernels/README.md` for how to add a family.
 * @module
 */
import type { Storage } from '../dtype.js'
import type { Window2d } from '../window2d.js'
import type { Conv2dShape } from './conv/reference.js'
import type { ConvKernels } from './conv/wasm.js'
import type { FloatArray } from './gemm/reference.js'
import type { GemmKernel } from './gemm/wasm.js'
import type { WasmMemory } from './runtime/load.js'

// The thresholds: from what size each family's Wasm kernel runs (below it, the JavaScript loop does).
// Each was chosen where the Wasm path, call and copies included, became faster than the JavaScript one
// (float32, warm JIT, time per call; the numbers are in packages/tensor/bench/CROSSOVERS.md). To
// re-measure, run `node --conditions=@gd/source --import tsx packages/tensor/bench/kernels.ts crossover`
// (both paths around each threshold); `pnpm bench` shows the whole-workload effect. Plain constants
// rather than one object, so that bundlers inline them instead of carrying a table of names.

/** gemm: multiply-adds (m·n·k) of a float32 product, 8³. @internal */
export const GEMM_MIN = 512
/** conv: multiply-adds of a convolution or either gradient (batch · outChannels · outH · outW · channels/groups · kernelH · kernelW). @internal */
export const CONV_MIN = 256
/** pool: window taps of a pooling op (planes · outH · outW · kernelH · kernelW). @internal */
export const POOL_MIN = 512
/** elementwise: elements of a unary or binary op. @internal */
export const ELEMENTWISE_MIN = 64
/** reduction: floats per row of a row reduction, and (`REDUCE_MIN`) floats in all. @internal */
export const REDUCE_ROW_MIN = 256
/** reduction: floats in all of a row reduction. @internal */
export const REDUCE_MIN = 1024
/** reduction: floats of a column sum, rows · columns. @internal */
export const COLUMNS_MIN = 256
/** optim: elements of a fused optimizer update. @internal */
export const OPTIM_MIN = 96
/**
 * scopes: elements from which a float32 result made inside an autograd transform (an open scope, see
 * `runtime/scope.ts`) is born in the arena instead of the JavaScript heap: where the elementwise kernels
 * start (`ELEMENTWISE_MIN`), since below it no kernel reads an array in place and a block's bookkeeping
 * is all cost. Measured (`x = add(exp(x), -1.5)` in a scope, under load): 64 floats 1.15 µs an op in the
 * arena against 1.51 on the heap, 256 floats 1.39 against 2.07, 1024 floats 3.2 against 5.5. @internal
 */
export const ARENA_MIN = 64
/**
 * threads: multiply-adds from which `@gd/tensor/threads` may split a product by default, 2²⁴ ≈ 16.8 M: with the
 * second core free the MLP's two 25.7 M products ran 1.5× faster split (its step 1.08–1.21×), and the kernel's
 * adaptive choice keeps a shape on one thread while splitting is slower (MLP step 0.92–1.05× of one thread at
 * load 2.9–4, where always splitting gave 0.79–1.16×); below it the split's fixed costs weigh more (128³ = 2.1 M
 * lost with a free core, the MLP's 4.2 M products 0.39–0.76× under load). Issue 18 sessions 10–11,
 * bench/CROSSOVERS.md. @internal
 */
export const THREADS_MIN = 16777216

/** Whether a float32 `m × k` by `k × n` product runs on the Wasm gemm. @internal */
export function wasmGemmPays(m: number, n: number, k: number): boolean {
  return m * n * k >= GEMM_MIN
}

/** Whether a float32 convolution (either gradient too) runs on the Wasm conv kernels. @internal */
export function wasmConvPays(s: Conv2dShape): boolean {
  const g = s.window
  return s.batch * s.outChannels * g.outH * g.outW * (s.channels / s.groups) * g.kernelH * g.kernelW >= CONV_MIN
}

/** Whether float32 pooling over `planes` planes runs on the Wasm pooling kernels. @internal */
export function wasmPoolPays(planes: number, g: Window2d): boolean {
  return planes * g.outH * g.outW * g.kernelH * g.kernelW >= POOL_MIN
}

/** Whether a float32 elementwise op over `n` elements runs on Wasm. @internal */
export function elementwisePays(n: number): boolean {
  return n >= ELEMENTWISE_MIN
}

/** Whether reducing `rows` rows of `length` floats runs on Wasm. @internal */
export function reducePays(rows: number, length: number): boolean {
  return length >= REDUCE_ROW_MIN && rows * length >= REDUCE_MIN
}

/** Whether column sums over `n` floats in all run on Wasm. @internal */
export function columnsPay(n: number): boolean {
  return n >= COLUMNS_MIN
}

/** Whether a fused optimizer update over `n` elements runs on Wasm. @internal */
export function fusedPays(n: number): boolean {
  return n >= OPTIM_MIN
}

/** One op of a deferred chain (see `deferred.ts`), as {@link ChainKernel} runs it. @internal */
export interface ChainStep {
  /** The op's code in `UNARY` (binary false) or `BINARY`. */
  readonly code: number
  readonly binary: boolean
  /** A binary op's other operand, as long as the chain's input; null when it is `scalar`. */
  readonly operand: Float32Array | null
  readonly scalar: number
  /** The running value is the right operand (`b` of `a ∘ b`). */
  readonly right: boolean
}

/** The deferred chains' kernel, which the elementwise module's wrapper (`elementwise/wasm.ts`) has beside the ElementwiseKernels. @internal */
export interface ChainKernel {
  /**
   * out = the chain of `steps` applied to `x` (each operand and `out` as long as `x`), CHUNK elements at a
   * time: x's block and each operand's are copied into the slots once, every step runs its kernel from one
   * slot into another, and only the last step's block is copied out. The kernels are the ones `unary` and
   * `binary` run, so each step gives the bits it gives alone.
   */
  chain(x: Float32Array, steps: readonly ChainStep[], out: Float32Array): void
}

/**
 * Float32 elementwise loops on WebAssembly SIMD128 (see `elementwise/wasm.ts`). Each returns false,
 * having touched nothing, when it does not take the call (not float32, or too short to pay).
 * @internal
 */
export interface ElementwiseKernels {
  /** y = op(x), `op` a code of `UNARY`. */
  unary(op: number, x: Storage, y: Storage): boolean
  /** The `BinaryLoop` contract of `elementwise.ts`, `op` a code of `BINARY`: out[i] = A[oa + i·sa] ∘ B[ob + i·sb], steps 0 or 1. */
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
   * `divisor`; `op` a code of `REDUCE`. Sums are float64 in four lanes (the last bits may differ
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
  /**
   * hi[i], lo[i] = Threefry-2x32 of key [k0, k1] and counter [0, i]: the bits of element i of a draw (see `randomBits`
   * in rng.ts), the same as the JavaScript function's. False, having written nothing, for fewer than `ELEMENTWISE_MIN`
   * elements or arrays of different lengths.
   */
  randomBits(k0: number, k1: number, hi: Uint32Array, lo: Uint32Array): boolean
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
 * - `decay`: u = g + λ p (decoupled weight decay), computed in float64 and rounded once, so its results are
 *   the JavaScript loop's bits.
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
  decay(g: FloatArray, p: FloatArray, out: FloatArray, accumulate: boolean, factor: number, lambda: number): boolean
  /** out = factor · g, in float64 and rounded once (the bits of @gd/optimizers' `scaleTree` loop). */
  scale(g: FloatArray, out: FloatArray, factor: number): boolean
  /**
   * A zeroed Float32Array of `n` elements in the kernels' shared memory, which they (and the gemm,
   * conv, elementwise and reduction kernels) read and write in place without copying it (@gd/optimizers allocates its float32 state here); null when `n` is under
   * `OPTIM_MIN`, the memory is full, or no arena is attached yet (`initWasm()` and
   * `toWasmMemory` attach it). Freed when collected. Views made from its `buffer` must not outlive it.
   */
  alloc(n: number): Float32Array | null
  /** Whether `x` lives in the kernels' shared memory (from {@link FusedKernels.alloc} or `toWasmMemory`). */
  holds(x: ArrayBufferView): boolean
  /** The memory every kernel family shares (see `runtime/memory.ts`). @internal */
  readonly memory: WasmMemory
  /** The allocator behind `alloc`, once attached (see `attachArena`). @internal */
  arena?: Arena
}

/** Float32 arrays allocated in the kernels' shared memory (see `arenaIn`, `sharedArena`). @internal */
export interface Arena {
  /** A zeroed Float32Array of `n` elements in the memory, or null when it does not fit (or cannot be freed here). */
  alloc(n: number): Float32Array | null
  /** Whether `x` is a view of this memory. */
  holds(x: ArrayBufferView): boolean
  /** Bytes reserved and bytes in live blocks. */
  usage(): { reserved: number; used: number }
  /** Frees `x`'s block now, before the collector would (tests of the free list); `x` must not be used after. @internal */
  free(x: Float32Array): void
  /**
   * Byte address of an untracked block of at least `bytes` bytes (64-byte aligned; its contents are
   * whatever was there), or -1 when it does not fit. The collector never frees it: give it back
   * with `give`. What the scopes' pool (`runtime/scope.ts`) is made of. @internal
   */
  take(bytes: number): number
  /** Returns a block `take` handed out to the free list. @internal */
  give(at: number): void
  /** The memory the arena lies in. @internal */
  readonly memory: WasmMemory
}

/**
 * Whether `useWasm` allows Wasm kernels, and each family once loaded (`undefined`: not tried yet,
 * null: cannot run here).
 */
export const wasmState: {
  allowed: boolean
  gemm: GemmKernel | null | undefined
  conv: ConvKernels | null | undefined
  fused: FusedKernels | null | undefined
  elementwise: ElementwiseKernels | null | undefined
} = {
  allowed: true,
  gemm: undefined,
  conv: undefined,
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

/** The elementwise and reduction kernels when allowed and loaded, else null. @internal */
export function elementwiseKernels(): ElementwiseKernels | null {
  return wasmState.allowed ? (wasmState.elementwise ?? null) : null
}

/**
 * The conv and pooling kernels when allowed and loaded, else null. They never load from here (the
 * conv and pooling ops load them, as does `initWasm`), so that a bundle using only matrix products
 * stays free of their bytes. @internal
 */
export function convKernels(): ConvKernels | null {
  return wasmState.allowed ? (wasmState.conv ?? null) : null
}

// The fused kernels (see `rows/`): GELU, attention weights and layer/RMS norm in a module of their own
// (`rows/wasm.ts` loads it with the first call that can use it, so only bundles with those ops carry its
// bytes), and the row-broadcast binary ops, which ride on the elementwise module.

/**
 * rows: floats in all of a fused row op (softmax over rows, a row normalization, either gradient, a GRU
 * step's gates, a row broadcast). Measured (float32 JavaScript arrays, staging included, under load): layer
 * norm rows of 16 or 64 break even at 128 floats and run 1.5× faster at 256 (0.62 against 0.93 µs), the
 * softmax gradient 0.64 against 0.73 µs at 256 and 0.52 against 0.36 µs at 128. @internal
 */
export const ROWS_MIN = 256

/** Whether a float32 fused row op over `n` floats in all runs on Wasm. @internal */
export function rowsPay(n: number): boolean {
  return n >= ROWS_MIN
}

/**
 * Fused float32 kernels on WebAssembly SIMD128 (`rows/wasm.ts`). Each returns false, having touched
 * nothing, when it does not take the call (an operand is not a Float32Array, or the call is under
 * `ELEMENTWISE_MIN` elements for GELU, `ROWS_MIN` floats for the row ops). Rows are `n` floats one after another.
 * @internal
 */
export interface RowKernels {
  /** y = gelu(x) (tanh form). */
  gelu(x: FloatArray, y: FloatArray): boolean
  /** out = g·gelu′(x). */
  geluGrad(g: FloatArray, x: FloatArray, out: FloatArray): boolean
  /**
   * p = masked softmax(scale·s) over rows of s [batch, heads, n, n]: key j of query i takes part when
   * j ≤ i (if `causal`) and mask[b·n + j] is 1 (if a mask of bytes [batch, n] is given).
   */
  softmaxRows(
    s: FloatArray,
    p: FloatArray,
    heads: number,
    n: number,
    scale: number,
    causal: boolean,
    mask: Uint8Array | null,
  ): boolean
  /** ds = scale·p⊙(g − ⟨g, p⟩) row by row. */
  softmaxGradRows(g: FloatArray, p: FloatArray, ds: FloatArray, n: number, scale: number): boolean
  /** y = (x − μ)·r, r = 1/√(mean((x − μ)²) + eps), μ the row mean if `center` else 0. */
  normRows(x: FloatArray, y: FloatArray, n: number, eps: number, center: boolean): boolean
  /** dx = r·(g − [center]·mean(g) − x̂·mean(g·x̂)) row by row. */
  normGradRows(g: FloatArray, x: FloatArray, dx: FloatArray, n: number, eps: number, center: boolean): boolean
  /**
   * One GRU step's elementwise part (p, q, acts [batch, 3·hidden] in blocks r, z, n; h, out [batch, hidden];
   * hidden a multiple of 4): r = σ(p_r + q_r), z = σ(p_z + q_z), n = tanh(p_n + r ⊙ q_n) into acts,
   * h' = n + z ⊙ (h − n) into out.
   */
  gruForward(p: FloatArray, q: FloatArray, h: FloatArray, acts: FloatArray, out: FloatArray, hidden: number): boolean
  /** Its first-order backward rule from acts: dp, dq [batch, 3·hidden] and dh [batch, hidden] for the cotangent g. */
  gruBackward(
    g: FloatArray,
    q: FloatArray,
    h: FloatArray,
    acts: FloatArray,
    dp: FloatArray,
    dq: FloatArray,
    dh: FloatArray,
    hidden: number,
  ): boolean
  /**
   * One LSTM step's elementwise part (a [batch, 4·hidden] in blocks i, f, g, o; c [batch, hidden]; hidden a
   * multiple of 4): the gates and tanh(c′) into acts (5·batch·hidden), [h′, c′] into out ([2, batch, hidden]).
   */
  lstmForward(a: FloatArray, c: FloatArray, acts: FloatArray, out: FloatArray, hidden: number): boolean
  /** Its first-order backward rule from acts, for the cotangent g of [h′, c′]: da [batch, 4·hidden], dc [batch, hidden]. */
  lstmBackward(g: FloatArray, c: FloatArray, acts: FloatArray, da: FloatArray, dc: FloatArray, hidden: number): boolean
  /**
   * out = the view of `src` from element `offset` with `shape` and element `strides` (rank 1 to 4, strides of
   * any sign) in row-major order: the copy that makes a strided view contiguous. Only when both arrays lie
   * in the shared memory (arena arrays) and out holds at least `ROWS_MIN` floats.
   */
  gather(
    src: FloatArray,
    offset: number,
    shape: readonly number[],
    strides: readonly number[],
    out: FloatArray,
  ): boolean
}

/** The fused kernels' module once loaded (`undefined`: not tried yet, null: cannot run here). @internal */
export const rowsState: { kernels: RowKernels | null | undefined } = { kernels: undefined }

/**
 * The row-broadcast binary kernel of the elementwise module (`elementwise/wasm.ts`): out = full op row,
 * `row` (n floats) broadcast over the rows of `full` (a bias add), or row op full when `swap`; `op` a code of
 * `BINARY` among add, sub, mul and div: exactly the JavaScript loop's results. False, having touched
 * nothing, when it does not take the call (not float32, under `ROWS_MIN` floats, a row longer than a slot).
 * @internal
 */
export interface BroadcastKernels {
  binaryRows(op: number, full: FloatArray, row: FloatArray, out: FloatArray, swap: boolean): boolean
}

/** The row-broadcast kernel when allowed and loaded (with the elementwise module), else null. @internal */
export function broadcastKernels(): BroadcastKernels | null {
  const k = elementwiseKernels() as (ElementwiseKernels & Partial<BroadcastKernels>) | null
  return k?.binaryRows === undefined ? null : (k as ElementwiseKernels & BroadcastKernels)
}
