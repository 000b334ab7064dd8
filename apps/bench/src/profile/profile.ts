import { Session } from 'node:inspector/promises'
import { PerformanceObserver } from 'node:perf_hooks'
import type { Step } from '../harness.js'
import { classify, type Breakdown, type CpuProfile } from './classify.js'

/** How a step is profiled. */
export interface ProfileOptions {
  /** Untimed steps before the profile (compilation, the first Wasm loads, pools filling). */
  warmup: number
  /** Keep stepping until the profile has lasted this long (milliseconds)… */
  minMs: number
  /** …and at least this many steps. */
  minSteps: number
  /** The CPU profiler's sampling interval, microseconds. */
  intervalUs: number
}

/** A profiled step: where its samples went, and what the run measured besides. */
export interface StepProfile extends Breakdown {
  /** Steps run under the profiler. */
  steps: number
  /** Wall-clock milliseconds per step under the profiler (sampling slows a step a little). */
  msPerStep: number
  /**
   * Milliseconds per step in garbage-collection pauses of the main thread, from Node's `gc`
   * performance entries over the same steps: a second measure of the 'gc' share that does not
   * depend on sampling.
   */
  gcPauseMsPerStep: number
  /** The sampling interval, microseconds. */
  intervalUs: number
}

/**
 * Runs `step` under V8's CPU profiler (through `node:inspector`, in this process) and splits the
 * samples with {@link classify}. The steps run back to back, as in a training loop; an async step
 * is awaited (its waiting shows as idle samples, which are not counted).
 */
export async function profileStep(step: Step, o: ProfileOptions): Promise<StepProfile> {
  for (let i = 0; i < o.warmup; i++) await step()
  const session = new Session()
  session.connect()
  let gcMs = 0
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration
  })
  try {
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: o.intervalUs })
    observer.observe({ entryTypes: ['gc'] })
    await session.post('Profiler.start')
    const start = performance.now()
    let steps = 0
    while (steps < o.minSteps || performance.now() - start < o.minMs) {
      await step()
      steps++
    }
    const ms = performance.now() - start
    const { profile } = await session.post('Profiler.stop')
    // gc entries are queued for the event loop, which a synchronous step never reaches: let it
    // deliver those of the profiled steps, then take any still held
    await new Promise((resolve) => setTimeout(resolve, 20))
    for (const e of observer.takeRecords()) gcMs += e.duration
    const breakdown = classify(profile as CpuProfile)
    return { ...breakdown, steps, msPerStep: ms / steps, gcPauseMsPerStep: gcMs / steps, intervalUs: o.intervalUs }
  } finally {
    observer.disconnect()
    await session.post('Profiler.disable').catch(() => {})
    session.disconnect()
  }
}
