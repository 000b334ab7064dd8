import type { ProgressStream } from '@gd/train'

/** One command-line flag of a task: its kind, and its line in the usage text (none for a hidden alias). */
export interface Flag {
  type: 'string' | 'boolean'
  /** `[left, description]`, e.g. `['--epochs <N>', 'passes over the training set (default 20)']`. */
  usage?: readonly [string, string]
}

/** The flag values a task's `parse` receives: only its own flags, as given on the command line. */
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>

/** Where a task writes while it runs. */
export interface TaskIO {
  /** Writes one line of output. */
  log(line: string): void
  /** Where progress bars go; default `process.stdout`. */
  stream?: ProgressStream
}

/** What a finished task hands back to the command line. */
export interface TaskOutcome {
  /** A self-contained HTML report, written to `--report` or a temporary file. */
  html?: string
  /** More files to write next to the report, by file name (e.g. the trained model). */
  files?: Record<string, Uint8Array>
}

/**
 * One task of the demo: its flags, how it reads them into settings (throwing an Error that names the
 * flag for a bad value), and how it runs. Flags are declared, so the command line can tell a flag
 * that belongs to another task from one that belongs to none.
 */
export interface Task<S = unknown> {
  readonly name: string
  /** One line for the list of tasks. */
  readonly summary: string
  readonly flags: Readonly<Record<string, Flag>>
  parse(values: FlagValues): S
  run(settings: S, io: TaskIO): Promise<TaskOutcome>
}

/** A string flag's value, or undefined when it was not given. */
export function stringFlag(values: FlagValues, name: string): string | undefined {
  const v = values[name]
  return typeof v === 'string' ? v : undefined
}
