import { formatMs } from '../table.js'
import { CATEGORIES } from './rules.js'
import type { StepProfile } from './profile.js'

/** A workload's profiled @gd step, or why it could not be profiled. */
export interface ProfileResult {
  workload: string
  profile?: StepProfile
  error?: string
}

const HEAD = [
  'workload',
  'ms/step',
  ...CATEGORIES.map((c) => (c === 'gc' ? 'GC' : c)),
  'samples',
  'GC ms/step',
  'faults/step',
]

const percent = (x: number) => `${(100 * x).toFixed(1)}%`

/**
 * One row of cells per workload: its ms per step, each category's share, the samples, the GC milliseconds
 * per step and the page faults per step.
 */
export function profileRows(results: readonly ProfileResult[]): string[][] {
  return results.map(({ workload, profile: p, error }) =>
    p === undefined
      ? [workload, '—', ...CATEGORIES.map(() => '—'), '—', '—', `cannot run: ${error ?? 'unknown'}`]
      : [
          workload,
          formatMs(p.msPerStep),
          ...CATEGORIES.map((c) => percent(p.shares[c])),
          String(p.samples),
          formatMs(p.gcMsPerStep),
          p.pageFaultsPerStep.toFixed(0),
        ],
  )
}

/** The rows as aligned text (numbers right-aligned), then each workload's top frames per category. */
export function profileText(results: readonly ProfileResult[]): string {
  const rows = [HEAD, ...profileRows(results)]
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i === 0 || i === r.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd()
  const table = [line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)]
  const tops = results.flatMap(({ workload, profile: p }) =>
    p === undefined
      ? []
      : [
          '',
          `${workload}: top frames (share of the step)`,
          ...CATEGORIES.filter((c) => p.top[c].length > 0).map(
            (c) => `  ${c.padEnd(10)}  ${p.top[c].map((t) => `${t.frame} ${percent(t.share)}`).join(', ')}`,
          ),
        ],
  )
  return [...table, ...tops].join('\n')
}

/** The rows as a Markdown table. */
export function profileMarkdown(results: readonly ProfileResult[]): string {
  const line = (r: string[]) => `| ${r.join(' | ')} |`
  const align = HEAD.map((_, i) => (i === 0 || i === HEAD.length - 1 ? '---' : '---:'))
  return [line(HEAD), line(align), ...profileRows(results).map(line)].join('\n')
}
