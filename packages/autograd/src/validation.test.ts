// Every export checks its arguments before acting: bad input gets `<fn>: <what> must be …, got …`,
// misspelt options are rejected with the valid names and a "did you mean", and no engine
// TypeError escapes.
import { describe, expect, it } from 'vitest'
import * as T from '@gd/tensor'
import * as AG from './index.js'
import type { Var } from './variable.js'

const x = T.tensor([
  [1, 2],
  [3, 4],
])
const bad = undefined as never

describe('ops check their arguments', () => {
  it('a missing or raw input is named, never a TypeError', () => {
    expect(() => AG.abs(bad)).toThrow('abs: x must be a Tensor, a Var or a number, got undefined')
    expect(() => AG.add(x, bad)).toThrow('add: b must be a Tensor, a Var or a number, got undefined')
    expect(() => AG.mul({ value: 1 } as never, x)).toThrow(
      'mul: a must be a Tensor, a Var or a number, got {"value":1}',
    )
    expect(() => AG.where(bad, x, 0)).toThrow('where: condition must be a Tensor, a Var or a number, got undefined')
    expect(() => AG.square(null as never)).toThrow('square: x must be a Tensor, a Var or a number, got null')
    expect(() => AG.sum(bad)).toThrow('sum: x must be a Tensor, a Var or a number, got undefined')
    expect(() => AG.toVar('f', 'z' as never)).toThrow('f: x must be a Tensor, a Var or a number, got "z"')
  })

  it('built-in primitives take exactly their inputs', () => {
    expect(() => (AG.exp as (...a: unknown[]) => Var)(x, 2)).toThrow(
      'exp: the number of arguments must be 1 (x), got 2',
    )
    expect(() => (AG.add as (...a: unknown[]) => Var)(x)).toThrow(
      'add: the number of arguments must be 2 (a, b), got 1',
    )
  })

  it('reductions read their options strictly', () => {
    expect(() => AG.sum(x, { axes: 1 } as never)).toThrow(
      'sum: unknown option axes, expected one of axis, keepdims; did you mean axis?',
    )
    expect(() => AG.mean(x, { keepDims: true } as never)).toThrow(
      'mean: unknown option keepDims, expected one of axis, keepdims; did you mean keepdims?',
    )
    expect(() => AG.max(x, { axis: 2 })).toThrow(
      'max: axis must be an integer in [-2, 2) for a tensor of rank 2, got 2',
    )
    expect(() => AG.sum(x, { keepdims: 1 } as never)).toThrow('sum: keepdims must be a boolean, got 1')
    expect(() => AG.sum(x, 1 as never)).toThrow('sum: options must be a plain object, got 1')
    expect(() => AG.variance(x, { correction: -1 })).toThrow(
      'variance: correction must be a non-negative finite number, got -1',
    )
    expect(() => AG.std(x, { corection: 1 } as never)).toThrow(
      'std: unknown option corection, expected one of axis, keepdims, correction; did you mean correction?',
    )
    expect(() => AG.norm(x, { ord: 3 } as never)).toThrow('norm: ord must be 1, 2 or Infinity, got 3')
    expect(() => AG.logSumExp(x, { axis: [0, -2] })).toThrow('logSumExp: axis must not repeat an axis, got [0,-2]')
    // null options are no options; the values still compute
    expect(AG.sum(x, null as never).item()).toBe(10)
    expect(AG.sum(x, { axis: -1, keepdims: true }).toArray()).toEqual([[3], [7]])
  })

  it('activations check their settings', () => {
    expect(() => AG.softmax(x, 2)).toThrow('softmax: axis must be an integer in [-2, 2) for a tensor of rank 2, got 2')
    expect(() => AG.logSoftmax(x, 0.5)).toThrow(
      'logSoftmax: axis must be an integer in [-2, 2) for a tensor of rank 2, got 0.5',
    )
    expect(() => AG.leakyRelu(x, NaN)).toThrow('leakyRelu: slope must be a finite number, got NaN')
    expect(() => AG.elu(x, '1' as never)).toThrow('elu: alpha must be a finite number, got "1"')
  })

  it('broadcastTo, sumTo and tile check their shapes', () => {
    expect(() => AG.broadcastTo(x, [1.5, 2])).toThrow('broadcastTo: shape must hold non-negative integers, got [1.5,2]')
    expect(() => AG.sumTo(bad, [2])).toThrow('sumTo: x must be a Tensor, a Var or a number, got undefined')
    expect(() => AG.tile(x, [-1])).toThrow('tile: reps[0] must be a non-negative integer, got -1')
  })
})

describe('transforms check their arguments', () => {
  const f = (y: Var) => AG.sum(AG.mul(y, y))
  it('f must be a function; options are read strictly, eagerly', () => {
    expect(() => AG.grad(bad)).toThrow('grad: f must be a function, got undefined')
    expect(() => AG.valueAndGrad(3 as never)).toThrow('valueAndGrad: f must be a function, got 3')
    expect(() => AG.vjp(bad, v2)).toThrow('vjp: f must be a function, got undefined')
    expect(() => AG.jvp(bad, [v2], [v2])).toThrow('jvp: f must be a function, got undefined')
    expect(() => AG.hvp(bad, v2, v2)).toThrow('hvp: f must be a function, got undefined')
    expect(() => AG.jacobian(bad)).toThrow('jacobian: f must be a function, got undefined')
    expect(() => AG.hessian(bad)).toThrow('hessian: f must be a function, got undefined')
    expect(() => AG.customGradient(bad)).toThrow('customGradient: f must be a function, got undefined')
    expect(() => AG.noGrad(bad)).toThrow('noGrad: fn must be a function, got undefined')
    expect(() => AG.grad(f, { argnum: 0 } as never)).toThrow(
      'grad: unknown option argnum, expected one of argnums; did you mean argnums?',
    )
    expect(() => AG.valueAndGrad(f, { hasaux: true } as never)).toThrow(
      'valueAndGrad: unknown option hasaux, expected one of argnums, hasAux; did you mean hasAux?',
    )
    expect(() => AG.valueAndGrad(f, { hasAux: 'yes' } as never)).toThrow(
      'valueAndGrad: hasAux must be a boolean, got "yes"',
    )
    expect(() => AG.grad(f, { argnums: -1 })).toThrow(
      'grad: argnums must be an argument index or a list of them, got -1',
    )
    expect(() => AG.grad(f, { argnums: [0, 1.5] })).toThrow(
      'grad: argnums must be an argument index or a list of them, got [0,1.5]',
    )
  })

  it('argnums are checked against each call, and may not repeat', () => {
    const g = (a: Var, b: Var) => AG.sum(AG.mul(a, b))
    expect(() => AG.grad(g, { argnums: [0, 2] })(v2 as never, v2 as never)).toThrow(
      'grad: argnums[1] must be less than the number of arguments (2), got 2',
    )
    expect(() => AG.grad(g, { argnums: [1, 1] })(v2 as never, v2 as never)).toThrow(
      'grad: argnums must not repeat an argument, got [1,1]',
    )
    expect(() => AG.grad(g, { argnums: [] })(v2 as never, v2 as never)).toThrow(
      'grad: argnums must be a non-empty list, got []',
    )
  })

  it('what f returns and what the transformed function gets are checked', () => {
    expect(() => AG.grad((_y: Var) => undefined as never)(v2)).toThrow(
      'grad: f must return a Var, a Tensor or a number, got undefined',
    )
    expect(() => AG.vjp((_y: Var) => 'z' as never, v2)).toThrow(
      'vjp: f must return a Var, a Tensor or a number, got "z"',
    )
    expect(() => AG.grad(f)(bad)).toThrow(
      'grad: x must be a Tensor or a Var (or a plain object or array of them), got undefined',
    )
    expect(() => AG.grad(f)({ w: [v2, null] } as never)).toThrow(
      'grad: x.w[1] must be a Tensor or a Var (or a plain object or array of them), got null',
    )
    expect(() => AG.vjp(f as (a: Var, b: Var) => Var, v2, 'z' as never)).toThrow(
      'vjp: primals[1] must be a Tensor or a Var (or a plain object or array of them), got "z"',
    )
    const [, pullback] = AG.vjp((y: Var) => AG.mul(y, 2), v2)
    expect(() => pullback(bad)).toThrow('vjp: cotangent must be a Tensor, a Var or a number, got undefined')
    expect(() => AG.jacobian((y: Var) => y)(bad)).toThrow('jacobian: x must be a Tensor or a Var, got undefined')
    expect(() => AG.hessian(f)(3 as never)).toThrow('hessian: x must be a Tensor or a Var, got 3')
    expect(() => AG.jvp(f, v2 as never, [v2])).toThrow(
      'jvp: primals must be an array of arguments, got a float32 Tensor of shape [2]',
    )
    expect(() => AG.jvp(f, [v2], bad)).toThrow(
      'jvp: tangents differs from primals at primals: expected an array of length 1, got undefined',
    )
  })

  it('customGradient checks what f and its gradient return', () => {
    const noRule = AG.customGradient((() => ({ value: v2 })) as never)
    expect(() => noRule(v2)).toThrow(
      'customGradient: f must return { value, gradient } with value a Tensor, a Var or a number and gradient a function, got an object with keys value',
    )
    const wrongShape = AG.customGradient((y) => ({ value: y, gradient: () => [T.ones([3])] }))
    expect(() => AG.grad((y: Var) => AG.sum(wrongShape(y)))(v2)).toThrow(
      "customGradient: the cotangent of inputs[0] must have the input's shape [2] or the output's [2], got [3]",
    )
    expect(() => AG.customGradient((y) => ({ value: y, gradient: (g) => [g] }))(bad)).toThrow(
      'customGradient: inputs[0] must be a Tensor, a Var or a number, got undefined',
    )
  })

  it('gradcheck and numericalGradient read their options strictly', () => {
    const one = [T.tensor([1], { dtype: 'float64' })]
    expect(() => AG.gradcheck((y) => AG.sum(y), one, { tol: 1 } as never)).toThrow(
      'gradcheck: unknown option tol, expected one of eps, atol, rtol, mode, projections, seed; did you mean atol?',
    )
    expect(() => AG.gradcheck((y) => AG.sum(y), one, { mode: 'fast' } as never)).toThrow(
      'gradcheck: mode must be "full" or "projection", got "fast"',
    )
    expect(() => AG.gradgradcheck((y) => AG.sum(y), one, { eps: 0 })).toThrow(
      'gradgradcheck: eps must be a positive finite number, got 0',
    )
    expect(() => AG.gradcheck((y) => AG.sum(y), bad)).toThrow(
      'gradcheck: inputs must be an array of float64 Tensors, got undefined',
    )
    expect(() => AG.numericalGradient((t) => t.data[0]!, one[0]!, { esp: 1 } as never)).toThrow(
      'numericalGradient: unknown option esp, expected one of eps; did you mean eps?',
    )
    expect(() => AG.numericalGradient((t) => t.data[0]!, bad)).toThrow(
      'numericalGradient: x must be a float64 Tensor, got undefined',
    )
  })
})

describe('shape, linear algebra, convolution and selection ops check their arguments', () => {
  it('names the argument and what it must be', () => {
    expect(() => AG.matmul(x, x, { transposeb: true } as never)).toThrow(
      'matmul: unknown option transposeb, expected one of transposeA, transposeB; did you mean transposeB?',
    )
    expect(() => AG.matmul(x, bad)).toThrow('matmul: b must be a Tensor, a Var or a number, got undefined')
    expect(() => AG.conv2d(img, filt, { strides: 2 } as never)).toThrow(
      'conv2d: unknown option strides, expected one of stride, padding, dilation, groups; did you mean stride?',
    )
    expect(() => AG.conv2d(img, bad)).toThrow('conv2d: filter must be a Tensor, a Var or a number, got undefined')
    expect(() => AG.maxPool2d(img, { kernelsize: 2 } as never)).toThrow(
      'maxPool2d: unknown option kernelsize, expected one of kernelSize, stride, padding; did you mean kernelSize?',
    )
    expect(() => AG.flatten(x, { keepbatch: true } as never)).toThrow(
      'flatten: unknown option keepbatch, expected one of keepBatch; did you mean keepBatch?',
    )
    expect(() => AG.transpose(x, [0, 0])).toThrow('transpose: perm must be a permutation of the 2 axes, got [0,0]')
    expect(() => AG.transpose(x, [0, 2])).toThrow(
      'transpose: perm[1] must be an integer in [-2, 2) for a tensor of rank 2, got 2',
    )
    expect(() => AG.reshape(x, [2, 'z'] as never)).toThrow('reshape: shape[1] must be an integer, got "z"')
    expect(() => AG.pad(v2, [[1, -1]])).toThrow(
      'pad: widths[0] must be a pair [before, after] of non-negative integers, got [1,-1]',
    )
    expect(() => AG.concat([v2, bad])).toThrow('concat: xs[1] must be a Tensor, a Var or a number, got undefined')
    expect(() => AG.stack([])).toThrow('stack: xs must be a non-empty array of Tensors, Vars or numbers, got []')
    expect(() => AG.split(v2, 0)).toThrow('split: sections must be a positive integer or a list of sizes, got 0')
    expect(() => AG.gather(v2, T.tensor([0]))).toThrow(
      'gather: indices must be an int32 Tensor, got a float32 Tensor of shape [1]',
    )
    expect(() => AG.oneHot(idx, 2, { dtype: 'int32' } as never)).toThrow(
      'oneHot: dtype must be "float32" or "float64", got "int32"',
    )
    expect(() => AG.clip(x, 2, 1)).toThrow('clip: min must not exceed max (1), got 2')
    expect(() => AG.expandDims(x, 3)).toThrow(
      'expandDims: axis must be an integer in [-3, 3) for a tensor of rank 3, got 3',
    )
    expect(() => new AG.Var(bad)).toThrow('Var: value must be a Tensor, got undefined')
  })
})

const f64 = (v: number[], shape?: number[]) => T.tensor(v, { dtype: 'float64', ...(shape ? { shape } : {}) })
const v2 = T.tensor([1, 2])
const img = T.ones([1, 1, 3, 3])
const filt = T.ones([1, 1, 2, 2])
const idx = T.tensor([1, 0], { dtype: 'int32' })
const sq = (y: Var) => AG.sum(AG.mul(y, y))

/** A valid call of every exported function (classes constructed with `new`). */
const valid: Record<string, () => unknown[]> = {
  Var: () => [x],
  customGradient: () => [(y: Var) => ({ value: y, gradient: (g: Var) => [g] })],
  stopGradient: () => [x],
  grad: () => [sq, { argnums: 0 }],
  valueAndGrad: () => [sq, { hasAux: false }],
  vjp: () => [(y: Var) => AG.mul(y, 2), v2],
  gradcheck: () => [(y: Var) => AG.sum(y), [f64([1])], { eps: 1e-6 }],
  gradgradcheck: () => [(y: Var) => AG.mul(y, y), [f64([1])], { eps: 1e-6 }],
  jacobian: () => [(y: Var) => AG.mul(y, y)],
  hessian: () => [sq],
  jvp: () => [(y: Var) => AG.mul(y, y), [v2], [v2]],
  hvp: () => [sq, v2, v2],
  numericalGradient: () => [(t: T.Tensor) => t.data[0]!, f64([1]), { eps: 1e-6 }],
  primitive: () => [{ name: 'p', forward: (t: T.Tensor) => t, backward: (g: Var) => [g] }],
  apply: () => [{ name: 'p', forward: (t: T.Tensor) => t, backward: (g: Var) => [g] }, [x]],
  toVar: () => ['f', x],
  isInput: () => [x],
  isRecording: () => [],
  noGrad: () => [() => 1],
  withRecording: () => [true, () => 1],
  peekId: () => [],
  withLevel: () => ['f', () => 1],
  leaf: () => [x, { bit: 1, outer: 0, startId: 0 }],
  identity: () => [x],
  leakyRelu: () => [x, 0.1],
  elu: () => [x, 1],
  gelu: () => [x],
  logSoftmax: () => [x, -1],
  softmax: () => [x, -1],
  where: () => [T.tensor([true, false]), v2, 0],
  square: () => [x],
  reciprocal: () => [x],
  rsqrt: () => [x],
  sum: () => [x, { axis: 0 }],
  broadcastTo: () => [v2, [2, 2]],
  sumTo: () => [AG.toVar('t', x), [2]],
  tile: () => [v2, [2]],
  conv2d: () => [img, filt, { stride: 1 }],
  conv2dBackwardInput: () => [T.ones([1, 1, 2, 2]), filt, [1, 1, 3, 3], { stride: 1 }],
  conv2dBackwardFilter: () => [img, T.ones([1, 1, 2, 2]), [1, 1, 2, 2], { stride: 1 }],
  avgPool2d: () => [img, { kernelSize: 2 }],
  maxPool2d: () => [img, { kernelSize: 2 }],
  matmul: () => [x, x, { transposeA: true }],
  affine: () => [x, T.ones([x.shape[1]!, 2]), v2],
  dot: () => [v2, v2],
  outer: () => [v2, v2],
  mean: () => [x, { axis: 0 }],
  max: () => [x, { axis: 0 }],
  min: () => [x, { axis: 0 }],
  logSumExp: () => [x, { axis: 0 }],
  variance: () => [x, { axis: 0 }],
  std: () => [x, { axis: 0 }],
  norm: () => [x, { ord: 1 }],
  clip: () => [x, 0, 1],
  reshape: () => [x, [4]],
  transpose: () => [x, [1, 0]],
  expandDims: () => [x, 0],
  squeeze: () => [T.ones([1, 2]), 0],
  flatten: () => [x, { keepBatch: true }],
  slice: () => [x, [0, 1], [2, 1]],
  pad: () => [v2, [[1, 1]], 0],
  concat: () => [[v2, v2], 0],
  stack: () => [[v2, v2], 0],
  split: () => [v2, 2, 0],
  flip: () => [x, 0],
  gather: () => [v2, idx, 0],
  scatterAdd: () => [[2], idx, v2, 0],
  takeAlongAxis: () => [x, T.tensor([[1], [0]], { dtype: 'int32' }), -1],
  scatterAddAlongAxis: () => [[2, 2], T.tensor([[1], [0]], { dtype: 'int32' }), T.tensor([[3], [4]]), -1],
  scan: () => [(c: Var, xt: Var) => [AG.add(c, xt), c], v2, x, { reverse: false }],
  tril: () => [x, 0],
  triu: () => [x, 1],
  oneHot: () => [idx, 2, { dtype: 'float64' }],
}
for (const name of ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum']) valid[name] = () => [x, v2]
for (const name of [
  'neg',
  'exp',
  'log',
  'log1p',
  'expm1',
  'sqrt',
  'sin',
  'cos',
  'tanh',
  'abs',
  'sigmoid',
  'relu',
  'softplus',
]) {
  valid[name] = () => [x]
}

const call = (name: string, args: unknown[]): unknown => {
  const fn = (AG as Record<string, unknown>)[name] as (...a: unknown[]) => unknown
  return name === 'Var' ? new (fn as unknown as new (...a: unknown[]) => unknown)(...args) : fn(...args)
}

describe('every export, one argument changed at a time', () => {
  const functions = Object.entries(AG)
    .filter(([, v]) => typeof v === 'function')
    .map(([k]) => k)

  it('has a valid call for every exported function, and each valid call runs', () => {
    expect(functions.filter((k) => !(k in valid))).toEqual([])
    for (const name of functions) expect(() => call(name, valid[name]!())).not.toThrow()
  })

  it('answers undefined, a string or a stray object in any position with its own clear Error, never an engine error', () => {
    const junk: unknown[] = [undefined, 'z', { bogus: 1 }, null, NaN]
    let errors = 0
    for (const name of functions) {
      const args = valid[name]!()
      for (let k = 0; k < Math.max(args.length, 1); k++) {
        for (const j of junk) {
          const changed = [...args]
          changed[k] = j
          try {
            const out = call(name, changed)
            // transforms return functions: call them as their valid call's arguments would
            if (
              typeof out === 'function' &&
              ['grad', 'valueAndGrad', 'jacobian', 'hessian', 'customGradient', 'primitive'].includes(name)
            ) {
              ;(out as (...a: unknown[]) => unknown)(name === 'customGradient' || name === 'primitive' ? x : v2)
            }
          } catch (e) {
            errors++
            const where = `${name} with argument ${k} = ${String(j)}`
            expect((e as Error).constructor, where).toBe(Error)
            expect((e as Error).message, where).toMatch(/^\w+: /)
          }
        }
      }
    }
    expect(errors).toBeGreaterThan(200)
  })
})
