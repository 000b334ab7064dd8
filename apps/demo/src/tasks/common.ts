import { Tensor, gather } from '@gd/tensor'
import { formatNumber } from '../format.js'

/**
 * n rows of a [rows, ...] tensor spread evenly over it (all of them when there are fewer): the test
 * set is ordered by class, so its first rows would all be zeros.
 */
export function spreadRows(t: Tensor, n: number): Tensor {
  const total = t.shape[0]!
  const count = Math.min(n, total)
  const rows = Array.from({ length: count }, (_, k) => Math.floor((k * total) / count))
  return gather(t, new Tensor(Int32Array.from(rows), [count], 'int32'), 0)
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

/**
 * The advice after a run diverged at learning rate `peak`: the default `fallback` when the run was
 * above it (named `whose`, e.g. "adam's default here"), else a tenth of `peak`.
 */
export function smallerRateHint(peak: number, fallback: number, whose = 'the default'): string {
  return peak > fallback
    ? `try a smaller --lr, such as ${whose}, ${formatNumber(fallback)}`
    : `try a smaller --lr, such as ${formatNumber(peak / 10)}`
}

/** What a task prints when its training diverged: why, and a learning rate to try. */
export function divergenceLine(reason: string, peak: number, fallback: number): string {
  return `warning: training diverged: ${reason}. The learning rate ${formatNumber(peak)} is too high for this run; ${smallerRateHint(peak, fallback)}.`
}
