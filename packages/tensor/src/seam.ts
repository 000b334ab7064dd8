/**
 * The kernel seam: the one place where matmul, convolution and pooling reach their inner loops.
 *
 * Every compute op in this package calls its loops through the {@link kernels} table, never
 * directly. A faster implementation (WebAssembly SIMD, say) replaces entries op by op with
 * {@link useKernels}, keeping exactly the contracts documented on each default in `kernels/`
 * (same arguments, same layouts, same accumulate-into-output rule), and the public API does not
 * change. Tests use the same switch to check an op goes through the seam, or to run the op suites
 * against a replacement.
 *
 * By default `gemm` is a dispatcher that sends a float32 product big enough to pay (see `GEMM_MIN`
 * in `kernels/registry.ts`, which decides for every kernel family) to a WebAssembly SIMD128 kernel
 * and everything else (float64, small products, engines without Wasm SIMD) to the JavaScript
 * kernel, which stays the reference; apps/bench/RESULTS.md has the speeds of both. The Wasm module
 * loads on the first product that wants it (synchronously, fine for a 3 KB module in Node and in
 * browsers); {@link initWasm} loads it asynchronously beforehand instead, {@link useWasm} turns it
 * off and on, {@link kernelBackend} says which one runs. Two more Wasm families load with it: the
 * float32 elementwise ops and reductions (neg, square, sqrt, exp, log, tanh, sigmoid, relu, add,
 * sub, mul, div; sum, mean, max, min), and the fused optimizer updates ({@link fusedKernels}) that the
 * loops of @gd/optimizers ask for. Convolutions and pooling have a Wasm module of their own
 * (`kernels/conv/wasm.ts`), loaded by the first float32 convolution or pooling op (not by this
 * table, so that bundles that only multiply matrices stay free of it) or by {@link initWasm}.
 * @module
 */
import { fail, isPlainObject } from '@gd/check'
import { gemm as jsGemm } from './kernels/gemm/reference.js'
import { loadWasmGemm, loadWasmGemmSync, type GemmKernel } from './kernels/gemm/wasm.js'
import { loadWasmFused, loadWasmFusedSync } from './kernels/optim/wasm.js'
import { loadWasmElementwise, loadWasmElementwiseSync } from './kernels/elementwise/wasm.js'
import { convKernels, wasmConvPays, wasmGemmPays, wasmPoolPays, wasmState } from './kernels/registry.js'
import { attachArena } from './kernels/runtime/arena.js'
import { col2im, im2col } from './kernels/conv/im2col.js'
import { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward } from './kernels/pool/reference.js'
import { convBackwardFilter, convBackwardInput, convForward, type Conv2dKernel } from './kernels/conv/reference.js'
import { loadWasmConv } from './kernels/conv/wasm.js'

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
 *   By default float32 pooling big enough to pay runs on WebAssembly SIMD128, bit-identical.
 * - `convForward(x, w, shape, y)`, `convBackwardInput(dy, w, shape, dx)`, `convBackwardFilter(x, dy, shape, dw)`:
 *   whole-batch convolutions (see {@link Conv2dShape}) that overwrite their output. By default a
 *   float32 convolution big enough to pay runs im2col, gemm and col2im inside WebAssembly SIMD128;
 *   otherwise, or when `gemm`, `im2col` or `col2im` has been replaced, it runs as im2col + `gemm` +
 *   col2im through the entries of this table.
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
  gemm: typeof jsGemm
  im2col: typeof im2col
  col2im: typeof col2im
  maxPool2d: typeof maxPoolForward
  maxPool2dBackward: typeof maxPoolBackward
  avgPool2d: typeof avgPoolForward
  avgPool2dBackward: typeof avgPoolBackward
  convForward: Conv2dKernel
  convBackwardInput: Conv2dKernel
  convBackwardFilter: Conv2dKernel
}

export { fusedKernels, type FusedKernels } from './kernels/registry.js'
export type { Conv2dKernel, Conv2dShape } from './kernels/conv/reference.js'

/**
 * The Wasm gemm if allowed and runnable. The first call loads it, and with it the elementwise and
 * fused optimizer kernels, which never load by themselves (so that a bundle using only those ops
 * or an optimizer stays free of the module bytes).
 */
function activeWasmGemm(): GemmKernel | null {
  if (!wasmState.allowed) return null
  if (wasmState.gemm === undefined) wasmState.gemm = loadWasmGemmSync()
  if (wasmState.fused === undefined) wasmState.fused = loadWasmFusedSync()
  if (wasmState.elementwise === undefined) wasmState.elementwise = loadWasmElementwiseSync()
  return wasmState.gemm
}

/** The default `gemm`: Wasm for float32 products big enough to pay for the copies, else JavaScript. */
const autoGemm: typeof jsGemm = (m, n, k, a, aOffset, ars, acs, b, bOffset, brs, bcs, c, cOffset, ldc) => {
  if (c instanceof Float32Array && a instanceof Float32Array && b instanceof Float32Array && wasmGemmPays(m, n, k)) {
    const wasm = activeWasmGemm()
    if (wasm !== null) return wasm(m, n, k, a, aOffset, ars, acs, b, bOffset, brs, bcs, c, cOffset, ldc)
  }
  jsGemm(m, n, k, a, aOffset, ars, acs, b, bOffset, brs, bcs, c, cOffset, ldc)
}

/**
 * Whether the gemm in use is the default or declares that it computes exactly what the default
 * computes (`defaultEquivalent: true`, as `@gd/tensor/threads`' kernel does), so that the fused Wasm
 * convolution may still stand in for im2col + gemm + col2im.
 */
function defaultGemm(): boolean {
  return active.gemm === autoGemm || (active.gemm as { defaultEquivalent?: unknown }).defaultEquivalent === true
}

/**
 * A default convolution entry: Wasm for float32 calls big enough to pay while the parts it fuses
 * (gemm, im2col, col2im) are the defaults, else the JavaScript composition of the table's parts.
 */
function autoConv(
  name: 'convForward' | 'convBackwardInput' | 'convBackwardFilter',
  js: typeof convForward,
): Conv2dKernel {
  return (a, b, shape, out) => {
    if (
      a instanceof Float32Array &&
      b instanceof Float32Array &&
      out instanceof Float32Array &&
      wasmConvPays(shape) &&
      defaultGemm() &&
      active.im2col === im2col &&
      active.col2im === col2im
    ) {
      const wasm = convKernels()
      if (wasm !== null) return wasm[name](a, b, shape, out)
    }
    js(a, b, shape, out, active)
  }
}

/** The default pooling entries: Wasm for float32 pooling big enough to pay, else JavaScript. */
const autoMaxPool: typeof maxPoolForward = (x, planes, g, y) =>
  x instanceof Float32Array && y instanceof Float32Array && wasmPoolPays(planes, g) && convKernels() !== null
    ? wasmState.conv!.maxPool2d(x, planes, g, y)
    : maxPoolForward(x, planes, g, y)
const autoMaxPoolBackward: typeof maxPoolBackward = (dy, x, planes, g, dx) =>
  dy instanceof Float32Array &&
  x instanceof Float32Array &&
  dx instanceof Float32Array &&
  wasmPoolPays(planes, g) &&
  convKernels() !== null
    ? wasmState.conv!.maxPool2dBackward(dy, x, planes, g, dx)
    : maxPoolBackward(dy, x, planes, g, dx)
const autoAvgPool: typeof avgPoolForward = (x, planes, g, y) =>
  x instanceof Float32Array && y instanceof Float32Array && wasmPoolPays(planes, g) && convKernels() !== null
    ? wasmState.conv!.avgPool2d(x, planes, g, y)
    : avgPoolForward(x, planes, g, y)
const autoAvgPoolBackward: typeof avgPoolBackward = (dy, planes, g, dx) =>
  dy instanceof Float32Array && dx instanceof Float32Array && wasmPoolPays(planes, g) && convKernels() !== null
    ? wasmState.conv!.avgPool2dBackward(dy, planes, g, dx)
    : avgPoolBackward(dy, planes, g, dx)

// Pure annotations let bundlers drop every kernel (and the inlined Wasm bytes) when nothing that
// computes through the seam is imported.
const defaults: Readonly<Kernels> = /* @__PURE__ */ Object.freeze({
  gemm: autoGemm,
  im2col,
  col2im,
  maxPool2d: autoMaxPool,
  maxPool2dBackward: autoMaxPoolBackward,
  avgPool2d: autoAvgPool,
  avgPool2dBackward: autoAvgPoolBackward,
  convForward: /* @__PURE__ */ autoConv('convForward', convForward),
  convBackwardInput: /* @__PURE__ */ autoConv('convBackwardInput', convBackwardInput),
  convBackwardFilter: /* @__PURE__ */ autoConv('convBackwardFilter', convBackwardFilter),
})

const active: Kernels = /* @__PURE__ */ Object.assign({}, defaults)

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
  if (!isPlainObject(replacements)) fail('useKernels', 'replacements', 'a plain object of kernels', replacements)
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
 * Puts every kernel back to its default (for `gemm`, the automatic Wasm/JavaScript choice) and
 * undoes {@link useWasm}.
 *
 * @example
 * ```ts
 * import { resetKernels } from '@gd/tensor'
 * resetKernels()
 * ```
 */
export function resetKernels(): void {
  Object.assign(active, defaults)
  wasmState.allowed = true
}

/**
 * Allows (`true`, the default) or forbids (`false`) the WebAssembly kernels (the gemm, the
 * float32 elementwise ops, the fused optimizer updates of {@link fusedKernels}, and the
 * convolution and pooling kernels), for tests and
 * benchmarks that want the JavaScript kernels everywhere. Returns a function that restores the
 * previous setting. Forbidding them changes float32 results only in the last bits (exp: within 1 ulp,
 * tanh and sigmoid: 2, log: 3; products, convolutions and optimizer updates: float32 instead of float64
 * arithmetic; pooling: not at all).
 *
 * @example
 * ```ts
 * import { kernelBackend, useWasm } from '@gd/tensor'
 * const restore = useWasm(false)
 * kernelBackend() // 'js'
 * restore()
 * ```
 */
export function useWasm(enabled: boolean): () => void {
  if (typeof enabled !== 'boolean') throw new Error(`useWasm: enabled must be a boolean, got ${typeof enabled}`)
  const previous = wasmState.allowed
  wasmState.allowed = enabled
  return () => {
    wasmState.allowed = previous
  }
}

/**
 * Which kernel a large float32 product runs on right now: `'wasm'` when `kernels.gemm` is the
 * default dispatcher (or one that declares `defaultEquivalent`, like `@gd/tensor/threads`' kernel),
 * {@link useWasm} allows Wasm and this engine runs WebAssembly SIMD128
 * (loading the module if that has not happened yet); `'js'` otherwise. float64 and small products
 * always run on the JavaScript kernel.
 *
 * @example
 * ```ts
 * import { kernelBackend } from '@gd/tensor'
 * kernelBackend() // 'wasm' on Node ≥ 16.4 and current browsers
 * ```
 */
export function kernelBackend(): 'wasm' | 'js' {
  return defaultGemm() && activeWasmGemm() !== null ? 'wasm' : 'js'
}

/**
 * Loads the WebAssembly kernels asynchronously (compiling off the main thread where the engine
 * can), so the first product need not compile them synchronously: call it once at start-up in a
 * browser, and at the start of any program whose elementwise ops or optimizer steps should run on
 * Wasm before a large float32 product has loaded it (those kernels load with the gemm, never by
 * themselves). Resolves to the backend now in use; without Wasm SIMD it resolves to `'js'` and
 * everything keeps working on the JavaScript kernels.
 *
 * @example
 * ```ts
 * import { initWasm } from '@gd/tensor'
 * await initWasm() // 'wasm'
 * ```
 */
export async function initWasm(): Promise<'wasm' | 'js'> {
  if (wasmState.gemm == null) wasmState.gemm = await loadWasmGemm()
  if (wasmState.fused == null) wasmState.fused = await loadWasmFused()
  if (wasmState.fused) attachArena(wasmState.fused)
  if (wasmState.elementwise == null) wasmState.elementwise = await loadWasmElementwise()
  if (wasmState.conv == null) wasmState.conv = await loadWasmConv()
  return kernelBackend()
}
