import { add, gather, mul, primitive, scatterAdd, slice, Var, type Input } from '@gd/autograd'
import { normalInit, type Initializer } from '@gd/init'
import * as T from '@gd/tensor'
import { complaint, fail, func, integer, optional, positiveInteger, readOptions } from '@gd/check'
import { readApplyOptions } from './internal/checks.js'
import { floatInput, floatLeaf, paramObject } from './internal/transformer.js'
import type { ApplyOptions, Layer } from './layer.js'
import { configure } from './internal/described.js'
import { forReplay, kernel } from '@gd/tensor/internal'

/**
 * Options of {@link embedding}.
 * @example
 * ```ts
 * import { embedding } from '@gd/nn'
 * import { normalInit } from '@gd/init'
 * const layer = embedding(100, 16, { paddingIndex: 0, weightInit: (key, shape) => normalInit(key, shape, { std: 0.02 }) })
 * ```
 */
export interface EmbeddingOptions {
  /** Initializer of the table W, shape [vocabSize, dim]. Default N(0, 1), as PyTorch's `nn.Embedding`. */
  weightInit?: Initializer
  /**
   * An index in [0, vocabSize) whose row starts at zero and gets no gradient, as PyTorch's
   * `padding_idx`: a padding token then stays a zero vector through training. Default none.
   */
  paddingIndex?: number
}

/**
 * Parameters of an embedding layer: the table W of shape [vocabSize, dim], one row per token.
 * @example
 * ```ts
 * import { embedding } from '@gd/nn'
 * embedding(28, 8).init(0).w.shape // [28, 8]
 * ```
 */
export type EmbeddingParams = {
  w: T.Tensor
}

/**
 * A lookup table: apply(params, indices) returns row `indices[…]` of W for every index, so int32
 * indices of shape S give an output of shape [...S, dim]. The gradient adds each output's cotangent
 * into its row (rows looked up several times accumulate), except the `paddingIndex` row, which gets none.
 *
 * @throws Error for sizes that are not positive integers, a paddingIndex outside [0, vocabSize);
 * when applied, for indices that are not an int32 Tensor or hold a value outside [0, vocabSize).
 * @example
 * ```ts
 * import { embedding } from '@gd/nn'
 * import { tensor } from '@gd/tensor'
 * const layer = embedding(28, 8, { paddingIndex: 0 })
 * const params = layer.init(0)
 * const tokens = tensor([[3, 1, 0], [2, 2, 0]], { dtype: 'int32' }) // [batch, time]
 * layer.apply(params, tokens).shape // [2, 3, 8]
 * ```
 */
export function embedding(vocabSize: number, dim: number, options?: EmbeddingOptions): Layer<EmbeddingParams> {
  positiveInteger('embedding', 'vocabSize', vocabSize)
  positiveInteger('embedding', 'dim', dim)
  const { weightInit, paddingIndex } = readOptions('embedding', options, {
    weightInit: optional(func),
    paddingIndex: optional(integer),
  })
  if (paddingIndex !== undefined && (paddingIndex < 0 || paddingIndex >= vocabSize)) {
    fail('embedding', 'paddingIndex', `an integer in [0, ${vocabSize})`, paddingIndex)
  }
  const shape = [vocabSize, dim]
  return configure(
    {
      name: `embedding(${vocabSize} → ${dim})`,
      init: (key) => {
        const w = ((weightInit as Initializer | undefined) ?? ((k, s) => normalInit(k, s)))(key, shape)
        if (paddingIndex === undefined) return { w }
        // the padding row starts at zero, as PyTorch's does
        const rows = T.tensor(
          Array.from({ length: vocabSize }, (_, i) => i !== paddingIndex),
          { dtype: 'bool', shape: [vocabSize, 1] },
        )
        return { w: T.where(rows, w, 0) }
      },
      apply: (params, input: Input, applyOptions?: ApplyOptions) => {
        readApplyOptions('embedding', applyOptions)
        const w = floatLeaf('embedding', paramObject('embedding', params, '{ w }'), 'w', shape)
        // sequential and fit hand layers their input as a Var; int32 values are never traced
        const indices = input instanceof Var ? input.value : input
        if (!(indices instanceof T.Tensor) || indices.dtype !== 'int32')
          fail('embedding', 'indices', 'an int32 Tensor', input)
        // the indices are checked (and the padding rows' keep made) in a kernel call: a compiled step does both again
        const at = forReplay(indices)
        kernel([], () => checkIndices(at.data as Int32Array, vocabSize))
        if (paddingIndex === undefined) return gather(w, indices)
        // the padding row's cotangent is dropped: keep is 0 where an index is the padding index
        const keep = T.zeros([...indices.shape, 1], { dtype: w.dtype })
        const k = keep.storage
        kernel(k, () => (at.data as Int32Array).forEach((v, i) => (k[i] = v === paddingIndex ? 0 : 1)), true)
        const lookup = primitive({
          name: 'embedding',
          forward: (table) => T.gather(table, indices),
          backward: (g) => [scatterAdd(shape, indices, mul(g, keep))],
        })
        return lookup(w)
      },
    },
    { kind: 'embedding', vocabSize, dim, paddingIndex },
  )
}

/** Throws for the first index outside [0, vocabSize), naming its flat position. */
function checkIndices(idx: Int32Array, vocabSize: number): void {
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!
    if (v < 0 || v >= vocabSize)
      throw complaint('embedding', 'indices', `must hold integers in [0, ${vocabSize})`, v, ` at flat position ${i}`)
  }
}

/**
 * Options of {@link positionEmbedding}.
 * @example
 * ```ts
 * import { positionEmbedding } from '@gd/nn'
 * import { normalInit } from '@gd/init'
 * const layer = positionEmbedding(16, 64, { weightInit: (key, shape) => normalInit(key, shape, { std: 0.02 }) })
 * ```
 */
export interface PositionEmbeddingOptions {
  /** Initializer of the table W, shape [maxLength, dim]. Default N(0, 1), as {@link embedding}'s. */
  weightInit?: Initializer
}

/**
 * A learned position embedding, as GPT-2's: apply(params, x) adds row t of W to position t of x
 * (x of shape [batch, time, dim], time ≤ maxLength), so that attention, which by itself ignores the
 * order of its inputs, can tell positions apart. Put it right after a token {@link embedding}; a
 * character language model is then `sequential(embedding(vocab, d), positionEmbedding(block, d),
 * transformerBlock(d, heads, { causal: true }), …, layerNorm(d), linear(d, vocab))`.
 *
 * @throws Error for sizes that are not positive integers; when applied, for x that is not a float
 *   Tensor or Var of shape [batch, time, dim] with time ≤ maxLength.
 * @example
 * ```ts
 * import { positionEmbedding } from '@gd/nn'
 * import { zeros } from '@gd/tensor'
 * const layer = positionEmbedding(16, 8)
 * const params = layer.init(0)
 * layer.apply(params, zeros([2, 5, 8])).shape // [2, 5, 8]: rows 0–4 of params.w, for each sequence
 * ```
 */
export function positionEmbedding(
  maxLength: number,
  dim: number,
  options?: PositionEmbeddingOptions,
): Layer<EmbeddingParams> {
  const fn = 'positionEmbedding'
  positiveInteger(fn, 'maxLength', maxLength)
  positiveInteger(fn, 'dim', dim)
  const { weightInit } = readOptions(fn, options, { weightInit: optional(func) })
  const shape = [maxLength, dim]
  return configure(
    {
      name: `positionEmbedding(${maxLength} × ${dim})`,
      init: (key) => ({ w: ((weightInit as Initializer | undefined) ?? ((k, s) => normalInit(k, s)))(key, shape) }),
      apply: (params, input: Input, applyOptions?: ApplyOptions) => {
        readApplyOptions(fn, applyOptions)
        const w = floatLeaf(fn, paramObject(fn, params, '{ w }'), 'w', shape)
        const x = floatInput(
          fn,
          input,
          `of shape [batch, time ≤ ${maxLength}, ${dim}]`,
          (s) => s.length === 3 && s[1]! <= maxLength && s[2] === dim,
        )
        return add(x, slice(w, [0, 0], [x.shape[1]!, dim]))
      },
    },
    { kind: fn, maxLength, dim },
  )
}
