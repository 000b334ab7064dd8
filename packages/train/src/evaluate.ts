import { func, isPlainObject, positiveInteger, readOptions, rule, withDefault, fail } from '@gd/check'
import { noGrad, Var, type Input, type MaybeTraced } from '@gd/autograd'
import type { Tensor } from '@gd/tensor'
import { datasetSize, takeRows, type Dataset } from './dataset.js'
import { batchIndices } from './batchIndices.js'
import type { Metric } from './metrics.js'

/**
 * What a model's apply functions are told: training mode and the step's key.
 * @example
 * ```ts
 * import type { ModelApplyOptions } from '@gd/train'
 * const inference: ModelApplyOptions = { train: false }
 * ```
 */
export interface ModelApplyOptions {
  train?: boolean
  key?: readonly [number, number]
}

/**
 * A model as {@link fit} needs it: a pure function of parameters and inputs (an @gd/nn `Layer` is one).
 * `P` is the tensor tree of its parameters (what a layer's `init` returns), so fit's result has
 * tensor leaves.
 * A model that keeps non-trainable state (an @gd/nn `sequential` with `batchNorm`) also has
 * `initState` and `applyWithState`, which returns the output and the updated state; {@link fit} and
 * {@link evaluate} then thread that state through training and use it in inference.
 *
 * @example
 * ```ts
 * import { batchNorm, linear, relu, sequential } from '@gd/nn'
 * import type { Model } from '@gd/train'
 * const model: Model<unknown[], unknown[]> = sequential(linear(4, 8), batchNorm(8), relu(), linear(8, 1))
 * model.initState?.() // [{}, { mean, variance }, {}, {}]
 * ```
 */
export interface Model<P, S = unknown> {
  /** Runs the model; `params` are tensors, or traced values inside fit's gradient step. */
  apply(params: MaybeTraced<P>, x: Input, options?: ModelApplyOptions): Var
  /** The starting non-trainable state, for a model that keeps some. */
  initState?(): S
  /** Runs the model with its state; returns the output and the updated state (plain tensors). */
  applyWithState?(params: MaybeTraced<P>, state: S, x: Input, options?: ModelApplyOptions): { output: Var; state: S }
}

/** A loss: a scalar `Var` from the model's predictions and the targets (e.g. from @gd/losses). */
export type Loss = (predictions: Var, targets: Tensor) => Var

/** Options for {@link evaluate}. */
export interface EvaluateOptions {
  /** Metrics to compute besides the loss, by name. */
  metrics?: Readonly<Record<string, Metric>>
  /** Examples per forward pass; default 1024. Only memory depends on it. */
  batchSize?: number
  /** The model's state (e.g. batchNorm's running statistics); required for a model that keeps state. */
  state?: unknown
}

/**
 * The mean loss and metrics of `model` at `params` over `data`, in inference mode (no dropout; a
 * model with state, such as batchNorm's running statistics, runs with `options.state`) and without
 * recording gradients. Batch values are weighted by batch size: Σ bᵢ·vᵢ / Σ bᵢ.
 *
 * @throws Error for a malformed data set, or a model that keeps state evaluated without one.
 * @example
 * ```ts
 * import { evaluate } from '@gd/train'
 * // evaluate(model, params, mse, { x, y }, { metrics: { accuracy } }) // { loss: 0.12, accuracy: 0.97 }
 * ```
 */
export function evaluate<P>(
  model: Model<P>,
  params: P,
  loss: Loss,
  data: Dataset,
  given?: EvaluateOptions,
): Record<string, number> {
  const fn = 'evaluate'
  if (typeof model !== 'object' || model === null || typeof model.apply !== 'function')
    fail(fn, 'model', 'a model (an object with an apply function)', model)
  func(fn, 'loss', loss)
  const n = datasetSize(data, fn)
  const options = readOptions(fn, given, {
    metrics: withDefault(
      rule<Readonly<Record<string, Metric>>>(
        'an object of metric functions',
        (v) => isPlainObject(v) && Object.values(v).every((m) => typeof m === 'function'),
      ),
      {},
    ),
    batchSize: withDefault(positiveInteger, 1024),
    state: (_f: string, _k: string, v: unknown) => v,
  })
  const { state } = options
  if (model.applyWithState !== undefined && state === undefined) {
    throw new Error(
      'evaluate: the model keeps state (e.g. batchNorm running statistics): pass it as options.state, got none',
    )
  }
  const tensors = params as MaybeTraced<P> // a tensor tree is one
  const run = (x: Tensor): Var =>
    model.applyWithState !== undefined
      ? model.applyWithState(tensors, state, x, { train: false }).output
      : model.apply(tensors, x, { train: false })
  const metrics = Object.entries(options.metrics)
  const sums: Record<string, number> = { loss: 0 }
  for (const [name] of metrics) sums[name] = 0
  noGrad(() => {
    for (const rows of batchIndices(n, options.batchSize)) {
      const batch = takeRows(data, rows)
      const predictions = run(batch.x)
      const l: unknown = loss(predictions, batch.y)
      if (!(l instanceof Var)) fail(fn, 'the loss', 'a Var (e.g. from @gd/losses or @gd/autograd ops)', l)
      sums.loss! += l.value.item() * rows.length
      for (const [name, metric] of metrics) sums[name]! += metric(predictions.value, batch.y) * rows.length
    }
  })
  const out: Record<string, number> = {}
  for (const [name, s] of Object.entries(sums)) out[name] = n === 0 ? NaN : s / n
  return out
}
