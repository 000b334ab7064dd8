import { fail, integer, positive, readOptions, rule, withDefault, within, type Check } from '@gd/check'
import { injectHyperparams, type GradientTransformation } from '@gd/optimizers'
import type { Callback } from './callback.js'
import type { Dataset } from './dataset.js'
import type { BatchSize } from './epochBatches.js'
import { stepsPerEpoch } from './epochBatches.js'
import type { Loss, Model } from './evaluate.js'
import { fit } from './fit.js'
import { datasetSize } from './dataset.js'

/** Options for {@link findLearningRate}. */
export interface FindLearningRateOptions<P> {
  model: Model<P>
  params: P
  loss: Loss
  data: Dataset
  /** Builds the optimizer for a learning rate, e.g. `(h) => adam({ learningRate: h.learningRate })`. */
  optimizer: (hyper: { readonly learningRate: number }) => GradientTransformation<any>
  /** First rate of the sweep; default 1e-7. */
  minLearningRate?: number
  /** Last rate of the sweep; default 10. */
  maxLearningRate?: number
  /** Steps of the sweep; default 100. */
  steps?: number
  /** Default 32. */
  batchSize?: BatchSize
  /** Seed of the batch order; default 0. */
  seed?: number
  /** β of the loss's moving average, in [0, 1); default 0.98. */
  smoothing?: number
  /** Stop once the smoothed loss exceeds this many times its lowest value; default 4. */
  divergence?: number
}

/** The result of {@link findLearningRate}: the curve and the suggested rate. */
export interface LearningRateSweep {
  /** The rate used at each step taken. */
  learningRates: number[]
  /** The raw batch loss at each step. */
  losses: number[]
  /** The bias-corrected moving average of the loss. */
  smoothed: number[]
  /** Index of the lowest smoothed loss. */
  minIndex: number
  /** Index of the steepest fall of the smoothed loss before `minIndex`, if there was a fall. */
  suggestionIndex: number | undefined
  /** `learningRates[suggestionIndex]`. */
  suggestion: number | undefined
}

/**
 * The learning-rate range test (Smith 2017): train from `params` for a few steps while the rate
 * grows exponentially, ηᵢ = η_min·(η_max/η_min)^(i/(steps−1)), record the loss, and stop when it
 * diverges. The loss is smoothed, aᵢ = β·aᵢ₋₁ + (1−β)·Lᵢ, sᵢ = aᵢ / (1 − βⁱ⁺¹), and the suggested rate
 * is where sᵢ falls fastest against log η, before its minimum: large enough to learn quickly,
 * below where the loss turns up. The slope is taken over ±k points (k = ⌊steps/25⌋, at least 1)
 * and the first tenth of the sweep is left out, where the average still rests on few batches.
 *
 * @see https://arxiv.org/abs/1506.01186
 * @throws Error for bad options, with the option and value named.
 * @example
 * ```ts
 * import { adam } from '@gd/optimizers'
 * import { findLearningRate } from '@gd/train'
 * // const sweep = findLearningRate({ model, params, loss, data, optimizer: (h) => adam(h) })
 * // sweep.suggestion // e.g. 3e-3
 * ```
 */
export function findLearningRate<P>(given: FindLearningRateOptions<P>): LearningRateSweep {
  const fn = 'findLearningRate'
  // model, params, loss and data are checked by the fit that runs the sweep, before its first step
  const later: Check<unknown> = (_f, _k, v) => v
  const options = readOptions(fn, given, {
    model: later,
    params: later,
    loss: later,
    data: later,
    optimizer: rule<FindLearningRateOptions<P>['optimizer']>(
      'a function of { learningRate }',
      (v) => typeof v === 'function',
    ),
    minLearningRate: withDefault(positive, 1e-7),
    maxLearningRate: withDefault(positive, 10),
    steps: withDefault(within({ min: 3, integer: true }), 100),
    batchSize: withDefault(later, 32),
    seed: withDefault(integer, 0),
    smoothing: withDefault(within({ min: 0, max: 1, maxOpen: true }), 0.98),
    divergence: withDefault(within({ min: 1, minOpen: true }), 4),
  }) as unknown as Required<FindLearningRateOptions<P>>
  const { minLearningRate: min, maxLearningRate: max, steps, smoothing: beta, divergence } = options
  if (!(max > min)) fail(fn, 'maxLearningRate', `greater than minLearningRate (${min})`, max)
  const rate = (i: number): number => min * (max / min) ** (i / (steps - 1))
  const sweep: LearningRateSweep = {
    learningRates: [],
    losses: [],
    smoothed: [],
    minIndex: 0,
    suggestionIndex: undefined,
    suggestion: undefined,
  }
  let avg = 0
  const recorder: Callback = {
    name: fn,
    onGradients(ctx, info) {
      const i = ctx.step
      avg = beta * avg + (1 - beta) * info.loss
      const s = avg / (1 - beta ** (i + 1))
      sweep.learningRates.push(rate(i))
      sweep.losses.push(info.loss)
      sweep.smoothed.push(s)
      if (s < sweep.smoothed[sweep.minIndex]!) sweep.minIndex = i
      if (!Number.isFinite(s) || s > divergence * sweep.smoothed[sweep.minIndex]!) {
        ctx.stop(`${fn}: loss diverged at learning rate ${rate(i)}`)
        return 'skip'
      }
      return undefined
    },
  }
  const batchSize = options.batchSize
  const perEpoch = stepsPerEpoch(datasetSize(options.data, fn), batchSize)
  fit({
    model: options.model,
    params: options.params,
    loss: options.loss,
    data: options.data,
    optimizer: injectHyperparams(options.optimizer, { learningRate: rate }),
    batchSize,
    seed: options.seed,
    epochs: Math.ceil(steps / perEpoch),
    maxSteps: steps,
    callbacks: [recorder],
  })
  const window = Math.max(1, Math.floor(steps / 25))
  const index = steepestFall(sweep.learningRates, sweep.smoothed, Math.ceil(steps / 10), sweep.minIndex, window)
  if (index !== undefined) {
    sweep.suggestionIndex = index
    sweep.suggestion = sweep.learningRates[index]
  }
  return sweep
}

/**
 * The index in [start, end) where s falls fastest against log η, by differences over ±k points
 * (clamped to the curve and to `end`), if it falls at all.
 */
function steepestFall(
  rates: readonly number[],
  s: readonly number[],
  start: number,
  end: number,
  k: number,
): number | undefined {
  let best: number | undefined
  let bestSlope = 0
  for (let i = Math.max(start, 1); i < end; i++) {
    const lo = Math.max(0, i - k)
    const hi = Math.min(end, i + k)
    const slope = (s[hi]! - s[lo]!) / Math.log(rates[hi]! / rates[lo]!)
    if (slope < bestSlope) {
      bestSlope = slope
      best = i
    }
  }
  return best
}
