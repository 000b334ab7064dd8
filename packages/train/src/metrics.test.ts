import { tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { accuracy, binaryAccuracy } from './metrics.js'

describe('metrics', () => {
  it('accuracy compares the largest score with class indices or one-hot rows', () => {
    const scores = tensor([
      [2, 1, 0],
      [0, 3, 1],
      [1, 0, 5],
      [4, 4.5, 0],
    ])
    // argmax per row: 0, 1, 2, 1; labels 0, 1, 0, 1 → 3 of 4 right.
    expect(accuracy(scores, tensor([0, 1, 0, 1], { dtype: 'int32' }))).toBe(0.75)
    const oneHot = tensor([
      [1, 0, 0],
      [0, 1, 0],
      [1, 0, 0],
      [0, 1, 0],
    ])
    expect(accuracy(scores, oneHot)).toBe(0.75)
  })

  it('binaryAccuracy thresholds logits at 0 and probabilities at 0.5', () => {
    // 2 > 0 ✓ (target 1), −1 > 0 ✗ (target 1), 0.5 > 0 ✓, −3 ≤ 0 ✓ (target 0) → 3 of 4.
    expect(binaryAccuracy()(tensor([[2], [-1], [0.5], [-3]]), tensor([[1], [1], [1], [0]]))).toBe(0.75)
    expect(binaryAccuracy({ threshold: 0.5 })(tensor([0.9, 0.2]), tensor([1, 0]))).toBe(1)
  })

  it('rejects shapes that do not fit', () => {
    expect(() => accuracy(tensor([1, 2]), tensor([0, 1]))).toThrow(
      'accuracy: predictions must have shape [n, classes], got [2]',
    )
    expect(() => accuracy(tensor([[1, 2]]), tensor([[0, 1, 0]]))).toThrow(
      'accuracy: targets must have shape [1] or [1, 2], got [1,3]',
    )
    expect(() => binaryAccuracy()(tensor([1, 2]), tensor([1]))).toThrow(
      'binaryAccuracy: predictions and targets sizes differ, got [2] and [1]',
    )
    expect(() => binaryAccuracy({ threshold: NaN })).toThrow(
      'binaryAccuracy: threshold must be a finite number, got NaN',
    )
    expect(() => binaryAccuracy({ treshold: 0.5 } as never)).toThrow(
      'binaryAccuracy: unknown option treshold, expected one of threshold; did you mean threshold?',
    )
    expect(() => accuracy(null as never, tensor([1]))).toThrow('accuracy: predictions must be a Tensor, got null')
  })
})
