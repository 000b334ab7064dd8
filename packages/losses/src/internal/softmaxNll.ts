import { Var, add, apply, div, exp, isRecording, mul, neg, reshape, scatterAddAlongAxis, sub, sum } from '@gd/autograd'
import * as T from '@gd/tensor'
import { allocate, kernelReading } from '@gd/tensor/internal'

/**
 * −log softmax(z)[…, yᵢ] for each sample: softmax cross-entropy from int32 labels, one primitive
 * instead of the composite `neg(squeeze(takeAlongAxis(logSoftmax(z), y[…, None])))`, for speed.
 *
 * It takes the composite's steps in the composite's order, so values and gradients are the same bits:
 * forward, with m the row maximum and s = m where it is finite, else 0 (as `logSumExp` takes it),
 * e = exp(z − s), S = Σ e, lse = log S + s and ℓᵢ = −(z[i, yᵢ] − lseᵢ): s and z − s in one loop over the
 * rows, exp, the row sums and log on @gd/tensor's kernels (the same as the composite's) and the picking
 * in one loop; backward, from
 * the cotangent c of ℓ, ∂z = G + (c / S)·e, where G is −c at the label and 0 elsewhere (the scattered
 * cotangent the composite adds). When the backward pass records a graph (a gradient of a gradient),
 * the rule is written with differentiable ops instead, over e recomputed from z.
 *
 * `labels` must be in range (checked by `classTargets`); `z` is float with a class axis.
 */
export function softmaxNll(z: Var, labels: T.Tensor): Var {
  const classes = z.shape[z.rank - 1]!
  const batch = z.shape.slice(0, -1)
  // the forward's row values, kept for the backward (the same sizes every step: a scope pools them)
  let e: T.Tensor | undefined
  let sums: T.Tensor | undefined
  let shift: T.Tensor | undefined
  return apply(
    {
      name: 'softmaxCrossEntropy',
      forward(v) {
        const d = shifted(v, labels.size, classes, batch)
        shift = d.shift
        e = T.exp(d.diff)
        sums = T.sum(e, { axis: -1, keepdims: true })
        return picked(v, labels, T.log(sums), shift, classes, batch)
      },
      backward(g, [x]) {
        if (isRecording()) {
          // differentiable: a second-order pass differentiates through e and S again
          const ex = exp(sub(x!, shift!))
          const c = reshape(g, [...batch, 1])
          const q = div(c, sum(ex, { axis: -1, keepdims: true }))
          return [add(scatterAddAlongAxis(x!.shape, T.expandDims(labels, -1), neg(c)), mul(q, ex))]
        }
        return [new Var(spread(g.value, labels, e!, sums!, classes))]
      },
    },
    [z],
  )
}

/**
 * The row shift s (the row maximum where it is finite, else 0) and z − s, in one pass over the rows: what
 * `max(z, { axis: -1, keepdims: true })`, `isFinite`, `where` and `sub(z, s)` give, the same bits (a maximum is
 * exact whatever order or kernel takes it, the row's first NaN wins as in the reduction's loop, and the
 * difference is rounded once to the dtype, as the subtraction's store rounds it), without four ops' tensors.
 */
function shifted(
  v: T.Tensor,
  rows: number,
  classes: number,
  batch: readonly number[],
): { shift: T.Tensor; diff: T.Tensor } {
  const dtype = v.dtype as 'float32' | 'float64'
  const s = allocate(dtype, rows) as FloatArray
  const d = allocate(dtype, v.size) as FloatArray
  // (kernel: a compiled step replays the loop, see kernel of @gd/tensor/internal)
  kernelReading([s, d], [v], (x: FloatArray) => shiftRows(x, s, d, rows, classes))
  return { shift: new T.Tensor(s, [...batch, 1], dtype), diff: new T.Tensor(d, v.shape, dtype) }
}

function shiftRows(z: FloatArray, s: FloatArray, d: FloatArray, rows: number, classes: number): void {
  for (let i = 0; i < rows; i++) {
    const at = i * classes
    const end = at + classes
    let m = -Infinity
    for (let k = at; k < end; k++) {
      const x = z[k]!
      if (x > m || x !== x) m = x
      if (m !== m) break
    }
    const si = Number.isFinite(m) ? m : 0
    s[i] = si
    for (let k = at; k < end; k++) d[k] = z[k]! - si
  }
}

/** ℓᵢ = −(z[i, yᵢ] − (log Sᵢ + sᵢ)), each step rounded to the dtype as the composite's ops round it. */
function picked(
  v: T.Tensor,
  labels: T.Tensor,
  logSums: T.Tensor,
  shift: T.Tensor,
  classes: number,
  batch: readonly number[],
): T.Tensor {
  const out = allocate(v.dtype as 'float32' | 'float64', labels.size)
  // one loop per dtype (as spread's): Math.fround called through a variable is not inlined, and boxes every result
  labelLoop(out, [v, labels, logSums, shift], picked32, picked64, classes)
  return new T.Tensor(out, batch, v.dtype)
}

function picked32(z: FloatArray, y: Int32Array, ls: FloatArray, s: FloatArray, out: Float32Array, classes: number) {
  for (let i = 0; i < y.length; i++) {
    const lse = Math.fround(ls[i]! + s[i]!)
    out[i] = -Math.fround(z[i * classes + y[i]!]! - lse)
  }
}

function picked64(z: FloatArray, y: Int32Array, ls: FloatArray, s: FloatArray, out: Float64Array, classes: number) {
  for (let i = 0; i < y.length; i++) out[i] = -(z[i * classes + y[i]!]! - (ls[i]! + s[i]!))
}

/** ∂z = G + (c / S)·e with G = −c at each label and 0 elsewhere, rounded step by step as the composite's ops. */
function spread(g: T.Tensor, labels: T.Tensor, e: T.Tensor, sums: T.Tensor, classes: number): T.Tensor {
  const out = allocate(e.dtype as 'float32' | 'float64', e.size)
  labelLoop(out, [g, labels, e, sums], spread32, spread64, classes)
  return new T.Tensor(out, e.shape, e.dtype)
}

// One loop per dtype, so that each stays monomorphic. The scattered cotangent is zeros plus −c at the
// label: 0 + (−0) is +0, as the scatter's addition gives. A Float32Array store rounds the last sum.

function spread32(c: FloatArray, y: Int32Array, e: FloatArray, s: FloatArray, out: Float32Array, classes: number) {
  for (let i = 0; i < y.length; i++) {
    const q = Math.fround(c[i]! / s[i]!)
    const at = i * classes
    const label = at + y[i]!
    for (let k = at; k < at + classes; k++) out[k] = (k === label ? 0 + -c[i]! : 0) + Math.fround(q * e[k]!)
  }
}

function spread64(c: FloatArray, y: Int32Array, e: FloatArray, s: FloatArray, out: Float64Array, classes: number) {
  for (let i = 0; i < y.length; i++) {
    const q = c[i]! / s[i]!
    const at = i * classes
    const label = at + y[i]!
    for (let k = at; k < at + classes; k++) out[k] = (k === label ? 0 + -c[i]! : 0) + q * e[k]!
  }
}

type FloatArray = Float32Array | Float64Array

/** A loop over a float tensor, the labels and two more float tensors, into `out` (its dtype picks the loop). */
type LabelLoop<O> = (a: FloatArray, y: Int32Array, b: FloatArray, c: FloatArray, out: O, classes: number) => void

/** Runs `loop32` or `loop64` on the elements of `inputs` into `out` as one kernel call, which a compiled step replays. */
function labelLoop(
  out: FloatArray,
  inputs: T.Tensor[],
  loop32: LabelLoop<Float32Array>,
  loop64: LabelLoop<Float64Array>,
  classes: number,
): void {
  kernelReading(out, inputs, (...data: T.Storage[]): void => {
    const [a, y, b, c] = data as [FloatArray, Int32Array, FloatArray, FloatArray]
    if (out instanceof Float32Array) loop32(a, y, b, c, out, classes)
    else loop64(a, y, b, c, out, classes)
  })
}
