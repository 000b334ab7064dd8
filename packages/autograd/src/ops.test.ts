// The property suite: every differentiable op, over random shapes (size-1 dimensions and
// broadcasting included) and values inside its declared domain, passes gradcheck and gradgradcheck
// in float64. A meta-test keeps the table complete.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as T from '@gd/tensor'
import {
  anywhere,
  awayFromZero,
  broadcastPairArb,
  nearHalfIntegers,
  nearIntegers,
  positive,
  shapeArb,
  valuesArb,
  type Domain,
} from '@gd/testing'
import * as AG from './index.js'
import type { Var } from './variable.js'

interface Case {
  /** Random inputs for one run. */
  inputs: fc.Arbitrary<T.Tensor[]>
  /** The function under test, from inputs to one output (`extra` carries non-differentiated settings such as an axis). */
  f: (...xs: Var[]) => AG.Var
  /** Second-order check (declared as data: false only where the op documents it is first-order). */
  secondOrder?: boolean
}

/** Settings drawn per run that are not differentiated (an axis, say); read by `f` through `setting`. */
let setting = 0

const unaryArb = (domain: Domain = anywhere) => shapeArb().chain((s) => valuesArb(s, domain).map((x) => [x]))
const binaryArb = (da: Domain = anywhere, db: Domain = anywhere) =>
  broadcastPairArb().chain(([a, b]) => fc.tuple(valuesArb(a, da), valuesArb(b, db)))
const matrixArb = (rows: number, cols: number, domain: Domain = anywhere) => valuesArb([rows, cols], domain)
const int = (v: number[]) => T.tensor(v, { dtype: 'int32' })
const dims = fc.integer({ min: 1, max: 3 })
/** A tensor of rank ≥ 1 and a valid axis of it. */
const withAxis = shapeArb(3, 3)
  .filter((s) => s.length > 0)
  .chain((s) => fc.tuple(valuesArb(s), fc.integer({ min: -s.length, max: s.length - 1 })))

const unary = (f: (x: Var) => AG.Var, domain?: Domain, secondOrder = true): Case => ({
  inputs: unaryArb(domain),
  f: (x) => f(x),
  secondOrder,
})
const binary = (f: (a: Var, b: Var) => AG.Var, da?: Domain, db?: Domain): Case => ({
  inputs: binaryArb(da, db),
  f: (a, b) => f(a, b),
})
const axisCase = (f: (x: Var, axis: number) => AG.Var): Case => ({
  inputs: withAxis.map(([x, axis]) => {
    setting = axis
    return [x]
  }),
  f: (x) => f(x, setting),
})

/** A tensor whose values are 0.3 apart in random order: no ties for max, min or pooling, no zero variance. */
const distinctArb = (shape: readonly number[]) => {
  const n = shape.reduce((a, b) => a * b, 1)
  return fc
    .shuffledSubarray(
      Array.from({ length: n }, (_, i) => 0.3 * i - 2),
      { minLength: n },
    )
    .map((v) => T.tensor(Float64Array.from(v), { shape }))
}
const distinctWithAxis = shapeArb(3, 3)
  .filter((s) => s.length > 0)
  .chain((s) => fc.tuple(distinctArb(s), fc.integer({ min: -s.length, max: s.length - 1 })))
const distinctAxisCase = (f: (x: Var, axis: number) => AG.Var): Case => ({
  inputs: distinctWithAxis.map(([x, axis]) => {
    setting = axis
    return [x]
  }),
  f: (x) => f(x, setting),
})

/** A batch of matrices (rank 2 to 4) and a diagonal offset in [-3, 3]. */
const matrixBatchCase = (f: (x: Var, k: number) => AG.Var): Case => ({
  inputs: fc.tuple(fc.array(dims, { minLength: 2, maxLength: 4 }), fc.integer({ min: -3, max: 3 })).chain(([s, k]) =>
    valuesArb(s).map((x) => {
      setting = k
      return [x]
    }),
  ),
  f: (x) => f(x, setting),
})

const poolInput = fc.tuple(dims, dims).chain(([n, c]) => valuesArb([n, c, 4, 4]))
/** Distinct values 0.3 apart in random order, so no pooling window ever ties. */
const distinctPoolInput = fc.tuple(dims, dims).chain(([n, c]) =>
  fc
    .shuffledSubarray(
      Array.from({ length: n * c * 16 }, (_, i) => 0.3 * i - 2),
      { minLength: n * c * 16 },
    )
    .map((v) => T.tensor(Float64Array.from(v), { shape: [n, c, 4, 4] })),
)

const cases: Record<string, Case> = {
  add: binary(AG.add),
  sub: binary(AG.sub),
  mul: binary(AG.mul),
  div: binary(AG.div, anywhere, awayFromZero),
  pow: binary(AG.pow, positive, anywhere),
  neg: unary(AG.neg),
  exp: unary(AG.exp),
  log: unary(AG.log, positive),
  log1p: unary(AG.log1p, positive),
  expm1: unary(AG.expm1),
  sqrt: unary(AG.sqrt, positive),
  sin: unary(AG.sin),
  cos: unary(AG.cos),
  tanh: unary(AG.tanh),
  abs: unary(AG.abs, awayFromZero),
  square: unary(AG.square),
  reciprocal: unary(AG.reciprocal, awayFromZero),
  rsqrt: unary(AG.rsqrt, positive),
  where: {
    inputs: binaryArb(awayFromZero, anywhere),
    f: (a, b) => AG.where(T.greater(T.broadcastTo(a.value, T.broadcastShapes('t', a.shape, b.shape)), 0), a, b),
  },
  maximum: binary(AG.maximum, nearIntegers, nearHalfIntegers),
  minimum: binary(AG.minimum, nearIntegers, nearHalfIntegers),
  clip: unary((x) => AG.clip(x, -0.5, 0.5), nearIntegers),
  identity: unary(AG.identity),
  sigmoid: unary(AG.sigmoid),
  relu: unary(AG.relu, awayFromZero),
  leakyRelu: unary((x) => AG.leakyRelu(x, 0.1), awayFromZero),
  elu: unary((x) => AG.elu(x), awayFromZero),
  gelu: unary(AG.gelu),
  softplus: unary(AG.softplus),
  logSoftmax: axisCase(AG.logSoftmax),
  softmax: axisCase(AG.softmax),
  sum: axisCase((x, axis) => AG.sum(x, { axis })),
  mean: axisCase((x, axis) => AG.mean(x, { axis, keepdims: true })),
  max: distinctAxisCase((x, axis) => AG.max(x, { axis })),
  min: distinctAxisCase((x, axis) => AG.min(x, { axis, keepdims: true })),
  logSumExp: axisCase((x, axis) => AG.logSumExp(x, { axis })),
  variance: axisCase((x, axis) => AG.variance(x, { axis })),
  std: {
    inputs: fc.tuple(dims, fc.integer({ min: 2, max: 3 })).chain(([a, b]) => distinctArb([a, b]).map((x) => [x])),
    f: (x) => AG.std(x, { axis: 1 }),
  },
  norm: unary((x) => AG.add(AG.norm(x), AG.norm(x, { ord: 1 })), awayFromZero),
  reshape: unary((x) => AG.reshape(x, [-1])),
  transpose: unary((x) => AG.transpose(x)),
  broadcastTo: unary((x) => AG.broadcastTo(x, [2, ...x.shape])),
  sumTo: unary((x) => AG.sumTo(AG.broadcastTo(x, [2, ...x.shape]), x.shape)),
  expandDims: unary((x) => AG.expandDims(x, 0)),
  squeeze: unary((x) => AG.squeeze(AG.expandDims(x, -1))),
  flatten: unary((x) => AG.flatten(x)),
  slice: axisCase((x) => AG.slice(x, [0], [1])),
  pad: axisCase((x) => AG.pad(x, [[1, 2]], 3)),
  concat: axisCase((x, axis) => AG.concat([x, AG.mul(x, 2)], axis)),
  stack: unary((x) => AG.stack([x, AG.sin(x)], 0)),
  split: axisCase((x) => AG.mul(AG.split(x, [1, x.shape[0]! - 1])[1]!, 2)),
  flip: unary((x) => AG.flip(x)),
  tile: unary((x) => AG.tile(x, [2, 1])),
  // sin after the mask: the second-order check then sees a mask inside a non-linear function
  tril: matrixBatchCase((x, k) => AG.sin(AG.tril(x, k))),
  triu: matrixBatchCase((x, k) => AG.mul(AG.triu(x, k), x)),
  gather: axisCase((x, axis) => AG.gather(x, int([0, 0]), axis)),
  // repeated and broadcast indices: the gradient must accumulate
  takeAlongAxis: axisCase((x, axis) => {
    const a = axis < 0 ? axis + x.rank : axis
    const shape = x.shape.map((d, k) => (k === a ? 3 : k === 0 ? 1 : d))
    const idx = T.tensor(
      Int32Array.from({ length: T.sizeOf(shape) }, (_, i) => (i * 7 + 1) % x.shape[a]!),
      { shape },
    )
    return AG.mul(AG.takeAlongAxis(x, idx, axis), AG.takeAlongAxis(x, idx, axis))
  }),
  scatterAddAlongAxis: axisCase((u, axis) => {
    const a = axis < 0 ? axis + u.rank : axis
    const idx = T.tensor(
      Int32Array.from({ length: u.size }, (_, i) => (i * 5) % 3),
      { shape: u.shape },
    )
    const out = u.shape.map((d, k) => (k === a ? 3 : d))
    return AG.square(AG.scatterAddAlongAxis(out, idx, u, axis))
  }),
  scatterAdd: axisCase((x) =>
    AG.scatterAdd([3, ...x.shape.slice(1)], int(Array.from({ length: x.shape[0] ?? 0 }, (_, i) => i % 3)), x),
  ),
  // a small recurrence, h ← tanh(h·W + x), through every input: init, xs and the closed-over W
  scan: {
    inputs: fc
      .tuple(dims, dims, dims)
      .chain(([t, b, h]) => fc.tuple(valuesArb([b, h]), valuesArb([t, b, h]), matrixArb(h, h))),
    f: (h0, xs, w) => {
      const [last, all] = AG.scan(
        (h: Var, x: Var) => {
          const next = AG.tanh(AG.add(AG.matmul(h, w!), x))
          return [next, AG.mul(next, x)] as const
        },
        h0,
        xs,
      )
      return AG.add(all, last)
    },
  },
  matmul: {
    inputs: fc.tuple(dims, dims, dims, dims).chain(([b, m, k, n]) => fc.tuple(valuesArb([b, m, k]), matrixArb(k, n))),
    f: (a, b) => AG.matmul(a, b),
  },
  matmulTransposed: {
    inputs: fc.tuple(dims, dims, dims).chain(([m, k, n]) => fc.tuple(matrixArb(k, m), matrixArb(n, k))),
    f: (a, b) => AG.add(AG.matmul(a, b, { transposeA: true, transposeB: true }), AG.transpose(AG.matmul(b, a))),
  },
  dot: { inputs: dims.chain((n) => fc.tuple(valuesArb([n]), valuesArb([n]))), f: (a, b) => AG.dot(a, b) },
  outer: {
    inputs: fc.tuple(dims, dims).chain(([m, n]) => fc.tuple(valuesArb([m]), valuesArb([n]))),
    f: (a, b) => AG.outer(a, b),
  },
  conv2d: {
    inputs: fc.tuple(dims, dims, dims).chain(([n, c, o]) => fc.tuple(valuesArb([n, c, 4, 4]), valuesArb([o, c, 2, 2]))),
    f: (x, w) => AG.conv2d(x, w, { stride: 2, padding: 'same' }),
  },
  conv2dBackwardInput: {
    inputs: fc.tuple(dims, dims).chain(([c, o]) => fc.tuple(valuesArb([1, o, 3, 3]), valuesArb([o, c, 2, 2]))),
    f: (dy, w) => AG.conv2dBackwardInput(dy, w, [1, w.shape[1]!, 4, 4]),
  },
  conv2dBackwardFilter: {
    inputs: fc.tuple(dims, dims).chain(([c, o]) => fc.tuple(valuesArb([1, c, 4, 4]), valuesArb([1, o, 3, 3]))),
    f: (x, dy) => AG.conv2dBackwardFilter(x, dy, [dy.shape[1]!, x.shape[1]!, 2, 2]),
  },
  avgPool2d: { inputs: poolInput.map((x) => [x]), f: (x) => AG.avgPool2d(x, { kernelSize: 2 }) },
  // Distinct values keep every window free of ties; stride 1 makes windows overlap.
  maxPool2d: {
    inputs: distinctPoolInput.map((x) => [x]),
    f: (x) => AG.maxPool2d(x, { kernelSize: 2, stride: 1, padding: 'same' }),
  },
}

describe('every differentiable op passes gradcheck and gradgradcheck in float64', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      fc.assert(
        fc.property(c.inputs, (inputs) => {
          expect(AG.gradcheck(c.f as never, inputs)).toBe(true)
          if (c.secondOrder !== false) expect(AG.gradgradcheck(c.f as never, inputs)).toBe(true)
        }),
        { numRuns: 12 },
      )
    })
  }

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

  it('covers every exported differentiable op (meta-test)', () => {
    const notOps = new Set([
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
    ])
    const exported = Object.entries(AG)
      .filter(([k, v]) => typeof v === 'function' && !notOps.has(k))
      .map(([k]) => k)
    const missing = exported.filter((k) => !(k in cases))
    expect(missing).toEqual([])
    // stopGradient and customGradient disagree with finite differences by design: tested in transforms.test.ts.
  })
})
