// A character model of first names, the smallest one: an embedding of each character straight into the
// logits of the next (a bigram table, learned by gradient descent instead of counted). Shows the text
// data path end to end: names → vocabulary → padded next-character rows → a seeded validation split →
// fit with the padding ignored by the loss → sampled names.
// Run: node --conditions=@gd/source --import tsx packages/train/examples/namesBigram.ts
import type { Var } from '@gd/autograd'
import { softmaxCrossEntropy } from '@gd/losses'
import { embedding } from '@gd/nn'
import { adam } from '@gd/optimizers'
import { prngKey, splitKey, tensor, type Tensor } from '@gd/tensor'
import { charVocabulary, fit, nextCharacterDataset, sampleText, validationSplit } from '@gd/train'
import { firstNames } from '@gd/train/names'

/** Trains and returns the validation loss in nats per character and a few sampled names. */
export function main(log: (line: string) => void = console.log, epochs = 12): { valLoss: number; samples: string[] } {
  const names = firstNames({ lowercase: true })
  const vocab = charVocabulary(names)
  const { train, validation } = validationSplit(nextCharacterDataset(names, vocab), { fraction: 0.1, seed: 0 })
  log(`${names.length} names, ${vocab.characters.length} characters, rows of ${train.x.shape[1]}`)

  // logits[b, t] = w[x[b, t]]: one row of next-character logits per character
  const model = embedding(vocab.size, vocab.size)
  const loss = (logits: Var, targets: Tensor): Var => softmaxCrossEntropy(logits, targets, { ignoreIndex: vocab.padId })
  const { params, history } = fit({
    model,
    params: model.init(0),
    loss,
    optimizer: adam({ learningRate: 0.1 }),
    data: train,
    validation,
    batchSize: 512,
    epochs,
    seed: 0,
  })
  // the validation loss is the mean over each batch's characters, averaged over batches: near enough
  // to per character for a report (all rows but the last batch's hold 512 names)
  const valLoss = history.at(-1)!.valLoss!
  log(`validation loss ${valLoss.toFixed(3)} nats/char (counted bigrams: 2.437)`)

  const next = (ids: number[]) => model.apply(params, tensor([ids.at(-1)!], { dtype: 'int32' }))
  const samples = splitKey(prngKey(1), 5).map((key) => sampleText(next, vocab, { key, maxLength: 20 }))
  log(`samples: ${samples.join(', ')}`)
  return { valLoss, samples }
}

if (typeof process !== 'undefined' && process.argv[1]?.endsWith('namesBigram.ts')) main()
