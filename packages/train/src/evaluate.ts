import { noGrad, type Input, type Var } from '@gd/autograd'
import type { Tensor } from '@gd/tensor'
import { datasetSize, takeRows, type Dataset } from './dataset.js'
import { batchIndices } from './batchIndices.js'
import type { Metric } from './metrics.js'

/** A model as {@link fit} needs it: a pure function of parameters and inputs (an @gd/nn `Layer` is one). */
export interface Model<P> {
  apply(params: P, x: Input, options?: { train?: boolean; key?: readonly [number, number] }): Var
}

/** A loss: a scalar `Var` from the model's predictions and the targets (e.g. from @gd/losses). */
export type Loss = (predictions: Var, targets: Tensor) => Var

/** Options for {@link evaluate}. */
export interface EvaluateOptions {
  /** Metrics to compute besides the loss, by name. */
  metrics?: Readonly<Record<string, Metric>>
  /** Examples per forward pass; default 1024. Only memory depends on it. */
  batchSize?: number
}

/**
 * The mean loss and metrics of `model` at `params` over `data`, in inference mode (no dropout) and
 * without recording gradients. Batch values are weighted by batch size: Σ bᵢ·vᵢ / Σ bᵢ.
 *
 * @throws Error for a malformed data set.
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
  options: EvaluateOptions = {},
): Record<string, number> {
  const n = datasetSize(data, 'evaluate')
  const metrics = Object.entries(options.metrics ?? {})
  const sums: Record<string, number> = { loss: 0 }
  for (const [name] of metrics) sums[name] = 0
  noGrad(() => {
    for (const rows of batchIndices(n, options.batchSize ?? 1024)) {
      const batch = takeRows(data, rows)
      const predictions = model.apply(params, batch.x, { train: false })
      sums.loss! += loss(predictions, batch.y).value.item() * rows.length
      for (const [name, metric] of metrics) sums[name]! += metric(predictions.value, batch.y) * rows.length
    }
  })
  const out: Record<string, number> = {}
  for (const [name, s] of Object.entries(sums)) out[name] = n === 0 ? NaN : s / n
  return out
}
