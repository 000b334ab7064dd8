import * as tf from '@tensorflow/tfjs'
import { nn as jnn, numpy as np } from '@jax-js/jax'
import type * as AG from '@gd/autograd'
import { softmaxCrossEntropy } from '@gd/losses'
import { embedding, gru, layerNorm, linear, positionEmbedding, sequential, transformerBlock } from '@gd/nn'
import type { Workload } from '../harness.js'
import { namesBatch, type NamesBatch } from './names.js'
import { namedStepContenders } from './namedStep.js'
import { EPS, jaxBlock, tfBlock, tfCausalBias, tfLayerNorm, type TfParams } from './transformer.js'

/** AdamW's weight decay in the examples' names task (and PyTorch's default). */
export const NAMES_WEIGHT_DECAY = 0.01

/** The sizes of the names transformer step: batch × time tokens, width, heads, blocks. */
export interface NamesTransformerSizes {
  batch: number
  time: number
  width: number
  heads: number
  blocks: number
}

/** The sizes of the names GRU step: batch × time tokens, embedding width, hidden width. */
export interface NamesGruSizes {
  batch: number
  time: number
  width: number
  hidden: number
}

/** The name of the transformer step (for `--only` and the README's table). */
export function namesTransformerName(s: NamesTransformerSizes): string {
  return `transformer step b${s.batch} t${s.time} d${s.width} h${s.heads} ×${s.blocks} (AdamW)`
}

/** The name of the GRU step. */
export function namesGruName(s: NamesGruSizes): string {
  return `GRU step b${s.batch} t${s.time} h${s.hidden} (AdamW)`
}

/**
 * The transformer step's FLOPs in its products: per block the four projections (8·R·d²), the MLP
 * (16·R·d²) and attention's two batched products (4·B·T²·d over all heads), then the head (2·R·d·vocab),
 * with R = B·T rows; backward twice the forward, since every product's operands take gradients (the
 * first block's input comes from the trainable embedding).
 */
export function namesTransformerFlops(s: NamesTransformerSizes, vocab: number): number {
  const rows = s.batch * s.time
  const block = 24 * rows * s.width ** 2 + 4 * s.batch * s.time ** 2 * s.width
  return 3 * (s.blocks * block + 2 * rows * s.width * vocab)
}

/**
 * The GRU step's FLOPs in its products: the input projection of every step (2·R·width·3h), the
 * recurrent products (2·R·h·3h over all steps) and the head (2·R·h·vocab), R = B·T; backward twice the
 * forward, as for the transformer.
 */
export function namesGruFlops(s: NamesGruSizes, vocab: number): number {
  const rows = s.batch * s.time
  return 3 * (6 * rows * s.hidden * (s.width + s.hidden) + 2 * rows * s.hidden * vocab)
}

/**
 * The loss target for the peers, [rows, vocab]: each target's one-hot row with the padding's
 * column zeroed (a padded position's row is then all zeros: ignored) and divided by the number of
 * counted targets, so −Σ logSoftmax(logits)·target is @gd's
 * `softmaxCrossEntropy(logits, y, { ignoreIndex: padId })`, the mean over the targets that are not padding.
 */
function columnWeights(data: NamesBatch): Float32Array {
  return Float32Array.from({ length: data.vocab }, (_, i) => (i === data.padId ? 0 : 1 / data.counted))
}

const tfTarget = (data: NamesBatch, y: tf.Tensor): tf.Tensor =>
  tf.mul(tf.oneHot(y.reshape([-1]), data.vocab), tf.tensor1d(columnWeights(data)))

const tfCrossEntropy = (logits: tf.Tensor, target: tf.Tensor): tf.Scalar =>
  tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), target))) as tf.Scalar

/** Consumes logits and y (jax-js's rule). */
const jaxCrossEntropy = (data: NamesBatch, logits: np.Array, y: np.Array): np.Array =>
  jnn
    .logSoftmax(logits)
    .mul(jnn.oneHot(y, data.vocab).mul(np.array(columnWeights(data))))
    .sum()
    .neg()

/**
 * TF.js looks a token up as a product with its one-hot row, [rows, vocab] × [vocab, width]: the
 * wasm backend has no `UnsortedSegmentSum`, the gradient of `tf.gather`, so it cannot train a
 * gathered embedding. The product costs 2·rows·vocab·width FLOPs (2 MFLOP here, under 1% of
 * either step) and gives the same rows and gradient.
 */
const tfEmbed = (oneHotIds: tf.Tensor, table: tf.Tensor): tf.Tensor =>
  tf.matMul(oneHotIds as tf.Tensor2D, table as tf.Tensor2D)

/**
 * One training step of the examples' names transformer on a batch of real first names:
 * `sequential(embedding(vocab, width), positionEmbedding(time, width), blocks × transformerBlock(width,
 * heads, { causal: true }), layerNorm(width), linear(width, vocab))`, softmax cross-entropy over the
 * next characters ignoring the padding, AdamW (η 1e-3, λ 0.01). At b32 t16 d64 h4 ×2 that is about
 * 320 MFLOP a step in the products (107 forward: per block 4 projections 16.8, the MLP 33.6, attention 2.1; the head 2.0; twice that backward). TF.js and jax-js run the same
 * model written with their ops (the blocks as in the `transformer LM` workload).
 */
export function namesTransformerWorkload(s: NamesTransformerSizes): Workload {
  const { batch, time, width, heads, blocks: depth } = s
  const data = namesBatch(batch, time)
  const vocab = data.vocab
  const model = sequential(
    embedding(vocab, width),
    positionEmbedding(time, width),
    ...Array.from({ length: depth }, () => transformerBlock(width, heads, { causal: true })),
    layerNorm(width),
    linear(width, vocab),
  )
  const rows = batch * time
  const sizes = { batch, time, width, heads }
  const norm = `${depth + 2}.`
  const head = `${depth + 3}.`
  return {
    name: namesTransformerName(s),
    flops: namesTransformerFlops(s, vocab),
    description: `training step of the names transformer: embedding ${vocab} → ${width} + positions, ${depth} causal pre-norm blocks (${heads} heads, MLP ${4 * width}), layer norm, linear ${width} → ${vocab}, cross-entropy ignoring padding, AdamW; ${batch} first names × ${time} tokens`,
    contenders: namedStepContenders({
      init: model.init(1),
      x: { values: data.x, shape: [batch, time] },
      y: { values: data.y, shape: [batch, time] },
      weightDecay: NAMES_WEIGHT_DECAY,
      gdLoss: (p, x, y) => softmaxCrossEntropy(model.apply(p, x) as AG.Var, y, { ignoreIndex: data.padId }),
      tfData: (x, y) => [tf.oneHot(x.reshape([rows]), vocab), tfTarget(data, y)],
      tfConstants: () => ({ bias: tfCausalBias(time) }),
      tfLoss: (p: TfParams, x, y, { bias }) => {
        const tokens = tfEmbed(x, p['0.w']!).reshape([batch, time, width])
        let h = tf.add(tokens, p['1.w']!).reshape([rows, width])
        for (let i = 0; i < depth; i++) h = tfBlock(p, `${i + 2}.`, h, sizes, bias!)
        const normed = tfLayerNorm(h, p[`${norm}gamma`]!, p[`${norm}beta`]!)
        const logits = tf.add(tf.matMul(normed as tf.Tensor2D, p[`${head}w`] as tf.Tensor2D), p[`${head}b`]!)
        return tfCrossEntropy(logits, y)
      },
      jaxLoss: (p, x, y) => {
        let h = np.take(p['0.w']!, x, 0).add(p['1.w']!)
        for (let i = 0; i < depth; i++) h = jaxBlock(p, `${i + 2}.`, h, sizes)
        const normed = jnn.standardize(h, -1, { epsilon: EPS }).mul(p[`${norm}gamma`]!).add(p[`${norm}beta`]!)
        return jaxCrossEntropy(data, np.matmul(normed, p[`${head}w`]!).add(p[`${head}b`]!), y)
      },
    }),
  }
}

/**
 * One training step of the examples' names GRU on a batch of real first names:
 * `sequential(embedding(vocab, width), gru(width, hidden), linear(hidden, vocab))` over every
 * position, softmax cross-entropy ignoring the padding, AdamW (η 1e-3, λ 0.01). TF.js's
 * `tf.layers.gru` is Keras's reset-before form (another function, see the `gru` workload), so TF.js
 * and jax-js both run @gd's (PyTorch's) equations written with their ops: every step's input
 * projection in one product, then per step q = h·wh + bh, r = σ(p_r + q_r), z = σ(p_z + q_z),
 * n = tanh(p_n + r ⊙ q_n), h = (1 − z) ⊙ n + z ⊙ h. Both look tokens up as one-hot products: TF.js
 * for the reason above, jax-js because its `jit` cannot compile the gradient of `np.take` whose
 * rows feed a product (jax-js 0.1.25: "jit: routine primitive scatter input is not imm"; the
 * transformer's lookup, added to the positions first, compiles).
 */
export function namesGruWorkload(s: NamesGruSizes): Workload {
  const { batch, time, width, hidden: H } = s
  const data = namesBatch(batch, time)
  const vocab = data.vocab
  const model = sequential(embedding(vocab, width), gru(width, H), linear(H, vocab))
  const rows = batch * time
  return {
    name: namesGruName(s),
    flops: namesGruFlops(s, vocab),
    description: `training step of the names GRU: embedding ${vocab} → ${width}, GRU ${width} → ${H} over ${time} steps, linear ${H} → ${vocab} at every step, cross-entropy ignoring padding, AdamW; ${batch} first names`,
    contenders: namedStepContenders({
      init: model.init(1),
      x: { values: data.x, shape: [batch, time] },
      y: { values: data.y, shape: [batch, time] },
      weightDecay: NAMES_WEIGHT_DECAY,
      gdLoss: (p, x, y) => softmaxCrossEntropy(model.apply(p, x) as AG.Var, y, { ignoreIndex: data.padId }),
      tfData: (x, y) => [tf.oneHot(x.reshape([rows]), vocab), tfTarget(data, y)],
      tfLoss: (p: TfParams, x, y) => {
        const inputs = tfEmbed(x, p['0.w']!)
        const projected = tf.add(tf.matMul(inputs as tf.Tensor2D, p['1.wx'] as tf.Tensor2D), p['1.bx']!)
        const steps = tf.unstack(projected.reshape([batch, time, 3 * H]), 1)
        let h: tf.Tensor = tf.zeros([batch, H])
        const hs: tf.Tensor[] = []
        for (const step of steps) {
          const q = tf.add(tf.matMul(h as tf.Tensor2D, p['1.wh'] as tf.Tensor2D), p['1.bh']!)
          const [xr, xz, xn] = tf.split(step, 3, 1)
          const [hr, hz, hn] = tf.split(q, 3, 1)
          const r = tf.sigmoid(tf.add(xr!, hr!))
          const z = tf.sigmoid(tf.add(xz!, hz!))
          const n = tf.tanh(tf.add(xn!, tf.mul(r, hn!)))
          h = tf.add(n, tf.mul(z, tf.sub(h, n)))
          hs.push(h)
        }
        const outputs = tf.stack(hs, 1).reshape([rows, H])
        const logits = tf.add(tf.matMul(outputs as tf.Tensor2D, p['2.w'] as tf.Tensor2D), p['2.b']!)
        return tfCrossEntropy(logits, y)
      },
      jaxLoss: (p, x, y) => {
        const inputs = np.matmul(jnn.oneHot(x, vocab), p['0.w']!)
        const projected = np.matmul(inputs, p['1.wx']!).add(p['1.bx']!)
        let h = np.zeros([batch, H])
        const hs: np.Array[] = []
        for (let t = 0; t < time; t++) {
          const xt = projected.ref.slice([], t)
          const q = np.matmul(h.ref, p['1.wh']!.ref).add(p['1.bh']!.ref)
          const [xr, xz, xn] = [0, 1, 2].map((k) => xt.ref.slice([], [k * H, (k + 1) * H]))
          const [hr, hz, hn] = [0, 1, 2].map((k) => q.ref.slice([], [k * H, (k + 1) * H]))
          xt.dispose()
          q.dispose()
          const r = jnn.sigmoid(xr!.add(hr!))
          const z = jnn.sigmoid(xz!.add(hz!))
          const n = np.tanh(xn!.add(r.mul(hn!)))
          h = n.ref.add(z.mul(h.sub(n))) // n + z·(h − n) = (1 − z)·n + z·h
          hs.push(h.ref)
        }
        h.dispose()
        projected.dispose()
        p['1.wh']!.dispose()
        p['1.bh']!.dispose()
        const logits = np.matmul(np.stack(hs, 1), p['2.w']!).add(p['2.b']!)
        return jaxCrossEntropy(data, logits, y)
      },
    }),
  }
}
