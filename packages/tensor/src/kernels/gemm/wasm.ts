/**
 * The float32 WebAssembly SIMD128 gemm (source: `assembly/gemm.ts`, bytes: `./module.generated.ts`) and
 * the JavaScript side that feeds it: the same contract as the JavaScript `gemm` in `./reference.ts`.
 *
 * Why AssemblyScript and an inlined hex module: the kernel is TypeScript-shaped code compiled by
 * an npm package (no native toolchain), its blocking and addressing read like the JavaScript kernel
 * (hand-written WAT would not), and Binaryen's -O3 does the rest; a 3 KB module inlined as a string
 * loads the same way in Node, in browsers and through any bundler, with no file to locate at run time.
 *
 * Tensors stay plain JavaScript typed arrays (moving their storage into Wasm memory would change
 * every op and the immutability story), and Wasm code cannot read those in place, so each call copies the span of A and B
 * it will read (strides and offset kept, so a transposed or strided operand is copied as it lies and
 * the kernel's packing reads through the strides) and the `m × n` block of C into the module's
 * memory, runs, and copies C back. The copies are O(m k + k n + m n) against 2 m n k flops, which is
 * why `wasmGemmPays` (in the registry) keeps small products on the JavaScript kernel. The module's memory grows
 * to the largest product seen (3 × 1024² floats plus 1.25 MB of panels ≈ 14 MB for a 1024² matmul)
 * and is kept for the next call; past the 4 GiB a 32-bit memory allows, the JavaScript kernel runs.
 *
 * Two builds ship: SIMD128 (Node ≥ 16.4, every current browser) and SIMD128 + relaxed SIMD (Chrome
 * ≥ 114 by default; Node 20 only with `--experimental-wasm-relaxed-simd`), whose fused multiply-add
 * halves the floating-point work on CPUs where adds share the FMA ports (Intel's); where the plain
 * build already fills the multiply and add pipes (AMD's) the two run alike (matmul rows of
 * apps/bench/RESULTS.md). The relaxed one is used when the engine validates it. Its results may differ from the plain build in the last bit (fused or not is the
 * engine's choice), within the same float32 error bound.
 * @module
 */
import { gemm as jsGemm, type FloatArray } from './reference.js'
import { gemmRelaxedWasmHex, gemmWasmHex } from './module.generated.js'
import {
  hexBytes,
  ensureBytes,
  instantiate,
  instantiateSync,
  wasmSimdSupported,
  type WasmMemory,
} from '../runtime/load.js'

export { wasmSimdSupported }

/** The exports of the compiled module (see `assembly/gemm.ts`). */
interface GemmExports {
  readonly memory: WasmMemory
  workspaceEnd(): number
  gemm(
    m: number,
    n: number,
    k: number,
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bcs: number,
    c: number,
    ldc: number,
  ): void
}

/** The gemm signature shared by every implementation behind `kernels.gemm`. */
export type GemmKernel = (
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOffset: number,
  aRowStride: number,
  aColStride: number,
  b: FloatArray,
  bOffset: number,
  bRowStride: number,
  bColStride: number,
  c: FloatArray,
  cOffset: number,
  ldc: number,
) => void

/** A build's bytes, decoded from the inlined hex. */
export function gemmWasmBytes(relaxed = false): Uint8Array {
  return hexBytes(relaxed ? gemmRelaxedWasmHex : gemmWasmHex)
}

/**
 * The best build this engine runs: relaxed SIMD if it validates, else plain SIMD128, else null.
 *
 * @example
 * ```ts
 * import { bestGemmWasm } from './wasm.js'
 * bestGemmWasm()?.relaxed // false on Node 20 without --experimental-wasm-relaxed-simd
 * ```
 */
export function bestGemmWasm(): { bytes: Uint8Array; relaxed: boolean } | null {
  const relaxed = gemmWasmBytes(true)
  if (wasmSimdSupported(relaxed)) return { bytes: relaxed, relaxed: true }
  const plain = gemmWasmBytes(false)
  return wasmSimdSupported(plain) ? { bytes: plain, relaxed: false } : null
}

/**
 * Compiles and instantiates the best build synchronously; null when SIMD is missing or the engine
 * refuses a synchronous compile (some browsers do on the main thread: use the async path there).
 *
 * @example
 * ```ts
 * import { loadWasmGemmSync } from './wasm.js'
 * const gemm = loadWasmGemmSync() // a GemmKernel for Float32Array operands, or null
 * ```
 */
export function loadWasmGemmSync(): GemmKernel | null {
  const best = bestGemmWasm()
  const exports = best && instantiateSync<GemmExports>(best.bytes)
  return exports ? wasmGemmFrom(exports) : null
}

/**
 * Compiles and instantiates the best build asynchronously (the path browsers prefer); null when
 * WebAssembly or SIMD is missing.
 *
 * @example
 * ```ts
 * import { loadWasmGemm } from './wasm.js'
 * const gemm = await loadWasmGemm()
 * ```
 */
export async function loadWasmGemm(): Promise<GemmKernel | null> {
  const best = bestGemmWasm()
  const exports = best && (await instantiate<GemmExports>(best.bytes))
  return exports ? wasmGemmFrom(exports) : null
}

/** `[lo, hi)`: the element indices an operand `X[i, j] = x[offset + i rs + j cs]` touches. @internal */
export function span(offset: number, rows: number, rs: number, cols: number, cs: number): [number, number] {
  const lo = offset + Math.min(0, (rows - 1) * rs) + Math.min(0, (cols - 1) * cs)
  const hi = offset + Math.max(0, (rows - 1) * rs) + Math.max(0, (cols - 1) * cs) + 1
  return [lo, hi]
}

function align16(bytes: number): number {
  return (bytes + 15) & ~15
}

/** Wraps an instance's exports as a {@link GemmKernel} for Float32Array operands. */
function wasmGemmFrom(exports: GemmExports): GemmKernel {
  const base = exports.workspaceEnd()
  let heap = new Float32Array(exports.memory.buffer)
  return (m, n, k, a, aOffset, ars, acs, b, bOffset, brs, bcs, c, cOffset, ldc) => {
    if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) {
      throw new Error(
        `wasmGemm: operands must be Float32Array, got ${a.constructor.name}, ${b.constructor.name}, ${c.constructor.name}`,
      )
    }
    if (m === 0 || n === 0 || k === 0) return
    const [aLo, aHi] = span(aOffset, m, ars, k, acs)
    const [bLo, bHi] = span(bOffset, k, brs, n, bcs)
    const aPtr = base
    const bPtr = align16(aPtr + (aHi - aLo) * 4)
    const cPtr = align16(bPtr + (bHi - bLo) * 4)
    const end = cPtr + m * n * 4
    const memory = exports.memory
    if (!ensureBytes(memory, end)) {
      // past what the engine will give a 32-bit memory (4 GiB): the JavaScript kernel needs no copy
      jsGemm(m, n, k, a, aOffset, ars, acs, b, bOffset, brs, bcs, c, cOffset, ldc)
      return
    }
    if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer)

    heap.set(a.subarray(aLo, aHi), aPtr >> 2)
    heap.set(b.subarray(bLo, bHi), bPtr >> 2)
    const c0 = cPtr >> 2
    if (ldc === n) heap.set(c.subarray(cOffset, cOffset + m * n), c0)
    else for (let i = 0; i < m; i++) heap.set(c.subarray(cOffset + i * ldc, cOffset + i * ldc + n), c0 + i * n)

    exports.gemm(m, n, k, aPtr + (aOffset - aLo) * 4, ars, acs, bPtr + (bOffset - bLo) * 4, brs, bcs, cPtr, n)

    if (ldc === n) c.set(heap.subarray(c0, c0 + m * n), cOffset)
    else for (let i = 0; i < m; i++) c.set(heap.subarray(c0 + i * n, c0 + (i + 1) * n), cOffset + i * ldc)
  }
}
