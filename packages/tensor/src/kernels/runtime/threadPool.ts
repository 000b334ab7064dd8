/**
 * Worker threads for the threaded gemm (`../../threads.ts`): starting them where the engine has
 * threads and shared memory (Node's `worker_threads`; a browser's `Worker` when the page is
 * cross-origin isolated), handing each a job through a SharedArrayBuffer and waiting for it.
 * Nothing here is imported statically from Node, so browser bundles stay buildable.
 * @module
 */
import { CONTROL, CONTROL_SLOTS, workerSource } from './threadWorker.js'

/** The largest operand buffer a worker may grow to (bytes): 1 GiB, reserved as address space only. */
const MAX_DATA_BYTES = 1 << 30

/**
 * One worker and the two buffers it shares with the calling thread.
 *
 * @example
 * ```ts
 * // fragment: module is a compiled kernel module (see threads.ts)
 * const [thread] = (await spawnThreads(1, module))!
 * thread.job // 0: no job posted yet
 * ```
 */
export interface Thread {
  /** The handshake slots (see `CONTROL` in `threadWorker.ts`). */
  readonly control: Int32Array<SharedArrayBuffer>
  /** Operands travel through here; grown (never shrunk) by the calling thread before a job. */
  readonly data: GrowableShared
  /** Number of the last job posted. */
  job: number
  /** Ends the worker. */
  terminate(): void
  /** Set once the worker has exited or failed (seen when the event loop has run since). */
  dead: boolean
}

/** Every thread started and not yet stopped (tests reach workers through it to kill them). @internal */
export const liveThreads = new Set<Thread>()

/**
 * A growable SharedArrayBuffer (ES2024), declared here because the package compiles against ES2022.
 *
 * @example
 * ```ts
 * // fragment: ES2024 code; under ES2022 (the package's target) SharedArrayBuffer takes no options
 * const data = new SharedArrayBuffer(0, { maxByteLength: 1 << 20 }) as GrowableShared
 * data.grow(4096)
 * ```
 */
export interface GrowableShared extends SharedArrayBuffer {
  readonly maxByteLength: number
  grow(byteLength: number): void
}

/** The few properties of Node's `worker_threads` Worker and a browser Worker used here. */
interface NodeWorker {
  unref(): void
  once(event: 'message' | 'error' | 'exit', listener: () => void): void
  on(event: 'error' | 'exit', listener: () => void): void
  postMessage(message: unknown): void
  terminate(): unknown
}
interface BrowserWorker {
  onmessage: (() => void) | null
  onerror: (() => void) | null
  addEventListener(type: 'error', listener: () => void): void
  postMessage(message: unknown): void
  terminate(): void
}
type NodeWorkerThreads = { Worker: new (source: string, options: { eval: true }) => NodeWorker }
type BrowserGlobals = {
  Worker?: new (url: string) => BrowserWorker
  crossOriginIsolated?: boolean
  URL: { createObjectURL(blob: Blob): string; revokeObjectURL(url: string): void }
}
type NodeProcess = { versions?: { node?: string }; getBuiltinModule?: (name: string) => unknown }

/** Whether this engine has growable SharedArrayBuffers and Atomics (else: no threads). */
function sharedMemory(): boolean {
  return (
    typeof SharedArrayBuffer === 'function' &&
    typeof Atomics === 'object' &&
    typeof (SharedArrayBuffer.prototype as Partial<GrowableShared>).grow === 'function'
  )
}

/**
 * Whether the calling thread may block in `Atomics.wait` (Node's main thread and workers may; a
 * browser's main thread may not, and spins on `Atomics.load` instead).
 *
 * @example
 * ```ts
 * import { canBlock } from './threadPool.js'
 * canBlock() // true in Node
 * ```
 */
export function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0)
    return true
  } catch {
    return false
  }
}

/** Node's `worker_threads`, without a static import (`process.getBuiltinModule` from Node 20.16, else a dynamic import); null elsewhere. */
async function nodeWorkerThreads(): Promise<NodeWorkerThreads | null> {
  const proc = (globalThis as { process?: NodeProcess }).process
  if (typeof proc?.versions?.node !== 'string') return null
  const name = 'node:worker_threads'
  try {
    const builtin = proc.getBuiltinModule?.(name)
    return (builtin ?? (await import(/* @vite-ignore */ /* webpackIgnore: true */ name))) as NodeWorkerThreads
  } catch {
    return null
  }
}

/** Starts one worker; resolves to its terminate function once it is ready, or null if it could not start. */
async function startWorker(
  module: object,
  control: SharedArrayBuffer,
  data: GrowableShared,
  died: () => void,
): Promise<(() => void) | null> {
  const init = { module, control, data }
  const threads = await nodeWorkerThreads()
  if (threads !== null) {
    const worker = new threads.Worker(workerSource, { eval: true })
    // a sleeping worker must not keep the process alive once the program is done
    worker.unref()
    const ok = await new Promise<boolean>((resolve) => {
      worker.once('message', () => resolve(true))
      worker.once('error', () => resolve(false))
      worker.once('exit', () => resolve(false))
      worker.postMessage(init)
    })
    if (!ok) void worker.terminate()
    worker.on('exit', died)
    worker.on('error', died)
    return ok ? () => void worker.terminate() : null
  }
  const web = globalThis as unknown as BrowserGlobals
  if (typeof web.Worker !== 'function' || web.crossOriginIsolated !== true) return null
  const url = web.URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }))
  try {
    const worker = new web.Worker(url)
    const ok = await new Promise<boolean>((resolve) => {
      worker.onmessage = () => resolve(true)
      worker.onerror = () => resolve(false)
      worker.postMessage(init)
    })
    worker.onmessage = worker.onerror = null
    worker.addEventListener('error', died)
    if (!ok) worker.terminate()
    return ok ? () => worker.terminate() : null
  } finally {
    web.URL.revokeObjectURL(url)
  }
}

/**
 * Starts `count` workers running the compiled gemm `module`; resolves to them, or to null when
 * this engine has no threads or shared memory, or any worker fails to start (then none is left
 * running).
 *
 * @example
 * ```ts
 * // fragment: bytes are a kernel module with shared memory (see threads.ts)
 * const threads = await spawnThreads(1, await WebAssembly.compile(bytes)) // [Thread] in Node
 * ```
 */
export async function spawnThreads(count: number, module: object): Promise<Thread[] | null> {
  if (!sharedMemory()) return null
  const made = await Promise.all(
    Array.from({ length: count }, async (): Promise<Thread | null> => {
      try {
        const control = new SharedArrayBuffer(CONTROL_SLOTS * 4)
        const data = new (
          SharedArrayBuffer as unknown as new (bytes: number, options: { maxByteLength: number }) => GrowableShared
        )(0, { maxByteLength: MAX_DATA_BYTES })
        const box: { thread?: Thread } = {}
        const terminate = await startWorker(module, control, data, () => {
          if (box.thread) box.thread.dead = true
        })
        if (terminate === null) return null
        box.thread = { control: new Int32Array(control), data, job: 0, terminate, dead: false }
        liveThreads.add(box.thread)
        return box.thread
      } catch {
        return null
      }
    }),
  )
  const started = made.filter((t): t is Thread => t !== null)
  if (started.length === count) return started
  for (const t of started) stopThread(t)
  return null
}

/**
 * Makes room for `floats` floats in a thread's data buffer; false when it cannot (past the 1 GiB
 * the buffer may grow to).
 *
 * @example
 * ```ts
 * // fragment: thread comes from spawnThreads
 * reserve(thread, 1 << 20) // true
 * ```
 */
export function reserve(thread: Thread, floats: number): boolean {
  const bytes = floats * 4
  if (bytes <= thread.data.byteLength) return true
  if (bytes > thread.data.maxByteLength) return false
  try {
    thread.data.grow(bytes)
    return true
  } catch {
    return false
  }
}

/**
 * Posts a job whose floats (the first `floats` of the data buffer) and arguments (`m n k a ars
 * acs b brs bcs c ldc`, offsets in floats) are in place, and wakes the worker. The job's C is cut
 * into `chunks` chunks of `chunk` rows (`byRows`) or columns, which the worker takes from the front
 * and the calling thread with {@link steal} from the back. With `overwrite` the worker computes
 * `C = A · B` (C's block, last in the buffer, is then neither staged nor copied in), else `C += A · B`.
 *
 * @example
 * ```ts
 * // fragment: inside threads.ts, with a thread from spawnThreads and the operands in place
 * post(thread, floats, [m, n, k, a, ars, acs, b, brs, bcs, c, n], 32, true, 2, false)
 * ```
 */
export function post(
  thread: Thread,
  floats: number,
  args: readonly number[],
  chunk: number,
  byRows: boolean,
  chunks: number,
  overwrite: boolean,
): void {
  const I = thread.control
  I[CONTROL.floats] = floats
  I.set(args, CONTROL.args)
  I[CONTROL.chunk] = chunk
  I[CONTROL.byRows] = byRows ? 1 : 0
  I[CONTROL.overwrite] = overwrite ? 1 : 0
  Atomics.store(I, CONTROL.range, chunks << 16)
  thread.job++
  Atomics.store(I, CONTROL.job, thread.job)
  Atomics.notify(I, CONTROL.job)
}

/**
 * Takes the last chunk of a posted job that the worker has not taken: its index, or -1 when none
 * is left. The range slot holds the next chunk from the front in its low 16 bits and one past the
 * last from the back in its high ones; each side moves its end with a compare-and-swap.
 *
 * @example
 * ```ts
 * // fragment: inside threads.ts, after post
 * for (let j = steal(thread); j >= 0; j = steal(thread)) runChunkHere(j)
 * ```
 */
export function steal(thread: Thread): number {
  const I = thread.control
  for (;;) {
    const r = Atomics.load(I, CONTROL.range)
    const lo = r & 0xffff
    const hi = r >>> 16
    if (lo >= hi) return -1
    if (Atomics.compareExchange(I, CONTROL.range, r, lo | ((hi - 1) << 16)) === r) return hi - 1
  }
}

/**
 * How many chunks of its last job the worker took (from the front: chunks `[0, count)`), once
 * {@link settle} has said it is done or failed.
 *
 * @example
 * ```ts
 * // fragment: inside threads.ts, after settle
 * takenChunks(thread) // 1 when this thread took the other chunk of two
 * ```
 */
export function takenChunks(thread: Thread): number {
  return Atomics.load(thread.control, CONTROL.range) & 0xffff
}

/**
 * How long a worker may take to take up a posted job before it counts as lost (dead, terminated or
 * hung): 1 s. Once it has taken the job, it also gets {@link settle}'s `workMs`.
 */
export const ANSWER_MS = 1000

/**
 * How long {@link settle} spins on the done slot before it sleeps: 0.25 ms. The calling thread reaches it
 * once its own band is done, typically a few tens of µs before the worker, which started later (it was
 * woken, then copied its operands in); waking from `Atomics.wait` costs about as much again, on the
 * critical path. Spinning took the MLP's two 25.7 M products split from 1.58–1.64 to 1.51–1.54 ms (medians
 * of 25 rounds, the other core free).
 */
const SPIN_MS = 0.25

/**
 * Waits until a thread has finished its last job: `'done'`; `'failed'` when the worker could not run
 * it (e.g. its memory could not grow: the caller should do that part itself); `'lost'` when the
 * worker did not take the job up within {@link ANSWER_MS}, or did not finish it within `ANSWER_MS +
 * workMs` (it died, was terminated or hangs: it will never answer). Spins for {@link SPIN_MS} first, then
 * sleeps in `Atomics.wait` in slices of 50 ms where the thread may block, else spins.
 *
 * @example
 * ```ts
 * // fragment: inside threads.ts, after post
 * const state = settle(thread, canBlock(), 200)
 * if (state === 'failed') runOnThisThread()
 * ```
 */
export function settle(thread: Thread, block: boolean, workMs: number): 'done' | 'failed' | 'lost' {
  const I = thread.control
  const start = Date.now()
  const spinUntil = performance.now() + SPIN_MS
  while (Atomics.load(I, CONTROL.done) !== thread.job && performance.now() < spinUntil) {
    // the worker is usually a few tens of µs from done: waking from a wait would cost as much again
  }
  for (;;) {
    const done = Atomics.load(I, CONTROL.done)
    if (done === thread.job) break
    const waited = Date.now() - start
    const taken = Atomics.load(I, CONTROL.taken) === thread.job
    if (thread.dead || waited > (taken ? ANSWER_MS + workMs : ANSWER_MS)) return 'lost'
    if (block) Atomics.wait(I, CONTROL.done, done, 50)
  }
  return I[CONTROL.failed] === 0 ? 'done' : 'failed'
}

/**
 * Ends a worker: tells its loop to return, then terminates it.
 *
 * @example
 * ```ts
 * // fragment: thread comes from spawnThreads
 * stopThread(thread)
 * ```
 */
export function stopThread(thread: Thread): void {
  liveThreads.delete(thread)
  thread.dead = true
  Atomics.store(thread.control, CONTROL.job, -1)
  Atomics.notify(thread.control, CONTROL.job)
  thread.terminate()
}

/**
 * What a threaded kernel has learnt of one product shape: how long it took split across the threads and on
 * the calling thread alone (milliseconds, smoothed by {@link recordPace}) and from how many calls each, the
 * calls {@link splitNext} has seen, and when it next runs the slower way to check it is still slower
 * (`due`, every `period` calls). Make one with {@link newPace}.
 *
 * @example
 * ```ts
 * import { newPace, type Pace } from './threadPool.js'
 * const pace: Pace = newPace()
 * ```
 */
export interface Pace {
  split: number
  alone: number
  splits: number
  alones: number
  calls: number
  due: number
  period: number
  /** Whether the call in flight runs the slower way (a check). */
  checking: boolean
}

/**
 * How often a shape runs the way that looked slower, to notice a change in load (a second core taken or
 * freed): every 8th call at first; each check that finds it still slower doubles the period, up to every
 * 64th call (at once when it is slower by a quarter or more: a 1024³ product alone costs 23 ms more than
 * split), and one that finds it faster switches ways and goes back to every 8th. So under a steady load
 * the slower way costs 1 call in 64, and a change is seen within 64 calls.
 */
export const EXPLORE = 8
/** The longest period between checks of the slower way (see {@link EXPLORE}). */
export const EXPLORE_MAX = 64

/**
 * How much faster splitting must have been to be chosen: by 10% (`split · 1.1 ≤ alone`). A split keeps both
 * cores busy, so a gain within the timings' noise is not worth it, and on a loaded machine, where the
 * timings of both ways wander, the margin keeps a shape from switching back and forth.
 */
export const SPLIT_MARGIN = 1.1

/** Whether a shape's estimates say split (see {@link SPLIT_MARGIN}). */
function splitWins(pace: Pace): boolean {
  return pace.split * SPLIT_MARGIN <= pace.alone
}

/**
 * A shape's {@link Pace} before its first call.
 *
 * @example
 * ```ts
 * import { newPace } from './threadPool.js'
 * newPace().period // 8
 * ```
 */
export function newPace(): Pace {
  return {
    split: Number.NaN,
    alone: Number.NaN,
    splits: 0,
    alones: 0,
    calls: 0,
    due: 0,
    period: EXPLORE,
    checking: false,
  }
}

/**
 * Whether the next call of a shape should split: the first two split (the first pays for a worker's
 * memory growing and cold caches) and the third runs alone, then the faster so far (splitting only if
 * faster by {@link SPLIT_MARGIN}), except when a check of the other way is due. Counts the call.
 *
 * @example
 * ```ts
 * import { newPace, splitNext } from './threadPool.js'
 * splitNext(newPace()) // true: the first calls split
 * ```
 */
export function splitNext(pace: Pace): boolean {
  pace.calls++
  if (pace.splits < 2) return true
  if (pace.alones < 1) return false
  const faster = splitWins(pace)
  if (pace.due === 0) pace.due = pace.calls + pace.period
  pace.checking = pace.calls >= pace.due
  return pace.checking ? !faster : faster
}

/**
 * Adds a call's time (ms) to a shape's estimate for the way it ran: the first calls as they are (a split's
 * second replacing its first), then a quarter of the way from the estimate towards the time, a
 * slow outlier (a collection, a preempted thread) counted as at most 1.5 times the estimate, so that it
 * takes about four slow calls in a row to switch ways, not one; a check of the slower way that
 * comes in under its estimate replaces it (the load has changed: one check is enough to switch back).
 * After a check, the next is twice as far off if that way is still slower ({@link EXPLORE_MAX} calls if
 * slower by a quarter or more), or {@link EXPLORE} calls off if it has won; so it is too when the faster
 * way changes between checks.
 *
 * @example
 * ```ts
 * import { newPace, recordPace } from './threadPool.js'
 * const pace = { ...newPace(), split: 1, splits: 2 }
 * recordPace(pace, true, 9) // pace.split: 1.125 (9 counts as 1.5)
 * ```
 */
export function recordPace(pace: Pace, split: boolean, ms: number): void {
  const old = split ? pace.split : pace.alone
  const seen = split ? pace.splits++ : pace.alones++
  const splitWasFaster = splitWins(pace)
  const next = seen < (split ? 2 : 1) || (pace.checking && ms < old) ? ms : old + 0.25 * (Math.min(ms, 1.5 * old) - old)
  if (split) pace.split = next
  else pace.alone = next
  const splitIsFaster = splitWins(pace)
  if (pace.checking) {
    pace.checking = false
    const [mine, other] = split ? [pace.split, pace.alone] : [pace.alone, pace.split]
    const far = mine >= 1.25 * other ? EXPLORE_MAX : 2 * pace.period
    pace.period = splitIsFaster !== split ? Math.min(far, EXPLORE_MAX) : EXPLORE
    pace.due = pace.calls + pace.period
  } else if (seen >= (split ? 2 : 1) && splitIsFaster !== splitWasFaster) {
    pace.period = EXPLORE
    pace.due = pace.calls + EXPLORE
  }
}
