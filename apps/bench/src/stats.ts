/** Median, minimum and maximum of a set of timings (milliseconds). */
export interface Summary {
  median: number
  min: number
  max: number
  samples: number
}

/**
 * Summarizes samples by their median and range. The median (the mean of the two middle values
 * for an even count) resists the odd slow sample that a shared machine produces.
 *
 * @throws Error when there are no samples or one is not a finite number.
 * @example
 * ```ts
 * summarize([3, 1, 2]) // { median: 2, min: 1, max: 3, samples: 3 }
 * ```
 */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('summarize: need at least one sample, got 0')
  for (const s of samples) {
    if (!Number.isFinite(s)) throw new Error(`summarize: samples must be finite numbers, got ${s}`)
  }
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, samples: sorted.length }
}

/** How many times slower a peer is than @gd: peer median / @gd median (above 1: @gd is faster). */
export function ratio(peer: Summary, gd: Summary): number {
  return peer.median / gd.median
}
