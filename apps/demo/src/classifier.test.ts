import { describe, expect, it } from 'vitest'
import * as T from '@gd/tensor'
import { crossEntropy, train } from './classifier.js'
import { loadDigits } from './data.js'

describe('the MNIST demo', () => {
  const data = loadDigits({ limit: 3000, seed: 1 })

  it('splits real digits into disjoint, labelled sets', () => {
    expect(data.train.x.shape).toEqual([2400, 784])
    expect(data.test.y.size).toBe(600)
    const labels = new Set(data.train.y.data)
    expect([...labels].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    const px = data.train.x.data
    expect(Math.min(...px.subarray(0, 784))).toBeGreaterThanOrEqual(0)
    expect(Math.max(...px.subarray(0, 784))).toBeLessThanOrEqual(1)
  })

  it('cross-entropy of uniform logits is log 10', () => {
    expect(crossEntropy(T.zeros([4, 10]), T.tensor([0, 3, 9, 2], { dtype: 'int32' })).item()).toBeCloseTo(Math.log(10), 6)
  })

  it('the MLP learns: loss falls and test accuracy passes 85% in two epochs', () => {
    const { reports } = train(data, { model: 'mlp', epochs: 2 })
    expect(reports[1]!.loss).toBeLessThan(reports[0]!.loss)
    expect(reports[1]!.testAccuracy).toBeGreaterThan(0.85)
  })

  it('the CNN learns too (its filter gradients work): above 60% after one epoch on 2,400 digits', () => {
    const { reports } = train(data, { model: 'cnn', epochs: 1 })
    expect(reports[0]!.testAccuracy).toBeGreaterThan(0.6)
  })
})
