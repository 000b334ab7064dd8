// Private: the sequence layers: embeddings, layerNorm and rmsNorm, attention and the transformer block.
import { float, int, ints, tensorAttribute, type Value } from '../graph.js'
import { expectInput, filled, like, paramTree, weight, type Context, type Emitter, type Site } from '../context.js'
import { geluOf, linear } from './basic.js'

interface EmbeddingConfig {
  vocabSize: number
  dim: number
}

/** Row lookup: Gather on axis 0 of the table, with the int32 indices as they come. */
export const embedding: Emitter = (ctx, site, x) => {
  const { vocabSize, dim } = site.config as unknown as EmbeddingConfig
  expectInput(
    site,
    x,
    x.type === 'int32',
    "of int32 token indices (the model's input is int32 when it starts with an embedding)",
  )
  const table = weight(ctx, paramTree(site, '{ w }'), 'w', [vocabSize, dim], site.paramsPath)
  return {
    name: ctx.graph.node('Gather', [table, x.name], { axis: int(0) }, `${site.path}.gather`),
    shape: [...x.shape, dim],
    type: 'float32',
  }
}

/** The size of axis `axis` of x as a 1-D int64 tensor of one value (Shape with start and end). */
const axisSize = (ctx: Context, x: Value, axis: number, hint: string): string =>
  ctx.graph.node('Shape', [x.name], { start: int(axis), end: int(axis + 1) }, hint)

interface PositionEmbeddingConfig {
  maxLength: number
  dim: number
}

/** x + W[:time]: the first `time` rows of the table, cut by the input's own length (which may be dynamic). */
export const positionEmbedding: Emitter = (ctx, site, x) => {
  const { maxLength, dim } = site.config as unknown as PositionEmbeddingConfig
  const time = x.shape[1]
  const fits =
    x.type === 'float32' &&
    x.shape.length === 3 &&
    x.shape[2] === dim &&
    (typeof time !== 'number' || time <= maxLength)
  expectInput(site, x, fits, `[batch, time ≤ ${maxLength}, ${dim}] of floats`)
  const g = ctx.graph
  const table = weight(ctx, paramTree(site, '{ w }'), 'w', [maxLength, dim], site.paramsPath)
  const rows = g.node(
    'Slice',
    [table, g.int64s([0]), axisSize(ctx, x, 1, `${site.path}.time`), g.int64s([0])],
    {},
    `${site.path}.rows`,
  )
  return like(x, g.node('Add', [x.name, rows], {}, `${site.path}.add`))
}

interface NormConfig {
  shape: number[]
  eps: number | undefined
  affine: boolean
}

/** The trailing axes of x must be the normalized shape. */
function normInput(site: Site, x: Value, shape: readonly number[]): void {
  const k = shape.length
  const ok = x.type === 'float32' && x.shape.length > k && shape.every((d, i) => x.shape[x.shape.length - k + i] === d)
  expectInput(site, x, ok, `[batch, …, ${shape.join(', ')}] of floats`)
}

/** LayerNormalization over the trailing axes, scale γ and shift β (ones and zeros without affine). */
export const layerNorm: Emitter = (ctx, site, x) => {
  const { shape, eps, affine } = site.config as unknown as NormConfig
  normInput(site, x, shape)
  const tree = affine ? paramTree(site, '{ gamma, beta }') : undefined
  const gamma = tree ? weight(ctx, tree, 'gamma', shape, site.paramsPath) : filled(ctx, `${site.path}.ones`, shape, 1)
  const beta = tree ? weight(ctx, tree, 'beta', shape, site.paramsPath) : filled(ctx, `${site.path}.zeros`, shape, 0)
  const y = ctx.graph.node(
    'LayerNormalization',
    [x.name, gamma, beta],
    { axis: int(-shape.length), epsilon: float(eps!) },
    `${site.path}.layerNorm`,
  )
  return like(x, y)
}

/**
 * rmsNorm composed (ONNX has no RMSNormalization before opset 23): y = x / √(mean(x²) + eps) · γ over
 * the trailing axes. Without an eps, the float32 machine epsilon 2⁻²³ (the exported model computes in float32).
 */
export const rmsNorm: Emitter = (ctx, site, x) => {
  const { shape, eps, affine } = site.config as unknown as NormConfig
  normInput(site, x, shape)
  const g = ctx.graph
  const gamma = affine ? weight(ctx, paramTree(site, '{ gamma }'), 'gamma', shape, site.paramsPath) : undefined
  const axes = shape.map((_, i) => i - shape.length)
  const square = g.node('Mul', [x.name, x.name], {}, `${site.path}.square`)
  // ReduceMean's axes: an attribute until opset 17, an input from opset 18
  const meanSquare =
    g.opset >= 18
      ? g.node('ReduceMean', [square, g.int64s(axes)], { keepdims: int(1) }, `${site.path}.meanSquare`)
      : g.node('ReduceMean', [square], { axes: ints(axes), keepdims: int(1) }, `${site.path}.meanSquare`)
  const rms = g.node(
    'Sqrt',
    [g.node('Add', [meanSquare, g.scalar(eps ?? 2 ** -23)], {}, `${site.path}.plusEps`)],
    {},
    `${site.path}.rms`,
  )
  const y = g.node('Div', [x.name, rms], {}, `${site.path}.normalized`)
  return like(x, gamma === undefined ? y : g.node('Mul', [y, gamma], {}, `${site.path}.scaled`))
}

interface AttentionConfig {
  dModel: number
  numHeads: number
  causal: boolean
  bias: boolean
}

/**
 * Multi-head self-attention on [batch, time, dModel], as @gd's: projections, heads split by Reshape
 * [0, 0, heads, d] (0 keeps batch and time, which may be dynamic) and Transpose, softmax(QKᵀ/√d)
 * over the allowed keys, the heads joined and projected. Key j is allowed for query i when j ≤ i
 * (causal: a Trilu mask built from the input's length) and mask[b, j] (with a mask input): the other
 * scores become −∞ before the softmax, and the weights are taken where allowed and 0 elsewhere, so a
 * query with no allowed key gets all-zero weights (its output is the output projection's bias), as
 * in @gd, where the softmax alone would give NaN.
 */
export const multiHeadAttention: Emitter = (ctx, site, x) => {
  const { dModel, numHeads, causal, bias } = site.config as unknown as AttentionConfig
  expectInput(
    site,
    x,
    x.type === 'float32' && x.shape.length === 3 && x.shape[2] === dModel,
    `[batch, time, ${dModel}] of floats`,
  )
  const g = ctx.graph
  const p = site.path
  const d = dModel / numHeads
  const tree = paramTree(site, '{ query, key, value, output }')
  const project = (name: string, input: Value): Value =>
    linear(
      ctx,
      {
        ...site,
        name: `${site.name} ${name}`,
        path: `${p}.${name}`,
        config: { kind: 'linear', inFeatures: dModel, outFeatures: dModel, bias },
        params: tree[name],
        paramsPath: `${site.paramsPath}.${name}`,
      },
      input,
    )
  const split = g.int64s([0, 0, numHeads, d])
  const heads = (v: Value, perm: number[], name: string): string =>
    g.node(
      'Transpose',
      [g.node('Reshape', [v.name, split], {}, `${p}.${name}.split`)],
      { perm: ints(perm) },
      `${p}.${name}.heads`,
    )
  const q = heads(project('query', x), [0, 2, 1, 3], 'query') // [batch, heads, time, d]
  const kT = heads(project('key', x), [0, 2, 3, 1], 'key') // [batch, heads, d, time]
  const v = heads(project('value', x), [0, 2, 1, 3], 'value')
  let scores = g.node(
    'Mul',
    [g.node('MatMul', [q, kT], {}, `${p}.scores`), g.scalar(1 / Math.sqrt(d))],
    {},
    `${p}.scaled`,
  )
  const keys = ctx.keyMask(site, x) // [batch, 1, 1, time]
  let allowed: string | undefined = keys
  if (causal) {
    const time = g.node('Shape', [x.name], { start: int(1), end: int(2) }, `${p}.time`)
    const square = g.node('Concat', [time, time], { axis: int(0) }, `${p}.timeByTime`)
    const one = tensorAttribute({ dims: [1], type: 'float32', data: Float32Array.of(1) })
    const ones = g.node('ConstantOfShape', [square], { value: one }, `${p}.ones`)
    const lower = g.node('Trilu', [ones], { upper: int(0) }, `${p}.lower`)
    const causalAllowed = g.node('Cast', [lower], { to: int(9) }, keys === undefined ? `${p}.allowed` : `${p}.causal`)
    allowed = keys === undefined ? causalAllowed : g.node('And', [keys, causalAllowed], {}, `${p}.allowed`) // [batch, 1, time, time]
  }
  if (allowed !== undefined) scores = g.node('Where', [allowed, scores, g.scalar(-Infinity)], {}, `${p}.masked`)
  let weights = g.node('Softmax', [scores], { axis: int(-1) }, `${p}.weights`)
  // a padding mask may leave a query no key (a softmax of −∞ only is NaN): @gd's weights are 0 there
  if (keys !== undefined) weights = g.node('Where', [allowed!, weights, g.scalar(0)], {}, `${p}.maskedWeights`)
  const joined = g.node(
    'Transpose',
    [g.node('MatMul', [weights, v], {}, `${p}.attended`)],
    { perm: ints([0, 2, 1, 3]) },
    `${p}.joinHeads`,
  )
  const flat: Value = like(x, g.node('Reshape', [joined, g.int64s([0, 0, dModel])], {}, `${p}.joined`))
  return project('output', flat)
}

interface TransformerBlockConfig {
  dModel: number
  numHeads: number
  hidden: number
  causal: boolean
}

/** h = x + attention(layerNorm₁(x)); y = h + W₂·gelu(W₁·layerNorm₂(h) + b₁) + b₂ (the tanh GELU), as @gd's pre-norm block. */
export const transformerBlock: Emitter = (ctx, site, x) => {
  const { dModel, numHeads, hidden, causal } = site.config as unknown as TransformerBlockConfig
  expectInput(
    site,
    x,
    x.type === 'float32' && x.shape.length === 3 && x.shape[2] === dModel,
    `[batch, time, ${dModel}] of floats`,
  )
  const tree = paramTree(site, '{ norm1, attention, norm2, mlp1, mlp2 }')
  const part = (name: string, config: Site['config']): Site => ({
    ...site,
    name: `${site.name} ${name}`,
    path: `${site.path}.${name}`,
    config,
    params: tree[name],
    paramsPath: `${site.paramsPath}.${name}`,
  })
  const norm = { kind: 'layerNorm', shape: [dModel], eps: 1e-5, affine: true }
  const g = ctx.graph
  const attended = multiHeadAttention(
    ctx,
    part('attention', { kind: 'multiHeadAttention', dModel, numHeads, causal, bias: true }),
    layerNorm(ctx, part('norm1', norm), x),
  )
  const h = like(x, g.node('Add', [x.name, attended.name], {}, `${site.path}.residual1`))
  const up = linear(
    ctx,
    part('mlp1', { kind: 'linear', inFeatures: dModel, outFeatures: hidden, bias: true }),
    layerNorm(ctx, part('norm2', norm), h),
  )
  const down = linear(
    ctx,
    part('mlp2', { kind: 'linear', inFeatures: hidden, outFeatures: dModel, bias: true }),
    geluOf(ctx, up, `${site.path}.gelu`),
  )
  return like(x, g.node('Add', [h.name, down.name], {}, `${site.path}.residual2`))
}
