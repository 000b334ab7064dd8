import {
  add,
  mean,
  mul,
  reshape,
  rsqrt,
  square,
  sub,
  toVar,
  type Input,
  type Var,
  type MaybeTraced,
} from '@gd/autograd'
import * as T from '@gd/tensor'
import { formatList, typeName } from '@gd/tensor/internal'
import { boolean, positive, positiveInteger, readOptions, within, withDefault } from '@gd/check'
import { readApplyOptions } from './internal/checks.js'
import type { ApplyOptions, ApplyResult, Layer } from './layer.js'
import { configure } from './internal/described.js'

/**
 * Options of {@link batchNorm}.
 * @example
 * ```ts
 * import { batchNorm } from '@gd/nn'
 * const bn = batchNorm(64, { momentum: 0.01, eps: 1e-3 }) // Keras' defaults (its momentum 0.99)
 * ```
 */
export interface BatchNormOptions {
  /**
   * Weight of the current batch in the running averages, PyTorch's convention:
   * running ← (1 − momentum)·running + momentum·batch. Default 0.1. (Keras and Flax call
   * 1 − momentum their momentum, 0.99 or 0.9.)
   */
  momentum?: number
  /** Added to the variance before the square root. Default 1e-5, as PyTorch's. */
  eps?: number
  /** Learn a per-channel scale γ (starts at 1) and shift β (starts at 0). Default true. */
  affine?: boolean
}

/**
 * Parameters of a batchNorm layer: per-channel scale γ and shift β, shape [C] (none without `affine`).
 * @example
 * ```ts
 * import { batchNorm } from '@gd/nn'
 * const params = batchNorm(3).init(0) // { gamma: ones([3]), beta: zeros([3]) }
 * ```
 */
export type BatchNormParams = {
  gamma?: T.Tensor
  beta?: T.Tensor
}

/**
 * State of a batchNorm layer: the running mean and the running (unbiased) variance per channel,
 * shape [C], plain tensors that get no gradient.
 * @example
 * ```ts
 * import { batchNorm } from '@gd/nn'
 * const state = batchNorm(3).initState() // { mean: zeros([3]), variance: ones([3]) }
 * ```
 */
export interface BatchNormState {
  mean: T.Tensor
  variance: T.Tensor
}

/**
 * A batchNorm layer: a {@link Layer} whose state functions are always there.
 * @example
 * ```ts
 * import { batchNorm, type BatchNormLayer } from '@gd/nn'
 * const bn: BatchNormLayer = batchNorm(8)
 * bn.initState().mean.shape // [8]
 * ```
 */
export interface BatchNormLayer extends Layer<BatchNormParams, BatchNormState> {
  initState(): BatchNormState
  applyWithState(
    params: MaybeTraced<BatchNormParams>,
    state: BatchNormState,
    x: Input,
    options?: ApplyOptions,
  ): ApplyResult<BatchNormState>
}

/**
 * Batch normalization (Ioffe & Szegedy, 2015) over the channel axis 1 of [N, C] or NCHW
 * [N, C, H, W] input; the statistics of channel c are taken over every other axis (m = N·H·W values).
 *
 * Training: μ = mean(x), σ² = mean((x − μ)²) (biased), x̂ = (x − μ)/√(σ² + eps), y = γ·x̂ + β, and
 * the gradient flows through μ and σ² as well. The state is updated with PyTorch's convention:
 * mean ← (1 − momentum)·mean + momentum·μ and variance ← (1 − momentum)·variance +
 * momentum·σ²·m/(m − 1) (the unbiased variance), momentum 0.1 and eps 1e-5 by default.
 * Inference: y = γ·(x − mean)/√(variance + eps) + β with the running statistics, which start at 0 and 1.
 *
 * Run it with `applyWithState` (directly or through {@link sequential} or {@link applyWithState}):
 * it returns the output and the updated state, whose tensors are plain (not traced) and keep the
 * state's dtype. Plain `apply` works in training (the updated statistics are dropped) and throws in
 * inference, which needs the running statistics.
 *
 * @see https://arxiv.org/abs/1502.03167
 * @throws Error for a channel count that is not a positive integer, a momentum outside [0, 1], an
 * eps that is not positive; when applied, for input that is not [N, C] or [N, C, H, W] with the
 * layer's channel count, for training with one value per channel, or for a state of the wrong shape.
 * @example
 * ```ts
 * import { batchNorm } from '@gd/nn'
 * import { tensor } from '@gd/tensor'
 * const bn = batchNorm(1)
 * const x = tensor([[1], [3]]) // channel 0: μ = 2, σ² = 1 (biased), unbiased variance 2
 * const { output, state } = bn.applyWithState(bn.init(0), bn.initState(), x, { train: true })
 * output.toArray() // [[-0.999995], [0.999995]]: (x − 2)/√(1 + 1e-5)
 * state.mean.toArray() // [0.2]: 0.9·0 + 0.1·2
 * state.variance.toArray() // [1.1]: 0.9·1 + 0.1·2
 * bn.applyWithState(bn.init(0), state, x).output.toArray() // inference: (x − 0.2)/√(1.1 + 1e-5)
 * ```
 */
export function batchNorm(channels: number, options?: BatchNormOptions): BatchNormLayer {
  positiveInteger('batchNorm', 'channels', channels)
  const { momentum, eps, affine } = readOptions('batchNorm', options, {
    momentum: withDefault(within({ min: 0, max: 1 }), 0.1),
    eps: withDefault(positive, 1e-5),
    affine: withDefault(boolean, true),
  })

  const initial = (): BatchNormState => ({ mean: T.zeros([channels]), variance: T.ones([channels]) })
  /** The per-channel [C] vector shaped to broadcast against x: [1, C] or [1, C, 1, 1]. */
  const perChannel = (rank: number): number[] => (rank === 2 ? [1, channels] : [1, channels, 1, 1])
  const checkInput = (v: Var): number[] => {
    if (v.rank !== 2 && v.rank !== 4) {
      throw new Error(
        `batchNorm: expected input of rank 2 [N, C] or rank 4 [N, C, H, W], got shape ${formatList(v.shape)}`,
      )
    }
    if (v.shape[1] !== channels) {
      throw new Error(`batchNorm: expected ${channels} channels on axis 1, got shape ${formatList(v.shape)}`)
    }
    return v.rank === 2 ? [0] : [0, 2, 3]
  }
  const checkState = (state: BatchNormState): void => {
    for (const what of ['mean', 'variance'] as const) {
      const t = (state as Partial<BatchNormState> | undefined)?.[what]
      if (!(t instanceof T.Tensor) || t.rank !== 1 || t.shape[0] !== channels) {
        const got = t instanceof T.Tensor ? `shape ${formatList(t.shape)}` : typeName(t)
        throw new Error(`batchNorm: state.${what} must be a Tensor of shape [${channels}], got ${got}`)
      }
    }
  }
  /** γ and β shaped to broadcast, or undefined for a layer without affine parameters. */
  const affineParams = (params: MaybeTraced<BatchNormParams>, rank: number): [Var, Var] | undefined => {
    if (!affine) return undefined
    if (typeof params !== 'object' || params === null || params.gamma === undefined || params.beta === undefined) {
      throw new Error('batchNorm: expected parameters { gamma, beta } (the layer is affine), got none')
    }
    return [reshape(params.gamma, perChannel(rank)), reshape(params.beta, perChannel(rank))]
  }
  /** The per-channel mean, kept as [1, C] or [1, C, 1, 1]; over H, W first, so each pass reads contiguous rows. */
  const channelMean = (v: Var): Var =>
    v.rank === 2
      ? mean(v, { axis: 0, keepdims: true })
      : mean(mean(v, { axis: [2, 3], keepdims: true }), { axis: 0, keepdims: true })

  const run = (
    params: MaybeTraced<BatchNormParams>,
    state: BatchNormState | undefined,
    x: Input,
    train: boolean,
  ): ApplyResult<BatchNormState> => {
    const v = toVar('batchNorm', x)
    const axes = checkInput(v)
    const gammaBeta = affineParams(params, v.rank)
    if (!train) {
      if (state === undefined) {
        throw new Error(
          'batchNorm: inference uses the running statistics: call applyWithState(params, state, x), got no state',
        )
      }
      // y = x·s + t with the per-channel s = γ/√(variance + eps) and t = β − mean·s: two passes over x.
      const shape = perChannel(v.rank)
      const inv = T.reshape(T.rsqrt(T.add(state.variance, eps)), shape)
      const runningMean = T.reshape(state.mean, shape)
      if (gammaBeta === undefined) return { output: mul(sub(v, runningMean), inv), state }
      const [gamma, beta] = gammaBeta
      const scale = mul(gamma, inv)
      return { output: add(mul(v, scale), sub(beta, mul(scale, runningMean))), state }
    }
    const m = axes.reduce((n, a) => n * v.shape[a]!, 1)
    if (m < 2)
      throw new Error(`batchNorm: training needs more than 1 value per channel, got shape ${formatList(v.shape)}`)
    const mu = channelMean(v)
    const centered = sub(v, mu)
    const biased = channelMean(square(centered))
    // γ folds into the per-channel factor, so x is scaled once: y = (x − μ)·(γ/√(σ² + eps)) + β.
    const inv = rsqrt(add(biased, eps))
    const output =
      gammaBeta === undefined ? mul(centered, inv) : add(mul(centered, mul(inv, gammaBeta[0])), gammaBeta[1])
    if (state === undefined) return { output, state: initial() } // plain apply: the update is dropped
    // The running statistics are plain tensors: read the batch's values, not the traced ones.
    const blend = (running: T.Tensor, batch: T.Tensor, factor: number): T.Tensor =>
      T.cast(T.add(T.mul(running, 1 - momentum), T.mul(T.reshape(batch, [channels]), momentum * factor)), running.dtype)
    return {
      output,
      state: { mean: blend(state.mean, mu.value, 1), variance: blend(state.variance, biased.value, m / (m - 1)) },
    }
  }
  return configure(
    {
      name: `batchNorm(${channels})`,
      init: () => (affine ? { gamma: T.ones([channels]), beta: T.zeros([channels]) } : {}),
      initState: initial,
      apply: (params, x, applyOptions?: ApplyOptions) =>
        run(params, undefined, x, readApplyOptions('batchNorm', applyOptions).train === true).output,
      applyWithState: (params, state, x, applyOptions?: ApplyOptions) => {
        const { train } = readApplyOptions('batchNorm', applyOptions)
        checkState(state)
        return run(params, state, x, train === true)
      },
    },
    { kind: 'batchNorm', channels, momentum, eps, affine },
  )
}
