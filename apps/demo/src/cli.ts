import { parseArgs } from 'node:util'
import { modelKinds, type ModelKind } from './models.js'

/** The optimizers and schedules the demo can use, by flag value. */
export const optimizerNames = ['adam', 'adamw', 'sgd', 'momentum', 'nesterov', 'rmsprop', 'adagrad', 'lion'] as const
export const scheduleNames = ['cosine', 'constant', 'step', 'exponential', 'onecycle'] as const
export type OptimizerName = (typeof optimizerNames)[number]
export type ScheduleName = (typeof scheduleNames)[number]

/** One training run's settings. */
export interface RunSettings {
  model: ModelKind
  optimizer: OptimizerName
  /** Peak learning rate; undefined means the optimizer's default for this demo. */
  lr: number | undefined
  schedule: ScheduleName
  batch: 'full' | number
  epochs: number
  seed: number
}

/** Everything the command line asked for: one run, or several to compare. */
export interface DemoOptions {
  runs: RunSettings[]
  limit: number
  report: string | undefined
}

export const usage = `usage: pnpm demo [-- options]
  --model mlp|cnn            the model: mlp (default) or cnn (convolutions with batchNorm)
  --optimizer ${optimizerNames.join('|')}   (default adam)
  --lr <number>              peak learning rate (default: a good one for the optimizer)
  --schedule ${scheduleNames.join('|')}   (default cosine)
  --batch full|1|<N>         batch GD, stochastic GD or mini-batch GD (default 64)
  --epochs <N>               passes over the training set (default 12 for mlp, 8 for cnn)
  --seed <N>                 seed for the split, initialization, shuffling and dropout (default 0)
  --compare a,b,c            train one run per optimizer and compare them in a table
  --limit <N>                use only the first N digits (default: all, about 10,000)
  --report <file.html>       where to write the HTML report (default: a temporary file)
  --help                     this text`

/** Parses and checks the command line; throws an Error whose message says what is wrong. */
export function parseDemoArgs(argv: readonly string[]): DemoOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      model: { type: 'string', default: 'mlp' },
      optimizer: { type: 'string', default: 'adam' },
      lr: { type: 'string' },
      schedule: { type: 'string', default: 'cosine' },
      batch: { type: 'string', default: '64' },
      epochs: { type: 'string' },
      seed: { type: 'string', default: '0' },
      compare: { type: 'string' },
      limit: { type: 'string' },
      report: { type: 'string' },
      help: { type: 'boolean', default: false },
      cnn: { type: 'boolean', default: false },
    },
  })
  if (values.help) throw new Error('help')
  if (positionals.length > 0) throw new Error(`unexpected argument ${JSON.stringify(positionals[0])}`)
  const model = values.cnn ? 'cnn' : oneOf('--model', values.model!, modelKinds)
  const schedule = oneOf('--schedule', values.schedule!, scheduleNames)
  const batch: 'full' | number = values.batch === 'full' ? 'full' : positiveInteger('--batch', values.batch!, 'full, 1 or a positive integer')
  const epochs = values.epochs === undefined ? (model === 'mlp' ? 12 : 8) : positiveInteger('--epochs', values.epochs, 'a positive integer')
  const seed = nonNegativeInteger('--seed', values.seed!)
  const lr = values.lr === undefined ? undefined : positiveNumber('--lr', values.lr)
  const optimizers = values.compare === undefined ? [values.optimizer!] : values.compare.split(',').map((s) => s.trim())
  const runs = optimizers.map((o) => ({ model, optimizer: oneOf(values.compare === undefined ? '--optimizer' : '--compare', o, optimizerNames), lr, schedule, batch, epochs, seed }))
  const limit = values.limit === undefined ? Infinity : positiveInteger('--limit', values.limit, 'a positive integer')
  return { runs, limit, report: values.report }
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new Error(`${flag} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`)
  return value as T
}

function positiveInteger(flag: string, value: string, expected: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be ${expected}, got ${JSON.stringify(value)}`)
  return n
}

function nonNegativeInteger(flag: string, value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer, got ${JSON.stringify(value)}`)
  return n
}

function positiveNumber(flag: string, value: string): number {
  const n = Number(value)
  if (!(n > 0) || !Number.isFinite(n)) throw new Error(`${flag} must be a positive number, got ${JSON.stringify(value)}`)
  return n
}
