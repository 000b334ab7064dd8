import { Session } from 'node:inspector/promises'
import { GCProfiler } from 'node:v8'
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
   * Milliseconds per step that the main thread spent in garbage collections, from V8's own account
   * of each collection over the same steps (`v8.GCProfiler`'s costs): a second measure of the 'gc'
   * share that does not depend on sampling.
   */
  gcMsPerStep: number
  /**
   * Minor page faults per step (`process.resourceUsage()`), from the whole process over the same steps: each
   * is a page of memory the system maps in on first touch, as it does for a fresh array larger than the
   * allocator keeps (a few hundred KB and up). The time they take shows in whichever category touched the page;
   * on a virtual machine that hands freed pages back to its host, each costs ~10 µs (1,024 a step for one
   * fresh 4 MB array).
   */
  pageFaultsPerStep: number
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
  const collections = new GCProfiler()
  try {
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: o.intervalUs })
    collections.start()
    await session.post('Profiler.start')
    const faults = process.resourceUsage().minorPageFault
    const start = performance.now()
    let steps = 0
    while (steps < o.minSteps || performance.now() - start < o.minMs) {
      await step()
      steps++
    }
    const ms = performance.now() - start
    const pageFaults = process.resourceUsage().minorPageFault - faults
    const { profile } = await session.post('Profiler.stop')
    const gcMicroseconds = collections.stop().statistics.reduce((sum, gc) => sum + gc.cost, 0)
    const breakdown = classify(profile as CpuProfile)
    return {
      ...breakdown,
      steps,
      msPerStep: ms / steps,
      gcMsPerStep: gcMicroseconds / 1000 / steps,
      pageFaultsPerStep: pageFaults / steps,
      intervalUs: o.intervalUs,
    }
  } finally {
    collections.stop() // a second stop does nothing
    await session.post('Profiler.disable').catch(() => {})
    session.disconnect()
  }
}
