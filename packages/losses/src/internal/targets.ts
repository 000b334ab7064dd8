/**
 * The body of `classTargets` (labels.ts) for options already read: the losses over a class axis read
 * `classWeights` and `ignoreIndex` with their own spec (which holds `classSpec`'s checks), so they call this
 * instead of reading them a second time. Internal: not re-exported from the package.
 * @module
 */
import { Var, oneHot, toVar, type Input } from '@gd/autograd'
import * as T from '@gd/tensor'
import { Tensor } from '@gd/tensor'
import { forReplay, formatList, isFloat, isTracing, kernel, kernelReading, sameShape } from '@gd/tensor/internal'
import { atLeastZero, everyValue } from './checks.js'
import { checkPair } from '../reduction.js'

/** What {@link targetsOf} gives: labels.ts's `ClassTargets`, written here too (labels.ts imports this module). */
export interface Targets {
  probabilities: Var
  labels: boolean
  indices?: Tensor
  weights: Tensor | undefined
}

/**
 * Reads a class-axis loss's targets as `classTargets` does (same checks, same messages, same results), for
 * `predictions` a Tensor or a Var and `targets` a loss input (both checked by the caller), and `given` and
 * `ignore` read by a spec holding `classSpec`'s checks.
 */
export function targetsOf(
  fn: string,
  predictions: Var | Tensor,
  targets: Input,
  given: Tensor | undefined,
  ignore: number | undefined,
): Targets {
  const shape = predictions.shape
  if (shape.length === 0) throw new Error(`${fn}: predictions need a class axis, got shape []`)
  const classes = shape[shape.length - 1]!
  if (classes === 0) throw new Error(`${fn}: predictions need at least one class, got shape ${formatList(shape)}`)
  const dtype = predictions.dtype
  const classWeights = given === undefined ? undefined : checkClassWeights(fn, given, classes)
  const t = toVar(fn, targets, dtype)
  if (t.dtype === 'int32') {
    if (t.tracked) throw new Error(`${fn}: int32 labels cannot be traced`)
    const batch = shape.slice(0, -1)
    if (!sameShape(t.shape, batch)) {
      throw new Error(
        `${fn}: labels ${formatList(t.shape)} must have the predictions' shape without the class axis ${formatList(batch)}`,
      )
    }
    const float = dtype === 'float64' ? 'float64' : 'float32'
    const weighted = ignore !== undefined || classWeights !== undefined
    if (!weighted) {
      // a compiled step (see kernel of @gd/tensor/internal) checks and copies the labels at each replay
      const copy = isTracing() ? tracedCopy(fn, t.value, batch, classes) : null
      return new Labels(copy ?? checkedCopy(fn, t.value.data as Int32Array, batch, classes), undefined, classes, float)
    }
    const safe = new Int32Array(t.size)
    const keep = new Float64Array(t.size)
    const labels = forReplay(t.value)
    const run = (): void => {
      const raw = labels.data as Int32Array
      for (let i = 0; i < raw.length; i++) {
        const y = raw[i]!
        if (y === ignore) continue
        if (y < 0 || y >= classes) outOfRange(fn, y, classes)
        safe[i] = y
        keep[i] = classWeights === undefined ? 1 : classWeights[y]!
      }
    }
    kernel([safe, keep], run) // (ignored labels keep zeros: a replay zero-fills first)
    return new Labels(new Tensor(safe, batch, 'int32'), new Tensor(keep, batch, 'float64'), classes, float)
  }
  if (ignore !== undefined) throw new Error(`${fn}: ignoreIndex needs int32 labels, got ${t.dtype} targets`)
  if (!isFloat(t.dtype)) throw new Error(`${fn}: targets must be int32 labels or float distributions, got ${t.dtype}`)
  checkPair(fn, predictions, t)
  everyValue(fn, 'targets', t, atLeastZero, '>= 0 (probabilities)')
  let weights: Tensor | undefined
  if (classWeights !== undefined) {
    const w = new Tensor(Float64Array.from(classWeights), [classes], 'float64')
    weights = T.sum(T.mul(T.cast(t.value, 'float64'), w), { axis: -1 })
  }
  return { probabilities: t, labels: false, weights }
}

/**
 * The losses' own copy of int32 labels (a loss's backward pass may run later, as a `vjp` pullback, and must read
 * the labels it checked), by the array they were read from: a training loop passes the same labels tensor, or the
 * same array, step after step, and makes no copy then (an array off the JavaScript heap, and a tensor, each step).
 */
const copies = /* @__PURE__ */ new WeakMap<Int32Array, Tensor>()

/**
 * A tensor of shape `batch` holding `raw`'s labels, each checked to be in [0, classes) (the first one out of range
 * throws, as the copying loop did), every call: the copy made for `raw` before is handed out again only when it
 * has the shape and every value is the same, compared in the same pass as the checks (whatever wrote into `raw` or
 * the copy since, a changed label is never missed); otherwise a new copy replaces it.
 */
function checkedCopy(fn: string, raw: Int32Array, batch: readonly number[], classes: number): Tensor {
  const known = copies.get(raw)
  const old = known !== undefined && sameShape(known.shape, batch) ? (known.data as Int32Array) : null
  let same = old !== null && old.length === raw.length
  for (let i = 0; i < raw.length; i++) {
    const y = raw[i]!
    if (y < 0 || y >= classes) outOfRange(fn, y, classes)
    if (same && old![i] !== y) same = false
  }
  if (same) return known!
  const copy = new Tensor(raw.slice(), batch, 'int32')
  copies.set(raw, copy)
  return copy
}

/** checkedCopy as a kernel call that a compiled step replays: the labels are checked and copied every time. */
function tracedCopy(fn: string, labels: Tensor, batch: readonly number[], classes: number): Tensor {
  const out = new Int32Array(labels.size)
  kernelReading(out, [labels], (raw: Int32Array): void => {
    for (let i = 0; i < raw.length; i++) {
      const y = raw[i]!
      if (y < 0 || y >= classes) outOfRange(fn, y, classes)
      out[i] = y
    }
  })
  return new Tensor(out, batch, 'int32')
}

/**
 * Targets from int32 labels, whose one-hot rows are made when a loss first reads `probabilities` (the losses
 * that pick along the class axis never do). A class, not an object literal with a getter: V8 builds such a
 * literal through its runtime, ~0.7 µs a call against ~0.02 µs for this.
 */
class Labels implements Targets {
  readonly labels = true
  #probabilities: Var | undefined
  readonly #classes: number
  readonly #dtype: 'float32' | 'float64'

  constructor(
    readonly indices: Tensor,
    readonly weights: Tensor | undefined,
    classes: number,
    dtype: 'float32' | 'float64',
  ) {
    this.#classes = classes
    this.#dtype = dtype
  }

  get probabilities(): Var {
    return (this.#probabilities ??= oneHot(this.indices, this.#classes, { dtype: this.#dtype }))
  }
}

/** The error for a label outside [0, classes), one message for both loops that check labels. */
function outOfRange(fn: string, y: number, classes: number): never {
  throw new Error(`${fn}: label ${y} is out of range for ${classes} classes`)
}

function checkClassWeights(fn: string, w: Tensor, classes: number): number[] {
  if (w.rank !== 1 || w.shape[0] !== classes) {
    throw new Error(`${fn}: classWeights must have shape [${classes}], got ${formatList(w.shape)}`)
  }
  const values = Array.from(w.data)
  for (const v of values) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`${fn}: classWeights must be finite and >= 0, got ${v}`)
  }
  return values
}
