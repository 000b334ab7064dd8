// Character-level language models of first names, trained with `fit` on the 8,422 female and male
// first names that ship with the @stdlib packages (lower-cased, 10% held out), then sampled one
// character at a time. Two models, one loop:
// - gru: embedding → gru → linear;
// - transformer: embedding + positionEmbedding → causal transformerBlocks → layerNorm → linear.
// The validation loss is in nats per character (the end of a name counting as one); on this split a
// counted bigram model reaches 2.44, a 4-gram 2.03, a uniform guess ln 28 ≈ 3.33.
//
//   pnpm --filter @gd/examples example namesGru
//   pnpm --filter @gd/examples example namesTransformer
import type { MaybeTraced } from '@gd/autograd'
import { integer, optional, positiveInteger, readOptions, withDefault } from '@gd/check'
import { softmaxCrossEntropy } from '@gd/losses'
import { embedding, gru, layerNorm, linear, positionEmbedding, sequential, transformerBlock, type Layer } from '@gd/nn'
import { adamw } from '@gd/optimizers'
import * as T from '@gd/tensor'
import { charVocabulary, fit, nextCharacterDataset, sampleText, validationSplit, type CharVocabulary, type Dataset, type EpochLogs } from '@gd/train'
import { firstNames } from '@gd/train/names'
import { finiteAboveZero, logger } from './checks.js'

/** The two models. */
export type NamesModel = 'gru' | 'transformer'

/** Settings of {@link trainOnNames}; defaults depend on the model (see {@link namesDefaults}). */
export interface NamesOptions {
  /** Passes over the training names. */
  epochs?: number
  /** Names per step. */
  batchSize?: number
  /** Width of the character embedding (and of the transformer's residual stream). */
  width?: number
  /** The GRU's state width, or the transformer's number of blocks. */
  depth?: number
  /** AdamW's learning rate. */
  learningRate?: number
  /** Use only the first `limit` names (in the list's order, by code point); default all 8,422. */
  limit?: number
  seed?: number
  /** How many names to sample at the end. Default 10. */
  samples?: number
  log?: (line: string) => void
}

/** Each model's defaults: what reaches about 2 nats per character within a couple of minutes on one core. */
export const namesDefaults: Record<NamesModel, Required<Pick<NamesOptions, 'epochs' | 'batchSize' | 'width' | 'depth' | 'learningRate'>>> = {
  gru: { epochs: 6, batchSize: 64, width: 32, depth: 128, learningRate: 5e-3 },
  transformer: { epochs: 10, batchSize: 64, width: 64, depth: 2, learningRate: 6e-3 },
}

/** What {@link trainOnNames} returns. */
export interface NamesResult {
  history: EpochLogs[]
  /** The last epoch's validation loss, nats per character. */
  validationLoss: number
  /** Names drawn from the trained model. */
  samples: string[]
  vocab: CharVocabulary
}

/** A GRU language model: embedding → gru → linear. */
function gruModel(vocab: number, width: number, hidden: number) {
  return sequential(embedding(vocab, width), gru(width, hidden), linear(hidden, vocab))
}

/** A causal transformer language model: embedding + positionEmbedding → blocks → layerNorm → linear. */
function transformerModel(vocab: number, block: number, width: number, blocks: number) {
  const stack = Array.from({ length: blocks }, () => transformerBlock(width, 4, { causal: true }))
  return sequential(embedding(vocab, width), positionEmbedding(block, width), ...stack, layerNorm(width), linear(width, vocab))
}

/** Trains a character model of first names and samples from it. */
export function trainOnNames(kind: NamesModel, options: NamesOptions = {}): NamesResult {
  const fn = 'trainOnNames'
  if (kind !== 'gru' && kind !== 'transformer') throw new Error(`${fn}: kind must be 'gru' or 'transformer', got ${String(kind)}`)
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
  const names = firstNames({ lowercase: true })
  const used = limit === undefined ? names : names.slice(0, limit)
  const vocab = charVocabulary(used)
  const data = nextCharacterDataset(used, vocab)
  const { train, validation } = validationSplit(data, { fraction: 0.1, seed })
  const blockSize = data.x.shape[1]!
  const settings = { epochs, batchSize, learningRate, seed, padId: vocab.padId, log }
  const { next, history } =
    kind === 'gru'
      ? fitOnNames(gruModel(vocab.size, width, depth), train, validation, settings)
      : fitOnNames(transformerModel(vocab.size, blockSize, width, depth), train, validation, settings)
  const keys = T.splitKey(T.prngKey(seed + 1), samples)
  return {
    history,
    validationLoss: history.at(-1)!.valLoss!,
    samples: keys.map((key) => sampleText(next, vocab, { key, maxLength: 20 })),
    vocab,
  }
}

/** Trains a model with fit and AdamW on next-character data, the padding ignored by the loss. */
function fitOnNames<P>(
  model: Layer<P, unknown[]>,
  train: Dataset,
  validation: Dataset,
  o: { epochs: number; batchSize: number; learningRate: number; seed: number; padId: number; log: ((line: string) => void) | undefined },
) {
  const started = performance.now()
  const result = fit({
    model,
    params: model.init(o.seed),
    loss: (logits, targets) => softmaxCrossEntropy(logits, targets, { ignoreIndex: o.padId }),
    optimizer: adamw({ learningRate: o.learningRate, weightDecay: 0.01 }),
    data: train,
    validation,
    epochs: o.epochs,
    batchSize: o.batchSize,
    seed: o.seed,
    callbacks: o.log === undefined ? [] : [{
      name: 'log',
      onEpochEnd: (_ctx, logs) => o.log!(`epoch ${logs.epoch}: loss ${logs.loss.toFixed(3)}, validation ${logs.valLoss!.toFixed(3)} nats/char, ${((performance.now() - started) / 1000).toFixed(1)} s`),
    }],
  })
  // the logits after a sequence of ids, for sampleText (the model sees at most the block it was trained on)
  const block = train.x.shape[1]!
  const params = result.params as MaybeTraced<P> // generic code: TypeScript cannot see that a P is one
  const next = (ids: number[]) => model.apply(params, T.tensor([ids.slice(-block)], { dtype: 'int32' }))
  return { next, history: result.history }
}
