import { parseArgs } from 'node:util'
import { oneOf } from './flags.js'
import { taskNames, tasks } from './tasks/index.js'
import type { Flag, FlagValues, Task } from './tasks/task.js'

/** Flags every task takes, handled here rather than by the task. */
const globalFlags: Readonly<Record<string, Flag>> = {
  task: { type: 'string', usage: [`--task ${taskNames.join('|')}`, 'what to train (default classifier)'] },
  report: { type: 'string', usage: ['--report <file.html>', 'where to write the HTML report (default: a temporary file)'] },
  help: { type: 'boolean', usage: ['--help', 'this text; with --task, that task\'s flags'] },
}

/** What the command line asks for: a task to run with its settings, or a help text to print. */
export type Command =
  | { kind: 'run'; task: Task<any>; settings: unknown; report: string | undefined }
  | { kind: 'help'; text: string }

/**
 * Parses and checks the command line (without the leading `--` pnpm passes through). A flag nobody
 * declares is an error, and so is a flag of another task: `--model does not apply to --task vae`.
 * Throws an Error whose message says what is wrong.
 */
export function parseCommandLine(argv: readonly string[]): Command {
  const options: Record<string, { type: 'string' | 'boolean' }> = {}
  const owners = new Map<string, string[]>()
  for (const task of tasks) {
    for (const [name, flag] of Object.entries(task.flags)) {
      options[name] = { type: flag.type }
      owners.set(name, [...(owners.get(name) ?? []), task.name])
    }
  }
  for (const [name, flag] of Object.entries(globalFlags)) options[name] = { type: flag.type }
  const { values, positionals, tokens } = parseArgs({ args: [...argv], strict: true, allowPositionals: true, tokens: true, options })
  if (positionals.length > 0) throw new Error(`unexpected argument ${JSON.stringify(positionals[0])}`)
  const name = oneOf('--task', (values.task as string | undefined) ?? 'classifier', taskNames)
  const task = tasks.find((t) => t.name === name)!
  if (values.help === true) return { kind: 'help', text: values.task === undefined ? usage() : taskUsage(task) }
  const own: Record<string, string | boolean | undefined> = {}
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name in globalFlags) continue
    if (!(token.name in task.flags)) {
      const flags = Object.keys(task.flags).filter((f) => task.flags[f]!.usage !== undefined)
      throw new Error(
        `--${token.name} does not apply to --task ${task.name} (it is a flag of --task ${owners.get(token.name)!.join(', --task ')}); ` +
          `the flags of --task ${task.name} are ${flags.map((f) => `--${f}`).join(', ')}`,
      )
    }
    own[token.name] = values[token.name] as string | boolean
  }
  return { kind: 'run', task, settings: task.parse(own as FlagValues), report: values.report as string | undefined }
}

const line = ([left, text]: readonly [string, string]): string => `  ${left.padEnd(28)} ${text}`

const flagLines = (flags: Readonly<Record<string, Flag>>): string[] =>
  Object.values(flags).flatMap((f) => (f.usage === undefined ? [] : [line(f.usage)]))

/** The usage text of one task. */
export function taskUsage(task: Task<any>): string {
  return [`usage: pnpm demo -- --task ${task.name} [flags]`, `  ${task.summary}`, ...flagLines(task.flags), ...flagLines(globalFlags).slice(1)].join('\n')
}

/** The general usage text: the tasks, the default task's flags and the flags every task takes. */
export function usage(): string {
  return [
    'usage: pnpm demo [-- --task <task>] [-- flags]',
    'tasks:',
    ...tasks.map((t) => line([t.name, t.summary])),
    `flags of --task ${tasks[0]!.name}:`,
    ...flagLines(tasks[0]!.flags),
    'flags of every task:',
    ...flagLines(globalFlags),
    'pnpm demo -- --task <task> --help lists the flags of that task.',
  ].join('\n')
}
