import { GCProfiler, getHeapSpaceStatistics } from 'node:v8'

/** How a long loop is watched. */
export interface SamplerOptions {
  /** Steps before the measurement starts (compilation, pools and the optimizer state filling). */
  warmup: number
  /** The resident set size is read, and the GC account collected, every this many steps. */
  every: number
  /** Told each RSS reading after the warm-up: the steps measured so far and the bytes (for a progress line). */
  onReading?: (steps: number, rss: number) => void
}

/** What a long loop did to the process's memory and time, measured after its warm-up. */
export interface LoopMeasure {
  /** Steps measured (after the warm-up). */
  steps: number
  /** Wall-clock milliseconds per measured step. */
  msPerStep: number
  /** Resident set size (bytes) right after the warm-up. */
  rssWarm: number
  /** Resident set size (bytes) at the end. */
  rssEnd: number
  /** The largest resident set size read, every `every` steps and at the end. */
  rssMax: number
  /** The measured steps (after the warm-up) at the reading of `rssMax`: early means V8 still growing its heap, late a leak. */
  rssMaxAt: number
  /** The size of V8's JavaScript heap (`heapTotal`: every space, used or not) right after the warm-up. */
  heapWarm: number
  /** The same at the end. */
  heapEnd: number
  /** The largest V8 heap size read. */
  heapMax: number
  /** The size of V8's young generation (its new space) right after the warm-up: V8 grows it as a program runs. */
  youngWarm: number
  /** The same at the end. */
  youngEnd: number
  /** Bytes of JavaScript ArrayBuffers (`arrayBuffers`; the Wasm memory is not one of them) right after the warm-up. */
  buffersWarm: number
  /** The largest reading of those bytes: the garbage arrays waiting for a collection at its peak. */
  buffersMax: number
  /** Milliseconds the main thread spent in garbage collections over the measured steps (V8's own account). */
  gcMs: number
  /** `gcMs` as a share of the measured wall-clock time. */
  gcShare: number
}

/** Watches a loop that calls `tick()` after each of its steps, and `finish()` once at its end. */
export interface Sampler {
  tick(): void
  /** The measure, once the loop has ended. @throws Error if the loop ran no step past its warm-up. */
  finish(): LoopMeasure
}

/** One reading of the process's memory: RSS, V8's heap and young generation, JavaScript ArrayBuffers. */
interface Reading {
  rss: number
  heap: number
  young: number
  buffers: number
}

function read(): Reading {
  const u = process.memoryUsage()
  const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0
  return { rss: u.rss, heap: u.heapTotal, young, buffers: u.arrayBuffers }
}

/**
 * A sampler for a synchronous loop: after `warmup` steps it reads the process's memory (resident set
 * size, V8's heap and its young generation, JavaScript ArrayBuffers) and starts the clock and V8's GC
 * account (`v8.GCProfiler`); every `every` steps it reads the memory again and collects the GC account
 * so far (restarting it, so that the profiler's own record of each collection never piles up over a
 * long loop). A reading and the profiler's restart cost well under a millisecond, once per `every` steps.
 *
 * @example
 * ```ts
 * // fragment: step is the loop's own step
 * const sampler = memorySampler({ warmup: 100, every: 1000 })
 * for (let i = 0; i < 10_000; i++) { step(); sampler.tick() }
 * sampler.finish() // { steps: 9900, msPerStep, rssWarm, rssEnd, rssMax, heapWarm, …, gcMs, gcShare }
 * ```
 */
export function memorySampler(o: SamplerOptions): Sampler {
  if (!Number.isInteger(o.warmup) || o.warmup < 0) {
    throw new Error(`memorySampler: warmup must be a non-negative integer, got ${o.warmup}`)
  }
  if (!Number.isInteger(o.every) || o.every < 1) {
    throw new Error(`memorySampler: every must be a positive integer, got ${o.every}`)
  }
  let step = 0
  let start = 0
  let warm: Reading = { rss: 0, heap: 0, young: 0, buffers: 0 }
  let max: Reading = warm
  let gcMicroseconds = 0
  let profiler: GCProfiler | undefined
  const collect = () => {
    if (profiler === undefined) return
    gcMicroseconds += profiler.stop()?.statistics.reduce((sum, gc) => sum + gc.cost, 0) ?? 0
    profiler = undefined
  }
  let maxAt = 0
  const note = (r: Reading) => {
    if (r.rss > max.rss) maxAt = step - o.warmup
    max = {
      rss: Math.max(max.rss, r.rss),
      heap: Math.max(max.heap, r.heap),
      young: Math.max(max.young, r.young),
      buffers: Math.max(max.buffers, r.buffers),
    }
  }
  const begin = () => {
    warm = read()
    max = warm
    profiler = new GCProfiler()
    profiler.start()
    start = performance.now()
  }
  if (o.warmup === 0) begin()
  return {
    tick() {
      step++
      if (step === o.warmup) begin()
      else if (step > o.warmup && (step - o.warmup) % o.every === 0) {
        const r = read()
        note(r)
        o.onReading?.(step - o.warmup, r.rss)
        collect()
        profiler = new GCProfiler()
        profiler.start()
      }
    },
    finish() {
      const ms = performance.now() - start
      collect()
      const steps = step - o.warmup
      if (steps <= 0)
        throw new Error(`memorySampler: the loop ran ${step} steps, not more than its warm-up ${o.warmup}`)
      const end = read()
      note(end)
      const gcMs = gcMicroseconds / 1000
      return {
        steps,
        msPerStep: ms / steps,
        rssWarm: warm.rss,
        rssEnd: end.rss,
        rssMax: max.rss,
        rssMaxAt: maxAt,
        heapWarm: warm.heap,
        heapEnd: end.heap,
        heapMax: max.heap,
        youngWarm: warm.young,
        youngEnd: end.young,
        buffersWarm: warm.buffers,
        buffersMax: max.buffers,
        gcMs,
        gcShare: gcMs / ms,
      }
    },
  }
}
