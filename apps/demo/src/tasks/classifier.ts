import { loadDigits, splitLine } from '../data.js'
import { nonNegativeInteger, oneOf, positiveInteger, positiveNumber } from '../flags.js'
import { modelKinds, type ModelKind } from '../models.js'
import { renderReport } from '../report.js'
import { formatLoss, formatNumber } from '../format.js'
import {
  checkRun,
  defaultLearningRates,
  optimizerNames,
  runOne,
  scheduleNames,
  type RunResult,
  type RunSettings,
} from '../run.js'
import { smallerRateHint } from './common.js'
import { limitUsage, parseLimit } from './mnistFlags.js'
import { stringFlag, type FlagValues, type Task } from './task.js'

/** The classifier task's settings: one run, or several to compare. */
export interface ClassifierSettings {
  runs: RunSettings[]
  limit: number
}

/**
 * The default task: digit classifiers (an MLP or a CNN with batchNorm) trained with `fit`, a summary
 * table, and a report with the curves and the misclassified digits.
 */
export const classifier: Task<ClassifierSettings> = {
  name: 'classifier',
  summary: 'classify the digits with an MLP or a CNN (the default task)',
  flags: {
    model: {
      type: 'string',
      usage: ['--model mlp|cnn', 'the model: mlp (default) or cnn (convolutions with batchNorm)'],
    },
    cnn: { type: 'boolean' },
    optimizer: { type: 'string', usage: [`--optimizer ${optimizerNames.join('|')}`, 'the optimizer (default adam)'] },
    lr: { type: 'string', usage: ['--lr <number>', 'peak learning rate (default: a good one for the optimizer)'] },
    schedule: {
      type: 'string',
      usage: [
        `--schedule ${scheduleNames.join('|')}`,
        'the learning rate over the steps (default cosine, after a warmup)',
      ],
    },
    batch: { type: 'string', usage: ['--batch full|1|<N>', 'batch GD, stochastic GD or mini-batch GD (default 64)'] },
    epochs: { type: 'string', usage: ['--epochs <N>', 'passes over the training set (default 12 for mlp, 8 for cnn)'] },
    seed: {
      type: 'string',
      usage: ['--seed <N>', 'seed for the split, initialization, shuffling and dropout (default 0)'],
    },
    compare: { type: 'string', usage: ['--compare a,b,c', 'train one run per optimizer and compare them in a table'] },
    limit: { type: 'string', usage: limitUsage },
  },
  parse: parseClassifierFlags,
  async run(settings, io) {
    const data = loadDigits({ limit: settings.limit, seed: settings.runs[0]!.seed })
    for (const run of settings.runs) checkRun(run, data.train.y.size)
    io.log(`${splitLine(data)} (stratified split)`)
    const results: RunResult[] = []
    for (const run of settings.runs) {
      io.log(`\n${run.model} with ${run.optimizer}, ${run.schedule} schedule, batch ${run.batch}, ${run.epochs} epochs`)
      results.push(runOne(run, data, io.stream))
    }
    for (const line of summaryTable(results)) io.log(line)
    for (const r of results) if (r.diverged !== undefined) io.log(`\n${divergenceWarning(r)}`)
    return { html: renderReport(results, data.test), files: modelFiles(results) }
  },
}

/**
 * The trained models to keep: `model.safetensors` (parameters and batchNorm statistics) and
 * `model.onnx`, or with `--compare` one pair per run, named after its optimizer.
 */
export function modelFiles(results: readonly RunResult[]): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {}
  for (const r of results) {
    const stem = results.length === 1 ? 'model' : `model-${r.settings.optimizer}`
    files[`${stem}.safetensors`] = r.files.safetensors
    files[`${stem}.onnx`] = r.files.onnx
  }
  return files
}

/** The table the classifier prints at the end: one row per run, numbers aligned and formatted. */
export function summaryTable(results: readonly RunResult[]): string[] {
  const rows = results.map((r) => [
    r.label,
    `${(100 * r.testAccuracy).toFixed(2)}%`,
    r.diverged !== undefined ? 'diverged' : formatLoss(r.history.at(-1)?.loss ?? NaN),
    `${r.seconds.toFixed(1)} s`,
  ])
  const head = ['run', 'test accuracy', 'final train loss', 'time']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const format = (row: readonly string[]): string =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')
  return ['', format(head), ...rows.map(format)]
}

/** What the classifier says about a run whose loss diverged, with a learning rate to try. */
export function divergenceWarning(r: RunResult): string {
  const { optimizer, lr } = r.settings
  const peak = lr ?? defaultLearningRates[optimizer]
  const hint = smallerRateHint(peak, defaultLearningRates[optimizer], `${optimizer}'s default here`)
  return (
    `warning: ${r.label} diverged: ${r.diverged}. The learning rate ${formatNumber(peak)} is too high for this run; ${hint}. ` +
    'The test accuracy above is that of the parameters when training stopped.'
  )
}

/** Reads the classifier's flags; throws an Error naming the flag for a bad value. */
export function parseClassifierFlags(values: FlagValues): ClassifierSettings {
  const modelFlag = stringFlag(values, 'model')
  if (values.cnn === true && modelFlag !== undefined && modelFlag !== 'cnn')
    throw new Error(`--cnn and --model ${modelFlag} disagree; give one of them`)
  const model: ModelKind = values.cnn === true ? 'cnn' : oneOf('--model', modelFlag ?? 'mlp', modelKinds)
  const schedule = oneOf('--schedule', stringFlag(values, 'schedule') ?? 'cosine', scheduleNames)
  const batchFlag = stringFlag(values, 'batch') ?? '64'
  const batch: 'full' | number =
    batchFlag === 'full' ? 'full' : positiveInteger('--batch', batchFlag, 'full, 1 or a positive integer')
  const epochsFlag = stringFlag(values, 'epochs')
  const epochs = epochsFlag === undefined ? (model === 'mlp' ? 12 : 8) : positiveInteger('--epochs', epochsFlag)
  const seed = nonNegativeInteger('--seed', stringFlag(values, 'seed') ?? '0')
  const lrFlag = stringFlag(values, 'lr')
  const lr = lrFlag === undefined ? undefined : positiveNumber('--lr', lrFlag)
  const compare = stringFlag(values, 'compare')
  if (compare !== undefined && stringFlag(values, 'optimizer') !== undefined) {
    throw new Error(
      '--optimizer and --compare do not go together: --compare lists the optimizers (e.g. --compare sgd,adam)',
    )
  }
  const optimizers =
    compare === undefined ? [stringFlag(values, 'optimizer') ?? 'adam'] : compare.split(',').map((s) => s.trim())
  const flag = compare === undefined ? '--optimizer' : '--compare'
  const twice = optimizers.find((o, i) => optimizers.indexOf(o) !== i)
  if (twice !== undefined) throw new Error(`--compare lists ${twice} twice, got ${JSON.stringify(compare)}`)
  const runs = optimizers.map((o) => ({
    model,
    optimizer: oneOf(flag, o, optimizerNames),
    lr,
    schedule,
    batch,
    epochs,
    seed,
  }))
  return { runs, limit: parseLimit(stringFlag(values, 'limit')) }
}
