import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from './cli.js'
import { runWorkload, type HarnessOptions, type WorkloadResult } from './harness.js'
import { machineInfo } from './machine.js'
import { initPeers } from './peers.js'
import { memoryLoops, runMemory } from './memory/run.js'
import { runProfiles } from './profile/run.js'
import { header, markdownTable, rows, textTable, yardstick } from './table.js'
import { workloads } from './workloads/index.js'

const cli = parseArgs(process.argv.slice(2))
if (cli.memory) {
  const loops = memoryLoops(cli.quick).filter(
    (l) => cli.only === undefined || l.name.toLowerCase().includes(cli.only.toLowerCase()),
  )
  if (loops.length === 0) {
    const names = memoryLoops(cli.quick)
      .map((l) => l.name)
      .join(', ')
    throw new Error(`bench: no memory loop matches --only ${cli.only}; the loops are: ${names}`)
  }
  await runMemory(loops, cli.quick, cli.out)
  process.exit(0)
}
const options: HarnessOptions = cli.quick
  ? { samples: 5, minSampleMs: 20, warmup: 1 }
  : { samples: 9, minSampleMs: 150, warmup: 2 }
const chosen = workloads(cli.quick, cli.threads).filter(
  (w) => cli.only === undefined || w.name.toLowerCase().includes(cli.only.toLowerCase()),
)
if (chosen.length === 0) {
  const names = workloads(cli.quick, cli.threads)
    .map((w) => w.name)
    .join(', ')
  throw new Error(`bench: no workload matches --only ${cli.only}; the workloads are: ${names}`)
}

if (cli.profile) {
  await runProfiles(chosen, cli.quick, cli.out)
  process.exit(0)
}

const peers = await initPeers()
const note = `${cli.quick ? 'quick mode (smoke check, not a verdict)' : 'full mode'}: ${options.samples} samples, ≥${options.minSampleMs} ms each, contenders interleaved, each peer's first answer checked against @gd's before timing; ${peers}`
for (const line of header(machineInfo(), note)) console.log(line)
console.log('')

const results: WorkloadResult[] = []
for (const entry of chosen) {
  const result = await runWorkload(entry.build(), options)
  results.push(result)
  console.log(
    textTable(rows([result]))
      .split('\n')
      .slice(2)
      .join('\n'),
  )
}

const machine = machineInfo()
const table = textTable(rows(results))
const against = yardstick(results)
console.log(`\n${header(machine, note).join('\n')}\n\n${table}${against === null ? '' : `\n\n${against}`}`)

const dir = path.resolve(cli.out)
mkdirSync(dir, { recursive: true })
const stamp = machine.date.replaceAll(':', '-').replace(/\..*$/, '')
const json = JSON.stringify({ machine, mode: cli.quick ? 'quick' : 'full', options, peers, results }, null, 2)
const md = `# @gd benchmarks\n\n${header(machine, note)
  .map((l) => `${l}  `)
  .join('\n')}\n\n${markdownTable(rows(results))}\n${against === null ? '' : `\n${against}\n`}`
// a --threads run has files of its own, so that it never replaces the main table's latest
const kind = cli.threads ? 'threads-' : ''
for (const name of [`bench-${kind}${stamp}`, `${kind}latest`]) {
  writeFileSync(path.join(dir, `${name}.json`), `${json}\n`)
  writeFileSync(path.join(dir, `${name}.md`), md)
}
console.log(`\nwrote ${path.join(dir, `${kind}latest.md`)} and ${kind}latest.json (and a timestamped copy)`)
