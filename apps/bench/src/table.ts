import type { MachineInfo } from './machine.js'
import { BASELINE, type WorkloadResult } from './harness.js'
import { ratio } from './stats.js'

/** One printed row: a contender on a workload. */
export interface Row {
  workload: string
  contender: string
  median: string
  range: string
  /** Peer median / @gd median: above 1 means @gd is faster. */
  ratio: string
  gbps: string
  /** The workload's product FLOPs per step over the median, when the workload counts them. */
  gflops: string
  /** Why a contender could not run, or was not timed. */
  note: string
}

/** Milliseconds with three significant digits (0.0123, 1.23, 123). */
export function formatMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0)
  if (ms >= 10) return ms.toFixed(1)
  if (ms >= 1) return ms.toFixed(2)
  return ms.toPrecision(3)
}

/** Rows of the table: one per contender per workload, ratios against @gd. */
export function rows(results: readonly WorkloadResult[]): Row[] {
  const out: Row[] = []
  for (const w of results) {
    const base = w.results.find((r) => r.name === BASELINE)?.summary
    for (const r of w.results) {
      const s = r.summary
      if (s === undefined) {
        const note = r.mismatch !== undefined ? `not timed: ${r.mismatch}` : `cannot run: ${r.error ?? 'unknown'}`
        const [median, range, ratio, gbps, gflops] = ['—', '—', '—', '', '']
        out.push({ workload: w.name, contender: r.name, median, range, ratio, gbps, gflops, note })
        continue
      }
      out.push({
        workload: w.name,
        contender: r.name,
        median: formatMs(s.median),
        range: `${formatMs(s.min)}–${formatMs(s.max)}`,
        ratio: r.name === BASELINE ? '1' : base === undefined ? '—' : `${ratio(s, base).toFixed(2)}×`,
        gbps: w.bytes === undefined ? '' : (w.bytes / (s.median * 1e6)).toFixed(2),
        gflops: w.flops === undefined ? '' : (w.flops / (s.median * 1e6)).toFixed(1),
        note: '',
      })
    }
  }
  return out
}

const HEAD = ['workload', 'library', 'median ms', 'min–max ms', 'peer/@gd', 'GB/s', 'GFLOP/s', 'note'] as const
/** Columns of numbers, aligned right. */
const numeric = (c: number): boolean => c >= 2 && c !== 3 && c !== HEAD.length - 1

function cells(r: Row): string[] {
  return [r.workload, r.contender, r.median, r.range, r.ratio, r.gbps, r.gflops, r.note]
}

/** The workload whose @gd rate is the yardstick of the others': the bare float32 product. */
export const YARDSTICK = 'matmul 512'

/**
 * One line setting @gd's rate on each workload that counts its FLOPs beside its rate on
 * {@link YARDSTICK} in the same run (issue 18's measure of a real model against the bare kernel),
 * or null when the run has no yardstick or nothing else to set beside it. Where a peer was timed,
 * it also says what a step made of nothing but its products at the yardstick's rate would take,
 * and its ratio against the fastest peer: the most a faster rest of the step could give.
 *
 * @example
 * ```ts
 * yardstick(results) // '@gd against matmul 512 (35.6 GFLOP/s): mlp … 90% (at 100%: 3.62 ms, 2.38× jax-js), …'
 * ```
 */
export function yardstick(results: readonly WorkloadResult[]): string | null {
  const rate = (w: WorkloadResult): number | undefined => {
    const s = w.results.find((r) => r.name === BASELINE)?.summary
    return s === undefined || w.flops === undefined ? undefined : w.flops / (s.median * 1e6)
  }
  const base = results.find((w) => w.name === YARDSTICK)
  const unit = base === undefined ? undefined : rate(base)
  if (unit === undefined) return null
  const atFull = (w: WorkloadResult): string => {
    const ms = w.flops! / (unit * 1e6)
    const peers = w.results.filter((r) => r.name !== BASELINE && r.summary !== undefined)
    if (peers.length === 0) return ''
    const fastest = peers.reduce((a, b) => (b.summary!.median < a.summary!.median ? b : a))
    return ` (at 100%: ${formatMs(ms)} ms, ${(fastest.summary!.median / ms).toFixed(2)}× ${fastest.name})`
  }
  const parts = results
    .filter((w) => w !== base && !w.name.startsWith('matmul') && rate(w) !== undefined)
    .map((w) => `${w.name} ${Math.round((100 * rate(w)!) / unit)}%${atFull(w)}`)
  return parts.length === 0 ? null : `@gd against ${YARDSTICK} (${unit.toFixed(1)} GFLOP/s): ${parts.join(', ')}`
}

/** Header lines: machine, Node, load, and what the ratio means. */
export function header(m: MachineInfo, note: string): string[] {
  const load = m.loadAverage.map((l) => l.toFixed(2)).join(' ')
  return [
    `@gd benchmarks, ${m.date}`,
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}; Node ${m.node}; load average ${load}`,
    `${note}`,
    'ratio = peer median / @gd median (above 1: @gd is faster); times are per step, median of the samples',
  ]
}

/** A plain-text table with aligned columns, for the terminal. */
export function textTable(rs: readonly Row[]): string {
  const all = [[...HEAD], ...rs.map(cells)]
  const widths = HEAD.map((_, c) => Math.max(...all.map((r) => r[c]!.length)))
  const line = (r: string[]) =>
    r
      .map((v, c) => (numeric(c) ? v.padStart(widths[c]!) : v.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd()
  const rule = widths.map((w) => '-'.repeat(w)).join('  ')
  const body: string[] = []
  let last = ''
  for (const r of rs) {
    if (last !== '' && r.workload !== last) body.push('')
    body.push(line(cells(r)))
    last = r.workload
  }
  return [line([...HEAD]), rule, ...body].join('\n')
}

/** The same table in Markdown. */
export function markdownTable(rs: readonly Row[]): string {
  const esc = (v: string) => v.replaceAll('|', '\\|')
  const line = (r: readonly string[]) => `| ${r.map(esc).join(' | ')} |`
  return [
    line(HEAD),
    `|${HEAD.map((_, c) => (numeric(c) ? ' ---: ' : ' --- ')).join('|')}|`,
    ...rs.map((r) => line(cells(r))),
  ].join('\n')
}
