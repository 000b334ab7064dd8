// A character-level language model of first names: embedding → GRU → linear, trained with `fit` on
// the female and male first names that ship with the @stdlib packages, then sampled one character at
// a time. Its validation loss is in nats per character; a bigram model's is about 2.4 on this split
// and a uniform guess's ln(vocabulary size) ≈ 3.9.
//
//   pnpm --filter @gd/examples example gruNames
import { softmaxCrossEntropy } from '@gd/losses'
import { embedding, gru, linear, sequential } from '@gd/nn'
import { adam } from '@gd/optimizers'
import * as T from '@gd/tensor'
import { charVocabulary, fit, nextCharacterDataset, sampleText, validationSplit, type CharVocabulary, type EpochLogs } from '@gd/train'
import { firstNames } from '@gd/train/names'

/** Settings of {@link trainGruNames}. */
export interface GruNamesOptions {
  /** Passes over the training names. Default 6. */
  epochs?: number
  /** Names per step. Default 64. */
  batchSize?: number
  /** Width of the character embedding. Default 32. */
  embed?: number
  /** Width of the GRU's state. Default 128. */
  hidden?: number
  /** Adam's learning rate. Default 5·10⁻³. */
  learningRate?: number
  /** Use only the first `limit` names (in the list's order, by code point); default all 8,422. */
  limit?: number
  seed?: number
  /** How many names to sample at the end. Default 10. */
  samples?: number
  log?: (line: string) => void
}

/** What {@link trainGruNames} returns. */
export interface GruNamesResult {
  history: EpochLogs[]
  /** The last epoch's validation loss, nats per character (the end of a name counting as one). */
  validationLoss: number
  /** Names drawn from the trained model. */
  samples: string[]
  vocab: CharVocabulary
}

/** Trains the GRU model on first names and samples from it. */
export function trainGruNames(options: GruNamesOptions = {}): GruNamesResult {
  const { epochs = 6, batchSize = 64, embed = 32, hidden = 128, learningRate = 5e-3, limit, seed = 0, samples = 10, log } = options
  for (const [name, value] of Object.entries({ epochs, batchSize, embed, hidden, samples, ...(limit === undefined ? {} : { limit }) })) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`trainGruNames: ${name} must be a positive integer, got ${String(value)}`)
  }
  if (!(learningRate > 0 && Number.isFinite(learningRate))) throw new Error(`trainGruNames: learningRate must be a finite number > 0, got ${String(learningRate)}`)
  const names = firstNames({ lowercase: true })
  const used = limit === undefined ? names : names.slice(0, limit)
  const vocab = charVocabulary(used)
  const { train, validation } = validationSplit(nextCharacterDataset(used, vocab), { fraction: 0.1, seed })
  const model = sequential(embedding(vocab.size, embed), gru(embed, hidden), linear(hidden, vocab.size))
  const result = fit({
    model,
    params: model.init(seed),
    loss: (logits, targets) => softmaxCrossEntropy(logits, targets, { ignoreIndex: vocab.padId }),
    optimizer: adam({ learningRate }),
    data: train,
    validation,
    epochs,
    batchSize,
    seed,
    callbacks: log === undefined ? [] : [{ name: 'log', onEpochEnd: (_ctx, logs) => log(`epoch ${logs.epoch}: loss ${logs.loss.toFixed(3)}, validation ${logs.valLoss!.toFixed(3)} nats/char`) }],
  })
  const last = result.history.at(-1)!
  const next = (ids: number[]) => model.apply(result.params, T.tensor([ids], { dtype: 'int32' }))
  const keys = T.splitKey(T.prngKey(seed + 1), samples)
  return { history: result.history, validationLoss: last.valLoss!, samples: keys.map((key) => sampleText(next, vocab, { key, maxLength: 20 })), vocab }
}
