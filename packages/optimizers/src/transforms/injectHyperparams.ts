import { fail, isPlainObject } from '@gd/check'
import { transformArg } from '../internal/consume.js'
import { badState, countOf, spend } from '../internal/consume.js'
import { hyperAt } from '../core/options.js'
import type { Hyper } from '../core/hyper.js'
import type { GradientTransformation } from '../core/transform.js'
import { type InPlaceTransformation, checkBeforeWrite } from '../core/inPlace.js'

/** State of {@link injectHyperparams}: the step count, the current values and the inner state. */
export interface InjectState<K extends string = string> {
  readonly count: number
  /** The values used at the last step; change one with {@link setHyperparam}. */
  readonly hyperparams: { readonly [P in K]: number }
  readonly inner: unknown
}

/**
 * Makes hyperparameters part of the state, so they can be read and changed while training
 * (e.g. lowering the learning rate on a plateau) and are saved with the state. Each one is a
 * number (kept until changed with {@link setHyperparam}) or a schedule (read at every step).
 * `factory` builds the optimizer from plain numbers; it must give the same state layout for any
 * values (so do not switch momentum between 0 and non-zero).
 *
 * @throws Error `injectHyperparams: hyperparameter learningRate must be a number or a schedule, got "x"`.
 * @example
 * ```ts
 * import { adam, injectHyperparams, setHyperparam } from '@gd/optimizers'
 * const opt = injectHyperparams((h) => adam({ learningRate: h.learningRate }), { learningRate: 1e-3 })
 * // later, on a plateau:
 * // state = setHyperparam(state, 'learningRate', state.hyperparams.learningRate / 10)
 * ```
 */
export function injectHyperparams<K extends string>(
  factory: (h: { readonly [P in K]: number }) => GradientTransformation<any>,
  hyperparams: { readonly [P in K]: Hyper },
): GradientTransformation<InjectState<K>> {
  const fn = 'injectHyperparams'
  if (typeof factory !== 'function')
    fail(fn, 'factory', 'a function from hyperparameters to a gradient transformation', factory)
  if (!isPlainObject(hyperparams)) fail(fn, 'hyperparams', 'an object of numbers and schedules', hyperparams)
  /** The transformation for `hp`, checked to be one. */
  const build = (hp: { readonly [P in K]: number }): GradientTransformation<any> => {
    const tx = factory(hp)
    transformArg(fn, 'factory(hyperparams)', tx)
    return tx
  }
  const names = Object.keys(hyperparams) as K[]
  for (const n of names) {
    const h = hyperparams[n] as unknown
    if (typeof h !== 'number' && typeof h !== 'function') {
      throw new Error(`${fn}: hyperparameter ${n} must be a number or a schedule, got ${JSON.stringify(h)}`)
    }
  }
  const anyNumber = { min: -Number.MAX_VALUE, max: Number.MAX_VALUE }
  const valuesAt = (count: number, current?: { readonly [P in K]: number }): { [P in K]: number } => {
    const out = {} as { [P in K]: number }
    for (const n of names) {
      const h = hyperparams[n]
      out[n] = typeof h === 'function' ? hyperAt(fn, n, h, count, anyNumber) : (current?.[n] ?? (h as number))
    }
    return out
  }
  /** Checks the state; the values for this step. */
  const plan = (state: InjectState<K>) => {
    const count = countOf(fn, state)
    if (typeof state.hyperparams !== 'object' || state.hyperparams === null) throw badState(fn, state)
    return valuesAt(count, state.hyperparams)
  }
  const tx: InPlaceTransformation<InjectState<K>> = {
    init(params) {
      const hp = valuesAt(0)
      return { count: 0, hyperparams: hp, inner: build(hp).init(params) }
    },
    check(grads, state, params, extra) {
      checkBeforeWrite(build(plan(state)), grads, state.inner, params, extra)
    },
    update(grads, state, params, extra) {
      const hp = plan(state)
      const inner = build(hp)
      checkBeforeWrite(inner, grads, state.inner, params, extra)
      const r = inner.update(grads, state.inner, params, extra)
      const next = { count: state.count + 1, hyperparams: hp, inner: r.state }
      spend(state, next)
      return { updates: r.updates, state: next }
    },
  }
  return tx
}

/**
 * A copy of an {@link injectHyperparams} state with one hyperparameter changed (used from the
 * next step on; a hyperparameter given as a schedule keeps following its schedule).
 *
 * @throws Error `setHyperparam: unknown hyperparameter lr, expected one of learningRate`.
 * @example
 * ```ts
 * import { setHyperparam } from '@gd/optimizers'
 * // state = setHyperparam(state, 'learningRate', 1e-4)
 * ```
 */
export function setHyperparam<K extends string>(state: InjectState<K>, name: K, value: number): InjectState<K> {
  const hp = (state as { hyperparams?: unknown } | null)?.hyperparams
  if (!isPlainObject(state) || !isPlainObject(hp)) fail('setHyperparam', 'state', 'a state of injectHyperparams', state)
  if (typeof name !== 'string') fail('setHyperparam', 'name', 'a string', name)
  if (!(name in state.hyperparams)) {
    throw new Error(
      `setHyperparam: unknown hyperparameter ${name}, expected one of ${Object.keys(state.hyperparams).join(', ')}`,
    )
  }
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new Error(`setHyperparam: ${name} must be a number, got ${String(value)}`)
  }
  return { ...state, hyperparams: { ...state.hyperparams, [name]: value } }
}
