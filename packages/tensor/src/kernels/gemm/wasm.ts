/**
 * The float32 WebAssembly SIMD128 gemm (source: `assembly/gemm.ts`, bytes: `./module.generated.ts`) and
 * the JavaScript side that feeds it: the same contract as the JavaScript `gemm` in `./reference.ts`.
 *
 * Why AssemblyScript and an inlined hex module: the kernel is TypeScript-shaped code compiled by
 * an npm package (no native toolchain), its blocking and addressing read like the JavaScript kernel
 * (hand-written WAT would not), and Binaryen's -O3 does the rest; a 3 KB module inlined as a string
 * loads the same way in Node, in browsers and through any bundler, with no file to locate at run time.
 *
 * The module works in the memory every kernel family shares (`../runtime/memory.ts`): its packing
 * panels sit in its own region, and an operand that lives in that memory (an arena array: from
 * `toWasmMemory`, the fused kernels' `alloc`) is read, or for C accumulated into, where it lies, by
 * its byte offset and strides (C must then not overlap A or B: the copies no longer separate them). Any other operand is a plain JavaScript typed array, which Wasm code
 * cannot read in place, so the call copies the span of A and B it will read (strides and offset
 * kept, so a transposed or strided operand is copied as it lies and the kernel's packing reads
 * through the strides) and the `m × n` block of C into the staging area, runs, and copies C back.
 * The copies are O(m k + k n + m n) against 2 m n k flops, which is why `wasmGemmPays` (in the
 * registry) keeps small products on the JavaScript kernel. The staging area grows to the largest
 * product seen (3 × 1024² floats ≈ 12 MB for a 1024² matmul) until the arena reserves, then borrows
 * arena blocks for bigger calls; past the 4 GiB a 32-bit memory allows, the JavaScript kernel runs.
 *
 * Two builds ship: SIMD128 (Node ≥ 16.4, every current browser) and SIMD128 + relaxed SIMD (Chrome
 * ≥ 114 by default; Node 20 only with `--experimental-wasm-relaxed-simd`), whose fused multiply-add
 * does a k-step's arithmetic in half the instructions. V8's plain SIMD128 is bound by instructions, not
 * by the multiply and add pipes (see `assembly/gemm.ts`): on the AMD EPYC of apps/bench the relaxed
 * build ran the MLP 784-256-128-10's products at ~51 GFLOP/s against ~44 (Node 20 with the flag). The
 * relaxed one is used when the engine validates it. Its results may differ from the plain build in the last bit (fused or not is the
 * engine's choice), within the same float32 error bound.
 * @module
 */
import { gemm as jsGemm, type FloatArray } from './reference.js'
import { gemmRelaxedWasmHex, gemmWasmHex } from './module.generated.js'
import { hexBytes, instantiate, instantiateSync, wasmSimdSupported } from '../runtime/load.js'
import { sharedMemory, stage, traffic, unstage, type SharedMemory } from '../runtime/memory.js'

export { wasmSimdSupported }

/** A product export of the compiled module: `C += A · B`, or `C = A · B` (byte addresses and strides). */
type GemmExport = (
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
) => void

/** The exports of the compiled module (see `assembly/gemm.ts`). */
interface GemmExports {
  workspaceEnd(): number
  gemm: GemmExport
  /** `outer × inner` products of one shape, operands `…Outer`/`…Inner` floats apart; `overwrite` as in `C = A · B`. */
  gemmBatch(
    outer: number,
    inner: number,
    m: number,
    n: number,
    k: number,
    a: number,
    ars: number,
    acs: number,
    aOuter: number,
    aInner: number,
    b: number,
    brs: number,
    bcs: number,
    bOuter: number,
    bInner: number,
    c: number,
    ldc: number,
    cOuter: number,
    cInner: number,
    overwrite: boolean,
  ): void
}

/**
 * A stack of `outer × inner` float32 products of one shape on the Wasm gemm in one call, every operand an array
 * in the shared memory: product (i, j) reads A at element `aOffset + i aOuter + j aInner` (strides `ars`, `acs`),
 * B likewise and writes C at `cOffset + i cOuter + j cInner` (rows `ldc` apart), adding into C, or with
 * `overwrite` storing `A · B` whatever C held (the bits of adding into zeros). Returns false, having done
 * nothing, when it does not take the call (an operand is not a Float32Array in the shared memory, or m, n
 * or k is 0): the caller then runs the products one at a time. C must not overlap A or B. @internal
 */
export type WasmGemmBatch = (
  outer: number,
  inner: number,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOffset: number,
  ars: number,
  acs: number,
  aOuter: number,
  aInner: number,
  b: FloatArray,
  bOffset: number,
  brs: number,
  bcs: number,
  bOuter: number,
  bInner: number,
  c: FloatArray,
  cOffset: number,
  ldc: number,
  cOuter: number,
  cInner: number,
  overwrite: boolean,
) => boolean

/**
 * The Wasm gemm as the module loader returns it: a {@link GemmKernel} (`C += A · B`) that also takes a
 * last argument `overwrite`: when true it computes `C = A · B`, C's old values never reaching the result
 * (so C need not be initialized: not even copied in when staged), writing all of its `m × n` elements,
 * zeros when `k = 0`, with the bits `C += A · B` gives into a zero-filled C. Only `matmul` passes it, and
 * only when `kernels.gemm` is the default (whose Wasm path this is).
 */
export type WasmGemmKernel = (...args: [...Parameters<GemmKernel>, overwrite?: boolean]) => void

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
export function loadWasmGemmSync(): WasmGemmKernel | null {
  const best = bestGemmWasm()
  const shared = best && sharedMemory()
  const exports = shared && instantiateSync<GemmExports>(best!.bytes, shared.memory)
  return exports ? wasmGemmFrom(exports, shared!) : null
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
export async function loadWasmGemm(): Promise<WasmGemmKernel | null> {
  const best = bestGemmWasm()
  const shared = best && sharedMemory()
  const exports = shared && (await instantiate<GemmExports>(best!.bytes, shared.memory))
  return exports ? wasmGemmFrom(exports, shared!) : null
}

/** `[lo, hi)`: the element indices an operand `X[i, j] = x[offset + i rs + j cs]` touches. @internal */
export function span(offset: number, rows: number, rs: number, cols: number, cs: number): [number, number] {
  return [spanLo(offset, rows, rs, cols, cs), spanHi(offset, rows, rs, cols, cs)]
}

/** The first element index of {@link span} (apart, so that the per-call path makes no array). */
function spanLo(offset: number, rows: number, rs: number, cols: number, cs: number): number {
  return offset + Math.min(0, (rows - 1) * rs) + Math.min(0, (cols - 1) * cs)
}

/** One past the last element index of {@link span}. */
function spanHi(offset: number, rows: number, rs: number, cols: number, cs: number): number {
  return offset + Math.max(0, (rows - 1) * rs) + Math.max(0, (cols - 1) * cs) + 1
}

function align16(bytes: number): number {
  return (bytes + 15) & ~15
}

/** The kernels {@link wasmGemmFrom} made, which take `overwrite` (see `./overwrite.ts`), each with its batched form. @internal */
export const madeHere: WeakMap<object, WasmGemmBatch> = /* @__PURE__ */ new WeakMap<object, WasmGemmBatch>()

/** Zeros the `m × n` block of C at `offset` (rows `ldc` apart). */
function zero(c: Float32Array, offset: number, ldc: number, m: number, n: number): void {
  for (let i = 0; i < m; i++) c.fill(0, offset + i * ldc, offset + i * ldc + n)
}

/** Wraps an instance's exports as a {@link WasmGemmKernel} for Float32Array operands. */
function wasmGemmFrom(exports: GemmExports, shared: SharedMemory): WasmGemmKernel {
  const memory = shared.memory
  let heap = new Float32Array(memory.buffer)
  const kernel: WasmGemmKernel = (
    m,
    n,
    k,
    a,
    aOffset,
    ars,
    acs,
    b,
    bOffset,
    brs,
    bcs,
    c,
    cOffset,
    ldc,
    overwrite = false,
  ) => {
    if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) {
      throw new Error(
        `wasmGemm: operands must be Float32Array, got ${a.constructor.name}, ${b.constructor.name}, ${c.constructor.name}`,
      )
    }
    if (m === 0 || n === 0) return
    if (k === 0) {
      if (overwrite) zero(c, cOffset, ldc, m, n) // nothing to add: an overwritten C is the empty sum's zeros
      return
    }
    if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer)
    // an operand in the shared memory (an arena array) is used where it lies; the others are staged
    const buffer = heap.buffer
    const aHere = a.buffer === buffer
    const bHere = b.buffer === buffer
    const cHere = c.buffer === buffer
    const aLo = aHere ? 0 : spanLo(aOffset, m, ars, k, acs)
    const aHi = aHere ? 0 : spanHi(aOffset, m, ars, k, acs)
    const bLo = bHere ? 0 : spanLo(bOffset, k, brs, n, bcs)
    const bHi = bHere ? 0 : spanHi(bOffset, k, brs, n, bcs)
    const aBytes = align16((aHi - aLo) * 4)
    const bBytes = align16((bHi - bLo) * 4)
    const staged = aBytes + bBytes + (cHere ? 0 : m * n * 4)
    const base = staged === 0 ? 0 : stage(shared, staged)
    if (base < 0) {
      // past what the engine will give a 32-bit memory (4 GiB): the JavaScript kernel needs no copy
      if (overwrite) zero(c, cOffset, ldc, m, n)
      jsGemm(m, n, k, a, aOffset, ars, acs, b, bOffset, brs, bcs, c, cOffset, ldc)
      return
    }
    if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer) // staging grew it
    const aPtr = aHere ? a.byteOffset + aOffset * 4 : base + (aOffset - aLo) * 4
    const bPtr = bHere ? b.byteOffset + bOffset * 4 : base + aBytes + (bOffset - bLo) * 4
    const cPtr = cHere ? c.byteOffset + cOffset * 4 : base + aBytes + bBytes
    const c0 = cPtr >> 2
    if (!aHere) heap.set(a.subarray(aLo, aHi), base >> 2)
    if (!bHere) heap.set(b.subarray(bLo, bHi), (base + aBytes) >> 2)
    // an overwritten C's old values are masked out in the kernel: not copied in
    if (!cHere && !overwrite) {
      if (ldc === n) heap.set(c.subarray(cOffset, cOffset + m * n), c0)
      else for (let i = 0; i < m; i++) heap.set(c.subarray(cOffset + i * ldc, cOffset + i * ldc + n), c0 + i * n)
    }
    traffic.bytes += staged + (cHere || overwrite ? 0 : m * n * 4)

    exports.gemmBatch(1, 1, m, n, k, aPtr, ars, acs, 0, 0, bPtr, brs, bcs, 0, 0, cPtr, cHere ? ldc : n, 0, 0, overwrite)

    if (!cHere) {
      if (ldc === n) c.set(heap.subarray(c0, c0 + m * n), cOffset)
      else for (let i = 0; i < m; i++) c.set(heap.subarray(c0 + i * n, c0 + (i + 1) * n), cOffset + i * ldc)
    }
    if (staged !== 0) unstage(shared)
  }
  const batch: WasmGemmBatch = (
    outer,
    inner,
    m,
    n,
    k,
    a,
    ao,
    ars,
    acs,
    aOuter,
    aInner,
    b,
    bo,
    brs,
    bcs,
    bOuter,
    bInner,
    c,
    co,
    ldc,
    cOuter,
    cInner,
    overwrite,
  ) => {
    if (m === 0 || n === 0 || k === 0) return false
    if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer)
    const buffer = heap.buffer
    if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) return false
    if (a.buffer !== buffer || b.buffer !== buffer || c.buffer !== buffer) return false
    exports.gemmBatch(
      outer,
      inner,
      m,
      n,
      k,
      a.byteOffset + ao * 4,
      ars,
      acs,
      aOuter,
      aInner,
      b.byteOffset + bo * 4,
      brs,
      bcs,
      bOuter,
      bInner,
      c.byteOffset + co * 4,
      ldc,
      cOuter,
      cInner,
      overwrite,
    )
    return true
  }
  madeHere.set(kernel, batch)
  return kernel
}
