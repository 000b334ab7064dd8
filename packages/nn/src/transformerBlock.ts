import { add, gelu, mul, type Input, type Var, type MaybeTraced } from '@gd/autograd'
import * as T from '@gd/tensor'
import { boolean, fail, isPlainObject, positiveInteger, readOptions, within, withDefault } from '@gd/check'
import { multiHeadAttention, type AttentionApplyOptions, type MultiHeadAttentionParams } from './attention.js'
import { checkMask, floatInput, maskedApplySpec, paramObject } from './internal/transformer.js'
import type { Layer } from './layer.js'
import { linear, type LinearParams } from './linear.js'
import { layerNorm, type LayerNormParams } from './normalization.js'
import { configure } from './internal/described.js'

/**
 * Options of {@link transformerBlock}.
 * @example
 * ```ts
 * import { transformerBlock } from '@gd/nn'
 * const block = transformerBlock(64, 4, { hidden: 128, dropout: 0.1, causal: true })
 * ```
 */
export interface TransformerBlockOptions {
  /** Width of the MLP's hidden layer. Default 4·dModel. */
  hidden?: number
  /** Dropout rate, in [0, 1), on the attention weights and on both residual branches in training. Default 0. */
  dropout?: number
  /** Causal self-attention (each position sees itself and earlier ones), for language models. Default false. */
  causal?: boolean
}

/**
 * Parameters of a transformer block: two layer norms, the attention and the MLP's two linear layers.
 * @example
 * ```ts
 * import { transformerBlock } from '@gd/nn'
 * Object.keys(transformerBlock(8, 2).init(0)) // ['norm1', 'attention', 'norm2', 'mlp1', 'mlp2']
 * ```
 */
export type TransformerBlockParams = {
  norm1: LayerNormParams
  attention: MultiHeadAttentionParams
  norm2: LayerNormParams
  mlp1: LinearParams
  mlp2: LinearParams
}

/**
 * A transformerBlock layer: a {@link Layer} whose apply also takes a key padding `mask`.
 * @example
 * ```ts
 * import { transformerBlock, type TransformerBlockLayer } from '@gd/nn'
 * const block: TransformerBlockLayer = transformerBlock(16, 2, { causal: true })
 * ```
 */
export interface TransformerBlockLayer extends Layer<TransformerBlockParams> {
  apply(params: MaybeTraced<TransformerBlockParams>, x: Input, options?: AttentionApplyOptions): Var
}

/**
 * A pre-norm transformer block (as GPT-2's, Radford et al. 2019, and Xiong et al. 2020) on
 * x of shape [batch, time, dModel]:
 *
 *   h = x + dropout(attention(layerNorm₁(x)))
 *   y = h + dropout(W₂·gelu(W₁·layerNorm₂(h) + b₁) + b₂)
 *
 * with {@link multiHeadAttention} (its attention weights dropped out at the same rate), a GELU MLP
 * of width `hidden` (GELU in its tanh form, as GPT-2's, fused into one loop each way) and {@link layerNorm}s. Stack blocks between
 * an {@link embedding} (plus a position embedding) and a final layerNorm and linear head for a
 * language model. A key padding `mask` given to apply goes to the attention (stack blocks in a loop
 * rather than with {@link sequential}, whose apply passes only `train` and `key`).
 *
 * @see https://arxiv.org/abs/2002.04745
 * @throws Error for sizes that are not positive integers, a dModel not divisible by numHeads, a
 * dropout outside [0, 1); when applied, for input that is not [batch, time, dModel], parameters of
 * the wrong shapes, or training with dropout and no key.
 * @example
 * ```ts
 * import { embedding, transformerBlock } from '@gd/nn'
 * import { prngKey, tensor } from '@gd/tensor'
 * const embed = embedding(28, 32)
 * const block = transformerBlock(32, 4, { causal: true, dropout: 0.1 })
 * const tokens = tensor([[1, 5, 9, 2]], { dtype: 'int32' }) // [batch, time]
 * const h = embed.apply(embed.init(0), tokens) // shape [1, 4, 32]
 * block.apply(block.init(1), h, { train: true, key: prngKey(2) }).shape // [1, 4, 32]
 * ```
 */
export function transformerBlock(
  dModel: number,
  numHeads: number,
  options?: TransformerBlockOptions,
): TransformerBlockLayer {
  const fn = 'transformerBlock'
  positiveInteger(fn, 'dModel', dModel)
  positiveInteger(fn, 'numHeads', numHeads)
  const { hidden, dropout, causal } = readOptions(fn, options, {
    hidden: withDefault(positiveInteger, 4 * dModel),
    dropout: withDefault(within({ min: 0, max: 1, maxOpen: true }), 0),
    causal: withDefault(boolean, false),
  })
  if (dModel % numHeads !== 0)
    throw new Error(`${fn}: dModel must be divisible by numHeads (${numHeads}), got ${dModel}`)
  const norm1 = layerNorm(dModel)
  const attention = multiHeadAttention(dModel, numHeads, { causal, dropout })
  const norm2 = layerNorm(dModel)
  const mlp1 = linear(dModel, hidden)
  const mlp2 = linear(hidden, dModel)
  const parts = ['norm1', 'attention', 'norm2', 'mlp1', 'mlp2'] as const
  const drop = (v: Var, key: T.PRNGKey | undefined): Var => {
    if (key === undefined) return v
    const keep = T.bernoulli(key, v.shape, { p: 1 - dropout, dtype: v.dtype === 'float64' ? 'float64' : 'float32' })
    return mul(v, T.mul(keep, 1 / (1 - dropout)))
  }
  return configure(
    {
      name: `transformerBlock(${dModel}, ${numHeads} heads, hidden ${hidden}${causal ? ', causal' : ''})`,
      init: (key) => {
        const keys = T.splitKey(typeof key === 'number' ? T.prngKey(key) : key, 5)
        const layers = [norm1, attention, norm2, mlp1, mlp2] as Layer<unknown>[]
        return Object.fromEntries(
          parts.map((name, i) => [name, layers[i]!.init(keys[i]!)]),
        ) as unknown as TransformerBlockParams
      },
      apply: (params, x, applyOptions?: AttentionApplyOptions) => {
        const { train, key, mask } = readOptions(fn, applyOptions, maskedApplySpec)
        const tree = paramObject(fn, params, `{ ${parts.join(', ')} }`)
        for (const part of parts)
          if (!isPlainObject(tree[part])) fail(fn, `params.${part}`, 'a plain object', tree[part])
        const v = floatInput(fn, x, `of shape [batch, time, ${dModel}]`, (s) => s.length === 3 && s[2] === dModel)
        checkMask(fn, mask, v.shape)
        const drops = train && dropout > 0
        if (drops && key === undefined)
          throw new Error(`${fn}: training with dropout needs a key in apply options ({ train: true, key })`)
        const keyOf = (i: number): T.PRNGKey | undefined => (drops ? T.foldIn(key!, i) : undefined)
        const p = params as TransformerBlockParams
        const attended = attention.apply(p.attention, norm1.apply(p.norm1, v), {
          train,
          ...(drops ? { key: keyOf(0)! } : {}),
          ...(mask === undefined ? {} : { mask }),
        })
        const h = add(v, drop(attended, keyOf(1)))
        const m = mlp2.apply(p.mlp2, gelu(mlp1.apply(p.mlp1, norm2.apply(p.norm2, h))))
        return add(h, drop(m, keyOf(2)))
      },
    },
    { kind: fn, dModel, numHeads, hidden, dropout, causal },
  )
}
