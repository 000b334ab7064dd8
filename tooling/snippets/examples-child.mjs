// One process that runs TSDoc examples in turn (started by run.mjs with tsx loaded once, under the `@gd/source`
// condition). It gets `{ examples, from }` (each example: `{ file, checks }`, the module to import and what its comments
// state) and answers one message per example: `{ index, ok, problems, ms }`. Each example runs in a fresh working
// folder with its own try/catch; a promise that never settles times out here, a loop that never ends is stopped by
// run.mjs, which kills this process and starts another at the next example.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { mismatch, show } from './tsdoc.mjs'

const timeoutMs = Number(process.env.GD_EXAMPLE_TIMEOUT_MS ?? 60_000)
let current // { problems, reached } of the example running now

/** `e // value`: checks e against the stated value, returns it unchanged. */
function v(id, actual) {
  const check = current.checks[id]
  current.reached.add(id)
  const found = mismatch(check.stated.spec, actual)
  if (found !== undefined)
    current.problems.push({
      line: check.line,
      message: `\`${check.expr}\`: ${found} (the comment says ${check.comment})`,
    })
  return actual
}

function judgeThrow(id, error) {
  const check = current.checks[id]
  const message = error instanceof Error ? error.message : String(error)
  const { message: stated, prefix } = check.stated
  const ok = prefix ? message.startsWith(stated) : message === stated
  if (!ok)
    current.problems.push({
      line: check.line,
      message: `\`${check.expr}\` throws ${show(message)}, the comment says ${show(stated)}${prefix ? '…' : ''}`,
    })
}

function notThrown(id, value) {
  const check = current.checks[id]
  current.problems.push({
    line: check.line,
    message: `\`${check.expr}\` returns ${show(value)}, the comment says it throws`,
  })
}

/** `e // throws '…'`: e must throw that message. */
function t(id, run) {
  current.reached.add(id)
  try {
    const value = run()
    if (value instanceof Promise) {
      value.catch(() => {})
      current.problems.push({
        line: current.checks[id].line,
        message: `\`${current.checks[id].expr}\` returns a promise: write await before it`,
      })
    } else notThrown(id, value)
  } catch (error) {
    judgeThrow(id, error)
  }
}

/** `await e // throws '…'`. */
async function ta(id, run) {
  current.reached.add(id)
  try {
    notThrown(id, await run())
  } catch (error) {
    judgeThrow(id, error)
  }
}

globalThis.__gdDoc = { v, t, ta }

let stray // an error thrown or rejected outside the example's own flow while it runs
process.on('uncaughtException', (error) => {
  stray ??= error
})
process.on('unhandledRejection', (error) => {
  stray ??= error
})

function firstLine(error) {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return text.split('\n')[0]
}

async function runOne(example) {
  current = { checks: example.checks, problems: [], reached: new Set() }
  stray = undefined
  const cwd = mkdtempSync(join(tmpdir(), 'gd-example-'))
  const home = process.cwd()
  process.chdir(cwd)
  let timer
  try {
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not finish within ${timeoutMs / 1000} s`)), timeoutMs)
    })
    await Promise.race([import(pathToFileURL(example.file).href), timeout])
    // let callbacks the example scheduled (a resolved promise, a timer of 0) run before judging
    await new Promise((resolve) => setTimeout(resolve, 0))
    if (stray !== undefined) current.problems.push({ line: 0, message: `fails: ${firstLine(stray)}` })
  } catch (error) {
    current.problems.push({ line: lineOf(error, example.file), message: `fails: ${firstLine(error)}` })
  } finally {
    clearTimeout(timer)
    process.chdir(home)
    rmSync(cwd, { recursive: true, force: true })
  }
  example.checks.forEach((check, id) => {
    if (!current.reached.has(id) && current.problems.length === 0) {
      current.problems.push({
        line: check.line,
        message: `\`${check.expr}\` never ran, so its stated ${check.comment} is not checked`,
      })
    }
  })
  return current.problems
}

/** The example's own line an error came from, from its stack (0 when the stack does not name the example). */
function lineOf(error, file) {
  const stack = error instanceof Error ? (error.stack ?? '') : ''
  const at = stack.split('\n').find((l) => l.includes(file))
  const m = at === undefined ? null : /:(\d+):\d+\)?$/.exec(at)
  return m === null ? 0 : Number(m[1])
}

process.once('message', async ({ examples, from }) => {
  for (let index = from; index < examples.length; index++) {
    process.send({ index, started: true })
    const started = performance.now()
    const problems = await runOne(examples[index])
    await new Promise((resolve) => process.send({ index, problems, ms: performance.now() - started }, resolve))
  }
  process.exit(0)
})
