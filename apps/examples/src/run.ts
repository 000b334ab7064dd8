// Runs one example by name: `pnpm --filter @gd/examples example <name> [--quick]`.
import { examples } from './index.js'

const [name, ...rest] = process.argv.slice(2)
const entry = name === undefined ? undefined : examples[name]
if (entry === undefined) {
  console.error(
    `usage: pnpm --filter @gd/examples example <name> [--quick]\nexamples: ${Object.keys(examples).join(', ')}`,
  )
  process.exit(2)
}
const quick = rest.includes('--quick')
const started = performance.now()
entry.run({ quick, log: (line) => console.log(line) })
console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
