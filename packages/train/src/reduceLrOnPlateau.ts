import { reduceOnPlateau, type ReduceOnPlateauOptions, type ReduceOnPlateauState } from '@gd/schedules'
import { fail, isPlainObject, string, unknownOption } from '@gd/check'
import type { Callback } from './callback.js'
import { logValue } from './epochLogs.js'

/** Options for {@link reduceLrOnPlateau}: those of @gd/schedules' `reduceOnPlateau` but `init`, plus `monitor`. */
export interface ReduceLrOnPlateauOptions extends Omit<ReduceOnPlateauOptions, 'init'> {
  /** The logged value to watch; default 'valLoss'. */
  monitor?: string
  /**
   * The name its state is saved under in checkpoints; default 'reduceLrOnPlateau'. Two reduceLrOnPlateau callbacks in one run
   * need different names (e.g. one per monitored value).
   */
  name?: string
}

/** The options' names: `monitor`, `name`, then `reduceOnPlateau`'s but `init` (the type keeps the list complete). */
const OPTIONS = /* @__PURE__ */ Object.keys({
  monitor: 1,
  name: 1,
  mode: 1,
  factor: 1,
  patience: 1,
  threshold: 1,
  thresholdMode: 1,
  cooldown: 1,
  minValue: 1,
  eps: 1,
} satisfies Record<keyof ReduceLrOnPlateauOptions, 1>)

/**
 * Lowers the learning rate by `factor` when the monitored value stops improving (after `patience`
 * epochs), using @gd/schedules' `reduceOnPlateau` rule and writing the new rate into the optimizer.
 * The optimizer must come from `injectHyperparams`, so its learning rate can change while training.
 *
 * @throws Error for bad options (as `reduceOnPlateau` reports them), and during fit when the
 * optimizer has no injectable learning rate or the logs lack the monitored value.
 * @example
 * ```ts
 * import { adam, injectHyperparams } from '@gd/optimizers'
 * import { reduceLrOnPlateau } from '@gd/train'
 * const optimizer = injectHyperparams((h) => adam({ learningRate: h.learningRate }), { learningRate: 1e-3 })
 * const plateau = reduceLrOnPlateau({ monitor: 'valLoss', factor: 0.5, patience: 2 })
 * // fit({ ..., optimizer, callbacks: [plateau] })
 * ```
 */
export function reduceLrOnPlateau(
  given?: ReduceLrOnPlateauOptions,
): Callback & { state(): ReduceOnPlateauState | null } {
  const fn = 'reduceLrOnPlateau'
  const options: ReduceLrOnPlateauOptions = given ?? {}
  if (!isPlainObject(options)) fail(fn, 'options', 'a plain object', options)
  if ('init' in options) throw new Error(`${fn}: unknown option init, the optimizer's learning rate is the start`)
  for (const key of Object.keys(options)) if (!OPTIONS.includes(key)) throw unknownOption(fn, key, OPTIONS)
  const { monitor = 'valLoss', name = fn, ...rest } = options as ReduceLrOnPlateauOptions
  string(fn, 'monitor', monitor)
  string(fn, 'name', name)
  reduceOnPlateau({ init: 1, ...rest }) // validate the options now, not at the first epoch
  let state: ReduceOnPlateauState | null = null
  let rule: ReturnType<typeof reduceOnPlateau> | null = null
  return {
    name,
    onTrainBegin(ctx) {
      const lr = ctx.learningRate
      if (lr === undefined) {
        throw new Error(
          `${fn}: the optimizer needs a learningRate from injectHyperparams, got an optimizer without one`,
        )
      }
      rule = reduceOnPlateau({ init: state?.value ?? lr, ...rest })
      state ??= rule.init()
    },
    onEpochEnd(ctx, logs) {
      if (rule === null || state === null) return
      const next = rule.step(state, logValue(fn, logs, monitor))
      if (next.value !== state.value) ctx.setLearningRate(next.value)
      state = next
    },
    save: () => state,
    load: (saved) => (state = saved as ReduceOnPlateauState),
    state: () => state,
  }
}
