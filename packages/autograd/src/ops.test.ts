// The property suite: every differentiable op, over random shapes (size-1 dimensions and
// broadcasting included) and values inside the smooth domain the op declares (its `domain`), passes
// gradcheck and gradgradcheck in float64. A meta-test keeps the table complete.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as T from '@gd/tensor'
import { broadcastShapes, sizeOf } from '@gd/tensor/internal'
import {
  anywhere,
  awayFromZero,
  broadcastPairArb,
  gradientTable,
  nearIntegers,
  shapeArb,
  type Draw,
  type GradientRow,
} from '@gd/testing'
import * as AG from './index.js'
import type { OpDomain } from './primitive.js'
import type { Var } from './variable.js'

type Row = GradientRow<Var>
/** An op, and the smooth domain it declares by input name (ops without one are smooth anywhere). */
type Op = ((...args: never[]) => unknown) & { readonly domain?: OpDomain }

const int = (v: number[]) => T.tensor(v, { dtype: 'int32' })
const dims = fc.integer({ min: 1, max: 3 })
/** Fixed shapes for one run (no setting). */
const shapes = (...s: number[][]): Draw => ({ shapes: s, setting: 0 })

/** One input of random shape (rank 0 to 3). */
const oneShape = shapeArb().map((s) => shapes(s))
/** Two inputs whose shapes broadcast together. */
const twoBroadcast = broadcastPairArb().map(([a, b]) => shapes(a, b))
/** One input of rank ≥ 1, and a valid axis of it as the setting. */
const withAxis = shapeArb(3, 3)
  .filter((s) => s.length > 0)
  .chain((s) => fc.integer({ min: -s.length, max: s.length - 1 }).map((axis) => ({ shapes: [s], setting: axis })))
/** A batch of matrices (rank 2 to 4), and a diagonal offset in [-3, 3] as the setting. */
const matrixBatch = fc
  .tuple(fc.array(dims, { minLength: 2, maxLength: 4 }), fc.integer({ min: -3, max: 3 }))
  .map(([s, k]) => ({ shapes: [s], setting: k }))
/** An NCHW batch of 4×4 images. */
const images = fc.tuple(dims, dims).map(([n, c]) => shapes([n, c, 4, 4]))

/** A one-input op checked on random shapes, in the domain it declares for x. */
const unary = (op: Op, f = op as (x: Var) => Var): Row => ({
  draw: oneShape,
  domains: [op.domain?.x],
  f: ([x]) => f(x!),
})
/** A two-input op checked on shapes that broadcast, in the domains it declares for a and b. */
const binary = (op: Op & ((a: Var, b: Var) => Var)): Row => ({
  draw: twoBroadcast,
  domains: [op.domain?.a, op.domain?.b],
  f: ([a, b]) => op(a!, b!),
})
/** An op along an axis drawn per run, in the domain the op declares for x. */
const alongAxis = (op: Op, f: (x: Var, axis: number) => Var): Row => ({
  draw: withAxis,
  domains: [op.domain?.x],
  f: ([x], axis) => f(x!, axis),
})

const rows: Record<string, Row> = {
  add: binary(AG.add),
  sub: binary(AG.sub),
  mul: binary(AG.mul),
  div: binary(AG.div),
  pow: binary(AG.pow),
  neg: unary(AG.neg),
  exp: unary(AG.exp),
  log: unary(AG.log),
  log1p: unary(AG.log1p),
  expm1: unary(AG.expm1),
  sqrt: unary(AG.sqrt),
  sin: unary(AG.sin),
  cos: unary(AG.cos),
  tanh: unary(AG.tanh),
  abs: unary(AG.abs),
  square: unary(AG.square),
  reciprocal: unary(AG.reciprocal),
  rsqrt: unary(AG.rsqrt),
  // The condition is a > 0, so a (not the op) must stay away from 0.
  where: {
    draw: twoBroadcast,
    domains: [awayFromZero, anywhere],
    f: ([a, b]) => AG.where(T.greater(T.broadcastTo(a!.value, broadcastShapes('t', a!.shape, b!.shape)), 0), a!, b!),
  },
  maximum: binary(AG.maximum),
  minimum: binary(AG.minimum),
  // Values near integers stay ≥ 0.4 from the bounds ±0.5 chosen here.
  clip: { draw: oneShape, domains: [nearIntegers], f: ([x]) => AG.clip(x!, -0.5, 0.5) },
  identity: unary(AG.identity),
  sigmoid: unary(AG.sigmoid),
  relu: unary(AG.relu),
  leakyRelu: unary(AG.leakyRelu, (x) => AG.leakyRelu(x, 0.1)),
  elu: unary(AG.elu),
  gelu: unary(AG.gelu),
  softplus: unary(AG.softplus),
  logSoftmax: alongAxis(AG.logSoftmax, AG.logSoftmax),
  softmax: alongAxis(AG.softmax, AG.softmax),
  sum: alongAxis(AG.sum, (x, axis) => AG.sum(x, { axis })),
  mean: alongAxis(AG.mean, (x, axis) => AG.mean(x, { axis, keepdims: true })),
  max: alongAxis(AG.max, (x, axis) => AG.max(x, { axis })),
  min: alongAxis(AG.min, (x, axis) => AG.min(x, { axis, keepdims: true })),
  logSumExp: alongAxis(AG.logSumExp, (x, axis) => AG.logSumExp(x, { axis })),
  variance: alongAxis(AG.variance, (x, axis) => AG.variance(x, { axis })),
  std: {
    draw: fc.tuple(dims, fc.integer({ min: 2, max: 3 })).map(([a, b]) => shapes([a, b])),
    domains: [AG.std.domain.x],
    f: ([x]) => AG.std(x!, { axis: 1 }),
  },
  norm: unary(AG.norm, (x) => AG.add(AG.norm(x), AG.norm(x, { ord: 1 }))),
  reshape: unary(AG.reshape, (x) => AG.reshape(x, [-1])),
  transpose: unary(AG.transpose, (x) => AG.transpose(x)),
  broadcastTo: unary(AG.broadcastTo, (x) => AG.broadcastTo(x, [2, ...x.shape])),
  sumTo: unary(AG.sumTo, (x) => AG.sumTo(AG.broadcastTo(x, [2, ...x.shape]), x.shape)),
  expandDims: unary(AG.expandDims, (x) => AG.expandDims(x, 0)),
  squeeze: unary(AG.squeeze, (x) => AG.squeeze(AG.expandDims(x, -1))),
  flatten: unary(AG.flatten, (x) => AG.flatten(x)),
  slice: alongAxis(AG.slice, (x) => AG.slice(x, [0], [1])),
  pad: alongAxis(AG.pad, (x) => AG.pad(x, [[1, 2]], 3)),
  concat: alongAxis(AG.concat, (x, axis) => AG.concat([x, AG.mul(x, 2)], axis)),
  stack: unary(AG.stack, (x) => AG.stack([x, AG.sin(x)], 0)),
  split: alongAxis(AG.split, (x) => AG.mul(AG.split(x, [1, x.shape[0]! - 1])[1]!, 2)),
  flip: unary(AG.flip, (x) => AG.flip(x)),
  tile: unary(AG.tile, (x) => AG.tile(x, [2, 1])),
  // sin after the mask: the second-order check then sees a mask inside a non-linear function
  tril: { draw: matrixBatch, f: ([x], k) => AG.sin(AG.tril(x!, k)) },
  triu: { draw: matrixBatch, f: ([x], k) => AG.mul(AG.triu(x!, k), x!) },
  gather: alongAxis(AG.gather, (x, axis) => AG.gather(x, int([0, 0]), axis)),
  // repeated and broadcast indices: the gradient must accumulate
  takeAlongAxis: alongAxis(AG.takeAlongAxis, (x, axis) => {
    const a = axis < 0 ? axis + x.rank : axis
    const shape = x.shape.map((d, k) => (k === a ? 3 : k === 0 ? 1 : d))
    const idx = T.tensor(
      Int32Array.from({ length: sizeOf(shape) }, (_, i) => (i * 7 + 1) % x.shape[a]!),
      { shape },
    )
    return AG.mul(AG.takeAlongAxis(x, idx, axis), AG.takeAlongAxis(x, idx, axis))
  }),
  scatterAddAlongAxis: alongAxis(AG.scatterAddAlongAxis, (u, axis) => {
    const a = axis < 0 ? axis + u.rank : axis
    const idx = T.tensor(
      Int32Array.from({ length: u.size }, (_, i) => (i * 5) % 3),
      { shape: u.shape },
    )
    const out = u.shape.map((d, k) => (k === a ? 3 : d))
    return AG.square(AG.scatterAddAlongAxis(out, idx, u, axis))
  }),
  scatterAdd: alongAxis(AG.scatterAdd, (x) =>
    AG.scatterAdd([3, ...x.shape.slice(1)], int(Array.from({ length: x.shape[0] ?? 0 }, (_, i) => i % 3)), x),
  ),
  // a small recurrence, h ← tanh(h·W + x), through every input: init, xs and the closed-over W
  scan: {
    draw: fc.tuple(dims, dims, dims).map(([t, b, h]) => shapes([b, h], [t, b, h], [h, h])),
    f: ([h0, xs, w]) => {
      const [last, all] = AG.scan(
        (h: Var, x: Var) => {
          const next = AG.tanh(AG.add(AG.matmul(h, w!), x))
          return [next, AG.mul(next, x)] as const
        },
        h0!,
        xs!,
      )
      return AG.add(all, last)
    },
  },
  matmul: {
    draw: fc.tuple(dims, dims, dims, dims).map(([b, m, k, n]) => shapes([b, m, k], [k, n])),
    f: ([a, b]) => AG.matmul(a!, b!),
  },
  // a weight shared by every matrix of a rank-4 batch, used transposed: ∂W is one product of the stacked rows
  'matmul (shared weight)': {
    draw: fc.tuple(dims, dims, dims, dims).map(([b, m, k, n]) => shapes([2, b, m, k], [n, k])),
    f: ([a, b]) => AG.matmul(a!, b!, { transposeB: true }),
  },
  'matmul (transposed)': {
    draw: fc.tuple(dims, dims, dims).map(([m, k, n]) => shapes([k, m], [n, k])),
    f: ([a, b]) => AG.add(AG.matmul(a!, b!, { transposeA: true, transposeB: true }), AG.transpose(AG.matmul(b!, a!))),
  },
  // the dense layer's fused x·W + b, over a batch of matrices
  affine: {
    draw: fc.tuple(dims, dims, dims, dims).map(([b, m, k, n]) => shapes([b, m, k], [k, n], [n])),
    f: ([x, w, b]) => AG.affine(x!, w!, b!),
  },
  dot: { draw: dims.map((n) => shapes([n], [n])), f: ([a, b]) => AG.dot(a!, b!) },
  outer: { draw: fc.tuple(dims, dims).map(([m, n]) => shapes([m], [n])), f: ([a, b]) => AG.outer(a!, b!) },
  conv2d: {
    draw: fc.tuple(dims, dims, dims).map(([n, c, o]) => shapes([n, c, 4, 4], [o, c, 2, 2])),
    f: ([x, w]) => AG.conv2d(x!, w!, { stride: 2, padding: 'same' }),
  },
  conv2dBackwardInput: {
    draw: fc.tuple(dims, dims).map(([c, o]) => shapes([1, o, 3, 3], [o, c, 2, 2])),
    f: ([dy, w]) => AG.conv2dBackwardInput(dy!, w!, [1, w!.shape[1]!, 4, 4]),
  },
  conv2dBackwardFilter: {
    draw: fc.tuple(dims, dims).map(([c, o]) => shapes([1, c, 4, 4], [1, o, 3, 3])),
    f: ([x, dy]) => AG.conv2dBackwardFilter(x!, dy!, [dy!.shape[1]!, x!.shape[1]!, 2, 2]),
  },
  avgPool2d: { draw: images, f: ([x]) => AG.avgPool2d(x!, { kernelSize: 2 }) },
  // Its declared domain (distinct values) keeps every window free of ties; stride 1 makes windows overlap.
  maxPool2d: {
    draw: images,
    domains: [AG.maxPool2d.domain.x],
    f: ([x]) => AG.maxPool2d(x!, { kernelSize: 2, stride: 1, padding: 'same' }),
  },
}

/** Exports that are not differentiable ops. stopGradient and customGradient disagree with finite differences by design: transforms.test.ts checks them. */
const notOps = [
  'Var',
  'apply',
  'customGradient',
  'stopGradient',
  'grad',
  'gradcheck',
  'gradgradcheck',
  'hessian',
  'hvp',
  'isInput',
  'isRecording',
  'withLevel',
  'jacobian',
  'jvp',
  'leaf',
  'noGrad',
  'numericalGradient',
  'oneHot',
  'peekId',
  'primitive',
  'toVar',
  'valueAndGrad',
  'vjp',
  'withRecording',
]

gradientTable({
  title: 'every differentiable op passes gradcheck and gradgradcheck in float64',
  module: AG,
  exempt: notOps,
  rows,
  checks: { gradcheck: AG.gradcheck, gradgradcheck: AG.gradgradcheck },
  numRuns: 12,
})

describe('maxPool2d', () => {
  it('maxPool2d sends the cotangent of each window to its argmax, as the tensor kernel does', () => {
    const x = T.tensor(
      Float64Array.from({ length: 2 * 3 * 5 * 5 }, (_, i) => Math.sin(7 * i)),
      { shape: [2, 3, 5, 5] },
    )
    for (const options of [
      { kernelSize: 2 },
      { kernelSize: 3, stride: 1, padding: 1 },
      { kernelSize: [2, 3] as [number, number], stride: 2 },
    ]) {
      const y = T.maxPool2d(x, options)
      const dy = T.tensor(
        Float64Array.from({ length: y.size }, (_, i) => Math.cos(i)),
        { shape: y.shape },
      )
      const [, pullback] = AG.vjp((v: Var) => AG.maxPool2d(v, options), x)
      expect([...(pullback(dy)[0] as T.Tensor).data]).toEqual([...T.maxPool2dBackward(dy, x, options).data])
    }
  })
})
