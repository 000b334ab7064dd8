/**
 * The source of a gemm worker thread, as a string: Node runs it with `new Worker(source, { eval:
 * true })`, browsers from a Blob URL, so there is no file to locate and no bundler plugin to set up.
 * A plain string, not a function's `toString()`, so that no bundler can rewrite it to depend on
 * helpers outside it.
 *
 * The worker receives `{ module, control, data }` in its first message: the compiled gemm module
 * (each thread instantiates it on a private memory of its own, shaped like the shared one of
 * `memory.ts` so the module's region is where the build put it; the worker copies operands in
 * after the module's panels and grows that memory freely, since nothing else lives in it), an `Int32Array`-sized
 * SharedArrayBuffer for the handshake, and a growable SharedArrayBuffer through which operands
 * travel. It answers `0` once ready, then sleeps in `Atomics.wait` until the calling thread posts a
 * job (see `threadPool.ts` for the layout of `control`), copies the job's floats into its memory
 * (all but C's block when the job overwrites C), runs the gemm, copies the block of C back, and wakes
 * the caller. A negative job number ends it.
 * @module
 */
import { INITIAL_PAGES } from './layout.generated.js'

/**
 * Control slots: job number, done number, floats to copy in, failure flag, the gemm's arguments,
 * the number of the job the worker has taken up (so the caller can tell a busy worker from a dead
 * one), and how C is cut into chunks: the chunks not yet taken (`range`: the next from the front in
 * the low 16 bits, one past the last in the high ones), their size in rows or columns (`chunk`),
 * whether they are rows (`byRows`), and whether the job computes `C = A · B` rather than `C += A · B`
 * (`overwrite`).
 *
 * @example
 * ```ts
 * // fragment: control is a thread's handshake array (see threadPool.ts)
 * Atomics.load(control, CONTROL.done) // the number of the last job the worker finished
 * ```
 */
export const CONTROL = {
  job: 0,
  done: 1,
  floats: 2,
  failed: 3,
  args: 4,
  taken: 15,
  range: 16,
  chunk: 17,
  byRows: 18,
  overwrite: 19,
} as const

/**
 * Int32 slots in the control buffer (the 11 gemm arguments start at {@link CONTROL}.args; all 20 used).
 *
 * @example
 * ```ts
 * import { CONTROL_SLOTS } from './threadWorker.js'
 * const control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4))
 * ```
 */
export const CONTROL_SLOTS = 20

/**
 * The worker's code. Job arguments, in control slots 4–14: `m n k a ars acs b brs bcs c ldc`,
 * with `a`, `b` and `c` float offsets into the data buffer, whose first `floats` floats the worker
 * copies into its memory at `workspaceEnd()` (only the first `c` when slot 19, `overwrite`, is 1: C's
 * old values are not read then). It then takes C's chunks from the front of `range` (slot 16) one by
 * one, running the module's `gemmBatch` on each (one product, adding into C or overwriting it), until
 * none is left (the calling thread takes them from the back), and copies C's block back.
 *
 * @example
 * ```ts
 * // fragment: what spawnThreads in threadPool.ts does with it
 * new Worker(workerSource, { eval: true }) // Node's worker_threads
 * ```
 */
export const workerSource = `'use strict'
const port = typeof require === 'function' ? require('node:worker_threads').parentPort : null
function start({ module, control, data }) {
  const memory = new WebAssembly.Memory({ initial: ${INITIAL_PAGES} })
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports
  const base = exports.workspaceEnd()
  const I = new Int32Array(control)
  let job = 0
  if (port) port.postMessage(0)
  else self.postMessage(0)
  for (;;) {
    Atomics.wait(I, 0, job)
    job = Atomics.load(I, 0)
    if (job < 0) return
    Atomics.store(I, 15, job)
    let failed = 0
    try {
      const floats = I[2]
      const [m, n, k, a, ars, acs, b, brs, bcs, c, ldc] = I.subarray(4, 15)
      const chunk = I[17]
      const byRows = I[18] === 1
      const overwrite = I[19] === 1
      const extent = byRows ? m : n
      const bytes = base + floats * 4
      if (bytes > memory.buffer.byteLength) {
        memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536))
      }
      const heap = new Float32Array(memory.buffer)
      const shared = new Float32Array(data, 0, floats)
      heap.set(overwrite ? shared.subarray(0, c) : shared, base >> 2)
      for (;;) {
        const r = Atomics.load(I, 16)
        const lo = r & 0xffff
        if (lo >= r >>> 16) break
        if (Atomics.compareExchange(I, 16, r, r + 1) !== r) continue
        const s = lo * chunk
        const e = Math.min(extent, s + chunk)
        const [rows, cols] = byRows ? [e - s, n] : [m, e - s]
        const aAt = base + (byRows ? a + s * ars : a) * 4
        const bAt = base + (byRows ? b : b + s * bcs) * 4
        const cAt = base + (byRows ? c + s * ldc : c + s) * 4
        exports.gemmBatch(1, 1, rows, cols, k, aAt, ars, acs, 0, 0, bAt, brs, bcs, 0, 0, cAt, ldc, 0, 0, overwrite)
      }
      shared.set(heap.subarray((base >> 2) + c, (base >> 2) + c + m * ldc), c)
    } catch {
      failed = 1
    }
    I[3] = failed
    Atomics.store(I, 1, job)
    Atomics.notify(I, 1)
  }
}
if (port) port.once('message', start)
else self.onmessage = (event) => start(event.data)
`
