import { summarize, type Summary } from './stats.js'

/** The name of the contender every ratio is taken against, and every answer checked against. */
export const BASELINE = '@gd'

/** One timed iteration of a contender; may be async (jax-js waits for its arrays to be ready). */
export type Step = () => void | Promise<void>

/** A contender's prepared state for one workload: the step to time, and cleanup. */
export interface Prepared {
  step: Step
  /** Called before each of this contender's rounds (e.g. switch TF.js to its backend). */
  activate?: () => Promise<void>
  /**
   * A contender whose first (calibration) step takes longer than this is reported as not run,
   * with its time, instead of taking minutes of samples.
   */
  budgetMs?: number
  /**
   * Runs one step and returns a number every contender should agree on (a loss, a checksum of the
   * output); run once before timing (see {@link runWorkload}) and by the tests, never timed.
   */
  check?: () => Promise<number>
  /**
   * A weighted checksum of each parameter's gradient at the initial weights, in the workload's
   * order of parameters (and in @gd's layout); used by the tests, never timed.
   */
  gradients?: () => Promise<number[]>
  /** Frees what `prepare` made (TF.js tensors, jax-js arrays). */
  dispose?: () => void
}

/** One library running one workload. */
export interface Contender {
  name: string
  prepare: () => Promise<Prepared> | Prepared
}

/** A workload: what is measured, and each library's way of doing it. */
export interface Workload {
  name: string
  /** One line on what one step does. */
  description: string
  /** Bytes moved per step, for an effective GB/s column (optimizer updates). */
  bytes?: number
  /**
   * Floating-point operations per step in the model's products (2·m·n·k each, forward and backward),
   * for a GFLOP/s column that sets a whole step beside the bare matmul's rate (see `yardstick`).
   */
  flops?: number
  /**
   * How far (relative) a peer's `check` answer may be from @gd's before it is left untimed.
   * Default {@link AGREEMENT}.
   */
  tolerance?: number
  contenders: Contender[]
}

/**
 * The default relative tolerance of the agreement check: float32 work summed in other orders agrees
 * to ~1e-6 here; a different model or a transposed weight is off by far more.
 */
export const AGREEMENT = 1e-3

/** Timing options. */
export interface HarnessOptions {
  /** Timed samples per contender (at least 5). */
  samples: number
  /** Each sample repeats the step until it lasts about this long (milliseconds). */
  minSampleMs: number
  /** Untimed warm-up steps per contender, after the calibration step. */
  warmup: number
}

/** The outcome for one contender: a summary of per-step milliseconds, or why it could not run. */
export interface ContenderResult {
  name: string
  summary?: Summary
  /** Steps per sample, found in calibration. */
  repeats?: number
  error?: string
  /** Its `check` answer, taken untimed before the samples. */
  check?: number
  /** Why it was left untimed: its answer differs from @gd's. */
  mismatch?: string
}

/** The outcome for one workload. */
export interface WorkloadResult {
  name: string
  description: string
  bytes?: number
  flops?: number
  results: ContenderResult[]
}

interface Live {
  name: string
  prepared?: Prepared
  repeats: number
  times: number[]
  error?: string
  check?: number
  mismatch?: string
}

/** The first line of an error's message, as the reason shown in place of a number. */
export function reason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e)
  return text.split('\n')[0]!.trim().slice(0, 160)
}

async function timeSteps(step: Step, repeats: number): Promise<number> {
  const start = performance.now()
  for (let i = 0; i < repeats; i++) await step()
  return (performance.now() - start) / repeats
}

/** A check answer with 7 significant digits. */
const answer = (v: number) => v.toPrecision(7)

/**
 * Measures every contender of a workload: prepare, run its `check` once and compare the answer
 * with @gd's (a peer that disagrees beyond the workload's tolerance is not timed: same answers
 * first), calibrate the repeats per sample, warm up, then take the samples in rounds, one sample
 * per contender per round, the order rotating each round, so that drift of a shared machine falls
 * on all contenders alike. A contender that throws (in
 * prepare, warm-up or a sample) is reported with the reason instead of a time.
 */
export async function runWorkload(w: Workload, o: HarnessOptions): Promise<WorkloadResult> {
  if (o.samples < 5) throw new Error(`runWorkload: samples must be at least 5, got ${o.samples}`)
  const live: Live[] = []
  for (const c of w.contenders) {
    const l: Live = { name: c.name, repeats: 1, times: [] }
    live.push(l)
    try {
      l.prepared = await c.prepare()
      await l.prepared.activate?.()
      if (l.prepared.check !== undefined) l.check = await l.prepared.check()
      const once = await timeSteps(l.prepared.step, 1)
      const budget = l.prepared.budgetMs
      if (budget !== undefined && once > budget) {
        throw new Error(`one step took ${(once / 1000).toFixed(1)} s, over its ${budget / 1000} s budget`)
      }
      l.repeats = Math.max(1, Math.min(1000, Math.round(o.minSampleMs / Math.max(once, 1e-3))))
      for (let i = 0; i < o.warmup; i++) await l.prepared.step()
    } catch (e) {
      l.error = reason(e)
    }
  }
  const base = live.find((l) => l.name === BASELINE)?.check
  const tolerance = w.tolerance ?? AGREEMENT
  for (const l of live) {
    if (base === undefined || l.check === undefined || l.name === BASELINE || l.error !== undefined) continue
    if (!(Math.abs(l.check - base) <= tolerance * Math.abs(base))) {
      l.mismatch = `its answer ${answer(l.check)} differs from @gd's ${answer(base)} by more than ${tolerance} (relative)`
    }
  }
  for (let round = 0; round < o.samples; round++) {
    for (let k = 0; k < live.length; k++) {
      const l = live[(k + round) % live.length]!
      if (l.error !== undefined || l.mismatch !== undefined || l.prepared === undefined) continue
      try {
        await l.prepared.activate?.()
        l.times.push(await timeSteps(l.prepared.step, l.repeats))
      } catch (e) {
        l.error = reason(e)
      }
    }
  }
  for (const l of live) {
    try {
      l.prepared?.dispose?.()
    } catch {
      // a failed cleanup does not change the measurement
    }
  }
  return {
    name: w.name,
    description: w.description,
    ...(w.bytes === undefined ? {} : { bytes: w.bytes }),
    ...(w.flops === undefined ? {} : { flops: w.flops }),
    results: live.map((l) => {
      const check = l.check === undefined ? {} : { check: l.check }
      if (l.error !== undefined) return { name: l.name, error: l.error }
      if (l.mismatch !== undefined) return { name: l.name, mismatch: l.mismatch, ...check }
      return { name: l.name, summary: summarize(l.times), repeats: l.repeats, ...check }
    }),
  }
}
