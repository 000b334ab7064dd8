import * as tf from '@tensorflow/tfjs'
import { nn as jnn, numpy as np } from '@jax-js/jax'
import * as AG from '@gd/autograd'
import { mse, softmaxCrossEntropy } from '@gd/losses'
import {
  embedding,
  layerNorm,
  linear,
  positionEmbedding,
  transformerBlock,
  type EmbeddingParams,
  type LayerNormParams,
  type LinearParams,
  type TransformerBlockParams,
} from '@gd/nn'
import type { Workload } from '../harness.js'
import { randomData, randomLabels } from './data.js'
import { namedStepContenders } from './namedStep.js'

/** The sizes of a transformer step: batch × time tokens of width `width`, `heads` heads (MLP 4·width wide). */
export interface TransformerSizes {
  batch: number
  time: number
  width: number
  heads: number
}

/** The sizes of a character language model: a transformer's, its depth and its vocabulary. */
export interface LanguageModelSizes extends TransformerSizes {
  blocks: number
  vocab: number
}

/** Layer norm's ε, as PyTorch's and @gd's. */
export const EPS = 1e-5
const GELU_C = Math.sqrt(2 / Math.PI)

/** A TF.js contender's parameters by path ('blocks.0.norm1.gamma'). */
export type TfParams = Record<string, tf.Tensor>

/** TF.js layer norm over the last axis: (x − μ)/√(σ² + ε)·γ + β. */
export function tfLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true)
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, EPS))), gamma), beta)
}

/**
 * TF.js GELU in its tanh form, ½x(1 + tanh(√(2/π)(x + 0.044715x³))): TF.js 4.22's core has no gelu
 * op, and its layers' `gelu_new` activation is this same composition of ops.
 */
function tfGelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), GELU_C)
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1))
}

/**
 * A pre-norm causal transformer block written with TF.js ops, as @gd's `transformerBlock`, on
 * rows x [batch·time, width]: linear layers are 2-D products, attention rank-4 batched products
 * with an additive causal mask (−1e9 above the diagonal, `bias`) before the softmax.
 */
export function tfBlock(p: TfParams, at: string, x: tf.Tensor, s: TransformerSizes, bias: tf.Tensor): tf.Tensor {
  const { batch, time, width, heads } = s
  const d = width / heads
  const w = (k: string) => p[`${at}${k}`]!
  const lin = (t: tf.Tensor, k: string) => tf.add(tf.matMul(t as tf.Tensor2D, w(`${k}.w`) as tf.Tensor2D), w(`${k}.b`))
  const split = (t: tf.Tensor) => t.reshape([batch, time, heads, d]).transpose([0, 2, 1, 3])
  const h = tfLayerNorm(x, w('norm1.gamma'), w('norm1.beta'))
  const q = split(lin(h, 'attention.query'))
  const k = split(lin(h, 'attention.key'))
  const v = split(lin(h, 'attention.value'))
  const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(d)), bias)
  const joined = tf
    .matMul(tf.softmax(scores), v)
    .transpose([0, 2, 1, 3])
    .reshape([batch * time, width])
  const r = tf.add(x, lin(joined, 'attention.output'))
  return tf.add(r, lin(tfGelu(lin(tfLayerNorm(r, w('norm2.gamma'), w('norm2.beta')), 'mlp1')), 'mlp2'))
}

/** The additive causal mask [time, time]: 0 on and below the diagonal, −1e9 above. */
export function tfCausalBias(time: number): tf.Tensor {
  return tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([time, time]), -1, 0)), -1e9)
}

/**
 * A pre-norm causal transformer block written with jax-js ops on x [batch, time, width]: its
 * `nn.standardize` for the layer norms, `nn.gelu` (tanh form by default), and attention written out
 * as its `nn.dotProductAttention` computes it (scores, `where` with a lower-triangular mask and
 * −∞, softmax), with batched matmuls on [batch, heads, time, d]: `dotProductAttention` itself
 * cannot run under Node 20, its einsum uses iterator helpers (`matchAll(…).map`) that came in Node 22.
 * Consumes x.
 */
export function jaxBlock(p: Record<string, np.Array>, at: string, x: np.Array, s: TransformerSizes): np.Array {
  const { batch, time, width, heads } = s
  const d = width / heads
  const w = (k: string) => p[`${at}${k}`]!
  const norm = (t: np.Array, k: string) =>
    jnn
      .standardize(t, -1, { epsilon: EPS })
      .mul(w(`${k}.gamma`))
      .add(w(`${k}.beta`))
  const lin = (t: np.Array, k: string) => np.matmul(t, w(`${k}.w`)).add(w(`${k}.b`))
  const split = (t: np.Array) => t.reshape([batch, time, heads, d]).transpose([0, 2, 1, 3])
  const h = norm(x.ref, 'norm1')
  const q = split(lin(h.ref, 'attention.query'))
  const k = split(lin(h.ref, 'attention.key'))
  const v = split(lin(h, 'attention.value'))
  const scores = np.matmul(q, np.matrixTranspose(k)).mul(1 / Math.sqrt(d))
  const weights = jnn.softmax(np.where(np.tri(time, time, 0, { dtype: np.bool }), scores, -Infinity), -1)
  const attended = np.matmul(weights, v).transpose([0, 2, 1, 3]).reshape([batch, time, width])
  const r = x.add(lin(attended, 'attention.output'))
  return r.ref.add(lin(jnn.gelu(lin(norm(r, 'norm2'), 'mlp1')), 'mlp2'))
}

/** The name of a transformer block workload (for `--only`). */
export function transformerBlockName(s: TransformerSizes): string {
  return `transformer block b${s.batch}×${s.time} d${s.width} ${s.heads} heads`
}

/** The name of a language model workload (for `--only`). */
export function languageModelName(s: LanguageModelSizes): string {
  return `transformer LM ${s.blocks} blocks b${s.batch}×${s.time} d${s.width} vocab ${s.vocab}`
}

/**
 * One training step of a pre-norm causal transformer block (GPT-2's) on x [batch, time, width]:
 * layer norm, 4-head self-attention with a causal mask, residual, layer norm, GELU MLP 4·width
 * wide, residual; mean squared error against a fixed target, Adam. @gd runs its
 * `transformerBlock`; TF.js has no attention layer, so its block is written with tf ops (same
 * shapes and FLOPs, an additive mask); jax-js's with its ops (see jaxBlock).
 */
export function transformerBlockWorkload(s: TransformerSizes): Workload {
  const { batch, time, width, heads } = s
  const block = transformerBlock(width, heads, { causal: true })
  const shape = [batch, time, width]
  return {
    name: transformerBlockName(s),
    description: `training step of a pre-norm causal transformer block (width ${width}, ${heads} heads, MLP ${4 * width}) on ${batch} × ${time} tokens, MSE, Adam`,
    contenders: namedStepContenders<TransformerBlockParams>({
      init: block.init(1),
      x: { values: randomData(2, shape), shape },
      y: { values: randomData(3, shape), shape },
      gdLoss: (p, x, y) => mse(block.apply(p, x), y),
      tfData: (x, y) => [x.reshape([batch * time, width]), y.reshape([batch * time, width])],
      tfConstants: () => ({ bias: tfCausalBias(time) }),
      tfLoss: (p, x, y, { bias }) => tf.losses.meanSquaredError(y, tfBlock(p, '', x, s, bias!)) as tf.Scalar,
      jaxLoss: (p, x, y) => np.square(jaxBlock(p, '', x, s).sub(y)).mean(),
    }),
  }
}

type LanguageModelParams = {
  embed: EmbeddingParams
  position: EmbeddingParams
  blocks: TransformerBlockParams[]
  norm: LayerNormParams
  head: LinearParams
}

/**
 * One training step of a character language model (the names example's): token embedding +
 * position embedding → `blocks` causal transformer blocks → layer norm → linear logits over the
 * vocabulary, softmax cross-entropy against the next tokens, Adam. TF.js looks tokens up with
 * `tf.gather`; jax-js with `np.take`.
 */
export function languageModelWorkload(s: LanguageModelSizes): Workload {
  const { batch, time, width, heads, blocks: depth, vocab } = s
  const embed = embedding(vocab, width)
  const position = positionEmbedding(time, width)
  const blocks = Array.from({ length: depth }, () => transformerBlock(width, heads, { causal: true }))
  const norm = layerNorm(width)
  const head = linear(width, vocab)
  const init: LanguageModelParams = {
    embed: embed.init(1),
    position: position.init(2),
    blocks: blocks.map((b, i) => b.init(3 + i)),
    norm: norm.init(0),
    head: head.init(9),
  }
  const rows = batch * time
  const tokens = { values: randomLabels(10, rows, vocab), shape: [batch, time] }
  const next = { values: randomLabels(11, rows, vocab), shape: [batch, time] }
  return {
    name: languageModelName(s),
    description: `training step of a character language model: embedding + position embedding, ${depth} causal transformer blocks (width ${width}, ${heads} heads), layer norm, logits over ${vocab} tokens, softmax cross-entropy, Adam; ${batch} × ${time} tokens`,
    contenders: namedStepContenders<LanguageModelParams>({
      init,
      x: tokens,
      y: next,
      gdLoss: (p, x, y) => {
        let h = position.apply(p.position, embed.apply(p.embed, x))
        blocks.forEach((b, i) => (h = b.apply(p.blocks[i]!, h)))
        return softmaxCrossEntropy(head.apply(p.head, norm.apply(p.norm, h)), y)
      },
      tfData: (x, y) => [x, tf.oneHot(y.reshape([rows]), vocab)],
      tfConstants: () => ({ bias: tfCausalBias(time) }),
      tfLoss: (p, x, y, { bias }) => {
        let h = tf.add(tf.gather(p['embed.w']!, x), p['position.w']!).reshape([rows, width])
        for (let i = 0; i < depth; i++) h = tfBlock(p, `blocks.${i}.`, h, s, bias!)
        const logits = tf.add(
          tf.matMul(tfLayerNorm(h, p['norm.gamma']!, p['norm.beta']!) as tf.Tensor2D, p['head.w'] as tf.Tensor2D),
          p['head.b']!,
        )
        return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar
      },
      jaxLoss: (p, x, y) => {
        let h = np.take(p['embed.w']!, x, 0).add(p['position.w']!)
        for (let i = 0; i < depth; i++) h = jaxBlock(p, `blocks.${i}.`, h, s)
        const normed = jnn.standardize(h, -1, { epsilon: EPS }).mul(p['norm.gamma']!).add(p['norm.beta']!)
        const logits = np.matmul(normed, p['head.w']!).add(p['head.b']!)
        return jnn.logSoftmax(logits).mul(jnn.oneHot(y, vocab)).sum(-1).mean().neg()
      },
    }),
  }
}
