import { accessSync, constants, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { didYouMean, oneOf } from './flags.js'
import { taskNames, tasks } from './tasks/index.js'
import type { Flag, FlagValues, Task } from './tasks/task.js'

/** Flags every task takes, handled here rather than by the task. */
const globalFlags: Readonly<Record<string, Flag>> = {
  task: { type: 'string', usage: [`--task ${taskNames.join('|')}`, 'what to train (default classifier)'] },
  report: {
    type: 'string',
    usage: ['--report <file.html>', 'where to write the HTML report (default: a temporary file)'],
  },
  help: { type: 'boolean', usage: ['-h, --help', "this text; with --task, that task's flags"] },
}

/** What the command line asks for: a task to run with its settings, or a help text to print. */
export type Command =
  { kind: 'run'; task: Task<any>; settings: unknown; report: string | undefined } | { kind: 'help'; text: string }

/** One flag as written: its name without dashes, its value (true for a boolean flag) and how it was spelt. */
interface Given {
  name: string
  value: string | boolean
  written: string
}

/** Every flag name some task or the command line itself declares, with its type. */
function declaredTypes(): Map<string, Flag['type']> {
  const types = new Map<string, Flag['type']>()
  for (const flags of [globalFlags, ...tasks.map((t) => t.flags)]) {
    for (const [name, flag] of Object.entries(flags)) types.set(name, flag.type)
  }
  return types
}

/**
 * Splits argv into flags. `--name value` and `--name=value` both work, and a value may start with a
 * dash (`--lr -1` reads "-1", which the flag's reader then rejects with its own message); `-h` is
 * `--help`. Anything else that is not a declared flag is collected in `unknown`.
 */
function tokenize(
  argv: readonly string[],
  types: Map<string, Flag['type']>,
): { given: Given[]; unknown: string[]; problems: string[] } {
  const given: Given[] = []
  const unknown: string[] = []
  const problems: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '-h') {
      given.push({ name: 'help', value: true, written: arg })
      continue
    }
    if (!arg.startsWith('-') || arg === '-') {
      problems.push(`unexpected argument ${JSON.stringify(arg)} (flags start with --, e.g. --epochs 3)`)
      continue
    }
    const eq = arg.indexOf('=')
    const written = eq === -1 ? arg : arg.slice(0, eq)
    const name = written.replace(/^--?/, '')
    const type = written.startsWith('--') ? types.get(name) : undefined
    if (type === undefined) {
      unknown.push(written)
      if (eq === -1 && i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) i++ // its value, most likely
      continue
    }
    if (type === 'boolean') {
      if (eq !== -1) problems.push(`${written} takes no value, got ${JSON.stringify(arg.slice(eq + 1))}`)
      else given.push({ name, value: true, written })
      continue
    }
    if (eq !== -1) {
      given.push({ name, value: arg.slice(eq + 1), written })
    } else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) {
      given.push({ name, value: argv[++i]!, written })
    } else {
      problems.push(`${written} needs a value${i + 1 < argv.length ? `, got the flag ${argv[i + 1]}` : ''}`)
    }
  }
  return { given, unknown, problems }
}

/** The flags a user of `task` may type, with dashes. */
function flagsOf(task: Task<any>): string[] {
  return Object.keys(task.flags)
    .filter((f) => task.flags[f]!.usage !== undefined)
    .map((f) => `--${f}`)
}

/**
 * Parses and checks the command line (without the leading `--` pnpm passes through). A flag nobody
 * declares is an error with a "did you mean" for a likely typo, and so is a flag of another task
 * (`--model does not apply to --task vae`), a flag given twice, a flag without its value and a bad
 * value. `-h` or `--help` anywhere asks for help and wins over every other problem.
 * Throws an Error whose message says what is wrong.
 */
export function parseCommandLine(argv: readonly string[]): Command {
  const types = declaredTypes()
  const { given, unknown, problems } = tokenize(argv, types)
  const taskFlag = given.find((g) => g.name === 'task')?.value as string | undefined
  if (given.some((g) => g.name === 'help')) {
    const task = tasks.find((t) => t.name === taskFlag)
    return { kind: 'help', text: task === undefined ? usage() : taskUsage(task) }
  }
  const name = oneOf('--task', taskFlag ?? 'classifier', taskNames)
  const task = tasks.find((t) => t.name === name)!
  const own = flagsOf(task)
  const list = `the flags of --task ${task.name} are ${own.join(', ')}; every task takes --task, --report and --help`
  if (unknown.length > 0) {
    const word = unknown[0]!
    const suggestion = didYouMean(
      word.replace(/^--?/, ''),
      [...own, '--task', '--report', '--help'].map((f) => f.slice(2)),
      (f) => `--${f}`,
    )
    throw new Error(`Unknown option '${word}'${suggestion === '' ? `; ${list}` : suggestion}`)
  }
  if (problems.length > 0) throw new Error(problems[0])
  const seen = new Map<string, Given>()
  for (const g of given) {
    const before = seen.get(g.name)
    if (before !== undefined)
      throw new Error(
        `--${g.name} is given twice (${JSON.stringify(before.value)} and ${JSON.stringify(g.value)}); give it once`,
      )
    seen.set(g.name, g)
  }
  const values: Record<string, string | boolean> = {}
  for (const g of given) {
    if (g.name in globalFlags) continue
    if (!(g.name in task.flags)) {
      const owners = tasks.filter((t) => g.name in t.flags).map((t) => `--task ${t.name}`)
      throw new Error(
        `--${g.name} does not apply to --task ${task.name} (it is a flag of ${owners.join(', ')}); the flags of --task ${task.name} are ${own.join(', ')}`,
      )
    }
    values[g.name] = g.value
  }
  const report = seen.get('report')?.value as string | undefined
  if (report !== undefined && report.trim() === '') throw new Error('--report must be a file name, got ""')
  return { kind: 'run', task, settings: task.parse(values as FlagValues), report }
}

/**
 * Checks before training that the report can be written to `path`: not a folder, in a folder that
 * exists and is writable. Throws an Error naming --report otherwise.
 */
export function checkReportPath(path: string): void {
  const full = resolve(path)
  const kind = (p: string): 'file' | 'folder' | 'none' => {
    try {
      return statSync(p).isDirectory() ? 'folder' : 'file'
    } catch {
      return 'none'
    }
  }
  if (kind(full) === 'folder') throw new Error(`--report must be a file name, got the folder ${JSON.stringify(path)}`)
  const folder = dirname(full)
  if (kind(folder) !== 'folder')
    throw new Error(`--report must be in a folder that exists, got ${JSON.stringify(path)} (no folder ${folder})`)
  try {
    accessSync(folder, constants.W_OK)
  } catch {
    throw new Error(`--report must be in a folder you can write to, got ${JSON.stringify(path)}`)
  }
}

/** A usage line: the flag in a column of 28, its description after; a longer flag puts it on the next line. */
const line = ([left, text]: readonly [string, string]): string =>
  left.length > 28 ? `  ${left}\n  ${' '.repeat(29)}${text}` : `  ${left.padEnd(28)} ${text}`

const flagLines = (flags: Readonly<Record<string, Flag>>): string[] =>
  Object.values(flags).flatMap((f) => (f.usage === undefined ? [] : [line(f.usage)]))

/** The usage text of one task. */
export function taskUsage(task: Task<any>): string {
  return [
    `usage: pnpm demo -- --task ${task.name} [flags]`,
    `  ${task.summary}`,
    ...flagLines(task.flags),
    ...flagLines(globalFlags).slice(1),
  ].join('\n')
}

/** The general usage text: the tasks, the default task's flags and the flags every task takes. */
export function usage(): string {
  return [
    'usage: pnpm demo -- [--task <task>] [flags]',
    'tasks:',
    ...tasks.map((t) => line([t.name, t.summary])),
    `flags of --task ${tasks[0]!.name}:`,
    ...flagLines(tasks[0]!.flags),
    'flags of every task:',
    ...flagLines(globalFlags),
    'pnpm demo -- --task <task> --help lists the flags of that task.',
  ].join('\n')
}
