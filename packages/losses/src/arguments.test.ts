import { Var, toVar } from '@gd/autograd'
import { Tensor, tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import * as losses from './index.js'

const f32 = (values: number[], shape?: number[]): Tensor => tensor(values, shape ? { shape } : {})
const logits = f32([0.1, 0.2, 0.7, 1, -1, 0], [2, 3])
const labels = tensor([2, 0], { dtype: 'int32' })
const probs = f32([0.2, 0.3, 0.5, 0.6, 0.4, 0], [2, 3])

/** A valid call of every loss and penalty: its name, the function and its arguments (options last). */
const calls: [string, (...args: never[]) => unknown, unknown[]][] = [
  ['mse', losses.mse, [logits, probs, {}]],
  ['mae', losses.mae, [logits, probs, {}]],
  ['huber', losses.huber, [logits, probs, { delta: 1 }]],
  ['smoothL1', losses.smoothL1, [logits, probs, { beta: 1 }]],
  ['logCosh', losses.logCosh, [logits, probs, {}]],
  ['poissonNll', losses.poissonNll, [logits, probs, { full: true }]],
  ['gaussianNll', losses.gaussianNll, [logits, probs, f32([1, 1, 1]), { eps: 1e-6 }]],
  ['binaryCrossEntropy', losses.binaryCrossEntropy, [probs, probs, { eps: 1e-7 }]],
  ['sigmoidBinaryCrossEntropy', losses.sigmoidBinaryCrossEntropy, [logits, probs, { positiveWeight: 2 }]],
  ['sigmoidFocal', losses.sigmoidFocal, [logits, probs, { gamma: 2, alpha: 0.25 }]],
  [
    'softmaxCrossEntropy',
    losses.softmaxCrossEntropy,
    [logits, labels, { labelSmoothing: 0.1, classWeights: f32([1, 2, 1]) }],
  ],
  ['nll', losses.nll, [logits, labels, { ignoreIndex: 0 }]],
  ['multiclassHinge', losses.multiclassHinge, [logits, labels, { margin: 1 }]],
  ['klDivergence', losses.klDivergence, [probs, probs, { logInput: false }]],
  ['hinge', losses.hinge, [logits, f32([1, -1, 1, -1, 1, 1], [2, 3]), {}]],
  ['squaredHinge', losses.squaredHinge, [logits, f32([1, -1, 1, -1, 1, 1], [2, 3]), {}]],
  ['cosineSimilarity', losses.cosineSimilarity, [logits, probs, { eps: 1e-8 }]],
  ['cosineDistance', losses.cosineDistance, [logits, probs, {}]],
  ['l1Penalty', losses.l1Penalty, [{ w: logits }, { scale: 1 }]],
  ['l2Penalty', losses.l2Penalty, [{ w: logits }, { scale: 1 }]],
  ['elasticNet', losses.elasticNet, [{ w: logits }, { l1: 0.1, l2: 0.1 }]],
]

/** Garbage for one argument at a time. */
const bad: unknown[] = [
  undefined,
  null,
  'x',
  NaN,
  true,
  [1, 2],
  {},
  () => 1,
  new Map(),
  tensor([1, 2, 3]),
  tensor([[1, 2, 3, 4]]),
  tensor([1, 0], { dtype: 'int32' }),
  tensor([1, 0, 1, 0, 1, 1], { dtype: 'bool', shape: [2, 3] }),
  tensor([NaN, 1, 2, 3, 4, 5], { shape: [2, 3] }),
  new Var(tensor([1, 0], { dtype: 'int32' })),
  tensor([1, 0, 2, 0, 1, 1], { dtype: 'int32', shape: [2, 3] }),
  tensor([-1, 0, 2, 0.5, 1, 1], { dtype: 'float64', shape: [2, 3] }),
  tensor([5, -7], { dtype: 'int32' }),
]

/** Garbage for options: a misspelt name and bad values of every option. */
function badOptions(valid: Record<string, unknown>): unknown[] {
  const out: unknown[] = [
    5,
    'x',
    [1],
    new Map(),
    { reductoin: 'sum' },
    { reduction: 'avg' },
    { weights: [1, 2] },
    { weights: tensor([-1, 1]) },
  ]
  for (const key of Object.keys(valid)) {
    for (const v of [null, 'x', -1, NaN, Infinity, 1.5, tensor([1])]) out.push({ ...valid, [key]: v })
    out.push({ ...valid, [key.slice(0, -1)]: valid[key] })
  }
  return out
}

function snapshot(args: unknown[]): string {
  return JSON.stringify(args, (_, v) =>
    v instanceof Tensor ? Array.from(v.data) : v instanceof Var ? Array.from(v.value.data) : v,
  )
}

describe('every loss checks every argument', () => {
  it.each(calls)('%s: a valid call gives a finite value', (_, f, args) => {
    const out = f(...(args as never[])) as Var
    expect(Array.from(out.value.data).every(Number.isFinite)).toBe(true)
  })

  it.each(calls)(
    '%s: garbage in any argument is a clear error (or a finite value), never an engine error',
    (name, f, args) => {
      const problems: string[] = []
      const last = args.length - 1
      const trials: unknown[][] = []
      for (let i = 0; i < args.length; i++)
        for (const b of i === last ? [...bad, ...badOptions(args[last] as never)] : bad) {
          trials.push(args.map((a, j) => (j === i ? b : a)))
        }
      for (const trial of trials) {
        const before = snapshot(trial)
        try {
          const out = f(...(trial as never[])) as Var
          if (!(out instanceof Var)) problems.push(`${snapshot(trial)} returned ${String(out)}`)
          // NaN in gives NaN out; KL(p ‖ q) is +∞ where q = 0 and p > 0: both are honest values
          else if (
            !Array.from(out.value.data).every(
              (v) => Number.isFinite(v) || (name === 'klDivergence' && v === Infinity),
            ) &&
            !snapshot(trial).includes('null,1,2')
          ) {
            problems.push(`${snapshot(trial)} gave ${Array.from(out.value.data)}`)
          }
        } catch (e) {
          const message = (e as Error).message
          if (!(e instanceof Error) || e.constructor !== Error || !message.startsWith(`${name}: `)) {
            problems.push(`${snapshot(trial)} threw ${(e as Error).constructor?.name}: ${message}`)
          }
        }
        if (snapshot(trial) !== before) problems.push(`${before} was changed`)
      }
      expect(problems).toEqual([])
    },
  )
})

describe('the messages', () => {
  const x = f32([0.5, 0.5])
  it('name a bad input, its dtype or its values', () => {
    expect(() => losses.mse('x' as never, x)).toThrow('mse: predictions must be a Tensor, a Var or a number, got "x"')
    expect(() => losses.mse(x, undefined as never)).toThrow(
      'mse: targets must be a Tensor, a Var or a number, got undefined',
    )
    expect(() => losses.mse(tensor([1, 2], { dtype: 'int32' }), x)).toThrow(
      `mse: predictions' dtype must be float32 or float64, got "int32"`,
    )
    expect(() =>
      losses.softmaxCrossEntropy(tensor([[1, 0]], { dtype: 'bool' }), tensor([0], { dtype: 'int32' })),
    ).toThrow(`softmaxCrossEntropy: logits' dtype must be float32 or float64, got "bool"`)
    expect(() => losses.nll(null as never, labels)).toThrow(
      'nll: logProbabilities must be a Tensor, a Var or a number, got null',
    )
    expect(() => losses.multiclassHinge({} as never, labels)).toThrow(
      'multiclassHinge: scores must be a Tensor, a Var or a number, got {}',
    )
    expect(() => losses.gaussianNll(x, x, 'one' as never)).toThrow(
      'gaussianNll: variance must be a Tensor, a Var or a number, got "one"',
    )
    expect(() => losses.binaryCrossEntropy(f32([0.5, 2]), x)).toThrow(
      'binaryCrossEntropy: probabilities must be in [0, 1], got 2',
    )
    expect(() => losses.binaryCrossEntropy(x, f32([0.5, -1]))).toThrow(
      'binaryCrossEntropy: targets must be in [0, 1], got -1',
    )
    expect(() => losses.sigmoidBinaryCrossEntropy(x, f32([0.5, NaN]))).toThrow(
      'sigmoidBinaryCrossEntropy: targets must be in [0, 1], got NaN',
    )
    expect(() => losses.poissonNll(x, f32([1, -3]))).toThrow('poissonNll: targets must be >= 0, got -3')
    expect(() => losses.poissonNll(f32([-1, 1]), x, { logInput: false })).toThrow(
      'poissonNll: predictions must be >= 0 (rates, as logInput is false), got -1',
    )
    expect(() => losses.klDivergence(f32([0, 0], [1, 2]), f32([-0.5, 1.5], [1, 2]))).toThrow(
      'klDivergence: targets must be >= 0 (probabilities, as logTarget is false), got -0.5',
    )
    expect(() => losses.klDivergence(f32([-0.5, 1.5], [1, 2]), f32([0.5, 0.5], [1, 2]), { logInput: false })).toThrow(
      'klDivergence: predictions must be >= 0 (probabilities, as logInput is false), got -0.5',
    )
    expect(() => losses.crossEntropy(1 as never, toVar('t', x))).toThrow('crossEntropy: q must be a Var, got 1')
    expect(() => losses.pair(7 as never, x, x)).toThrow('pair: loss must be a string, got 7')
  })

  it('reject misspelt options with the valid names and a "did you mean"', () => {
    expect(() => losses.huber(x, x, { detla: 2 } as never)).toThrow(
      'huber: unknown option detla, expected one of reduction, weights, delta; did you mean delta?',
    )
    expect(() => losses.softmaxCrossEntropy(logits, labels, { labelSmothing: 0.1 } as never)).toThrow(
      'softmaxCrossEntropy: unknown option labelSmothing, expected one of reduction, weights, classWeights, ignoreIndex, labelSmoothing; did you mean labelSmoothing?',
    )
    expect(() => losses.l2Penalty({ w: x }, { lambda: 1 } as never)).toThrow(
      'l2Penalty: unknown option lambda, expected one of scale',
    )
    expect(() => losses.classTargets('f', logits, labels, { reduction: 'sum' } as never)).toThrow(
      'f: unknown option reduction, expected one of classWeights, ignoreIndex',
    )
    expect(() => losses.nll(logits, labels, { ignoreIndex: 0.5 })).toThrow(
      'nll: ignoreIndex must be an integer, got 0.5',
    )
  })
})
