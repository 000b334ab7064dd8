import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { initWasm } from '@gd/tensor'
import { reason } from '../harness.js'
import { machineInfo } from '../machine.js'
import { header } from '../table.js'
import { fitLoop, valueAndGradLoop, type MemoryLoop, type MemoryModel } from './loops.js'
import { memoryMarkdown, memoryText, type MemoryResult } from './report.js'

/**
 * The loops of `pnpm bench --memory`. Full: issue 18's 100,000 steps of `valueAndGrad` +
 * `stepInPlace` and 10,000 steps of `fit`, on an MLP 784-128-64-10 at batch 64 (the bench's MLP
 * halved in width and batch: about 2 ms a step, so that the 100,000 steps take a few minutes; the
 * full 784-256-128-10 at batch 128 would take about 20). Quick: a smoke check of a few thousand steps.
 */
export function memoryLoops(quick: boolean): MemoryLoop[] {
  const model: MemoryModel = quick
    ? { sizes: [256, 64, 10], batch: 32, examples: 256 }
    : { sizes: [784, 128, 64, 10], batch: 64, examples: 1024 }
  const [steps, fitSteps] = quick ? [2000, 500] : [100_000, 10_000]
  // RSS read every 1% of the steps; warm-up: the first 10% (at least 100), by when the pools are full and V8 has
  // sized its heap: its young generation grows 8 → 16 → 32 MiB between steps ~1,000 and ~3,000 in every
  // configuration (scopes on or off, Adam or AdamW), which a 1% warm-up read as growth (the heap columns show it)
  const sampler = (n: number) => ({ warmup: Math.max(100, n / 10), every: Math.max(10, n / 100) })
  return [valueAndGradLoop(model, steps, sampler(steps)), fitLoop(model, fitSteps, sampler(fitSteps))]
}

/**
 * `pnpm bench --memory`: runs each chosen loop once, in this process, one after the other, prints
 * the table and writes `memory-latest.{json,md}` and a timestamped copy into `out`.
 */
export async function runMemory(chosen: readonly MemoryLoop[], quick: boolean, out: string): Promise<void> {
  const kernels = await initWasm()
  const note = `memory loops (${quick ? 'quick' : 'full'}): each loop once, synchronous, memory read every 1% of its steps after a warm-up of 10% (RSS, V8's heap and young generation, JavaScript ArrayBuffers), GC time from v8.GCProfiler; @gd kernels ${kernels}; targets: RSS within 10% of its size after warm-up, 0 fallbacks, GC under 5%`
  for (const line of header(machineInfo(), note).slice(0, 3)) console.log(line)
  const results: MemoryResult[] = []
  for (const loop of chosen) {
    console.log(`\n${loop.description} …`)
    let result: MemoryResult
    try {
      const progress = (steps: number, rss: number) => {
        if (steps % (loop.sampler.every * 10) === 0)
          console.log(`  ${steps} steps measured, RSS ${(rss / 1e6).toFixed(0)} MB`)
      }
      result = { loop: loop.name, result: loop.run(progress) }
    } catch (e) {
      result = { loop: loop.name, error: reason(e) }
    }
    results.push(result)
    console.log(memoryText([result]))
  }
  const machine = machineInfo()
  console.log(`\n${header(machine, note).slice(0, 3).join('\n')}\n\n${memoryText(results)}`)
  const dir = path.resolve(out)
  mkdirSync(dir, { recursive: true })
  const stamp = machine.date.replaceAll(':', '-').replace(/\..*$/, '')
  const descriptions = chosen.map((l) => ({ loop: l.name, description: l.description, sampler: l.sampler }))
  const json = JSON.stringify(
    { machine, mode: quick ? 'memory quick' : 'memory', loops: descriptions, results },
    null,
    2,
  )
  const md = `# @gd memory loops\n\n${header(machine, note)
    .slice(0, 3)
    .map((l) => `${l}  `)
    .join('\n')}\n\n${memoryMarkdown(results)}\n`
  for (const name of [`memory-${stamp}`, 'memory-latest']) {
    writeFileSync(path.join(dir, `${name}.json`), `${json}\n`)
    writeFileSync(path.join(dir, `${name}.md`), md)
  }
  console.log(`\nwrote ${path.join(dir, 'memory-latest.md')} and memory-latest.json (and a timestamped copy)`)
}
