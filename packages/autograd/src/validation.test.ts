// Every export checks its arguments before acting: bad input gets `<fn>: <what> must be …, got …`,
// misspelt options are rejected with the valid names and a "did you mean", and no engine
// TypeError escapes.
import { describe, expect, it } from 'vitest'
import * as T from '@gd/tensor'
import * as AG from './index.js'
import type { Var } from './variable.js'

const x = T.tensor([[1, 2], [3, 4]])
const bad = undefined as never

describe('ops check their arguments', () => {
  it('a missing or raw input is named, never a TypeError', () => {
    expect(() => AG.abs(bad)).toThrow('abs: x must be a Tensor, a Var or a number, got undefined')
    expect(() => AG.add(x, bad)).toThrow('add: b must be a Tensor, a Var or a number, got undefined')
    expect(() => AG.mul({ value: 1 } as never, x)).toThrow('mul: a must be a Tensor, a Var or a number, got {"value":1}')
    expect(() => AG.where(bad, x, 0)).toThrow('where: condition must be a Tensor, a Var or a number, got undefined')
    expect(() => AG.square(null as never)).toThrow('square: x must be a Tensor, a Var or a number, got null')
    expect(() => AG.sum(bad)).toThrow('sum: x must be a Tensor, a Var or a number, got undefined')
    expect(() => AG.toVar('f', 'z' as never)).toThrow('f: x must be a Tensor, a Var or a number, got "z"')
  })

  it('built-in primitives take exactly their inputs', () => {
    expect(() => (AG.exp as (...a: unknown[]) => Var)(x, 2)).toThrow('exp: the number of arguments must be 1 (x), got 2')
    expect(() => (AG.add as (...a: unknown[]) => Var)(x)).toThrow('add: the number of arguments must be 2 (a, b), got 1')
  })

  it('reductions read their options strictly', () => {
    expect(() => AG.sum(x, { axes: 1 } as never)).toThrow('sum: unknown option axes, expected one of axis, keepdims; did you mean axis?')
    expect(() => AG.mean(x, { keepDims: true } as never)).toThrow('mean: unknown option keepDims, expected one of axis, keepdims; did you mean keepdims?')
    expect(() => AG.max(x, { axis: 2 })).toThrow('max: axis must be an integer in [-2, 2) for a tensor of rank 2, got 2')
    expect(() => AG.sum(x, { keepdims: 1 } as never)).toThrow('sum: keepdims must be a boolean, got 1')
    expect(() => AG.sum(x, 1 as never)).toThrow('sum: options must be a plain object, got 1')
    expect(() => AG.variance(x, { correction: -1 })).toThrow('variance: correction must be a non-negative finite number, got -1')
    expect(() => AG.std(x, { corection: 1 } as never)).toThrow('std: unknown option corection, expected one of axis, keepdims, correction; did you mean correction?')
    expect(() => AG.norm(x, { ord: 3 } as never)).toThrow('norm: ord must be 1, 2 or Infinity, got 3')
    expect(() => AG.logSumExp(x, { axis: [0, -2] })).toThrow('logSumExp: axis must not repeat an axis, got [0,-2]')
    // null options are no options; the values still compute
    expect(AG.sum(x, null as never).item()).toBe(10)
    expect(AG.sum(x, { axis: -1, keepdims: true }).toArray()).toEqual([[3], [7]])
  })

  it('activations check their settings', () => {
    expect(() => AG.softmax(x, 2)).toThrow('softmax: axis must be an integer in [-2, 2) for a tensor of rank 2, got 2')
    expect(() => AG.logSoftmax(x, 0.5)).toThrow('logSoftmax: axis must be an integer in [-2, 2) for a tensor of rank 2, got 0.5')
    expect(() => AG.leakyRelu(x, NaN)).toThrow('leakyRelu: slope must be a finite number, got NaN')
    expect(() => AG.elu(x, '1' as never)).toThrow('elu: alpha must be a finite number, got "1"')
  })

  it('broadcastTo, sumTo and tile check their shapes', () => {
    expect(() => AG.broadcastTo(x, [1.5, 2])).toThrow('broadcastTo: shape must hold non-negative integers, got [1.5,2]')
    expect(() => AG.sumTo(bad, [2])).toThrow('sumTo: x must be a Tensor, a Var or a number, got undefined')
    expect(() => AG.tile(x, [-1])).toThrow('tile: reps[0] must be a non-negative integer, got -1')
  })
})
