/**
 * The elementwise family's loops, one per hot op: a separate function per op keeps each loop
 * monomorphic, so V8 inlines the arithmetic instead of calling a closure per element. The
 * arithmetic ones first offer the call to the Wasm kernel, which takes it when the registry says so
 * (float32, Wasm allowed and loaded, at least `ELEMENTWISE_MIN` elements), and otherwise run
 * the JavaScript loop. `unary.ts` and `binary.ts` hand them to `mapUnary` and `mapBinary`.
 * @module
 */
import type { BinaryLoop, UnaryLoop } from '../../elementwise.js'
import { elementwiseKernels } from '../registry.js'
import { BINARY, UNARY } from './ops.generated.js'

// One loop per hot op (see UnaryLoop): Math.* inlines into each instead of a closure call per element.
export const negLoop: UnaryLoop = (x, y) => {
  if (elementwiseKernels()?.unary(UNARY.neg, x, y)) return
  for (let i = 0; i < y.length; i++) y[i] = -x[i]!
}
export const squareLoop: UnaryLoop = (x, y) => {
  if (elementwiseKernels()?.unary(UNARY.square, x, y)) return
  for (let i = 0; i < y.length; i++) y[i] = x[i]! * x[i]!
}
export const sqrtLoop: UnaryLoop = (x, y) => {
  if (elementwiseKernels()?.unary(UNARY.sqrt, x, y)) return
  for (let i = 0; i < y.length; i++) y[i] = Math.sqrt(x[i]!)
}
export const expLoop: UnaryLoop = (x, y) => {
  if (elementwiseKernels()?.unary(UNARY.exp, x, y)) return
  for (let i = 0; i < y.length; i++) y[i] = Math.exp(x[i]!)
}
export const logLoop: UnaryLoop = (x, y) => {
  if (elementwiseKernels()?.unary(UNARY.log, x, y)) return
  for (let i = 0; i < y.length; i++) y[i] = Math.log(x[i]!)
}
export const tanhLoop: UnaryLoop = (x, y) => {
  if (elementwiseKernels()?.unary(UNARY.tanh, x, y)) return
  for (let i = 0; i < y.length; i++) y[i] = Math.tanh(x[i]!)
}
export const sigmoidLoop: UnaryLoop = (x, y) => {
  if (elementwiseKernels()?.unary(UNARY.sigmoid, x, y)) return
  for (let i = 0; i < y.length; i++) {
    const v = x[i]!
    if (v >= 0) y[i] = 1 / (1 + Math.exp(-v))
    else {
      const e = Math.exp(v)
      y[i] = e / (1 + e)
    }
  }
}
export const reluLoop: UnaryLoop = (x, y) => {
  if (elementwiseKernels()?.unary(UNARY.relu, x, y)) return
  for (let i = 0; i < y.length; i++) {
    const v = x[i]!
    y[i] = v > 0 ? v : v === v ? 0 : v
  }
}

// One loop per hot op (see BinaryLoop): sa and sb are 1 for a full operand, 0 for a scalar.
export const addLoop: BinaryLoop = (out, A, oa, sa, B, ob, sb, n) => {
  if (elementwiseKernels()?.binary(BINARY.add, out, A, oa, sa, B, ob, sb, n)) return
  for (let i = 0; i < n; i++) out[i] = A[oa + i * sa]! + B[ob + i * sb]!
}
export const subLoop: BinaryLoop = (out, A, oa, sa, B, ob, sb, n) => {
  if (elementwiseKernels()?.binary(BINARY.sub, out, A, oa, sa, B, ob, sb, n)) return
  for (let i = 0; i < n; i++) out[i] = A[oa + i * sa]! - B[ob + i * sb]!
}
export const mulLoop: BinaryLoop = (out, A, oa, sa, B, ob, sb, n) => {
  if (elementwiseKernels()?.binary(BINARY.mul, out, A, oa, sa, B, ob, sb, n)) return
  for (let i = 0; i < n; i++) out[i] = A[oa + i * sa]! * B[ob + i * sb]!
}
export const divLoop: BinaryLoop = (out, A, oa, sa, B, ob, sb, n) => {
  if (elementwiseKernels()?.binary(BINARY.div, out, A, oa, sa, B, ob, sb, n)) return
  for (let i = 0; i < n; i++) out[i] = A[oa + i * sa]! / B[ob + i * sb]!
}
export const reluGradLoop: BinaryLoop = (out, A, oa, sa, B, ob, sb, n) => {
  if (elementwiseKernels()?.binary(BINARY.reluGrad, out, A, oa, sa, B, ob, sb, n)) return
  for (let i = 0; i < n; i++) out[i] = B[ob + i * sb]! > 0 ? A[oa + i * sa]! : 0
}

// One loop per comparison, as for arithmetic (a mask against a scalar is the common case: relu's gradient).
// `+(a > b)` compiles to a flag move where `a > b ? 1 : 0` compiles to a branch, which random signs mispredict half
// the time.
export const equalLoop: BinaryLoop = (out, A, oa, sa, B, ob, sb, n) => {
  for (let i = 0; i < n; i++) out[i] = +(A[oa + i * sa]! === B[ob + i * sb]!)
}
export const notEqualLoop: BinaryLoop = (out, A, oa, sa, B, ob, sb, n) => {
  for (let i = 0; i < n; i++) out[i] = +(A[oa + i * sa]! !== B[ob + i * sb]!)
}
export const greaterLoop: BinaryLoop = (out, A, oa, sa, B, ob, sb, n) => {
  for (let i = 0; i < n; i++) out[i] = +(A[oa + i * sa]! > B[ob + i * sb]!)
}
export const greaterEqualLoop: BinaryLoop = (out, A, oa, sa, B, ob, sb, n) => {
  for (let i = 0; i < n; i++) out[i] = +(A[oa + i * sa]! >= B[ob + i * sb]!)
}
export const lessLoop: BinaryLoop = (out, A, oa, sa, B, ob, sb, n) => {
  for (let i = 0; i < n; i++) out[i] = +(A[oa + i * sa]! < B[ob + i * sb]!)
}
export const lessEqualLoop: BinaryLoop = (out, A, oa, sa, B, ob, sb, n) => {
  for (let i = 0; i < n; i++) out[i] = +(A[oa + i * sa]! <= B[ob + i * sb]!)
}
