// The transformer family's rows for the package-wide suites: fuzz rows (src/fuzz.test.ts), float64
// gradient rows (src/gradients.test.ts) and the exports those rows need not cover.
import { add, concat, type Var } from '@gd/autograd'
import * as api from '@gd/nn'
import { cast, prngKey, tensor, treeMap, zeros, type Tensor } from '@gd/tensor'
import { anywhere, type Domain, type FuzzCall, type GradientRow } from '@gd/testing'
import { layer } from '../fuzzLayer.js'

const int32 = (values: number[], shape: number[]): Tensor => tensor(values, { dtype: 'int32', shape })
const f64 = (values: number[], shape: number[]): Tensor => tensor(values, { dtype: 'float64', shape })
/** 0, 1, 2 along the last axis: added to noise in ±0.2, every normalized row's variance stays ≥ 0.2 or so. */
const ramp = (shape: number[]): Tensor => {
  const n = shape.at(-1)!
  return f64(
    Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i % n),
    shape,
  )
}
const jitter: Domain = { min: -0.2, max: 0.2 }
/** [batch 2, time 3, dModel 4] and a key padding mask for it. */
const sequence = (): Tensor =>
  tensor(
    Array.from({ length: 24 }, (_, i) => Math.sin(i)),
    { shape: [2, 3, 4] },
  )
const padding = (): Tensor =>
  tensor(
    [
      [true, true, false],
      [true, true, true],
    ],
    { dtype: 'bool' },
  )

export const fuzzRows: Record<string, FuzzCall | FuzzCall[]> = {
  embedding: layer(
    api.embedding,
    () => [5, 3, { paddingIndex: 0 }],
    () => int32([1, 2, 0, 4], [2, 2]),
    2,
  ),
  positionEmbedding: layer(
    api.positionEmbedding,
    () => [4, 3, { weightInit: (_key: unknown, shape: number[]) => zeros(shape) }],
    () =>
      tensor([
        [
          [1, 2, 4],
          [3, 5, 0],
        ],
      ]),
    2,
  ),
  layerNorm: layer(
    api.layerNorm,
    () => [3, { eps: 1e-5, affine: true }],
    () =>
      tensor([
        [1, 2, 4],
        [3, 5, 0],
      ]),
    1,
  ),
  residual: [
    ...layer(
      api.residual,
      () => [api.linear(3, 3)],
      () =>
        tensor([
          [1, 2, 4],
          [3, 5, 0],
        ]),
    ),
    ...layer(
      api.residual,
      () => [api.batchNorm(3)],
      () =>
        tensor([
          [1, 2, 4],
          [3, 5, 0],
        ]),
    ).slice(1), // with state
  ],
  rmsNorm: layer(
    api.rmsNorm,
    () => [3, { eps: 1e-6, affine: true }],
    () =>
      tensor([
        [1, 2, 4],
        [3, 5, 0],
      ]),
    1,
  ),
  multiHeadAttention: [
    ...layer(api.multiHeadAttention, () => [4, 2, { causal: true, dropout: 0.1, bias: true }], sequence, 2),
    {
      label: 'multiHeadAttention.apply with a mask',
      args: () => [api.multiHeadAttention(4, 2).init(0), sequence(), { train: false, mask: padding() }],
      options: [2],
      call: (params, x, options) => api.multiHeadAttention(4, 2).apply(params, x, options),
    },
  ],
  transformerBlock: [
    ...layer(api.transformerBlock, () => [4, 2, { hidden: 6, dropout: 0.1, causal: true }], sequence, 2),
    {
      label: 'transformerBlock.apply with a mask',
      args: () => [api.transformerBlock(4, 2).init(0), sequence(), { train: false, mask: padding() }],
      options: [2],
      call: (params, x, options) => api.transformerBlock(4, 2).apply(params, x, options),
    },
  ],
}

const emb = api.embedding(5, 3)
const embPad = api.embedding(5, 3, { paddingIndex: 1 })
const tokens = int32([1, 4, 1, 0, 3, 3], [2, 3])
const pos = api.positionEmbedding(4, 2)
const ln = api.layerNorm([2, 3])
const ln1 = api.layerNorm(3)
const rms = api.rmsNorm(3, { eps: 1e-5 })
const res = api.residual(api.linear(3, 3))
const mha = api.multiHeadAttention(4, 2)
const causalMha = api.multiHeadAttention(4, 2, { causal: true, bias: false })
const projection: [number[], Domain][] = [
  [[4, 4], anywhere],
  [[4], anywhere],
]
const eye = f64([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], [4, 4])
/** Sequence 1's first token is padding: with the causal mask, its query has no key at all. */
const noFirst = tensor(
  [
    [true, true, true],
    [false, true, true],
  ],
  { dtype: 'bool' },
)
const block = api.transformerBlock(4, 2, { hidden: 6, causal: true })
const zero4 = f64([0, 0, 0, 0], [4])
const dropMha = api.multiHeadAttention(4, 2, { dropout: 0.3, bias: false })
const dropBlock = api.transformerBlock(4, 2, { hidden: 6, dropout: 0.3 })
const blockParams = treeMap((t) => cast(t, 'float64'), block.init(5) as never) as unknown as api.TransformerBlockParams

export const gradientRows: Record<string, GradientRow<Var>> = {
  embedding: { f: (w) => emb.apply({ w: w! }, tokens), inputs: [[[5, 3], anywhere]] },
  // The padding row (1) gets no gradient by design, so it is a constant here, not an input.
  'embedding (paddingIndex)': {
    f: (first, rest) => embPad.apply({ w: concat([first!, zeros([1, 3], { dtype: 'float64' }), rest!]) }, tokens),
    inputs: [
      [[1, 3], anywhere],
      [[3, 3], anywhere],
    ],
  },
  positionEmbedding: {
    f: (x, w) => pos.apply({ w: w! }, x!),
    inputs: [
      [[2, 3, 2], anywhere],
      [[4, 2], anywhere],
    ],
  },
  layerNorm: {
    f: (x, gamma, beta) => ln.apply({ gamma: gamma!, beta: beta! }, add(x!, ramp([2, 2, 3]))),
    inputs: [
      [[2, 2, 3], jitter],
      [[2, 3], anywhere],
      [[2, 3], anywhere],
    ],
  },
  'layerNorm (one axis)': {
    f: (x, gamma, beta) => ln1.apply({ gamma: gamma!, beta: beta! }, add(x!, ramp([4, 3]))),
    inputs: [
      [[4, 3], jitter],
      [[3], anywhere],
      [[3], anywhere],
    ],
  },
  rmsNorm: {
    f: (x, gamma) => rms.apply({ gamma: gamma! }, add(x!, ramp([2, 2, 3]))),
    inputs: [
      [[2, 2, 3], jitter],
      [[3], anywhere],
    ],
  },
  residual: {
    f: (x, w, b) => res.apply({ w: w!, b: b! }, x!),
    inputs: [
      [[2, 3], anywhere],
      [[3, 3], anywhere],
      [[3], anywhere],
    ],
  },
  multiHeadAttention: {
    f: (x, wq, bq, wk, bk, wv, bv, wo, bo) =>
      mha.apply(
        { query: { w: wq!, b: bq! }, key: { w: wk!, b: bk! }, value: { w: wv!, b: bv! }, output: { w: wo!, b: bo! } },
        x!,
      ),
    inputs: [[[2, 3, 4], anywhere], ...projection, ...projection, ...projection, ...projection],
  },
  'multiHeadAttention (causal, key padding, a query with no key)': {
    f: (x, wq, wk, wv) =>
      causalMha.apply({ query: { w: wq! }, key: { w: wk! }, value: { w: wv! }, output: { w: eye } }, x!, {
        mask: noFirst,
      }),
    inputs: [
      [[2, 3, 4], anywhere],
      [[4, 4], anywhere],
      [[4, 4], anywhere],
      [[4, 4], anywhere],
    ],
  },
  // Training with dropout: a fixed key gives fixed masks, so the function is smooth in x and W.
  'multiHeadAttention (training, dropout)': {
    f: (x, wq, wk, wv) =>
      dropMha.apply({ query: { w: wq! }, key: { w: wk! }, value: { w: wv! }, output: { w: eye } }, x!, {
        train: true,
        key: prngKey(3),
      }),
    inputs: [
      [[2, 3, 4], anywhere],
      [[4, 4], anywhere],
      [[4, 4], anywhere],
      [[4, 4], anywhere],
    ],
  },
  'transformerBlock (training, dropout)': {
    f: (x, wq, w1) =>
      dropBlock.apply(
        {
          ...blockParams,
          attention: { ...blockParams.attention, query: { w: wq!, b: zero4 } },
          mlp1: { w: w1!, b: zeros([6], { dtype: 'float64' }) },
        },
        add(x!, ramp([2, 3, 4])),
        { train: true, key: prngKey(4) },
      ),
    inputs: [
      [[2, 3, 4], jitter],
      [[4, 4], anywhere],
      [[4, 6], anywhere],
    ],
  },
  transformerBlock: {
    f: (x, g1, b1, wq, wk, wv, wo, g2, b2, w1, c1, w2, c2) =>
      block.apply(
        {
          norm1: { gamma: g1!, beta: b1! },
          attention: {
            query: { w: wq!, b: zero4 },
            key: { w: wk!, b: zero4 },
            value: { w: wv!, b: zero4 },
            output: { w: wo!, b: zero4 },
          },
          norm2: { gamma: g2!, beta: b2! },
          mlp1: { w: w1!, b: c1! },
          mlp2: { w: w2!, b: c2! },
        },
        add(x!, ramp([2, 3, 4])),
      ),
    inputs: [
      [[2, 3, 4], jitter],
      [[4], anywhere],
      [[4], anywhere],
      [[4, 4], anywhere],
      [[4, 4], anywhere],
      [[4, 4], anywhere],
      [[4, 4], anywhere],
      [[4], anywhere],
      [[4], anywhere],
      [[4, 6], anywhere],
      [[6], anywhere],
      [[6, 4], anywhere],
      [[4], anywhere],
    ],
  },
}

export const covered: string[] = []
