// Character-level language models of first names, trained with `fit` on the 8,422 female and male
// first names that ship with the @stdlib packages (lower-cased, 10% held out), then sampled one
// character at a time. Three models, one loop:
// - gru: embedding → gru → linear;
// - lstm: embedding → lstm (forget bias started at 1) → linear;
// - transformer: embedding + positionEmbedding → causal transformerBlocks → layerNorm → linear.
// The validation loss is in nats per character (the end of a name counting as one); on this split a
// counted bigram model reaches 2.44, a 4-gram 2.03, a uniform guess ln 28 ≈ 3.33.
//
// Two things keep a step cheap and the run short: each batch is cut to its longest name (rows are
// padded to the longest of all 8,422, 15 characters, but a name has 6 on average; the models are
// causal, so the cut columns change nothing but the time), and AdamW's learning rate warms up over
// the first steps and then follows a cosine down to zero by the last one.
//
//   pnpm --filter @gd/examples example namesGru
//   pnpm --filter @gd/examples example namesLstm
//   pnpm --filter @gd/examples example namesTransformer
import type { Input, MaybeTraced } from '@gd/autograd'
import { fail, integer, optional, positiveInteger, readOptions, withDefault } from '@gd/check'
import { softmaxCrossEntropy } from '@gd/losses'
import {
  embedding,
  gru,
  layerNorm,
  linear,
  lstm,
  parameterCount,
  positionEmbedding,
  sequential,
  transformerBlock,
  type Layer,
  type RecurrentParams,
} from '@gd/nn'
import { adamw } from '@gd/optimizers'
import { warmupCosineDecaySchedule } from '@gd/schedules'
import * as T from '@gd/tensor'
import {
  charVocabulary,
  fit,
  nextCharacterDataset,
  sampleText,
  stepsPerEpoch,
  validationSplit,
  type CharVocabulary,
  type Dataset,
  type EpochLogs,
  type Model,
} from '@gd/train'
import { firstNames } from '@gd/train/names'
import { finiteAboveZero, logger } from './checks.js'

/** The models, by name: the first is the default. */
export const namesModels = ['transformer', 'gru', 'lstm'] as const

/** One of {@link namesModels}. */
export type NamesModel = (typeof namesModels)[number]

/** Settings of {@link trainOnNames}; defaults depend on the model (see {@link namesDefaults}). */
export interface NamesOptions {
  /** Passes over the training names. */
  epochs?: number
  /** Names per step. */
  batchSize?: number
  /** Width of the character embedding (and of the transformer's residual stream). */
  width?: number
  /** The GRU's or LSTM's state width, or the transformer's number of blocks. */
  depth?: number
  /** AdamW's peak learning rate (warmup, then cosine decay to 0). */
  learningRate?: number
  /** Use only the first `limit` names (in the list's order, by code point); default all 8,422. */
  limit?: number
  seed?: number
  /** How many names to sample at the end. Default 10. */
  samples?: number
  log?: (line: string) => void
}

/** The settings {@link namesDefaults} gives for each model. */
export type NamesSettings = Required<Pick<NamesOptions, 'epochs' | 'batchSize' | 'width' | 'depth' | 'learningRate'>>

/** Each model's defaults: what reaches below 2 nats per character within two minutes on one quiet core (the recurrent ones in under one). */
export const namesDefaults: Record<NamesModel, NamesSettings> = {
  gru: { epochs: 6, batchSize: 64, width: 32, depth: 128, learningRate: 1e-2 },
  lstm: { epochs: 6, batchSize: 64, width: 32, depth: 128, learningRate: 1e-2 },
  transformer: { epochs: 10, batchSize: 64, width: 64, depth: 2, learningRate: 1e-2 },
}

/** What {@link trainOnNames} returns. */
export interface NamesResult {
  history: EpochLogs[]
  /** The last epoch's validation loss, nats per character. */
  validationLoss: number
  /** Names drawn from the trained model. */
  samples: string[]
  vocab: CharVocabulary
  /** The settings used (the model's defaults with the options over them). */
  settings: NamesSettings
  /** Names trained on and held out. */
  split: { train: number; validation: number }
  /** The layers, in one line, e.g. `embedding 30 → 32, gru 32 → 128, linear 128 → 30`. */
  architecture: string
  /** Trainable numbers in the model. */
  parameters: number
  /** Wall-clock seconds of the training (sampling not included). */
  seconds: number
}

/** A GRU language model: embedding → gru → linear. */
function gruModel(vocab: number, width: number, hidden: number) {
  return sequential(embedding(vocab, width), gru(width, hidden), linear(hidden, vocab))
}

/**
 * An LSTM language model: embedding → lstm → linear, the LSTM's forget-gate bias started at 1
 * (Gers et al. 2000; Jozefowicz et al. 2015) so that its cells keep their content at first.
 */
function lstmModel(vocab: number, width: number, hidden: number) {
  const layers = sequential(embedding(vocab, width), lstm(width, hidden), linear(hidden, vocab))
  return {
    ...layers,
    init: (key: number | T.PRNGKey) => {
      const params = layers.init(key)
      const cell = params[1] as RecurrentParams
      // the gates' columns come in blocks i, f, g, o, and bx + bh is the gates' bias: f's block of it becomes 1
      const bx = Float32Array.from(cell.bx!.data as Float32Array).fill(1, hidden, 2 * hidden)
      const bh = Float32Array.from(cell.bh!.data as Float32Array).fill(0, hidden, 2 * hidden)
      params[1] = { ...cell, bx: T.tensor(bx, { shape: [4 * hidden] }), bh: T.tensor(bh, { shape: [4 * hidden] }) }
      return params
    },
  }
}

/** The transformer's attention heads. */
const heads = 4

/** A causal transformer language model: embedding + positionEmbedding → blocks → layerNorm → linear. */
function transformerModel(vocab: number, block: number, width: number, blocks: number) {
  const stack = Array.from({ length: blocks }, () => transformerBlock(width, heads, { causal: true }))
  return sequential(
    embedding(vocab, width),
    positionEmbedding(block, width),
    ...stack,
    layerNorm(width),
    linear(width, vocab),
  )
}

/**
 * One of the three language models, as an @gd/nn layer from int32 ids [batch, time] to logits
 * [batch, time, vocabSize]; `blockSize` is the transformer's longest sequence, `depth` the
 * recurrent state's width or the transformer's number of blocks (`width` a multiple of 4 there).
 */
export function namesModel(
  kind: NamesModel,
  sizes: { vocabSize: number; blockSize: number; width: number; depth: number },
): Layer<unknown[]> {
  const fn = 'namesModel'
  if (!namesModels.includes(kind))
    throw new Error(`${fn}: kind must be one of ${namesModels.map((m) => `'${m}'`).join(', ')}, got ${String(kind)}`)
  const { vocabSize, blockSize, width, depth } = readOptions(fn, sizes, {
    vocabSize: positiveInteger,
    blockSize: positiveInteger,
    width: positiveInteger,
    depth: positiveInteger,
  })
  const model =
    kind === 'gru'
      ? gruModel(vocabSize, width, depth)
      : kind === 'lstm'
        ? lstmModel(vocabSize, width, depth)
        : transformerModel(vocabSize, blockSize, width, depth)
  return model as Layer<unknown[]>
}

/** Trains a character model of first names and samples from it. */
export function trainOnNames(kind: NamesModel, options: NamesOptions = {}): NamesResult {
  const fn = 'trainOnNames'
  if (!namesModels.includes(kind))
    throw new Error(`${fn}: kind must be one of ${namesModels.map((m) => `'${m}'`).join(', ')}, got ${String(kind)}`)
  const defaults = namesDefaults[kind]
  const { epochs, batchSize, width, depth, learningRate, limit, seed, samples, log } = readOptions(fn, options, {
    epochs: withDefault(positiveInteger, defaults.epochs),
    batchSize: withDefault(positiveInteger, defaults.batchSize),
    width: withDefault(positiveInteger, defaults.width),
    depth: withDefault(positiveInteger, defaults.depth),
    learningRate: withDefault(finiteAboveZero, defaults.learningRate),
    limit: optional(positiveInteger),
    seed: withDefault(integer, 0),
    samples: withDefault(positiveInteger, 10),
    log: optional(logger),
  })
  if (kind === 'transformer' && width % heads !== 0)
    throw new Error(`${fn}: width must be a multiple of ${heads} (the transformer's heads), got ${width}`)
  const names = firstNames({ lowercase: true })
  const used = limit === undefined ? names : names.slice(0, limit)
  const vocab = charVocabulary(used)
  const data = nextCharacterDataset(used, vocab)
  const { train, validation } = validationSplit(data, { fraction: 0.1, seed })
  const blockSize = data.x.shape[1]!
  const size = vocab.size
  const architecture =
    kind === 'transformer'
      ? `embedding ${size} → ${width} + positions, ${depth} causal transformer blocks (${heads} heads, MLP ${4 * width}), layerNorm, linear ${width} → ${size}`
      : `embedding ${size} → ${width}, ${kind} ${width} → ${depth}, linear ${depth} → ${size}`
  const model = namesModel(kind, { vocabSize: size, blockSize, width, depth })
  const params = model.init(seed)
  const parameters = parameterCount(params as T.Tree)
  const split = { train: train.x.shape[0]!, validation: validation.x.shape[0]! }
  log?.(`${kind}: ${architecture} (${parameters.toLocaleString('en-US')} parameters)`)
  log?.(
    `${split.train} names to train on, ${split.validation} held out; AdamW ${learningRate} (warmup, cosine to 0), batch ${batchSize}, ${epochs} epochs, seed ${seed}`,
  )
  const { next, history, seconds } = fitOnNames(model, params, train, validation, {
    epochs,
    batchSize,
    learningRate,
    seed,
    padId: vocab.padId,
    log,
  })
  const keys = T.splitKey(T.prngKey(seed + 1), samples)
  return {
    history,
    validationLoss: history.at(-1)!.valLoss!,
    samples: keys.map((key) => sampleText(next, vocab, { key, maxLength: 20 })),
    vocab,
    settings: { epochs, batchSize, width, depth, learningRate },
    split,
    architecture,
    parameters,
    seconds,
  }
}

/**
 * Linear warmup from 0 over the first W steps (a twentieth of the run, at most 100), then a cosine
 * from `peak` down to 0 at `total` (@gd/schedules' `warmupCosineDecaySchedule`): lr(s) = peak·s/W, then
 * peak·½(1 + cos(π(s − W)/(total − W))).
 */
export function warmupCosine(peak: number, total: number): (step: number) => number {
  const warmupSteps = Math.max(1, Math.min(100, Math.floor(total / 20)))
  return warmupCosineDecaySchedule({ init: 0, peak, warmupSteps, totalSteps: Math.max(total, warmupSteps + 1) })
}

/**
 * The first `keep` columns of every row of an int32 [rows, time] batch, where `keep` is one past the
 * last column holding anything but `padId`: the columns after it are padding in every row.
 */
export function trimPadding(x: T.Tensor, padId: number): T.Tensor {
  if (!(x instanceof T.Tensor) || x.dtype !== 'int32' || x.rank !== 2)
    fail('trimPadding', 'x', 'an int32 tensor [rows, time]', x)
  integer('trimPadding', 'padId', padId)
  const [rows, time] = x.shape as [number, number]
  const c = x.data
  let keep = 1
  for (let r = 0; r < rows; r++) {
    for (let t = time - 1; t >= keep; t--) {
      if (c[r * time + t] !== padId) {
        keep = t + 1
        break
      }
    }
  }
  return keep === time ? x : T.slice(x, [0, 0], [rows, keep])
}

/**
 * Trains a model with fit and AdamW (warmup, cosine) on next-character data, each batch cut to its
 * longest name and the padding ignored by the loss.
 */
function fitOnNames<P>(
  model: Layer<P>,
  params: P,
  train: Dataset,
  validation: Dataset,
  o: {
    epochs: number
    batchSize: number
    learningRate: number
    seed: number
    padId: number
    log: ((line: string) => void) | undefined
  },
) {
  const started = performance.now()
  const elapsed = () => (performance.now() - started) / 1000
  // The models are causal: position t sees only positions ≤ t, so the columns after a batch's longest
  // name (padding in every row, in x and y alike) change no logit and no loss term: they are cut.
  const cut: Model<P> = {
    apply: (params, x: Input, options) =>
      model.apply(params, x instanceof T.Tensor ? trimPadding(x, o.padId) : x, options),
  }
  const totalSteps = o.epochs * stepsPerEpoch(train.x.shape[0]!, o.batchSize)
  const result = fit({
    model: cut,
    params,
    loss: (logits, targets) => {
      const time = logits.shape[1]!
      const y = time === targets.shape[1] ? targets : T.slice(targets, [0, 0], [targets.shape[0]!, time])
      return softmaxCrossEntropy(logits, y, { ignoreIndex: o.padId })
    },
    optimizer: adamw({ learningRate: warmupCosine(o.learningRate, totalSteps), weightDecay: 0.01 }),
    data: train,
    validation,
    epochs: o.epochs,
    batchSize: o.batchSize,
    seed: o.seed,
    callbacks:
      o.log === undefined
        ? []
        : [
            {
              name: 'log',
              onEpochEnd: (_ctx, logs) =>
                o.log!(
                  `epoch ${logs.epoch + 1}/${o.epochs}: loss ${logs.loss.toFixed(3)}, validation ${logs.valLoss!.toFixed(3)} nats/char, ${elapsed().toFixed(1)} s`,
                ),
            },
          ],
  })
  const seconds = elapsed()
  // the logits after a sequence of ids, for sampleText (the model sees at most the block it was trained on)
  const block = train.x.shape[1]!
  const trained = result.params as MaybeTraced<P> // generic code: TypeScript cannot see that a P is one
  const next = (ids: number[]) => model.apply(trained, T.tensor([ids.slice(-block)], { dtype: 'int32' }))
  return { next, history: result.history, seconds }
}
