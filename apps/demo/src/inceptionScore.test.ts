import { describe, expect, it } from 'vitest'
import { Tensor, tensor } from '@gd/tensor'
import { digitScore, inceptionScore } from './inceptionScore.js'

const oneHotRows = (classes: number[], k: number): Tensor =>
  tensor(classes.map((c) => Array.from({ length: k }, (_, j) => (j === c ? 1 : 0))))

describe('inceptionScore', () => {
  it('is 1 for uniform predictions and for identical rows (no sample tells the classes apart)', () => {
    expect(inceptionScore(tensor(Array.from({ length: 7 }, () => Array(10).fill(0.1))))).toBeCloseTo(1, 6)
    expect(
      inceptionScore(
        tensor([
          [0.2, 0.8],
          [0.2, 0.8],
          [0.2, 0.8],
        ]),
      ),
    ).toBeCloseTo(1, 6)
  })

  it('is K for confident predictions spread evenly over K classes', () => {
    // KL(one-hot ‖ uniform over 10) = log 10 for every row, so IS = exp(log 10) = 10
    expect(
      inceptionScore(
        oneHotRows(
          Array.from({ length: 50 }, (_, i) => i % 10),
          10,
        ),
      ),
    ).toBeCloseTo(10, 5)
    // the same confident predictions on 3 of the 10 classes: 3
    expect(inceptionScore(oneHotRows([0, 4, 7, 0, 4, 7], 10))).toBeCloseTo(3, 5)
    // all one class: 1 (collapse scores as badly as no confidence at all)
    expect(inceptionScore(oneHotRows([3, 3, 3, 3], 10))).toBeCloseTo(1, 6)
  })

  it('matches a worked example', () => {
    // rows [0.5, 0.5] and [1, 0]: p(y) = [0.75, 0.25]
    // KL₁ = 0.5·ln(0.5/0.75) + 0.5·ln(0.5/0.25) = 0.143841, KL₂ = ln(1/0.75) = 0.287682
    // IS = exp((0.143841 + 0.287682)/2) = exp(0.2157615) = 1.221403 · 1.015886 = 1.240806
    expect(
      inceptionScore(
        tensor(
          [
            [0.5, 0.5],
            [1, 0],
          ],
          { dtype: 'float64' },
        ),
      ),
    ).toBeCloseTo(1.240806, 5)
  })

  it('rejects what is not a table of probabilities, naming the problem', () => {
    expect(() => inceptionScore([[1, 0]] as never)).toThrow(
      'inceptionScore: probabilities must be a [samples, classes] tensor, got object',
    )
    expect(() => inceptionScore(tensor([0.5, 0.5]))).toThrow(
      'inceptionScore: probabilities must be a [samples, classes] tensor with at least one of each, got shape [2]',
    )
    expect(() => inceptionScore(tensor([[0.5, 0.6]]))).toThrow(
      'inceptionScore: each row of probabilities must sum to 1, row 0 sums to 1.1',
    )
    expect(() => inceptionScore(tensor([[1.5, -0.5]]))).toThrow(
      'inceptionScore: probabilities must be in [0, 1], got 1.5 at [0,0]',
    )
    expect(() => inceptionScore(tensor([[NaN, 1]]))).toThrow(
      'inceptionScore: probabilities must be in [0, 1], got NaN at [0,0]',
    )
  })

  it("digitScore scores a classifier's logits through their softmax", () => {
    // logits of 20 "images" that a fake classifier sends to classes 0..9 with large margins
    const predict = (x: Tensor): Tensor => {
      const n = x.shape[0]!
      return tensor(Array.from({ length: n }, (_, i) => Array.from({ length: 10 }, (_, j) => (j === i % 10 ? 50 : 0))))
    }
    expect(digitScore(predict, tensor(Array.from({ length: 20 }, () => Array(784).fill(0))))).toBeCloseTo(10, 4)
  })
})
