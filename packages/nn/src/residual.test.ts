import * as AG from '@gd/autograd'
import * as T from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import * as nn from './index.js'

const f64 = (values: number[], shape: number[]) => T.tensor(values, { dtype: 'float64', shape })

describe('residual', () => {
  it('adds the input to the inner layer output, with the inner layer params', () => {
    const inner = nn.linear(2, 2)
    const block = nn.residual(inner)
    const params = { w: f64([1, 2, 3, 4], [2, 2]), b: f64([0.5, -1], [2]) }
    // x = [1, 1]: x·W + b = [4, 6] + [0.5, -1] = [4.5, 5]; plus x: [5.5, 6]
    expect(block.apply(params, f64([1, 1], [1, 2])).toArray()).toEqual([[5.5, 6]])
    expect(block.name).toBe('residual(linear(2 → 2))')
    expect(Object.keys(block.init(0))).toEqual(Object.keys(inner.init(0)))
    // d/dx Σ(x + xW + b) = 1 + row sums of W: [1 + 3, 1 + 7]
    const g = AG.grad((x: AG.Var) => AG.sum(block.apply(params, x)))(f64([1, 1], [1, 2]))
    expect(g.toArray()).toEqual([[4, 8]])
  })

  it('keeps the inner layer state (batchNorm inside)', () => {
    const block = nn.residual(nn.batchNorm(1, { affine: false }))
    expect(block.initState!()).toEqual(nn.batchNorm(1).initState())
    const { output, state } = block.applyWithState!({}, block.initState!(), f64([1, 3], [2, 1]), { train: true })
    // batch μ = 2, σ² = 1: normalized [-1, 1]/√(1 + 1e-5), plus x
    expect(output.toArray()).toEqual([[1 - 1 / Math.sqrt(1 + 1e-5)], [3 + 1 / Math.sqrt(1 + 1e-5)]])
    expect((state.mean.toArray() as number[])[0]).toBeCloseTo(0.2, 7) // 0.9·0 + 0.1·2, float32 state
  })

  it('rejects bad arguments with clear messages', () => {
    expect(() => nn.residual({} as never)).toThrow(
      'residual: layer must be a layer (an object with init and apply functions), got {}',
    )
    const block = nn.residual(nn.linear(2, 3))
    expect(() => block.apply(block.init(0), T.ones([1, 2]))).toThrow(
      "residual: the inner layer's output shape [1,3] differs from the input's [1,2]",
    )
    expect(() => block.apply(block.init(0), T.ones([1, 2]), { trian: true } as never)).toThrow(
      'linear: unknown option trian',
    )
  })
})

describe('the TSDoc examples, as written', () => {
  it('residual', () => {
    const block = nn.residual(nn.sequential(nn.linear(4, 4), nn.relu(), nn.linear(4, 4)))
    expect(block.apply(block.init(0), T.ones([2, 4])).shape).toEqual([2, 4])
  })
})
