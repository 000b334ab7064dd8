import { namesDefaults, namesModels, trainOnNames, type NamesModel } from '@gd/examples/names'
import { renderDigitsReport } from '../digitsReport.js'
import { nonNegativeInteger, oneOf, positiveInteger, positiveNumber } from '../flags.js'
import { stringFlag, type FlagValues, type Task } from './task.js'

/** `--task names` settings: the model and what overrides its defaults (undefined: the default). */
export interface NamesTaskSettings {
  model: NamesModel
  epochs: number | undefined
  lr: number | undefined
  batch: number | undefined
  width: number | undefined
  depth: number | undefined
  seed: number
  /** Use only the first N names (Infinity: all 8,422). */
  limit: number
  /** How many names to sample at the end. */
  samples: number
}

/** The models' defaults for a setting: one number when they agree, else one per model (`transformer 10, gru 6, lstm 6`). */
const perModel = (key: keyof (typeof namesDefaults)['gru']): string => {
  const values = namesModels.map((m) => namesDefaults[m][key])
  return values.every((v) => v === values[0])
    ? String(values[0])
    : namesModels.map((m, i) => `${m} ${values[i]}`).join(', ')
}

/**
 * `--task names`: a character-level language model of first names (the example in
 * @gd/examples/names: a causal transformer, a GRU or an LSTM), trained with `fit`; it reports the
 * validation loss in nats per character after each epoch and prints names sampled from the model.
 */
export const names: Task<NamesTaskSettings> = {
  name: 'names',
  summary: 'a character model of 8,422 first names (transformer, GRU or LSTM), then sampled names',
  flags: {
    model: { type: 'string', usage: [`--model ${namesModels.join('|')}`, `the model (default ${namesModels[0]})`] },
    epochs: {
      type: 'string',
      usage: ['--epochs <N>', `passes over the training names (default ${perModel('epochs')})`],
    },
    lr: {
      type: 'string',
      usage: ['--lr <number>', `AdamW's peak learning rate, then cosine decay (default ${perModel('learningRate')})`],
    },
    batch: { type: 'string', usage: ['--batch <N>', `names per step (default ${perModel('batchSize')})`] },
    width: {
      type: 'string',
      usage: ['--width <N>', `width of the character embedding (default ${perModel('width')})`],
    },
    depth: {
      type: 'string',
      usage: ['--depth <N>', `gru/lstm state width, or transformer blocks (default ${perModel('depth')})`],
    },
    seed: {
      type: 'string',
      usage: ['--seed <N>', 'seed for the split, initialization, order and samples (default 0)'],
    },
    limit: { type: 'string', usage: ['--limit <N>', 'use only the first N names, by code point (default: all 8,422)'] },
    samples: { type: 'string', usage: ['--samples <N>', 'names to sample at the end (default 20)'] },
  },
  parse: parseNamesFlags,
  async run(settings, io) {
    const { model } = settings
    const started = performance.now()
    const r = trainOnNames(model, {
      ...(settings.epochs === undefined ? {} : { epochs: settings.epochs }),
      ...(settings.lr === undefined ? {} : { learningRate: settings.lr }),
      ...(settings.batch === undefined ? {} : { batchSize: settings.batch }),
      ...(settings.width === undefined ? {} : { width: settings.width }),
      ...(settings.depth === undefined ? {} : { depth: settings.depth }),
      ...(settings.limit === Infinity ? {} : { limit: settings.limit }),
      seed: settings.seed,
      samples: settings.samples,
      log: io.log,
    })
    const { epochs, batchSize, learningRate } = r.settings
    const training = `AdamW ${learningRate} (warmup, cosine to 0), batch ${batchSize}, ${epochs} epochs, seed ${settings.seed}`
    const layers = `${r.architecture} (${r.parameters.toLocaleString('en-US')} parameters)`
    io.log(`\nvalidation loss ${r.validationLoss.toFixed(3)} nats per character, ${r.seconds.toFixed(1)} s of training`)
    io.log(`sampled names: ${r.samples.join(', ')}`)
    const total = (performance.now() - started) / 1000
    return {
      html: renderDigitsReport({
        title: `@gd character model of first names (${model})`,
        summary: [
          ['model', layers],
          [
            'data',
            `${r.split.train} names to train on, ${r.split.validation} held out (lower-cased first names from @stdlib)`,
          ],
          ['training', training],
          ['validation loss', `${r.validationLoss.toFixed(3)} nats per character`],
          ['time', `${r.seconds.toFixed(1)} s of training, ${total.toFixed(1)} s in all`],
          ['sampled names', r.samples.join(', ')],
        ],
        charts: [
          {
            title: 'loss, nats per character',
            x: r.history.map((h) => h.epoch + 1),
            series: [
              { label: 'train', values: r.history.map((h) => h.loss) },
              { label: 'validation', values: r.history.map((h) => h.valLoss ?? null) },
            ],
          },
        ],
        grids: [],
      }),
    }
  },
}

/** Reads `--task names`' flags; throws an Error naming the flag for a bad value. */
export function parseNamesFlags(values: FlagValues): NamesTaskSettings {
  const read = <T>(name: string, parse: (flag: string, v: string) => T): T | undefined => {
    const v = stringFlag(values, name)
    return v === undefined ? undefined : parse(`--${name}`, v)
  }
  const model = oneOf('--model', stringFlag(values, 'model') ?? namesModels[0], namesModels)
  const width = read('width', positiveInteger)
  if (model === 'transformer' && width !== undefined && width % 4 !== 0) {
    throw new Error(
      `--width must be a multiple of 4 for --model transformer (its 4 attention heads), got ${JSON.stringify(stringFlag(values, 'width'))}`,
    )
  }
  return {
    model,
    epochs: read('epochs', positiveInteger),
    lr: read('lr', positiveNumber),
    batch: read('batch', positiveInteger),
    width,
    depth: read('depth', positiveInteger),
    seed: read('seed', nonNegativeInteger) ?? 0,
    limit: read('limit', positiveInteger) ?? Infinity,
    samples: read('samples', positiveInteger) ?? 20,
  }
}
