import { appendFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  formatFuzzReports,
  fuzzExports,
  type FuzzCounts,
  type FuzzOptions,
  type FuzzReport,
  type FuzzTable,
} from './fuzz.js'

/** The most crash, silent and mutated calls a package's fuzz may have (zero unless a ratchet says more). */
export type FuzzLimits = Pick<FuzzCounts, 'crash' | 'silent' | 'mutated'>

/**
 * Registers a package's fuzz as vitest tests: every runtime export of `api` has a row in `table` (or
 * an exemption with a reason; rows for exports that are gone are printed, not failed); every valid
 * call succeeds; and the crash, silent and mutated counts stay within `limits` (zero by default; a
 * package that is not clean yet passes the counts it had, so they can only go down). The report
 * table is printed. With the
 * environment variable `GD_FUZZ_TRACE` set to a file name, each call is appended to that file before
 * it runs, so the last line names a call that hangs or runs out of memory; `GD_FUZZ_EXAMPLES=<n>`
 * prints up to n examples of each bad class.
 * @example
 * ```ts
 * // not run: it registers vitest tests (call it in a fuzz.test.ts)
 * import { fuzzSuite } from '@gd/testing'
 * import * as api from '@gd/schedules'
 * fuzzSuite('@gd/schedules', api, { constantSchedule: { args: () => [0.1] } })
 * ```
 */
export function fuzzSuite(
  name: string,
  api: Readonly<Record<string, unknown>>,
  table: FuzzTable,
  limits: FuzzLimits = { crash: 0, silent: 0, mutated: 0 },
  options: FuzzOptions = {},
): void {
  describe(`${name} fuzz`, () => {
    let report: FuzzReport
    beforeAll(async () => {
      // GD_FUZZ_TRACE=<file> appends each call to <file> before it runs: the last line names a call that hangs
      const file = typeof process === 'undefined' ? undefined : process.env.GD_FUZZ_TRACE
      const trace = file ? (call: string) => appendFileSync(file, `${name} ${call}\n`) : undefined
      // GD_FUZZ_EXAMPLES=<n> prints up to n examples of each bad class instead of the first few
      const examples =
        Number(typeof process === 'undefined' ? undefined : process.env.GD_FUZZ_EXAMPLES) || options.examples
      report = await fuzzExports(name, api, table, {
        ...options,
        ...(trace ? { trace } : {}),
        ...(examples ? { examples } : {}),
      })
      console.log(formatFuzzReports([report]))
    }, 120_000)

    // A row whose export is gone is only printed (packages drop internal exports while their fuzz
    // tables are edited by others); an export without a row fails.
    it('has a row or an exemption for every runtime export', () => {
      expect(report.missing).toEqual([])
    })

    it('runs every valid call without an error', () => {
      expect(report.broken).toEqual([])
    })

    it('has no more crash, silent or mutated calls than its limits', () => {
      const { crash, silent, mutated } = report.counts
      expect({ crash, silent, mutated }).toEqual({
        crash: Math.min(crash, limits.crash),
        silent: Math.min(silent, limits.silent),
        mutated: Math.min(mutated, limits.mutated),
      })
    })
  })
}
