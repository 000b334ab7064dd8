import { heUniform, type Initializer } from '@gd/init'
import { warmupCosineDecay, type Schedule } from '@gd/schedules'
import { slice, type Tensor } from '@gd/tensor'

/** He-uniform weights, for layers followed by relu. */
export const he: Initializer = (key, shape) => heUniform(key, shape)

/** The first n rows of a [rows, ...] tensor (all of them when there are fewer). */
export function rowsOf(t: Tensor, n: number): Tensor {
  return slice(t, [0, ...t.shape.slice(1).map(() => 0)], [Math.min(n, t.shape[0]!), ...t.shape.slice(1)])
}

/** Linear warmup over the first tenth of the steps (at most 100), then cosine decay to 0. */
export function warmupCosine(peak: number, totalSteps: number): Schedule {
  const warmupSteps = Math.max(1, Math.min(100, Math.floor(totalSteps / 10)))
  return warmupCosineDecay({ init: 0, peak, warmupSteps, totalSteps: Math.max(totalSteps, warmupSteps + 1) })
}

/** Starts a clock; calling the result gives the wall and CPU seconds since. */
export function timer(): () => { seconds: number; cpuSeconds: number } {
  const start = performance.now()
  const cpu = process.cpuUsage()
  return () => {
    const used = process.cpuUsage(cpu)
    return { seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6 }
  }
}
