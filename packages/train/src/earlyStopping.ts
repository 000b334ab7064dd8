import { boolean, nonNegative, nonNegativeInteger, oneOf, readOptions, string, withDefault } from '@gd/check'
import type { Tree } from '@gd/tensor'
import type { Callback } from './callback.js'
import { logValue } from './epochLogs.js'

/** Options for {@link earlyStopping}. */
export interface EarlyStoppingOptions {
  /** The logged value to watch; default 'valLoss' (use 'loss' without validation data). */
  monitor?: string
  /** 'min' when lower is better (a loss), 'max' for accuracy. Default 'min'. */
  mode?: 'min' | 'max'
  /** Epochs without improvement tolerated before stopping; default 5. */
  patience?: number
  /** Least change that counts as an improvement; default 0. */
  minDelta?: number
  /** At the end, put back the parameters (and model state, if any) of the best epoch; default false. */
  restoreBest?: boolean
  /**
   * The name its state is saved under in checkpoints; default 'earlyStopping'. Two earlyStopping callbacks in one run
   * need different names (e.g. one per monitored value).
   */
  name?: string
}

/** The state of {@link earlyStopping}, plain data saved in checkpoints. */
export interface EarlyStoppingState {
  best: number | null
  bestEpoch: number
  wait: number
  bestParams: Tree | null
  /** The model state of the best epoch, kept with `restoreBest` for a model with state. */
  bestModelState?: Tree | null
}

/**
 * Stops training when the monitored value has not improved by more than `minDelta` for
 * `patience` epochs in a row, counting as Keras' `EarlyStopping` does: improvement is
 * v < best − minDelta ('min') or v > best + minDelta ('max'); an improving epoch sets wait ← 0,
 * any other sets wait ← wait + 1 and stops the run once wait ≥ patience. So with `patience: 2`
 * and losses 1, 0.5, 0.6, 0.55 the run stops at the end of epoch 3 (the second epoch without
 * improvement), and `patience: 0` stops at the first epoch that does not improve.
 *
 * @see https://keras.io/api/callbacks/early_stopping/
 *
 * Two of them in one run (one on the validation loss, one on accuracy) need different `name`s: a
 * checkpoint keeps each one's state under its name.
 *
 * @throws Error for bad options, and during fit when the logs lack the monitored value.
 * @example
 * ```ts
 * import { earlyStopping } from '@gd/train'
 * const stopper = earlyStopping({ monitor: 'valLoss', patience: 3, restoreBest: true })
 * const onAccuracy = earlyStopping({ monitor: 'valAccuracy', mode: 'max', patience: 5, name: 'stopOnAccuracy' })
 * // fit({ ..., callbacks: [stopper, onAccuracy] })
 * stopper.state().bestEpoch // the epoch with the lowest validation loss
 * ```
 */
export function earlyStopping(given?: EarlyStoppingOptions): Callback & { state(): EarlyStoppingState } {
  const fn = 'earlyStopping'
  const options = readOptions(fn, given, {
    monitor: withDefault(string, 'valLoss'),
    mode: withDefault(oneOf(['min', 'max'] as const), 'min'),
    patience: withDefault(nonNegativeInteger, 5),
    minDelta: withDefault(nonNegative, 0),
    restoreBest: withDefault(boolean, false),
    name: withDefault(string, fn),
  })
  const { monitor, mode, patience, minDelta } = options
  let s: EarlyStoppingState = { best: null, bestEpoch: -1, wait: 0, bestParams: null }
  const better = (v: number, best: number | null): boolean =>
    best === null || (mode === 'min' ? v < best - minDelta : v > best + minDelta)
  return {
    name: options.name,
    onEpochEnd(ctx, logs) {
      const v = logValue(fn, logs, monitor)
      if (better(v, s.best)) {
        const keep = options.restoreBest === true
        s = { best: v, bestEpoch: logs.epoch, wait: 0, bestParams: keep ? ctx.params : null }
        if (keep && ctx.modelState !== undefined) s.bestModelState = ctx.modelState
        return
      }
      s = { ...s, wait: s.wait + 1 }
      if (s.wait >= patience) {
        ctx.stop(
          `early stopping: ${monitor} has not improved for ${s.wait} epochs (best ${s.best} at epoch ${s.bestEpoch})`,
        )
      }
    },
    onTrainEnd(ctx) {
      if (options.restoreBest === true && s.bestParams !== null) {
        ctx.setParams(s.bestParams)
        if (s.bestModelState != null) ctx.setModelState(s.bestModelState)
      }
    },
    save: () => s,
    load: (saved) => (s = saved as EarlyStoppingState),
    state: () => s,
  }
}
