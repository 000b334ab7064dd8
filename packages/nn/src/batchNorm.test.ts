import * as AG from '@gd/autograd'
import * as T from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import * as nn from './index.js'

const f64 = (values: number[], shape: number[]) => T.tensor(values, { dtype: 'float64', shape })
const list = (t: T.Tensor | AG.Var) => [...(t instanceof AG.Var ? t.value : t).data]

/** Per-channel reference in plain numbers: every axis but 1 is reduced. */
function reference(x: T.Tensor, gamma: number[], beta: number[], eps = 1e-5) {
  const [n, c] = x.shape as [number, number]
  const inner = x.size / (n * c)
  const at = (i: number, ch: number, k: number) => i * c * inner + ch * inner + k
  const data = x.data
  const out = new Float64Array(x.size)
  const means: number[] = []
  const unbiased: number[] = []
  for (let ch = 0; ch < c; ch++) {
    const idx: number[] = []
    for (let i = 0; i < n; i++) for (let k = 0; k < inner; k++) idx.push(at(i, ch, k))
    const mu = idx.reduce((s, j) => s + data[j]!, 0) / idx.length
    const ss = idx.reduce((s, j) => s + (data[j]! - mu) ** 2, 0)
    means.push(mu)
    unbiased.push(ss / (idx.length - 1))
    for (const j of idx) out[j] = ((data[j]! - mu) / Math.sqrt(ss / idx.length + eps)) * gamma[ch]! + beta[ch]!
  }
  return { out: [...out], means, unbiased }
}

describe('batchNorm', () => {
  it('normalizes [N, C] with the batch statistics in training and updates the running ones (hand-worked)', () => {
    const bn = nn.batchNorm(2)
    // Channel 0 is [1, 2, 3, 6]: μ = 3, biased σ² = (4 + 1 + 0 + 9)/4 = 3.5, unbiased 14/3.
    // Channel 1 is [0, 0, 4, 4]: μ = 2, biased σ² = 4, unbiased 16/3.
    const x = f64([1, 0, 2, 0, 3, 4, 6, 4], [4, 2])
    const params = { gamma: f64([2, 1], [2]), beta: f64([1, -1], [2]) }
    const { output, state } = bn.applyWithState(params, bn.initState(), x, { train: true })
    const s0 = Math.sqrt(3.5 + 1e-5)
    const s1 = Math.sqrt(4 + 1e-5)
    const expected = [
      [-2 / s0, -2 / s1],
      [-1 / s0, -2 / s1],
      [0, 2 / s1],
      [3 / s0, 2 / s1],
    ].flatMap(([a, b]) => [2 * a! + 1, b! - 1])
    list(output).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12))
    // mean: 0.9·0 + 0.1·μ; variance: 0.9·1 + 0.1·unbiased (PyTorch's momentum 0.1).
    list(state.mean).forEach((v, i) => expect(v).toBeCloseTo([0.3, 0.2][i]!, 6))
    list(state.variance).forEach((v, i) => expect(v).toBeCloseTo([0.9 + 1.4 / 3, 0.9 + 1.6 / 3][i]!, 6))
    expect(state.mean.dtype).toBe('float32') // the state keeps its dtype
  })

  it('normalizes NCHW per channel, over batch and space, like the reference', () => {
    const bn = nn.batchNorm(3)
    const x = T.tensor(
      Float64Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => Math.sin(3 * i) * (1 + (i % 5))),
      { shape: [2, 3, 2, 2] },
    )
    const gamma = [0.5, 1, 2]
    const beta = [0, 1, -2]
    const params = { gamma: f64(gamma, [3]), beta: f64(beta, [3]) }
    const state = { mean: f64([1, 2, 3], [3]), variance: f64([1, 2, 3], [3]) }
    const r = bn.applyWithState(params, state, x, { train: true })
    const ref = reference(x, gamma, beta)
    list(r.output).forEach((v, i) => expect(v).toBeCloseTo(ref.out[i]!, 12))
    list(r.state.mean).forEach((v, i) => expect(v).toBeCloseTo(0.9 * (i + 1) + 0.1 * ref.means[i]!, 12))
    list(r.state.variance).forEach((v, i) => expect(v).toBeCloseTo(0.9 * (i + 1) + 0.1 * ref.unbiased[i]!, 12))
    // Plain apply in training gives the same output and drops the update.
    expect(list(bn.apply(params, x, { train: true }))).toEqual(list(r.output))
  })

  it('uses the running statistics in inference and hands the state back unchanged', () => {
    const bn = nn.batchNorm(2)
    const state = { mean: T.tensor([1, -1]), variance: T.tensor([4, 0.25]) }
    const params = { gamma: T.tensor([2, 1]), beta: T.tensor([0, 3]) }
    const x = T.tensor([3, 0, 1, -1.5], { shape: [2, 2, 1, 1] })
    const r = bn.applyWithState(params, state, x)
    // (3 − 1)/√(4 + 1e-5)·2 + 0 ≈ 2; (0 + 1)/√0.25001 + 3 ≈ 5; (1 − 1)·… = 0; (−1.5 + 1)/0.5 + 3 ≈ 2.
    list(r.output).forEach((v, i) => expect(v).toBeCloseTo([2, 5, 0, 2][i]!, 4))
    expect(r.state).toBe(state)
  })

  it('follows the momentum convention at its ends, and without affine has no parameters', () => {
    const x = T.tensor([[1], [2], [6]]) // μ = 3, unbiased variance (4 + 1 + 9)/2 = 7
    const all = nn.batchNorm(1, { momentum: 1 })
    const r = all.applyWithState(all.init(0), all.initState(), x, { train: true })
    expect(list(r.state.mean)).toEqual([3])
    expect(list(r.state.variance)).toEqual([7])
    const none = nn.batchNorm(1, { momentum: 0, affine: false })
    expect(none.init(0)).toEqual({})
    const kept = none.applyWithState({}, none.initState(), x, { train: true })
    expect([list(kept.state.mean), list(kept.state.variance)]).toEqual([[0], [1]])
    // eps 0.5: (1 − 3)/√(14/3 + 0.5), the biased variance normalizes.
    expect(
      list(nn.batchNorm(1, { eps: 0.5 }).apply({ gamma: T.ones([1]), beta: T.zeros([1]) }, x, { train: true }))[0],
    ).toBeCloseTo(-2 / Math.sqrt(14 / 3 + 0.5), 6)
  })

  it('hands back plain tensors for the state while the output is traced', () => {
    const bn = nn.batchNorm(2)
    const x = T.tensor([
      [1, 2],
      [3, 5],
      [0, 1],
    ])
    const [[, newState], g] = AG.valueAndGrad(
      (p: nn.BatchNormParams) => {
        const r = bn.applyWithState(p, bn.initState(), x, { train: true })
        return [AG.sum(AG.square(r.output)), r.state]
      },
      { hasAux: true },
    )(bn.init(0) as never) as unknown as [[T.Tensor, nn.BatchNormState], { gamma: T.Tensor; beta: T.Tensor }]
    expect(newState.mean).toBeInstanceOf(T.Tensor)
    expect(newState.variance).toBeInstanceOf(T.Tensor)
    // Σ x̂² per channel is m·σ²/(σ² + eps) ≈ 3, so d/dγ Σ (γx̂ + β)² = 2Σx̂² ≈ 6 at γ = 1, β = 0; d/dβ = 2Σx̂ = 0.
    list(g.gamma).forEach((v) => expect(v).toBeCloseTo(6, 3))
    list(g.beta).forEach((v) => expect(v).toBeCloseTo(0, 5))
  })

  it('names the function, the value and what was expected', () => {
    expect(() => nn.batchNorm(0)).toThrow('batchNorm: channels must be a positive integer, got 0')
    expect(() => nn.batchNorm(3, { momentum: 1.5 })).toThrow('batchNorm: momentum must be in [0, 1], got 1.5')
    expect(() => nn.batchNorm(3, { eps: 0 })).toThrow('batchNorm: eps must be a positive finite number, got 0')
    const bn = nn.batchNorm(3)
    const p = bn.init(0)
    const s = bn.initState()
    expect(() => bn.applyWithState(p, s, T.ones([2, 3, 4]), { train: true })).toThrow(
      'batchNorm: expected input of rank 2 [N, C] or rank 4 [N, C, H, W], got shape [2,3,4]',
    )
    expect(() => bn.applyWithState(p, s, T.ones([2, 4]), { train: true })).toThrow(
      'batchNorm: expected 3 channels on axis 1, got shape [2,4]',
    )
    expect(() => bn.apply(p, T.ones([2, 5, 2, 2]))).toThrow(
      'batchNorm: expected 3 channels on axis 1, got shape [2,5,2,2]',
    )
    expect(() => bn.applyWithState(p, s, T.ones([1, 3]), { train: true })).toThrow(
      'batchNorm: training needs more than 1 value per channel, got shape [1,3]',
    )
    expect(() => bn.apply(p, T.ones([2, 3]))).toThrow(
      'batchNorm: inference uses the running statistics: call applyWithState(params, state, x), got no state',
    )
    expect(() => bn.applyWithState(p, { mean: T.zeros([2]), variance: T.ones([3]) }, T.ones([2, 3]))).toThrow(
      'batchNorm: state.mean must be a Tensor of shape [3], got shape [2]',
    )
    expect(() => bn.applyWithState(p, {} as never, T.ones([2, 3]))).toThrow(
      'batchNorm: state.mean must be a Tensor of shape [3], got undefined',
    )
    expect(() => bn.apply({}, T.ones([2, 3]), { train: true })).toThrow(
      'batchNorm: expected parameters { gamma, beta } (the layer is affine), got none',
    )
  })
})

describe('layer state through sequential', () => {
  it('is the list of the layers’ states, threaded through applyWithState; chains without state have none', () => {
    const plain = nn.sequential(nn.linear(2, 3), nn.relu())
    expect(plain.initState).toBeUndefined()
    expect(plain.applyWithState).toBeUndefined()
    expect(nn.initState(plain)).toEqual({})

    const inner = nn.sequential(nn.linear(3, 3), nn.batchNorm(3))
    const model = nn.sequential(nn.linear(2, 3), nn.batchNorm(3), nn.relu(), inner)
    const params = model.init(0)
    const state = nn.initState(model) as unknown[]
    expect(state).toHaveLength(4)
    expect(state[0]).toEqual({})
    expect(list((state[1] as nn.BatchNormState).variance)).toEqual([1, 1, 1])
    expect((state[3] as unknown[])[0]).toEqual({})

    const x = T.tensor([
      [1, 2],
      [3, -1],
      [0, 0.5],
      [2, 2],
    ])
    const r = nn.applyWithState(model, params, state, x, { train: true })
    expect(r.output.shape).toEqual([4, 3])
    const next = r.state as unknown[]
    expect(list((next[1] as nn.BatchNormState).mean)).not.toEqual([0, 0, 0])
    expect(list(((next[3] as unknown[])[1] as nn.BatchNormState).mean)).not.toEqual([0, 0, 0])
    expect(list((state[1] as nn.BatchNormState).mean)).toEqual([0, 0, 0]) // the old state is untouched
    // Training output does not depend on the running statistics; the plain apply agrees.
    expect(list(model.apply(params, x, { train: true }))).toEqual(list(r.output))
    // Inference reads them: with the updated state the output changes.
    const before = nn.applyWithState(model, params, state, x).output
    const after = nn.applyWithState(model, params, next, x).output
    expect(list(after)).not.toEqual(list(before))
    // A layer without state gets its state handed back as it was.
    const s = { any: 1 }
    expect(nn.applyWithState(nn.relu(), {}, s, T.ones([1])).state).toBe(s)
  })

  it('checks its state list', () => {
    const model = nn.sequential(nn.linear(2, 3), nn.batchNorm(3))
    expect(() => model.applyWithState!(model.init(0), [], T.ones([2, 2]))).toThrow(
      'sequential: expected a list of 2 states, got 0',
    )
  })
})
