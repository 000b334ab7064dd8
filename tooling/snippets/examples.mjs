// Running TSDoc examples: one child process (examples-child.mjs) with tsx loaded once imports them in turn; this side
// keeps a watchdog, so an example that never returns costs one process, not the run.
import { fork } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const tsx = join(here, 'node_modules', 'tsx', 'dist', 'loader.mjs')

/**
 * Runs the examples in one child process with tsx loaded once; a child that stops answering (an endless loop) is
 * killed after the timeout and a new one carries on with the next example. `runs` are `{ file, where, firstLine,
 * checks }` (the module to import, its `path:line` for messages, the source line of its first line, and what
 * instrument() found it states). Resolves to `{ problems, slow }`: messages, and the examples that took over 2 s.
 */
export function runExamples(runs, timeoutMs = Number(process.env.GD_EXAMPLE_TIMEOUT_MS ?? 60_000)) {
  const problems = []
  const slow = []
  return new Promise((resolveAll) => {
    const start = (from) => {
      if (from >= runs.length) {
        resolveAll({ problems, slow })
        return
      }
      const child = fork(join(here, 'examples-child.mjs'), [], {
        execArgv: ['--conditions=@gd/source', '--import', tsx],
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        env: { ...process.env, GD_EXAMPLE_TIMEOUT_MS: String(timeoutMs) },
      })
      let output = ''
      child.stdout.on('data', (d) => {
        output = (output + d).slice(-4000)
      })
      child.stderr.on('data', (d) => {
        output = (output + d).slice(-4000)
      })
      let current = from
      let watchdog
      let done = false
      const arm = () => {
        clearTimeout(watchdog)
        watchdog = setTimeout(
          () => {
            problems.push(`${runs[current].where}: did not finish within ${timeoutMs / 1000} s (stopped)`)
            done = true
            child.kill('SIGKILL')
            start(current + 1)
          },
          timeoutMs + Math.min(5_000, timeoutMs),
        ) // the child's own timeout catches a promise that never settles first
      }
      child.on('message', (message) => {
        if (message.started) {
          current = message.index
          output = ''
          arm()
          return
        }
        const run = runs[message.index]
        for (const p of message.problems)
          problems.push(
            `${p.line === 0 ? run.where : `${run.where.split(':')[0]}:${run.firstLine + p.line - 1}`}: ${p.message}`,
          )
        if (message.ms > 2_000) slow.push(`${run.where} ${(message.ms / 1000).toFixed(1)} s`)
      })
      child.on('exit', (code) => {
        clearTimeout(watchdog)
        if (done) return
        done = true
        if (current < runs.length - 1 || code !== 0) {
          if (code !== 0) {
            const reason =
              output
                .trim()
                .split('\n')
                .find((l) => /Error|error:/.test(l)) ?? `exit code ${code}`
            problems.push(`${runs[current].where}: the process running it ended: ${reason.trim()}`)
          }
          start(current + 1)
        } else resolveAll({ problems, slow })
      })
      child.send({ examples: runs.map(({ file, checks }) => ({ file, checks })), from })
    }
    start(0)
  })
}
