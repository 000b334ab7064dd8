import {
  add,
  mean,
  mul,
  neg,
  primitive,
  reshape,
  rsqrt,
  square,
  sub,
  sum,
  type Input,
  type Var,
  type MaybeTraced,
} from '@gd/autograd'
import * as T from '@gd/tensor'
import { formatList, kernelReading, wasmNormRows, wasmNormRowsGrad } from '@gd/tensor/internal'
import { boolean, fail, optional, positive, readOptions, withDefault } from '@gd/check'
import { readApplyOptions } from './internal/checks.js'
import { floatInput, floatLeaf, paramObject } from './internal/transformer.js'
import type { ApplyOptions, Layer } from './layer.js'
import { configure } from './internal/described.js'

/**
 * Options of {@link layerNorm}.
 * @example
 * ```ts
 * import { layerNorm } from '@gd/nn'
 * const ln = layerNorm([8, 8], { eps: 1e-6, affine: false }) // over the last two axes, no parameters
 * ```
 */
export interface LayerNormOptions {
  /** Added to the variance before the square root. Default 1e-5, as PyTorch's. */
  eps?: number
  /** Learn a scale γ (starts at 1) and a shift β (starts at 0) of the normalized shape. Default true. */
  affine?: boolean
}

/**
 * Options of {@link rmsNorm}.
 * @example
 * ```ts
 * import { rmsNorm } from '@gd/nn'
 * const norm = rmsNorm(64, { eps: 1e-6 })
 * ```
 */
export interface RmsNormOptions {
  /** Added to the mean square before the square root. Default the input dtype's machine epsilon, as PyTorch's. */
  eps?: number
  /** Learn a scale γ (starts at 1) of the normalized shape. Default true. */
  affine?: boolean
}

/**
 * Parameters of a layerNorm layer: γ and β of the normalized shape (none without `affine`).
 * @example
 * ```ts
 * import { layerNorm } from '@gd/nn'
 * layerNorm(3).init(0) // { gamma: ones([3]), beta: zeros([3]) }
 * ```
 */
export type LayerNormParams = {
  gamma?: T.Tensor
  beta?: T.Tensor
}

/**
 * Parameters of an rmsNorm layer: γ of the normalized shape (none without `affine`).
 * @example
 * ```ts
 * import { rmsNorm } from '@gd/nn'
 * rmsNorm(3).init(0) // { gamma: ones([3]) }
 * ```
 */
export type RmsNormParams = {
  gamma?: T.Tensor
}

type Floats = Float32Array | Float64Array

/** μ (0 unless `center`) and r = 1/√(mean((x − μ)²) + eps) of the row of n values at offset o. */
function rowStats(x: Floats, o: number, n: number, eps: number, center: boolean): [number, number] {
  let mu = 0
  if (center) {
    for (let j = 0; j < n; j++) mu += x[o + j]!
    mu /= n
  }
  let ss = 0
  for (let j = 0; j < n; j++) {
    const d = x[o + j]! - mu
    ss += d * d
  }
  return [mu, 1 / Math.sqrt(ss / n + eps)]
}

// The kernels live at module level, not in closures made per call: V8 keeps type feedback (and so
// optimized code) per closure, and a fresh closure would run its loops cold on every call.

/** x̂ = (x − μ)·r, row by row. */
function normalizeKernel(t: T.Tensor, n: number, eps: number, center: boolean): T.Tensor {
  // float32 on @gd/tensor's Wasm SIMD kernel when it takes the call: the same float64 arithmetic, rounded once
  const fast = t.dtype === 'float32' ? wasmNormRows(t, n, eps, center) : null
  if (fast !== null) return fast
  const y = t.dtype === 'float64' ? new Float64Array(t.size) : new Float32Array(t.size)
  // (kernel: a compiled step replays the loop, see kernel of @gd/tensor/internal)
  kernelReading(y, [t], (x: Floats) => normalizeRows(x, y, n, eps, center))
  return new T.Tensor(y, t.shape, t.dtype)
}

function normalizeRows(x: Floats, y: Floats, n: number, eps: number, center: boolean): void {
  for (let o = 0; o < x.length; o += n) {
    const [mu, r] = rowStats(x, o, n, eps, center)
    for (let j = 0; j < n; j++) y[o + j] = (x[o + j]! - mu) * r
  }
}

/** dx = r·(g − [center]·mean(g) − x̂·mean(g·x̂)), row by row. */
function normalizeGradKernel(gt: T.Tensor, xt: T.Tensor, n: number, eps: number, center: boolean): T.Tensor {
  const wide = gt.dtype === 'float64' || xt.dtype === 'float64'
  const fast = wide ? null : wasmNormRowsGrad(gt, xt, n, eps, center)
  if (fast !== null) return fast
  const dx = wide ? new Float64Array(xt.size) : new Float32Array(xt.size)
  kernelReading(dx, [gt, xt], (g: Floats, x: Floats) => normalizeGradRows(g, x, dx, n, eps, center))
  return new T.Tensor(dx, xt.shape, wide ? 'float64' : 'float32')
}

function normalizeGradRows(g: Floats, x: Floats, dx: Floats, n: number, eps: number, center: boolean): void {
  for (let o = 0; o < x.length; o += n) {
    const [mu, r] = rowStats(x, o, n, eps, center)
    let sg = 0
    let sgx = 0
    for (let j = 0; j < n; j++) {
      sg += g[o + j]!
      sgx += g[o + j]! * (x[o + j]! - mu)
    }
    const a = center ? sg / n : 0
    const b = (sgx * r) / n
    for (let j = 0; j < n; j++) dx[o + j] = r * (g[o + j]! - a - (x[o + j]! - mu) * r * b)
  }
}

/**
 * The normalization both layers share, over rows of n values: x̂ = (x − μ)·r with
 * r = 1/√(mean((x − μ)²) + eps) when `center` (layer norm), else x̂ = x·r with r = 1/√(mean(x²) + eps).
 * Fused: one loop over the rows forward, one backward, where the composed form would make a dozen
 * tensors. Its Jacobian J = r(I − [center]·11ᵀ/n − x̂x̂ᵀ/n) is symmetric, so the backward rule
 * dx = J·g is the same function of (g, x) for every cotangent, and its own gradient is written with
 * differentiable ops (gradients of gradients work).
 */
function normalizer(n: number, eps: number, center: boolean): (x: Var) => Var {
  // one pair of primitives per (n, eps, center), made once: a layer norm applied every step reuses it
  const key = `${n} ${eps} ${center}`
  const known = normalizers.get(key)
  if (known !== undefined) return known
  const rows = { axis: -1, keepdims: true }
  // The gradient of ⟨h, J(x)·g⟩: J·h for g, and for x (with the chain rule through r and x̂, using
  // ∇r = −r²x̂/n): J·v − (r/n)·⟨h, dx⟩·x̂ where v = −(r/n)·(⟨h, x̂⟩·g + ⟨g, x̂⟩·h).
  const normalizeGrad = primitive({
    name: 'normalizeGrad',
    forward: (g, x) => normalizeGradKernel(g, x, n, eps, center),
    backward: (h, [g, x], dx, [needG, needX]) => {
      const xhat = normalize(x!)
      const r = rsqrt(add(mean(square(center ? sub(x!, mean(x!, rows)) : x!), rows), eps))
      const rn = mul(r, 1 / n)
      const dg = needG ? normalizeGrad(h, x!) : null
      if (!needX) return [dg, null]
      const v = neg(mul(rn, add(mul(sum(mul(h, xhat), rows), g!), mul(sum(mul(g!, xhat), rows), h))))
      return [dg, sub(normalizeGrad(v, x!), mul(mul(rn, sum(mul(h, dx), rows)), xhat))]
    },
  })
  const normalize = primitive({
    name: 'normalize',
    forward: (x) => normalizeKernel(x, n, eps, center),
    backward: (g, [x]) => [normalizeGrad(g, x!)],
  })
  normalizers.set(key, normalize)
  return normalize
}

/** The normalize primitives made so far, by n, eps and center (a few per model). */
const normalizers = /* @__PURE__ */ new Map<string, (x: Var) => Var>()

const normalizedShape = (fn: string, shape: unknown): number[] => {
  const list = typeof shape === 'number' ? [shape] : shape
  if (!Array.isArray(list) || list.length === 0 || !list.every((d) => Number.isSafeInteger(d) && d > 0)) {
    fail(fn, 'shape', 'a positive integer or a non-empty array of them', shape)
  }
  return [...list] as number[]
}

/** The shared apply: checks, normalizes the trailing axes, then scales and shifts. */
function normLayer(fn: string, shape: number[], eps: number | undefined, affine: boolean, center: boolean) {
  const n = shape.reduce((a, b) => a * b, 1)
  const k = shape.length
  const expected = `whose trailing axes are ${formatList(shape)}`
  const fits = (s: readonly number[]) => s.length >= k && shape.every((d, i) => s[s.length - k + i] === d)
  const names = center ? '{ gamma, beta }' : '{ gamma }'
  return (params: MaybeTraced<LayerNormParams>, x: Input, applyOptions?: ApplyOptions): Var => {
    readApplyOptions(fn, applyOptions)
    const p = affine ? paramObject(fn, params, names) : undefined
    const gamma = p && floatLeaf(fn, p, 'gamma', shape)
    const beta = p && center ? floatLeaf(fn, p, 'beta', shape) : undefined
    const v = floatInput(fn, x, expected, fits)
    const machineEps = v.dtype === 'float64' ? 2 ** -52 : 2 ** -23
    const normalize = normalizer(n, eps ?? machineEps, center)
    const y = reshape(normalize(reshape(v, [v.size / n, n])), v.shape)
    if (gamma === undefined) return y
    return beta === undefined ? mul(y, gamma) : add(mul(y, gamma), beta)
  }
}

/**
 * Layer normalization (Ba, Kiros & Hinton, 2016) over the trailing axes given by `shape` (a number
 * means the last axis), as PyTorch's `nn.LayerNorm`: for each position, over its n normalized values,
 * μ = mean(x), σ² = mean((x − μ)²) (biased), y = (x − μ)/√(σ² + eps)·γ + β. Unlike batchNorm it
 * keeps no state and treats training and inference alike.
 *
 * Fused into one loop forward and one backward (transformers run it on every token of every step);
 * the gradient flows through μ and σ², and gradients of gradients work.
 *
 * @see https://arxiv.org/abs/1607.06450
 * @throws Error for a shape that is not a positive integer or a non-empty list of them, an eps that
 * is not positive; when applied, for input whose trailing axes differ from `shape`, or parameters
 * that are not float tensors of that shape.
 * @example
 * ```ts
 * import { layerNorm } from '@gd/nn'
 * import { tensor } from '@gd/tensor'
 * const ln = layerNorm(2)
 * ln.apply(ln.init(0), tensor([[1, 3], [0, 0]])).toArray() // [[-0.999995, 0.999995], [0, 0]]: (x − 2)/√(1 + 1e-5)
 * ```
 */
export function layerNorm(shape: number | number[], options?: LayerNormOptions): Layer<LayerNormParams> {
  const s = normalizedShape('layerNorm', shape)
  const { eps, affine } = readOptions('layerNorm', options, {
    eps: withDefault(positive, 1e-5),
    affine: withDefault(boolean, true),
  })
  return configure(
    {
      name: `layerNorm(${formatList(s)})`,
      init: () => (affine ? { gamma: T.ones(s), beta: T.zeros(s) } : {}),
      apply: normLayer('layerNorm', s, eps, affine, true),
    },
    { kind: 'layerNorm', shape: s, eps, affine },
  )
}

/**
 * Root-mean-square normalization (Zhang & Sennrich, 2019) over the trailing axes given by `shape`
 * (a number means the last axis), as PyTorch's `nn.RMSNorm`: y = x/√(mean(x²) + eps)·γ, over the n
 * normalized values of each position. No centering and no shift: cheaper than {@link layerNorm},
 * and what LLaMA-style transformers use. eps defaults to the input dtype's machine epsilon
 * (2⁻²³ for float32, 2⁻⁵² for float64), as PyTorch's does. Fused like layerNorm.
 *
 * @see https://arxiv.org/abs/1910.07467
 * @throws Error for a shape that is not a positive integer or a non-empty list of them, an eps that
 * is not positive; when applied, for input whose trailing axes differ from `shape`, or a γ that is
 * not a float tensor of that shape.
 * @example
 * ```ts
 * import { rmsNorm } from '@gd/nn'
 * import { tensor } from '@gd/tensor'
 * const norm = rmsNorm(2, { eps: 1e-6 })
 * norm.apply(norm.init(0), tensor([[3, 4]])).toArray() // ≈ [[0.8485, 1.1314]]: x/√12.5
 * ```
 */
export function rmsNorm(shape: number | number[], options?: RmsNormOptions): Layer<RmsNormParams> {
  const s = normalizedShape('rmsNorm', shape)
  const { eps, affine } = readOptions('rmsNorm', options, {
    eps: optional(positive),
    affine: withDefault(boolean, true),
  })
  return configure(
    {
      name: `rmsNorm(${formatList(s)})`,
      init: () => (affine ? { gamma: T.ones(s) } : {}),
      apply: normLayer('rmsNorm', s, eps, affine, false),
    },
    { kind: 'rmsNorm', shape: s, eps, affine },
  )
}
