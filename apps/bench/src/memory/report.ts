import { formatMs } from '../table.js'
import type { MemoryLoopResult } from './loops.js'

/** A loop's measure, or why it could not run. */
export interface MemoryResult {
  loop: string
  result?: MemoryLoopResult
  error?: string
}

/** Issue 18's targets for a long loop: RSS within 10% of its size after warm-up, no fallback, under 5% of the time in GC. */
export const TARGETS = { rssChange: 0.1, gcShare: 0.05 } as const

const HEAD = [
  'loop',
  'steps',
  'ms/step',
  'RSS warm MB',
  'RSS end MB',
  'RSS max MB',
  'end/warm',
  'max/warm',
  'max at step',
  'V8 heap warm→max MB',
  'young gen warm→end MB',
  'JS buffers warm→max MB',
  'arena warm MB',
  'arena end MB',
  'fallbacks',
  'copied KB/step',
  'GC',
  'GC ms/step',
  'targets',
]

const mb = (bytes: number) => (bytes / 1e6).toFixed(0)
/** Two byte counts as `a→b` in MB; 'n/a' in results of versions that did not read them. */
const span = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? 'n/a' : `${mb(a)}→${mb(b)}`
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${(100 * Math.abs(x)).toFixed(1)}%`

/**
 * The targets a loop misses, in words ('met' when it meets them all). Fallbacks count only where
 * @gd/tensor reports them.
 */
export function verdict(r: MemoryLoopResult): string {
  const missed: string[] = []
  const grown = r.rssMax / r.rssWarm - 1
  if (grown > TARGETS.rssChange) missed.push(`RSS grew ${signed(grown)} (over ${100 * TARGETS.rssChange}%)`)
  if (r.fallbacks !== undefined && r.fallbacks > 0) missed.push(`${r.fallbacks} fallbacks`)
  if (r.gcShare >= TARGETS.gcShare)
    missed.push(`GC ${(100 * r.gcShare).toFixed(1)}% (not under ${100 * TARGETS.gcShare}%)`)
  return missed.length === 0 ? 'met' : `missed: ${missed.join('; ')}`
}

/** One row of cells per loop. */
export function memoryRows(results: readonly MemoryResult[]): string[][] {
  return results.map(({ loop, result: r, error }) =>
    r === undefined
      ? [loop, ...HEAD.slice(1, -1).map(() => '—'), `cannot run: ${error ?? 'unknown'}`]
      : [
          loop,
          String(r.steps),
          formatMs(r.msPerStep),
          mb(r.rssWarm),
          mb(r.rssEnd),
          mb(r.rssMax),
          signed(r.rssEnd / r.rssWarm - 1),
          signed(r.rssMax / r.rssWarm - 1),
          r.rssMaxAt === undefined ? 'n/a' : String(r.rssMaxAt),
          span(r.heapWarm, r.heapMax),
          span(r.youngWarm, r.youngEnd),
          span(r.buffersWarm, r.buffersMax),
          r.arenaWarmBytes === undefined ? 'n/a' : (r.arenaWarmBytes / 1e6).toFixed(1),
          r.arenaEndBytes === undefined ? 'n/a' : (r.arenaEndBytes / 1e6).toFixed(1),
          r.fallbacks === undefined ? 'n/a' : String(r.fallbacks),
          r.copiedBytesPerStep === undefined ? 'n/a' : (r.copiedBytesPerStep / 1e3).toFixed(0),
          `${(100 * r.gcShare).toFixed(1)}%`,
          formatMs(r.gcMs / r.steps),
          verdict(r),
        ],
  )
}

/** The rows as aligned text (numbers right-aligned). */
export function memoryText(results: readonly MemoryResult[]): string {
  const rows = [HEAD, ...memoryRows(results)]
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i === 0 || i === r.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n')
}

/** The rows as a Markdown table. */
export function memoryMarkdown(results: readonly MemoryResult[]): string {
  const line = (r: string[]) => `| ${r.join(' | ')} |`
  const align = HEAD.map((_, i) => (i === 0 || i === HEAD.length - 1 ? '---' : '---:'))
  return [line(HEAD), line(align), ...memoryRows(results).map(line)].join('\n')
}
