import {
  matmul,
  mul,
  primitive,
  reshape,
  sub,
  sum,
  transpose,
  type Input,
  type Var,
  type MaybeTraced,
} from '@gd/autograd'
import { uniformInit, xavierUniformInit } from '@gd/init'
import * as T from '@gd/tensor'
import { forReplay, kernel, kernelReading, wasmSoftmaxRows, wasmSoftmaxRowsGrad } from '@gd/tensor/internal'
import { boolean, fail, positiveInteger, readOptions, within, withDefault } from '@gd/check'
import { checkMask, floatInput, floatLeaf, maskedApplySpec, paramObject } from './internal/transformer.js'
import type { ApplyOptions, Layer } from './layer.js'
import type { LinearParams } from './linear.js'
import { dense } from './internal/dense.js'
import { configure } from './internal/described.js'

/**
 * Options of {@link multiHeadAttention}.
 * @example
 * ```ts
 * import { multiHeadAttention } from '@gd/nn'
 * const attention = multiHeadAttention(64, 4, { causal: true, dropout: 0.1, bias: false })
 * ```
 */
export interface MultiHeadAttentionOptions {
  /** Each position attends only to itself and earlier positions (a language model's mask). Default false. */
  causal?: boolean
  /** Dropout rate on the attention weights in training, in [0, 1). Default 0. */
  dropout?: number
  /** Learn biases of the four projections. Default true. */
  bias?: boolean
}

/**
 * What {@link multiHeadAttention}'s apply is told: the layer options, and a key padding mask.
 * @example
 * ```ts
 * import { multiHeadAttention } from '@gd/nn'
 * import { ones, prngKey, tensor } from '@gd/tensor'
 * const attention = multiHeadAttention(4, 2, { dropout: 0.1 })
 * const mask = tensor([[true, true, false]], { dtype: 'bool' }) // the third token is padding
 * attention.apply(attention.init(0), ones([1, 3, 4]), { train: true, key: prngKey(0), mask })
 * ```
 */
export interface AttentionApplyOptions extends ApplyOptions {
  /**
   * A bool tensor of shape [batch, time]: true where a position is a real token that may be attended
   * to, false for padding, which no query attends to. Default: every position.
   */
  mask?: T.Tensor
}

/**
 * Parameters of a multiHeadAttention layer: four projections, each W of shape [dModel, dModel] and b of [dModel].
 * @example
 * ```ts
 * import { multiHeadAttention } from '@gd/nn'
 * multiHeadAttention(8, 2).init(0).query.w.shape // [8, 8]
 * ```
 */
export type MultiHeadAttentionParams = {
  query: LinearParams
  key: LinearParams
  value: LinearParams
  output: LinearParams
}

/**
 * A multiHeadAttention layer: a {@link Layer} whose apply also takes a key padding `mask`.
 * @example
 * ```ts
 * import { multiHeadAttention, type MultiHeadAttentionLayer } from '@gd/nn'
 * const attention: MultiHeadAttentionLayer = multiHeadAttention(16, 2)
 * ```
 */
export interface MultiHeadAttentionLayer extends Layer<MultiHeadAttentionParams> {
  apply(params: MaybeTraced<MultiHeadAttentionParams>, x: Input, options?: AttentionApplyOptions): Var
}

type Floats = Float32Array | Float64Array
const wide = (a: T.Tensor, b: T.Tensor): boolean => a.dtype === 'float64' || b.dtype === 'float64'

// The kernels live at module level, not in closures made per call: V8 keeps type feedback (and so
// optimized code) per closure, and a fresh closure would run its loops cold on every call.

/**
 * P = softmax(scale·s) over the last axis of s [batch, heads, time, time], key j of query i taking
 * part when j ≤ i (if causal) and mask[b, j] (if a mask is given); the others get exactly 0, and a
 * row with no allowed key stays all 0. The row maximum over the allowed keys is subtracted first.
 * A NaN among the allowed scores (or all of them -Infinity) gives NaN weights, as softmax does.
 */
function weightsKernel(st: T.Tensor, scale: number, causal: boolean, mask: Uint8Array | undefined): T.Tensor {
  // float32 on @gd/tensor's Wasm SIMD kernel when it takes the call (within 4 float32 ulps of this loop's float64)
  const fast = st.dtype === 'float32' ? wasmSoftmaxRows(st, scale, causal, mask ?? null) : null
  if (fast !== null) return fast
  const p = st.dtype === 'float64' ? new Float64Array(st.size) : new Float32Array(st.size)
  // (kernel: a compiled step replays the loop, see kernel of @gd/tensor/internal; masked weights stay 0)
  const sv = forReplay(st)
  kernel(p, () => softmaxRows(sv.data as Floats, p, st.shape as number[], scale, causal, mask))
  return new T.Tensor(p, st.shape, st.dtype)
}

/** weightsKernel's loop: p (zeros) = the masked softmax of scale·s, row by row. */
function softmaxRows(s: Floats, p: Floats, shape: number[], scale: number, causal: boolean, mask?: Uint8Array): void {
  const [batch, heads, time] = shape as [number, number, number, number]
  for (let b = 0; b < batch; b++) {
    const m0 = b * time
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < time; i++) {
        const o = ((b * heads + h) * time + i) * time
        const end = causal ? i + 1 : time
        let max = -Infinity
        let allowed = 0
        for (let j = 0; j < end; j++) {
          if (mask !== undefined && mask[m0 + j] !== 1) continue
          allowed++
          const v = s[o + j]!
          if (v > max || v !== v) max = v // a NaN score makes the row NaN, never silently 0
        }
        if (allowed === 0) continue // no key allowed: the row stays 0
        if (max === -Infinity) max = NaN // every allowed score is -Infinity: as softmax, NaN
        let total = 0
        for (let j = 0; j < end; j++) {
          if (mask !== undefined && mask[m0 + j] !== 1) continue
          const e = Math.exp((s[o + j]! - max) * scale)
          p[o + j] = e
          total += e
        }
        const inv = 1 / total
        for (let j = 0; j < end; j++) p[o + j]! *= inv
      }
    }
  }
}

/** ds = scale·P⊙(g − ⟨g, P⟩), row by row. */
function weightsGradKernel(gt: T.Tensor, pt: T.Tensor, scale: number): T.Tensor {
  // float32 on Wasm when it takes the call: the same float64 arithmetic rounded once (the dot's order differs)
  const fast = wide(gt, pt) ? null : wasmSoftmaxRowsGrad(gt, pt, scale)
  if (fast !== null) return fast
  const time = pt.shape[pt.rank - 1]!
  const ds = wide(gt, pt) ? new Float64Array(pt.size) : new Float32Array(pt.size)
  kernelReading(ds, [gt, pt], (g: Floats, p: Floats) => softmaxGradRows(g, p, ds, time, scale))
  return new T.Tensor(ds, pt.shape, wide(gt, pt) ? 'float64' : 'float32')
}

/** weightsGradKernel's loop. */
function softmaxGradRows(g: Floats, p: Floats, ds: Floats, time: number, scale: number): void {
  for (let o = 0; o < p.length; o += time) {
    let dot = 0
    for (let j = 0; j < time; j++) dot += g[o + j]! * p[o + j]!
    for (let j = 0; j < time; j++) ds[o + j] = scale * p[o + j]! * (g[o + j]! - dot)
  }
}

/**
 * The attention weights softmax(scale·s) over the last axis of scores s [batch, heads, time, time],
 * fused with the masks (see weightsKernel): excluded keys get a weight of exactly 0, and a query with
 * no allowed key gets all zeros (so its attention output is 0 and no gradient flows through it).
 * The backward rule is the Jacobian-vector product scale·P⊙(g − ⟨g, P⟩), itself a fused primitive
 * whose gradient is written with differentiable ops.
 */
function attentionWeights(scale: number, causal: boolean, mask: Uint8Array | undefined): (s: Var) => Var {
  // without a mask, one pair of primitives per (scale, causal), made once and reused by every step
  const key = `${scale} ${causal}`
  const known = mask === undefined ? unmasked.get(key) : undefined
  if (known !== undefined) return known
  const rows = { axis: -1, keepdims: true }
  /** The gradient of ⟨u, ds⟩: softmaxGrad(u, P) for g, scale·(u⊙(g − ⟨g, P⟩) − ⟨u, P⟩·g) for P. */
  const softmaxGrad = primitive({
    name: 'attentionWeightsGrad',
    forward: (g, p) => weightsGradKernel(g, p, scale),
    backward: (u, [g, p], _ds, [needG, needP]) => [
      needG ? softmaxGrad(u, p!) : null,
      needP ? mul(sub(mul(u, sub(g!, sum(mul(g!, p!), rows))), mul(sum(mul(u, p!), rows), g!)), scale) : null,
    ],
  })
  const weights = primitive({
    name: 'attentionWeights',
    forward: (s) => weightsKernel(s, scale, causal, mask),
    backward: (g, _s, p) => [softmaxGrad(g, p)],
  })
  if (mask === undefined) unmasked.set(key, weights)
  return weights
}

/** The attention-weight primitives without a mask made so far, by scale and causal (a few per model). */
const unmasked = /* @__PURE__ */ new Map<string, (s: Var) => Var>()

/**
 * Multi-head self-attention (Vaswani et al., 2017) on x of shape [batch, time, dModel], as PyTorch's
 * `nn.MultiheadAttention` with `batch_first`: Q = xW_q + b_q, K = xW_k + b_k, V = xW_v + b_v are split
 * into `numHeads` heads of size d = dModel/numHeads; each head computes softmax(QKᵀ/√d)·V (rank-4
 * batched matmuls that read Q, K and V in place); the heads are joined and projected, y = [heads]·W_o + b_o.
 *
 * Masks: `causal` (an option of the layer) lets position i attend only to positions ≤ i; a key
 * padding `mask` passed to apply (bool [batch, time], false at padding) excludes keys. Excluded keys
 * get a weight of exactly 0 (not a large negative score that leaks), and a query with no key to
 * attend to gets all-zero weights, so its output is b_o (PyTorch gives NaN there). In training,
 * `dropout` zeroes attention weights (scaled by 1/(1 − rate); apply needs a `key`).
 * ({@link sequential} passes only `train` and `key` to its layers, so give a mask to this layer's own apply.)
 *
 * Init as PyTorch's: W_q, W_k, W_v Xavier-uniform, W_o U(±1/√dModel), biases 0.
 *
 * @see https://arxiv.org/abs/1706.03762
 * @throws Error for sizes that are not positive integers, a dModel not divisible by numHeads, a
 * dropout outside [0, 1); when applied, for input that is not [batch, time, dModel], a mask that is
 * not bool [batch, time], parameters of the wrong shapes, or training with dropout and no key.
 * @example
 * ```ts
 * import { multiHeadAttention } from '@gd/nn'
 * import { normal, prngKey, tensor } from '@gd/tensor'
 * const attention = multiHeadAttention(16, 4, { causal: true })
 * const params = attention.init(0)
 * const x = normal(prngKey(1), [2, 5, 16]) // [batch, time, dModel]
 * attention.apply(params, x).shape // [2, 5, 16]
 * const mask = tensor([[true, true, true, false, false], [true, true, true, true, true]], { dtype: 'bool' })
 * attention.apply(params, x, { mask }).shape // the first sequence's last two tokens are padding
 * ```
 */
export function multiHeadAttention(
  dModel: number,
  numHeads: number,
  options?: MultiHeadAttentionOptions,
): MultiHeadAttentionLayer {
  const fn = 'multiHeadAttention'
  positiveInteger(fn, 'dModel', dModel)
  positiveInteger(fn, 'numHeads', numHeads)
  if (dModel % numHeads !== 0) fail(fn, 'dModel', `divisible by numHeads (${numHeads})`, dModel)
  const { causal, dropout, bias } = readOptions(fn, options, {
    causal: withDefault(boolean, false),
    dropout: withDefault(within({ min: 0, max: 1, maxOpen: true }), 0),
    bias: withDefault(boolean, true),
  })
  const d = dModel / numHeads
  const names = ['query', 'key', 'value', 'output'] as const
  const expected = bias ? '{ query, key, value, output }, each { w, b }' : '{ query, key, value, output }, each { w }'
  const projections = (params: unknown): MaybeTraced<LinearParams>[] => {
    const tree = paramObject(fn, params, expected)
    return names.map((name) => {
      const p = paramObject(fn, tree[name], bias ? '{ w, b }' : '{ w }', `params.${name}`)
      const w = floatLeaf(fn, p, 'w', [dModel, dModel], `params.${name}`)
      return bias ? { w, b: floatLeaf(fn, p, 'b', [dModel], `params.${name}`) } : { w }
    })
  }
  // x·W + b on autograd's affine (one node on the tape), the same bits as matmul then add
  const project = (x: Var, p: MaybeTraced<LinearParams>): Var => dense(x, p.w, p.b)
  return configure(
    {
      name: `multiHeadAttention(${dModel}, ${numHeads} heads${causal ? ', causal' : ''})`,
      init: (key) => {
        const keys = T.splitKey(typeof key === 'number' ? T.prngKey(key) : key, 4)
        const bound = 1 / Math.sqrt(dModel)
        const weight = (i: number) =>
          i < 3
            ? xavierUniformInit(keys[i]!, [dModel, dModel])
            : uniformInit(keys[i]!, [dModel, dModel], { low: -bound, high: bound })
        const entries = names.map((name, i) => [name, bias ? { w: weight(i), b: T.zeros([dModel]) } : { w: weight(i) }])
        return Object.fromEntries(entries) as unknown as MultiHeadAttentionParams
      },
      apply: (params, x, applyOptions?: AttentionApplyOptions) => {
        const { train, key, mask } = readOptions(fn, applyOptions, maskedApplySpec)
        const [pq, pk, pv, po] = projections(params) as [LinearParams, LinearParams, LinearParams, LinearParams]
        const v = floatInput(fn, x, `of shape [batch, time, ${dModel}]`, (s) => s.length === 3 && s[2] === dModel)
        checkMask(fn, mask, v.shape)
        const drop = train && dropout > 0
        if (drop && key === undefined)
          throw new Error(`${fn}: training with dropout needs a key in apply options ({ train: true, key })`)
        const [batch, time] = v.shape as [number, number, number]
        // [batch, time, dModel] → [batch, heads, time, d]: a view, the matmuls read it in place
        const heads = (t: Var): Var => transpose(reshape(t, [batch, time, numHeads, d]), [0, 2, 1, 3])
        const q = heads(project(v, pq))
        const k = heads(project(v, pk))
        const scores = matmul(q, k, { transposeB: true })
        const weigh = attentionWeights(1 / Math.sqrt(d), causal, mask?.data as Uint8Array | undefined)
        let p = weigh(scores)
        if (drop) {
          const keep = T.bernoulli(key!, p.shape, {
            p: 1 - dropout,
            dtype: p.dtype === 'float64' ? 'float64' : 'float32',
          })
          p = mul(p, T.mul(keep, 1 / (1 - dropout)))
        }
        const joined = reshape(transpose(matmul(p, heads(project(v, pv))), [0, 2, 1, 3]), [batch, time, dModel])
        return project(joined, po)
      },
    },
    { kind: fn, dModel, numHeads, causal, dropout, bias },
  )
}
