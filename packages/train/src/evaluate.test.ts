import * as AG from '@gd/autograd'
import { tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { mseLoss } from '../test/problems.js'
import { evaluate, type Model } from './evaluate.js'
import { accuracy } from './metrics.js'

describe('evaluate', () => {
  it('weights each batch by its size and runs in inference mode', () => {
    const modes: boolean[] = []
    const model: Model<{ w: AG.Input }> = {
      apply: (p, x, options) => (modes.push(options?.train ?? true), AG.mul(x, p.w)),
    }
    const data = {
      x: tensor([
        [1, 0],
        [0, 1],
        [1, 1],
      ]),
      y: tensor([
        [1, 0],
        [0, 0],
        [0, 1],
      ]),
    }
    // Predictions equal x; squared errors per row: 0, 1, 1 (over 2 elements each) → means 0, 0.5, 0.5.
    // Batches of 2 and 1: (2·0.25 + 1·0.5) / 3 = 1/3. Argmax of x rows: 0, 1, 0 vs y rows 0, 0, 1 → 1/3.
    const r = evaluate(model, { w: tensor(1) }, mseLoss, data, { batchSize: 2, metrics: { accuracy } })
    expect(r.loss).toBeCloseTo(1 / 3, 6)
    expect(r.accuracy).toBeCloseTo(1 / 3, 12)
    expect(modes).toEqual([false, false])
  })

  it('rejects a malformed data set', () => {
    const model: Model<null> = { apply: (_p, x) => AG.toVar('m', x) }
    expect(() => evaluate(model, null, mseLoss, { x: tensor([[1]]), y: tensor([1, 2]) })).toThrow(
      'evaluate: x and y row counts differ, got 1 and 2',
    )
  })
})
