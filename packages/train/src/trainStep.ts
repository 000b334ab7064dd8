import { valueAndGrad, type Plain, type PlainArgs } from '@gd/autograd'
import { boolean, fail, func, optional, readOptions } from '@gd/check'
import { stepInPlace, type GradientTransformation } from '@gd/optimizers'
import type { Tensor, Tree } from '@gd/tensor'
import { withScope } from '@gd/tensor/internal'
import { compiled } from './internal/compiled.js'
import { copied } from './internal/copied.js'

/** Options of {@link trainStep}. */
export interface TrainStepOptions {
  /**
   * Record the step's kernel calls the first time and replay them on later calls whose tensors have the same
   * dtypes, shapes and layouts (default false). See {@link trainStep}.
   */
  compile?: boolean
}

/** What the released-tensor message of a training step advises. */
const ADVICE = 'use valueAndGrad and stepInPlace to keep the gradients'

/**
 * One training step of your own loop as a function: `trainStep(loss, optimizer)` returns
 * `step(params, state, ...args)`, which computes the loss and its gradient with respect to `params`
 * (as `valueAndGrad(loss)(params, ...args)`), writes the optimizer's update into the parameters' own
 * buffers (as {@link stepInPlace}) and returns `[loss, nextState]`.
 *
 * The result is what `valueAndGrad` followed by `stepInPlace` gives, bit for bit, but the gradients
 * never leave the step: they are used where the kernels wrote them and go back to the pool for the
 * next step with every other intermediate, so no step copies them to the JavaScript heap (for a
 * model with a million parameters, 4 MB a step that the collector would otherwise reclaim). Use it
 * when the loop needs the loss and not the gradients; use `valueAndGrad` and `stepInPlace` to
 * read the gradients (their norms, clipping by hand).
 *
 * As with `stepInPlace`, the parameters must be tensors the loop owns (place them with
 * `toWasmMemory` so the kernels read them where they lie). A step that throws (a bad argument, a
 * loss that fails, an optimizer error) leaves the parameters and the state as they were.
 *
 * With `{ compile: true }` the first call runs as above while @gd/tensor records every kernel call the
 * loss and its gradient make; a later call whose parameters and arguments hold tensors of the same
 * dtypes, shapes and layouts (and the same numbers, strings and booleans) replays those calls on its
 * own tensors, read where they lie, without running the loss function, autograd or the ops'
 * JavaScript again; the optimizer's update runs as without compile. The results are the
 * uncompiled step's, bit for bit. Other arguments record again (the last 8 recordings are kept).
 * As with JAX's `jit`, what the loss reads of JavaScript values it closes over is fixed when it is
 * recorded, and its side effects happen once. Random keys are the exception: a key argument made by
 * `prngKey`, `splitKey` or `foldIn` (dropout's, say `foldIn(key, step)`) is not part of what a recording
 * depends on, and each replay draws from the key it is given, through the keys the loss splits and folds
 * from it, classes drawn by `categorical` and `multinomial` included; a pair of numbers written by hand is
 * two numbers. A step that reads a value it computes in JavaScript (`item()`, `data`, `toArray()`) or the
 * numbers of a key argument, or makes a tensor outside @gd's ops (`new Tensor(...)` over values it
 * computed itself), throws on its first call, saying where, and leaves the parameters and the state as
 * they were; an intermediate kept from a compiled step throws when read.
 * Checks of values (labels in range) run at every replay.
 *
 * @throws Error `trainStep: loss must be a function, got …`,
 * `trainStep: optimizer must be a gradient transformation, got …` and
 * `trainStep: unknown option compil, expected one of compile; did you mean compile?`; the step throws what
 * `valueAndGrad` and `stepInPlace` throw, and with compile
 * `trainStep: compile cannot replay this step: … (at …); run it without { compile: true }`.
 * @example
 * ```ts
 * import { mean, square, sub, type Var } from '@gd/autograd'
 * import { adam } from '@gd/optimizers'
 * import { tensor } from '@gd/tensor'
 * import { trainStep } from '@gd/train'
 * const params = { w: tensor([1]) }
 * const optimizer = adam({ learningRate: 0.1 })
 * const step = trainStep((p: { w: Var }) => mean(square(sub(p.w, 3))), optimizer)
 * const [loss, state] = step(params, optimizer.init(params))
 * loss.item() // 4: (1 − 3)²
 * params.w.toArray() // [1.1]: Adam's first step moves w by the learning rate, toward 3
 * state.length // 2: the state of adam's chain (moments, then the learning rate)
 * // compiled: the first call records, the next ones replay (same results)
 * const fast = trainStep((p: { w: Var }) => mean(square(sub(p.w, 3))), optimizer, { compile: true })
 * const [first, s1] = fast(params, state)
 * const [second] = fast(params, s1)
 * second.item() < first.item() // true
 * ```
 */
export function trainStep<P, R extends unknown[], S>(
  loss: (params: P, ...args: R) => unknown,
  optimizer: GradientTransformation<S>,
  options: TrainStepOptions = {},
): (params: Plain<P>, state: S, ...args: PlainArgs<R>) => [Tensor, S] {
  func('trainStep', 'loss', loss)
  const o = optimizer as { init?: unknown; update?: unknown } | null | undefined
  if (typeof o?.init !== 'function' || typeof o.update !== 'function') {
    fail('trainStep', 'optimizer', 'a gradient transformation', optimizer)
  }
  const { compile = false } = readOptions('trainStep', options, { compile: optional(boolean) })
  const lossAndGrads = valueAndGrad(loss as (...args: unknown[]) => unknown)
  const run = compile ? compiled(lossAndGrads as (...args: unknown[]) => [Tensor, unknown], 'trainStep') : null
  if (run !== null) {
    return (params, state, ...args) => {
      const [value, grads] = run(params, ...args)
      // the loss is the caller's to keep: a copy, since the next step writes the recording's arrays again
      const loss = copied(value)
      return withScope(
        'trainStep',
        () => [loss, stepInPlace(optimizer, grads as Tree, state, params as Tree)],
        (r) => r,
      )
    }
  }
  return (params, state, ...args) =>
    withScope(
      'trainStep',
      (): [Tensor, S] => {
        // inside this scope the gradients move here when valueAndGrad returns (no copy), and are
        // released with the other intermediates when the step returns: only the loss and state escape
        const [value, grads] = lossAndGrads(params, ...args)
        return [value, stepInPlace(optimizer, grads as Tree, state, params as Tree)]
      },
      (result) => result,
      { advice: ADVICE },
    )
}
