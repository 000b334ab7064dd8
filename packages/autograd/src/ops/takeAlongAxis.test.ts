import { describe, expect, it } from 'vitest'
import * as T from '@gd/tensor'
import * as AG from '../index.js'

const int = (values: T.NestedArray) => T.tensor(values, { dtype: 'int32' })

describe('takeAlongAxis and scatterAddAlongAxis (differentiable)', () => {
  const x = T.tensor(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    { dtype: 'float64' },
  )

  it('take each row’s chosen element; the gradient scatters back and accumulates repeats', () => {
    const chosen = int([[2], [0]])
    expect(AG.takeAlongAxis(x, chosen).toArray()).toEqual([[3], [4]])
    // f = Σ w ⊙ take(x, [[1, 1], [0, 2]]) with w = [[1, 2], [3, 4]]: row 0 collects 1 + 2 at column 1
    const idx = int([
      [1, 1],
      [0, 2],
    ])
    const w = T.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float64' },
    )
    expect(AG.grad((v: AG.Var) => AG.sum(AG.mul(AG.takeAlongAxis(v, idx, 1), w)))(x).toArray()).toEqual([
      [0, 3, 0],
      [3, 0, 4],
    ])
    // axis 0 with indices broadcast over the rows of the result: [1, 3] against x [2, 3]
    expect(AG.grad((v: AG.Var) => AG.sum(AG.takeAlongAxis(v, int([[1, 0, 1]]), 0)))(x).toArray()).toEqual([
      [0, 1, 0],
      [1, 0, 1],
    ])
  })

  it('the log-probability of the chosen class: d/dlogits = onehot − softmax', () => {
    const logits = T.tensor([[0, Math.log(3)]], { dtype: 'float64' })
    const g = AG.grad((z: AG.Var) => AG.sum(AG.takeAlongAxis(AG.logSoftmax(z, -1), int([[1]]))))(logits)
    // softmax = [1/4, 3/4]
    const [a, b] = g.data
    expect(a).toBeCloseTo(-0.25, 14)
    expect(b).toBeCloseTo(0.25, 14)
  })

  it('x broadcast against the indices: the gradient sums over the broadcast axis (gradcheck, gradgradcheck)', () => {
    // x [1, 4] read by indices [3, 2]: every row of the result reads x's one row
    const idx = int([
      [0, 3],
      [1, 1],
      [2, 0],
    ])
    const f = (v: AG.Var) => AG.mul(AG.takeAlongAxis(v, idx, 1), AG.takeAlongAxis(v, idx, 1))
    const xb = T.tensor([[0.5, -1, 2, 0.25]], { dtype: 'float64' })
    // Σ out = x0·2 + x1·2 + x2 + x3 read as x²: gradient 2x times the counts [2, 2, 1, 1]
    expect(AG.grad((v: AG.Var) => AG.sum(f(v)))(xb).toArray()).toEqual([[2, -4, 4, 0.5]])
    expect(AG.gradcheck(f, [xb])).toBe(true)
    expect(AG.gradgradcheck(f, [xb])).toBe(true)
    const g = (u: AG.Var) => AG.square(AG.scatterAddAlongAxis([1, 4], idx, u, 1))
    const u = T.tensor(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      { dtype: 'float64' },
    )
    expect(AG.gradcheck(g, [u])).toBe(true)
    expect(AG.gradgradcheck(g, [u])).toBe(true)
  })

  it('scatterAddAlongAxis’s gradient takes at the same indices', () => {
    const idx = int([[1], [1]])
    expect(AG.scatterAddAlongAxis([2, 2], idx, T.tensor([[3], [4]])).toArray()).toEqual([
      [0, 3],
      [0, 4],
    ])
    const w = T.tensor([
      [1, 2],
      [3, 4],
    ])
    expect(
      AG.grad((u: AG.Var) => AG.sum(AG.mul(AG.scatterAddAlongAxis([2, 2], idx, u), w)))(T.tensor([[3], [4]])).toArray(),
    ).toEqual([[2], [4]])
  })

  it('reject bad arguments before any work', () => {
    expect(() => AG.takeAlongAxis(x, [[0]] as never)).toThrow(
      'takeAlongAxis: indices must be a Tensor, got an array of length 1',
    )
    expect(() => AG.takeAlongAxis(x, int([[0]]), 0.5)).toThrow('takeAlongAxis: axis must be an integer, got 0.5')
    expect(() => AG.takeAlongAxis(x, int([[3]]))).toThrow(
      'takeAlongAxis: indices[0,0] must be an integer in [0, 3) for axis 1 of size 3, got 3',
    )
    expect(() => AG.takeAlongAxis(undefined as never, int([[0]]))).toThrow(
      'takeAlongAxis: x must be a Tensor, a Var or a number, got undefined',
    )
    expect(() => AG.scatterAddAlongAxis([2, 1.5], int([[0]]), x)).toThrow(
      'scatterAddAlongAxis: shape must hold non-negative integers, got [2,1.5]',
    )
    expect(() => AG.scatterAddAlongAxis([2, 2], int([[0]]), 'u' as never)).toThrow(
      'scatterAddAlongAxis: updates must be a Tensor, a Var or a number, got "u"',
    )
  })
})
