/** A learning-rate (or other) schedule: the value to use at a step count (0 on the first update). */
export type Schedule = (step: number) => number

/**
 * A hyperparameter: a fixed number or a {@link Schedule} read at every step.
 *
 * @example
 * ```ts
 * import { sgd, type Hyper } from '@gd/optimizers'
 * const lr: Hyper = (step) => 0.1 * 0.5 ** Math.floor(step / 100)
 * sgd({ learningRate: lr })
 * ```
 */
export type Hyper = number | Schedule
