/**
 * `@gd/tensor/threads`: an opt-in float32 gemm that splits large products across worker threads,
 * each running the package's WebAssembly SIMD128 gemm on its share of C's rows (or columns), for
 * installing with `useKernels({ gemm })`. A subpath of its own, so that bundles which do not use
 * threads carry none of this.
 *
 * Splitting pays only for large products and only when another core is free: waking the workers
 * and copying the operands costs more than a small product saves, and a busy machine gains
 * nothing. Hence off by default, and a threshold. `pnpm bench --threads` measures it (the package
 * README's Threads section and apps/bench/RESULTS.md hold the numbers).
 * @module
 */
import { gemm as jsGemm } from './kernels/gemm/reference.js'
import { bestGemmWasm, loadWasmGemm, span, type WasmGemmKernel } from './kernels/gemm/wasm.js'
import { THREADS_MIN, wasmGemmPays } from './kernels/registry.js'
import { CONTROL } from './kernels/runtime/threadWorker.js'
import {
  canBlock,
  newPace,
  post,
  recordPace,
  reserve,
  settle,
  splitNext,
  spawnThreads,
  steal,
  stopThread,
  takenChunks,
  type Pace,
  type Thread,
} from './kernels/runtime/threadPool.js'
import { boolean, readOptions, withDefault, within, type Spec } from '@gd/check'

/** The part of the WebAssembly JS API used here (the package compiles without DOM types). */
declare const WebAssembly: { compile(bytes: Uint8Array): Promise<object> }

/**
 * Options of {@link threadedGemm}.
 *
 * @example
 * ```ts
 * import type { ThreadOptions } from '@gd/tensor/threads'
 * const options: ThreadOptions = { threads: 2, minMultiplyAdds: 512 ** 3 }
 * ```
 */
export interface ThreadOptions {
  /** Threads in all, the calling one included: an integer from 1 to 64. Default 2. */
  threads?: number
  /**
   * Products with fewer multiply-adds (m·n·k) than this run on the calling thread alone. Default
   * 2²⁴ ≈ 16.8 M (`THREADS_MIN` in the kernel registry: the MLP's 25.7 M products gain from a free
   * second core, much smaller ones lose even then; re-measure with `pnpm bench --threads`). From it,
   * `adaptive` decides per shape.
   */
  minMultiplyAdds?: number
  /**
   * Time each product shape from `minMultiplyAdds` both ways (split, and on the calling thread alone) and run
   * it the faster way (split only when 10% faster: it keeps both cores busy), checking the other way now and
   * then (after 8 calls, then less often while it stays slower, down to 1 call in 64, at once when it is
   * slower by a quarter) so that a change of load is seen: on a busy machine, where the other core is taken,
   * splitting loses and stops. The bits are the same either way. Default true; false splits every product
   * from `minMultiplyAdds`.
   */
  adaptive?: boolean
}

/**
 * A gemm kernel (the signature of `kernels.gemm`, plus an optional last argument `overwrite`: when true it
 * computes `C = A · B`, C's old values never reaching the result) that says how many threads it runs on.
 *
 * @example
 * ```ts
 * import { terminateThreads, threadedGemm, type ThreadedGemm } from '@gd/tensor/threads'
 * const gemm: ThreadedGemm = await threadedGemm()
 * gemm.threads // 2 in Node, 1 where there are no worker threads
 * await terminateThreads()
 * ```
 */
export interface ThreadedGemm extends ThreadedGemmCall {
  /** Threads in use, the calling one included: 1 when this engine has no threads (or after {@link terminateThreads}). */
  readonly threads: number
  /**
   * Results equal the default gemm's bit for bit, so convolutions keep their fused (one-thread)
   * Wasm kernels while this gemm is installed, instead of stepping aside as for other replacements.
   */
  readonly defaultEquivalent: true
  /**
   * For `matmul`, so that its results need no zero-fill with this gemm installed, as with the default: the
   * kernel that runs a float32 `m × n × k` product in overwrite mode (called with `overwrite` true it writes
   * every element of C's block whatever it held, with the bits of adding into zeros). That is this gemm
   * itself from `minMultiplyAdds` (split across the threads), the one-thread Wasm gemm below it (whose
   * batched form runs a stack of products in one call), and null where the product runs on the JavaScript
   * kernel, which only adds (under 512 multiply-adds, k = 0, no Wasm SIMD).
   */
  readonly overwriting: (m: number, n: number, k: number) => WasmGemmKernel | null
}
type ThreadedGemmCall = WasmGemmKernel

const DEFAULT_MIN = THREADS_MIN

/** The options' checks, in the order they are read. */
const SPEC = {
  threads: withDefault(within({ min: 1, max: 64, integer: true }), 2),
  minMultiplyAdds: withDefault(within({ min: 0 }), DEFAULT_MIN),
  adaptive: withDefault(boolean, true),
} satisfies Spec<ThreadOptions>

/**
 * Multiply-adds per millisecond a worker is assumed to do at least, to give a worker that has taken
 * up its part time to finish before it counts as lost: 10⁶ (1 GFLOP/s, far below what the Wasm gemm
 * does on one thread, see the matmul rows of apps/bench/RESULTS.md).
 */
const SLOWEST_RATE = 1e6

/**
 * Chunks a worker's band is cut into: 2. The worker takes them from the front and the calling thread,
 * once its own band is done, from the back, so a worker on a busy core does one chunk instead of
 * two. More chunks balance finer, but each chunk's call packs the unsplit operand again.
 */
const CHUNKS = 2

/** Worker sets started by {@link threadedGemm} and not yet terminated. */
const running = new Set<Thread[]>()

/** Stops a worker set and forgets it: kernels made with it run on one thread from then on. */
function drop(workers: Thread[]): void {
  running.delete(workers)
  for (const thread of workers) stopThread(thread)
}

/** Rounds up to a multiple of 4 floats (16 bytes, so the worker's v128 loads stay aligned as in one thread). */
function align4(floats: number): number {
  return (floats + 3) & ~3
}

/**
 * How an operand `X[i, j] = x[offset + i·rs + j·cs]` (rows × cols) travels to a worker: at `offset`
 * with strides `rs`, `cs` in `floats` floats that `copy` writes at `at`. Its whole span, unless the
 * span is mostly other elements (a band of a wider matrix: half of B's columns when C is cut by
 * columns, half of a transposed A's rows) and the operand's rows or columns are runs of at least
 * {@link RUN} floats: then only those runs, packed one after another in the same orientation.
 */
interface Placement {
  floats: number
  offset: number
  rs: number
  cs: number
  copy: (f: Float32Array, at: number) => void
}

/** The shortest contiguous run worth copying on its own (shorter ones go with the whole span). */
const RUN = 16

function placement(x: Float32Array, offset: number, rows: number, rs: number, cols: number, cs: number): Placement {
  const [lo, hi] = span(offset, rows, rs, cols, cs)
  const floats = rows * cols
  if (2 * (hi - lo) > 3 * floats) {
    if (cs === 1 && rs > 0 && cols >= RUN) {
      const copy = (f: Float32Array, at: number) => {
        for (let i = 0; i < rows; i++) f.set(x.subarray(offset + i * rs, offset + i * rs + cols), at + i * cols)
      }
      return { floats, offset: 0, rs: cols, cs: 1, copy }
    }
    if (rs === 1 && cs > 0 && rows >= RUN) {
      const copy = (f: Float32Array, at: number) => {
        for (let j = 0; j < cols; j++) f.set(x.subarray(offset + j * cs, offset + j * cs + rows), at + j * rows)
      }
      return { floats, offset: 0, rs: 1, cs: rows, copy }
    }
  }
  return { floats: hi - lo, offset: offset - lo, rs, cs, copy: (f, at) => f.set(x.subarray(lo, hi), at) }
}

/**
 * Copies a part's operands and C block (not C when `overwrite`: its old values are never read) into a
 * thread's data buffer and posts it; false when the buffer cannot hold them (the caller then runs that
 * part itself).
 */
function stage(
  thread: Thread,
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOffset: number,
  ars: number,
  acs: number,
  b: Float32Array,
  bOffset: number,
  brs: number,
  bcs: number,
  c: Float32Array,
  cOffset: number,
  ldc: number,
  chunk: number,
  byRows: boolean,
  chunks: number,
  overwrite: boolean,
): boolean {
  const pa = placement(a, aOffset, m, ars, k, acs)
  const pb = placement(b, bOffset, k, brs, n, bcs)
  const bAt = align4(pa.floats)
  const cAt = align4(bAt + pb.floats)
  const floats = cAt + m * n
  if (!reserve(thread, floats)) return false
  const f = new Float32Array(thread.data, 0, floats)
  pa.copy(f, 0)
  pb.copy(f, bAt)
  if (!overwrite) {
    for (let i = 0; i < m; i++) f.set(c.subarray(cOffset + i * ldc, cOffset + i * ldc + n), cAt + i * n)
  }
  const args = [m, n, k, pa.offset, pa.rs, pa.cs, bAt + pb.offset, pb.rs, pb.cs, cAt, n]
  post(thread, floats, args, chunk, byRows, chunks, overwrite)
  return true
}

/**
 * Copies a finished part's C block back from the thread's data buffer: the first `taken` rows (or
 * columns) of its band, the chunks the worker took (this thread made the others in place).
 */
function unstage(
  thread: Thread,
  m: number,
  n: number,
  c: Float32Array,
  cOffset: number,
  ldc: number,
  byRows: boolean,
  taken: number,
): void {
  const floats = thread.control[CONTROL.floats]!
  const f = new Float32Array(thread.data, 0, floats)
  const cAt = floats - m * n
  const rows = byRows ? taken : m
  const cols = byRows ? n : taken
  for (let i = 0; i < rows; i++) c.set(f.subarray(cAt + i * n, cAt + i * n + cols), cOffset + i * ldc)
}

/**
 * Loads a gemm that runs float32 products of at least `minMultiplyAdds` multiply-adds on
 * `threads` threads: C's rows (or its columns, when it is wider than tall) are cut into one band
 * per thread, in multiples of the Wasm kernel's 4-row (8-column) tile; worker threads take the
 * first bands and the calling thread the last, each on its own instance of the same compiled
 * module (so each has its own workspace). Each element of C is summed in the same order as on one
 * thread, so results equal the one-thread Wasm gemm's bit for bit. Smaller or non-float32 products
 * run as the default kernel runs them (one-thread Wasm, or JavaScript for tiny or float64 ones).
 * Whether a product is split at all is learnt per shape (`adaptive`, the default): the kernel times each
 * shape split and on the calling thread alone, runs it the faster way (split only when that is 10% faster,
 * since it keeps both cores busy), and checks the other way now and then (8 calls after a change, then
 * every 16, 32, up to 64 calls while it stays slower; 64 at once when it is slower by a quarter), so that
 * where the other core is busy (and a split only adds its copies) it stops splitting within a few calls,
 * and starts again at the next check once the core is free.
 *
 * `matmul` keeps every fast path it has with the default gemm: through the kernel's `overwriting` entry
 * it writes each product over an unfilled result (`C = A · B`, no zero-fill, and C's block is then
 * not staged for the workers), and runs a stack of products below `minMultiplyAdds` in one call.
 *
 * Operands reach the workers through SharedArrayBuffers (copied in and C's block copied out on
 * every call, all counted in the measurements above; of the operand that is cut, only the band's
 * rows or columns). Each worker's band is cut into two chunks: the worker takes them from the
 * front, and the calling thread, once its own band is done, takes those left from the back, so a
 * worker slowed by a busy core holds the product up by at most one chunk. The calling thread then
 * sleeps in `Atomics.wait` until the worker has finished what it took, or spins on a browser's main
 * thread, where waiting is forbidden.
 *
 * Threads are Node's `worker_threads` (unref'ed: they never keep a process alive) or, in a browser,
 * Workers from a Blob URL when the page is cross-origin isolated. Where there are none (or no
 * growable SharedArrayBuffer, or no Wasm SIMD), the kernel silently runs on one thread and says so
 * in `.threads`. Install it with `useKernels`; stop the workers with {@link terminateThreads}.
 * `useWasm(false)` does not reach it: restore the default gemm first. Call `await initWasm()`
 * before installing it: the Wasm elementwise and optimizer kernels load with the default gemm's
 * first product, which a program running this kernel never makes.
 *
 * A worker that dies, is terminated or hangs never blocks a product: the calling thread waits in
 * slices with a deadline (1 s for a worker to take up its part, plus the part's multiply-adds at
 * 1 GFLOP/s to finish it). A worker found lost during a product makes that call throw, with C
 * left as it was, when it adds into C; in overwrite mode (matmul's) C held nothing to keep, so the
 * calling thread makes the chunks the worker took and the product is whole. One found exited before a
 * product (its exit event seen) is dropped quietly. Either way the kernel stops all its workers and
 * falls back to one thread for good (`.threads` becomes 1; results are the same bit for bit); call
 * `threadedGemm` again for new threads.
 *
 * @throws Error `threadedGemm: threads must be an integer in [1, 64], got 0`, likewise for
 *   `minMultiplyAdds`, `threadedGemm: adaptive must be a boolean, got 1`, `threadedGemm: unknown option
 *   thread, expected one of threads, minMultiplyAdds, adaptive; did you mean threads?`, and (from the
 *   kernel) `threadedGemm: a worker thread stopped answering …` when a worker is lost during a product
 *   that adds into C.
 * @example
 * ```ts
 * import { initWasm, matmul, ones, useKernels } from '@gd/tensor'
 * import { terminateThreads, threadedGemm } from '@gd/tensor/threads'
 * await initWasm()
 * const gemm = await threadedGemm({ threads: 2 })
 * gemm.threads // 2 in Node
 * const restore = useKernels({ gemm })
 * matmul(ones([1024, 1024]), ones([1024, 1024])) // every element 1024, computed on 2 threads
 * restore()
 * await terminateThreads()
 * ```
 */
export async function threadedGemm(options?: ThreadOptions): Promise<ThreadedGemm> {
  const { threads, minMultiplyAdds: min, adaptive } = readOptions('threadedGemm', options, SPEC)
  const one = await loadWasmGemm()
  const single: ThreadedGemmCall = (
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
    if (
      one !== null &&
      a instanceof Float32Array &&
      b instanceof Float32Array &&
      c instanceof Float32Array &&
      wasmGemmPays(m, n, k)
    ) {
      one(m, n, k, a, aOffset, ars, acs, b, bOffset, brs, bcs, c, cOffset, ldc, overwrite)
    } else {
      // the JavaScript kernel only adds: an overwritten C starts from zeros
      if (overwrite) for (let i = 0; i < m; i++) c.fill(0, cOffset + i * ldc, cOffset + i * ldc + n)
      jsGemm(m, n, k, a, aOffset, ars, acs, b, bOffset, brs, bcs, c, cOffset, ldc)
    }
  }
  // the one-thread overwrite entry: the Wasm gemm where `single` runs it, else none
  const alone = (m: number, n: number, k: number): WasmGemmKernel | null =>
    one !== null && k > 0 && wasmGemmPays(m, n, k) ? one : null
  const best = bestGemmWasm()
  let pool: Thread[] | null = null
  if (one !== null && best !== null && threads > 1) {
    try {
      pool = await spawnThreads(threads - 1, await WebAssembly.compile(best.bytes))
    } catch {
      pool = null
    }
  }
  if (one === null || pool === null) {
    return Object.assign(single, { threads: 1, defaultEquivalent: true as const, overwriting: alone })
  }
  const wasm = one
  const workers = pool
  running.add(workers)
  const block = canBlock()
  // what each product shape has cost split and alone (a training loop repeats a few shapes)
  const paces = new Map<string, Pace>()

  const kernel: ThreadedGemmCall = (
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
    if (
      !(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array) ||
      m * n * k < min ||
      !wasmGemmPays(m, n, k) ||
      !running.has(workers)
    ) {
      return single(m, n, k, a, aOffset, ars, acs, b, bOffset, brs, bcs, c, cOffset, ldc, overwrite)
    }
    // a worker seen to exit since the last call: nothing posted yet, so go on with one thread
    if (workers.some((t) => t.dead)) {
      drop(workers)
      return single(m, n, k, a, aOffset, ars, acs, b, bOffset, brs, bcs, c, cOffset, ldc, overwrite)
    }
    let pace: Pace | undefined
    if (adaptive) {
      const key = `${m} ${n} ${k}`
      pace = paces.get(key)
      if (pace === undefined) {
        if (paces.size >= 64) paces.clear()
        pace = newPace()
        paces.set(key, pace)
      }
    }
    const started = performance.now()
    if (pace !== undefined && !splitNext(pace)) {
      wasm(m, n, k, a, aOffset, ars, acs, b, bOffset, brs, bcs, c, cOffset, ldc, overwrite)
      recordPace(pace, false, performance.now() - started)
      return
    }
    const byRows = m >= n
    const extent = byRows ? m : n
    const tile = byRows ? 4 : 8
    const band = Math.ceil(extent / (workers.length + 1) / tile) * tile
    // sub-problem of band [lo, hi): its sizes and where A, B and C start
    const part = (lo: number, hi: number) =>
      byRows
        ? { m: hi - lo, n, a: aOffset + lo * ars, b: bOffset, c: cOffset + lo * ldc }
        : { m, n: hi - lo, a: aOffset, b: bOffset + lo * bcs, c: cOffset + lo }
    // a worker's band is cut into CHUNKS chunks, which it takes from the front while this thread,
    // done with its own band, takes them from the back: a worker slowed by a busy core does less
    const chunk = Math.ceil(band / CHUNKS / tile) * tile
    const posted: { thread: Thread; start: number; p: ReturnType<typeof part> }[] = []
    const local: ReturnType<typeof part>[] = []
    let lo = 0
    for (const thread of workers) {
      if (lo >= extent) break
      const p = part(lo, Math.min(extent, lo + band))
      const chunks = Math.ceil((byRows ? p.m : p.n) / chunk)
      if (
        stage(thread, p.m, p.n, k, a, p.a, ars, acs, b, p.b, brs, bcs, c, p.c, ldc, chunk, byRows, chunks, overwrite)
      ) {
        posted.push({ thread, start: lo, p })
      } else {
        local.push(p)
      }
      lo += band
    }
    if (lo < extent) local.push(part(lo, extent))
    // the parts of C this thread writes, as they were, to put back if a worker is lost (in overwrite
    // mode there is nothing to put back: C's old values were never part of the product)
    const saved: { at: number; rows: Float32Array[] }[] = []
    const run = (q: ReturnType<typeof part>) => {
      if (!overwrite) {
        const rows: Float32Array[] = []
        for (let i = 0; i < q.m; i++) rows.push(c.slice(q.c + i * ldc, q.c + i * ldc + q.n))
        saved.push({ at: q.c, rows })
      }
      wasm(q.m, q.n, k, a, q.a, ars, acs, b, q.b, brs, bcs, c, q.c, ldc, overwrite)
    }
    // every band runs on the Wasm kernel, even one too small to pay alone, so that results never
    // depend on how the product was cut
    for (const p of local) run(p)
    for (const { thread, start, p } of posted) {
      const end = start + (byRows ? p.m : p.n)
      for (let j = steal(thread); j >= 0; j = steal(thread)) {
        run(part(start + j * chunk, Math.min(end, start + (j + 1) * chunk)))
      }
    }
    const states = posted.map(({ thread, p }) => settle(thread, block, (p.m * p.n * k) / SLOWEST_RATE))
    // a lost worker never wrote C (this thread copies its chunks out), so in overwrite mode this thread
    // makes the chunks it took, as for a failed one below, and the product is whole; adding into C, the
    // call throws with C as it was instead
    if (overwrite && states.includes('lost')) drop(workers)
    else if (states.includes('lost')) {
      for (const { at, rows } of saved) rows.forEach((row, i) => c.set(row, at + i * ldc))
      drop(workers)
      throw new Error(
        'threadedGemm: a worker thread stopped answering (it died, was terminated or hangs); the product was not ' +
          'made and C is unchanged; this kernel runs on one thread from now on',
      )
    }
    posted.forEach(({ thread, start, p }, j) => {
      // the chunks the worker took: [0, taken)
      const taken = Math.min(byRows ? p.m : p.n, takenChunks(thread) * chunk)
      if (states[j] === 'done') unstage(thread, p.m, p.n, c, p.c, ldc, byRows, taken)
      else if (taken > 0) {
        // the worker could not finish (its memory could not grow) or was lost: this thread makes its chunks
        const q = part(start, start + taken)
        wasm(q.m, q.n, k, a, q.a, ars, acs, b, q.b, brs, bcs, c, q.c, ldc, overwrite)
      }
    })
    if (pace !== undefined) recordPace(pace, true, performance.now() - started)
  }
  // from `min` this gemm itself (checked again per call: it runs on one thread once its workers are gone)
  const overwriting = (m: number, n: number, k: number): WasmGemmKernel | null =>
    m * n * k >= min && running.has(workers) ? alone(m, n, k) && kernel : alone(m, n, k)
  return Object.defineProperties(kernel, {
    threads: { get: () => (running.has(workers) ? workers.length + 1 : 1) },
    defaultEquivalent: { value: true },
    overwriting: { value: overwriting },
  }) as ThreadedGemm
}

/**
 * Stops every worker thread started by {@link threadedGemm}. Kernels made before keep working, on
 * one thread. Node needs no call to exit (the workers never keep it alive); call it to free the
 * threads and their memory sooner, or in a browser when done.
 *
 * @example
 * ```ts
 * import { terminateThreads, threadedGemm } from '@gd/tensor/threads'
 * const gemm = await threadedGemm()
 * await terminateThreads()
 * gemm.threads // 1
 * ```
 */
export async function terminateThreads(): Promise<void> {
  for (const workers of running) drop(workers)
}
