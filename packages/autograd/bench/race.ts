/**
 * Times candidates in interleaved rounds (each at least `ms` of wall time) and keeps each one's best
 * CPU time per call (user + system of this process, in µs): on a shared machine that is steadier
 * than wall time.
 */
export function race(fs: Record<string, () => unknown>, rounds = 9, ms = 40): Record<string, number> {
  const best: Record<string, number> = {}
  for (const f of Object.values(fs)) for (let i = 0; i < 3; i++) f()
  for (let r = 0; r < rounds; r++) {
    for (const [k, f] of Object.entries(fs)) {
      const t0 = performance.now()
      const c0 = process.cpuUsage()
      let n = 0
      while (performance.now() - t0 < ms) {
        f()
        n++
      }
      const c = process.cpuUsage(c0)
      best[k] = Math.min(best[k] ?? Infinity, (c.user + c.system) / n)
    }
  }
  return best
}
