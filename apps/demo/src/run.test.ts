import type { TrainContext } from '@gd/train'
import { describe, expect, it } from 'vitest'
import { UsageError } from './flags.js'
import { checkRun, divergenceGuard, explodingLoss, sampleMistakes, type Mistake } from './run.js'

describe('sampleMistakes', () => {
  it('spreads the grid over the true classes instead of taking the first in class order', () => {
    // 30 mistakes of class 0, then 3 of class 4, then 2 of class 9, in test-set order
    const mistakes: Mistake[] = [
      ...Array.from({ length: 30 }, (_, i) => ({ row: i, label: 0, predicted: 6 })),
      ...[500, 501, 502].map((row) => ({ row, label: 4, predicted: 9 })),
      ...[900, 901].map((row) => ({ row, label: 9, predicted: 4 })),
    ]
    const picked = sampleMistakes(mistakes, 8)
    // round 1 takes rows 0, 500, 900; round 2 takes 1, 501, 901; round 3 takes 2, 502 and stops at 8
    expect(picked.map((m) => m.row)).toEqual([0, 1, 2, 500, 501, 502, 900, 901])
    expect(sampleMistakes(mistakes, 50)).toHaveLength(35)
    expect(sampleMistakes([], 50)).toEqual([])
  })
})

describe('divergenceGuard', () => {
  const context = () => {
    const reasons: string[] = []
    const ctx = { step: 4, stop: (r: string) => reasons.push(r) } as unknown as TrainContext
    return { ctx, reasons }
  }

  it('stops before an update whose loss is not finite, so the parameters stay finite', () => {
    const guard = divergenceGuard()
    const { ctx, reasons } = context()
    expect(guard.onGradients!(ctx, { loss: 2.3, grads: {}, batchSize: 64 })).toBeUndefined()
    expect(guard.reason).toBeUndefined()
    expect(guard.onGradients!(ctx, { loss: NaN, grads: {}, batchSize: 64 })).toBe('stop')
    expect(guard.reason).toBe('the loss of step 5 is NaN')
    expect(reasons).toEqual(['the loss of step 5 is NaN'])
  })

  it('stops after an epoch whose mean loss is above ten times that of guessing uniformly, 10 ln 10', () => {
    expect(explodingLoss).toBeCloseTo(23.02585, 5)
    const guard = divergenceGuard()
    const { ctx, reasons } = context()
    guard.onEpochEnd!(ctx, { epoch: 0, step: 13, loss: 23 })
    expect(reasons).toEqual([])
    guard.onEpochEnd!(ctx, { epoch: 1, step: 26, loss: 7.61e19 })
    expect(guard.reason).toBe(
      'the mean training loss of epoch 2 is 7.6e19, above 10 × ln 10 ≈ 23.0 (ten times that of guessing uniformly)',
    )
    expect(reasons).toHaveLength(1)
  })
})

describe('checkRun', () => {
  const run = {
    model: 'mlp',
    optimizer: 'adam',
    lr: undefined,
    schedule: 'onecycle',
    batch: 'full',
    epochs: 3,
    seed: 0,
  } as const

  it('refuses a one-cycle schedule too short to rise, before anything trains', () => {
    expect(() => checkRun(run, 80)).toThrow(UsageError)
    expect(() => checkRun(run, 80)).toThrow(
      '--schedule onecycle needs at least 4 steps (its rise lasts 30% of them), got 3 (3 epochs of 1 step of batch full on 80 digits); give more --epochs or a smaller --batch',
    )
    // 4 steps: the rise ends at step 1.2
    expect(() => checkRun({ ...run, epochs: 4 }, 80)).not.toThrow()
    expect(() => checkRun({ ...run, batch: 64, epochs: 2 }, 80)).not.toThrow()
    expect(() => checkRun({ ...run, schedule: 'cosine', epochs: 1 }, 80)).not.toThrow()
  })

  it('refuses a batch larger than the training set', () => {
    expect(() => checkRun({ ...run, schedule: 'cosine', batch: 81 }, 80)).toThrow(
      '--batch 81 is more than the 80 training digits; --batch full takes all of them',
    )
    expect(() => checkRun({ ...run, schedule: 'cosine', batch: 80 }, 80)).not.toThrow()
  })
})
