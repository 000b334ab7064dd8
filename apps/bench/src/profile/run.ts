import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { BASELINE, reason } from '../harness.js'
import { machineInfo } from '../machine.js'
import { header } from '../table.js'
import type { WorkloadEntry } from '../workloads/index.js'
import { initWasm } from '@gd/tensor'
import { profileStep, type ProfileOptions } from './profile.js'
import { profileMarkdown, profileText, type ProfileResult } from './report.js'

/** Profiling options of a quick run (a smoke check) and a full one. */
export function profileOptions(quick: boolean): ProfileOptions {
  return quick
    ? { warmup: 1, minMs: 300, minSteps: 3, intervalUs: 100 }
    : { warmup: 3, minMs: 4000, minSteps: 20, intervalUs: 100 }
}

/**
 * `pnpm bench --profile`: prepares only @gd's contender of each chosen workload, profiles its step
 * (see {@link profileStep}), prints the table and writes `profile-latest.{json,md}` and a
 * timestamped copy into `out`.
 */
export async function runProfiles(chosen: readonly WorkloadEntry[], quick: boolean, out: string): Promise<void> {
  const options = profileOptions(quick)
  const kernels = await initWasm() // as in a timed run: @gd's Wasm kernels loaded up front
  const note = `profile of @gd's step (${quick ? 'quick' : 'full'}): V8's CPU profiler in this process, one sample per ${options.intervalUs} µs over ≥${options.minSteps} steps and ≥${options.minMs} ms after ${options.warmup} warm-up steps; @gd kernels ${kernels}; categories by the rules in src/profile/rules.ts`
  for (const line of header(machineInfo(), note).slice(0, 3)) console.log(line)
  const results: ProfileResult[] = []
  for (const entry of chosen) {
    const gd = entry.build().contenders.find((c) => c.name === BASELINE)
    let result: ProfileResult
    try {
      if (gd === undefined) throw new Error('the workload has no @gd contender')
      const prepared = await gd.prepare()
      result = { workload: entry.name, profile: await profileStep(prepared.step, options) }
      prepared.dispose?.()
    } catch (e) {
      result = { workload: entry.name, error: reason(e) }
    }
    results.push(result)
    console.log(`\n${profileText([result])}`)
  }
  const machine = machineInfo()
  console.log(`\n${header(machine, note).slice(0, 3).join('\n')}\n\n${profileText(results)}`)
  const dir = path.resolve(out)
  mkdirSync(dir, { recursive: true })
  const stamp = machine.date.replaceAll(':', '-').replace(/\..*$/, '')
  const json = JSON.stringify({ machine, mode: quick ? 'profile quick' : 'profile', options, results }, null, 2)
  const md = `# @gd step profiles\n\n${header(machine, note)
    .slice(0, 3)
    .map((l) => `${l}  `)
    .join('\n')}\n\n${profileMarkdown(results)}\n`
  for (const name of [`profile-${stamp}`, 'profile-latest']) {
    writeFileSync(path.join(dir, `${name}.json`), `${json}\n`)
    writeFileSync(path.join(dir, `${name}.md`), md)
  }
  console.log(`\nwrote ${path.join(dir, 'profile-latest.md')} and profile-latest.json (and a timestamped copy)`)
}
