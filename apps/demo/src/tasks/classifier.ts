import { loadDigits, splitLine } from '../data.js'
import { nonNegativeInteger, oneOf, positiveInteger, positiveNumber } from '../flags.js'
import { modelKinds, type ModelKind } from '../models.js'
import { renderReport } from '../report.js'
import { optimizerNames, runOne, scheduleNames, type RunResult, type RunSettings } from '../run.js'
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
    model: { type: 'string', usage: ['--model mlp|cnn', 'the model: mlp (default) or cnn (convolutions with batchNorm)'] },
    cnn: { type: 'boolean' },
    optimizer: { type: 'string', usage: [`--optimizer ${optimizerNames.join('|')}`, '(default adam)'] },
    lr: { type: 'string', usage: ['--lr <number>', 'peak learning rate (default: a good one for the optimizer)'] },
    schedule: { type: 'string', usage: [`--schedule ${scheduleNames.join('|')}`, '(default cosine)'] },
    batch: { type: 'string', usage: ['--batch full|1|<N>', 'batch GD, stochastic GD or mini-batch GD (default 64)'] },
    epochs: { type: 'string', usage: ['--epochs <N>', 'passes over the training set (default 12 for mlp, 8 for cnn)'] },
    seed: { type: 'string', usage: ['--seed <N>', 'seed for the split, initialization, shuffling and dropout (default 0)'] },
    compare: { type: 'string', usage: ['--compare a,b,c', 'train one run per optimizer and compare them in a table'] },
    limit: { type: 'string', usage: ['--limit <N>', 'use only the first N digits (default: all, about 10,000)'] },
  },
  parse: parseClassifierFlags,
  async run(settings, io) {
    const data = loadDigits({ limit: settings.limit, seed: settings.runs[0]!.seed })
    io.log(`${splitLine(data)} (stratified split)`)
    const results: RunResult[] = []
    for (const run of settings.runs) {
      io.log(`\n${run.model} with ${run.optimizer}, ${run.schedule} schedule, batch ${run.batch}, ${run.epochs} epochs`)
      results.push(runOne(run, data, io.stream))
    }
    const width = Math.max(...results.map((r) => r.label.length), 3)
    io.log(`\n${'run'.padEnd(width)}  test accuracy  final loss  time`)
    for (const r of results) {
      io.log(`${r.label.padEnd(width)}  ${(100 * r.testAccuracy).toFixed(2).padStart(12)}%  ${r.history.at(-1)!.loss.toFixed(4).padStart(10)}  ${r.seconds.toFixed(1)} s`)
    }
    return { html: renderReport(results, data.test) }
  },
}

/** Reads the classifier's flags; throws an Error naming the flag for a bad value. */
export function parseClassifierFlags(values: FlagValues): ClassifierSettings {
  const model: ModelKind = values.cnn === true ? 'cnn' : oneOf('--model', stringFlag(values, 'model') ?? 'mlp', modelKinds)
  const schedule = oneOf('--schedule', stringFlag(values, 'schedule') ?? 'cosine', scheduleNames)
  const batchFlag = stringFlag(values, 'batch') ?? '64'
  const batch: 'full' | number = batchFlag === 'full' ? 'full' : positiveInteger('--batch', batchFlag, 'full, 1 or a positive integer')
  const epochsFlag = stringFlag(values, 'epochs')
  const epochs = epochsFlag === undefined ? (model === 'mlp' ? 12 : 8) : positiveInteger('--epochs', epochsFlag)
  const seed = nonNegativeInteger('--seed', stringFlag(values, 'seed') ?? '0')
  const lrFlag = stringFlag(values, 'lr')
  const lr = lrFlag === undefined ? undefined : positiveNumber('--lr', lrFlag)
  const compare = stringFlag(values, 'compare')
  const optimizers = compare === undefined ? [stringFlag(values, 'optimizer') ?? 'adam'] : compare.split(',').map((s) => s.trim())
  const flag = compare === undefined ? '--optimizer' : '--compare'
  const runs = optimizers.map((o) => ({ model, optimizer: oneOf(flag, o, optimizerNames), lr, schedule, batch, epochs, seed }))
  const limitFlag = stringFlag(values, 'limit')
  const limit = limitFlag === undefined ? Infinity : positiveInteger('--limit', limitFlag)
  return { runs, limit }
}
