// A tiny character transformer trained on first names, as the "Sequence models" page runs it: the
// names as next-character data, the baselines (uniform and bigram counts), the model (token and
// position embeddings, causal transformer blocks, a final layer norm and a linear head), a training
// loop that gives the page back to the browser between steps, and names sampled from the model.
import { add, noGrad, valueAndGrad, type Var } from '@gd/autograd'
import { normalInit } from '@gd/init'
import { softmaxCrossEntropy } from '@gd/losses'
import {
  embedding,
  layerNorm,
  linear,
  transformerBlock,
  type EmbeddingParams,
  type LayerNormParams,
  type LinearParams,
  type TransformerBlockParams,
} from '@gd/nn'
import { adam, applyUpdates } from '@gd/optimizers'
import { Tensor, arange, foldIn, prngKey, splitKey, tensor, type PRNGKey } from '@gd/tensor'
import {
  batchIndices,
  charVocabulary,
  epochBatches,
  nextCharacterDataset,
  sampleText,
  takeRows,
  validationSplit,
  type CharVocabulary,
  type Dataset,
} from '@gd/train'
import { firstNames } from '@gd/train/names'

// #region data
export interface NamesData {
  vocab: CharVocabulary
  /** x: `<begin> c₁ … c_L <pad> …`, y: `c₁ … c_L <end> <pad> …`, int32 [names, 16]. */
  train: Dataset
  validation: Dataset
  /** The training names, to tell a sampled name that is new from one the model has seen. */
  trainNames: Set<string>
}

/** The 8,422 first names, lower-cased, as next-character rows; a tenth held out for validation. */
export function namesData(): NamesData {
  const names = firstNames({ lowercase: true })
  const vocab = charVocabulary(names) // <pad>, <begin>, <end>, '-', 'a' … 'z': 30 ids
  const { train, validation } = validationSplit(nextCharacterDataset(names, vocab), { fraction: 0.1, seed: 0 })
  const trainNames = new Set<string>()
  const [rows, block] = train.x.shape as [number, number]
  for (let r = 0; r < rows; r++)
    trainNames.add(vocab.decode(Array.from(train.x.data.subarray(r * block, (r + 1) * block))))
  return { vocab, train, validation, trainNames }
}

/**
 * The validation loss of counting: p(b | a) = (count(a, b) + ½) / (count(a) + ½·V) from the
 * training rows, the next character predicted from the previous one alone.
 */
export function bigramLoss(data: NamesData): number {
  const V = data.vocab.size
  const counts = new Float64Array(V * V)
  const [tx, ty] = [data.train.x.data, data.train.y.data]
  for (let i = 0; i < tx.length; i++) if (ty[i] !== data.vocab.padId) counts[tx[i]! * V + ty[i]!]! += 1
  const rows = new Float64Array(V)
  for (let i = 0; i < counts.length; i++) rows[Math.floor(i / V)]! += counts[i]! + 0.5
  const [vx, vy] = [data.validation.x.data, data.validation.y.data]
  let total = 0
  let n = 0
  for (let i = 0; i < vx.length; i++) {
    if (vy[i] === data.vocab.padId) continue
    total -= Math.log((counts[vx[i]! * V + vy[i]!]! + 0.5) / rows[vx[i]!]!)
    n += 1
  }
  return total / n
}
// #endregion data

// #region model
export interface ModelSize {
  /** Width of every position's vector (the embeddings and the blocks). */
  dModel: number
  heads: number
  blocks: number
  /** Positions the model can see: the longest name (15) plus the begin id. */
  blockSize: number
}

/**
 * The parameters of {@link characterTransformer}: the layers' own parameter types. (A type alias,
 * not an interface, so that it is assignable to the optimizers' `Tree`.)
 */
export type CharacterModelParams = {
  tokens: EmbeddingParams
  positions: EmbeddingParams
  blocks: TransformerBlockParams[]
  norm: LayerNormParams
  head: LinearParams
}

/**
 * A character language model: logits[b, t] predict the character after x[b, 0 … t].
 * h = tokenEmbedding(x) + positionEmbedding(0 … T−1), then `blocks` causal transformer blocks,
 * a layer norm and a linear head to one logit per vocabulary id.
 */
export function characterTransformer(vocabSize: number, size: ModelSize) {
  const { dModel, heads, blocks, blockSize } = size
  const small = (key: PRNGKey | number, shape: readonly number[]) => normalInit(key, shape, { std: 0.1 })
  const tokens = embedding(vocabSize, dModel, { weightInit: small })
  const positions = embedding(blockSize, dModel, { weightInit: small })
  const stack = Array.from({ length: blocks }, () => transformerBlock(dModel, heads, { causal: true }))
  const norm = layerNorm(dModel)
  const head = linear(dModel, vocabSize)
  return {
    init(seed: number): CharacterModelParams {
      const keys = splitKey(prngKey(seed), 4 + blocks)
      return {
        tokens: tokens.init(keys[0]!),
        positions: positions.init(keys[1]!),
        blocks: stack.map((block, i) => block.init(keys[4 + i]!)),
        norm: norm.init(keys[2]!),
        head: head.init(keys[3]!),
      }
    },
    /** x: int32 [batch, time] ids, time ≤ blockSize; returns logits [batch, time, vocabSize]. */
    apply(params: CharacterModelParams, x: Tensor): Var {
      const time = x.shape[1]!
      let h = add(
        tokens.apply(params.tokens, x),
        positions.apply(params.positions, arange(0, time, 1, { dtype: 'int32' })),
      )
      stack.forEach((block, i) => (h = block.apply(params.blocks[i]!, h)))
      return head.apply(params.head, norm.apply(params.norm, h))
    },
  }
}
// #endregion model

// #region train
/** Gives the browser the main thread back: it can paint, redraw the plots and handle clicks. */
export const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

export type CharacterModel = ReturnType<typeof characterTransformer>

/** Mean cross-entropy per character (the end counted, the padding ignored), in nats. */
export const characterLoss = (logits: Var, targets: Tensor, padId: number): Var =>
  softmaxCrossEntropy(logits, targets, { ignoreIndex: padId })

/**
 * Adam on mini-batches of names, epoch after epoch, until `steps` steps; pauses every ~30 ms, and
 * every `evaluateEvery` steps calls `onEvaluate` with the parameters of the moment (awaited).
 */
export async function trainNames(options: {
  data: NamesData
  model: CharacterModel
  steps: number
  learningRate?: number
  batchSize?: number
  seed?: number
  evaluateEvery?: number
  onStep?: (step: number, loss: number) => void
  onEvaluate?: (step: number, params: CharacterModelParams) => void | Promise<void>
  shouldStop?: () => boolean
}): Promise<CharacterModelParams> {
  const { data, model, steps, learningRate = 3e-3, batchSize = 32, seed = 0, evaluateEvery = 50 } = options
  const optimizer = adam({ learningRate })
  let params = model.init(seed)
  let state = optimizer.init(params)
  const loss = valueAndGrad((p: CharacterModelParams, x: Tensor, y: Tensor) =>
    characterLoss(model.apply(p, x), y, data.vocab.padId),
  )
  let step = 0
  let worked = performance.now()
  const [shuffleKey] = splitKey(prngKey(seed))
  await options.onEvaluate?.(0, params)
  for (let epoch = 0; step < steps; epoch++) {
    for (const rows of epochBatches(data.train.y.shape[0]!, epoch, { batchSize, key: shuffleKey })) {
      if (step >= steps || options.shouldStop?.() === true) return params
      const batch = takeRows(data.train, rows)
      const [value, grads] = loss(params, batch.x, batch.y)
      const { updates, state: next } = optimizer.update(grads, state, params)
      params = applyUpdates(params, updates)
      state = next
      step += 1
      options.onStep?.(step, value.item())
      if (step % evaluateEvery === 0) await options.onEvaluate?.(step, params)
      if (performance.now() - worked > 30) {
        await pause()
        worked = performance.now()
      }
    }
  }
  return params
}
// #endregion train

// #region sample
/** The validation loss in nats per character, 200 names at a time with a pause after each batch. */
export async function validationLoss(
  model: CharacterModel,
  params: CharacterModelParams,
  data: NamesData,
): Promise<number> {
  let total = 0
  let characters = 0
  const { validation, vocab } = data
  for (const rows of batchIndices(validation.y.shape[0]!, 200)) {
    const batch = takeRows(validation, rows)
    const counted = (batch.y.data as Int32Array).filter((id) => id !== vocab.padId).length
    total += noGrad(() => characterLoss(model.apply(params, batch.x), batch.y, vocab.padId).value.item()) * counted
    characters += counted
    await pause()
  }
  return total / characters
}

/**
 * `count` names drawn from the model, one character at a time (sampleText from @gd/train feeds the
 * ids so far and draws the next from the softmax of the last position's logits), pausing after each.
 */
export async function sampleNames(
  model: CharacterModel,
  params: CharacterModelParams,
  vocab: CharVocabulary,
  key: PRNGKey,
  count: number,
  temperature = 1,
): Promise<string[]> {
  const next = (ids: number[]) => noGrad(() => model.apply(params, tensor([ids], { dtype: 'int32' }))) // [1, t, vocab]
  const names: string[] = []
  for (let i = 0; i < count; i++) {
    names.push(sampleText(next, vocab, { key: foldIn(key, i), maxLength: 15, temperature }))
    await pause()
  }
  return names
}
// #endregion sample

// A quick check from the command line: node --conditions=@gd/source --import tsx apps/docs/examples/sequenceModels.ts [steps]
async function main(argv: string[]): Promise<void> {
  const data = namesData()
  console.log(
    `vocabulary ${data.vocab.size} ids: uniform ${Math.log(data.vocab.size).toFixed(3)}, bigram ${bigramLoss(data).toFixed(3)} nats/char`,
  )
  const model = characterTransformer(data.vocab.size, {
    dModel: Number(argv[3] ?? 32),
    heads: 4,
    blocks: Number(argv[4] ?? 2),
    blockSize: 16,
  })
  const t0 = performance.now()
  let last = 0
  await trainNames({
    data,
    model,
    steps: Number(argv[2] ?? 300),
    learningRate: Number(argv[5] ?? 3e-3),
    evaluateEvery: 100,
    onStep: (_step, loss) => (last = loss),
    onEvaluate: async (step, params) => {
      const seconds = (performance.now() - t0) / 1000
      const v = await validationLoss(model, params, data)
      console.log(
        `step ${step} (${seconds.toFixed(1)} s): batch ${last.toFixed(3)}, validation ${v.toFixed(3)} nats/char;`,
        (await sampleNames(model, params, data.vocab, prngKey(step), 8)).join(' '),
      )
    },
  })
}

if (typeof process !== 'undefined' && process.argv[1]?.endsWith('sequenceModels.ts')) void main(process.argv)
