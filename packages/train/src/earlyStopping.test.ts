import { tensor, type Tree } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import type { TrainContext } from './callback.js'
import type { EpochLogs } from './epochLogs.js'
import { earlyStopping } from './earlyStopping.js'

/** A stand-in for fit's context that records stops and parameter swaps. */
function fakeContext(): TrainContext & { stopped: string[]; current: Tree; currentState: Tree | undefined } {
  const c = {
    stopped: [] as string[],
    current: tensor([0]) as Tree,
    currentState: undefined as Tree | undefined,
    step: 0,
    epoch: 0,
    epochs: 10,
    stepsPerEpoch: 1,
    batchInEpoch: 0,
    learningRate: undefined,
    get params() {
      return c.current
    },
    get modelState() {
      return c.currentState
    },
    setLearningRate: () => {},
    setParams: (p: Tree) => (c.current = p),
    setModelState: (st: Tree) => (c.currentState = st),
    stop: (r: string) => c.stopped.push(r),
    checkpoint: () => {
      throw new Error('unused')
    },
  }
  return c
}

const logs = (epoch: number, valLoss: number): EpochLogs => ({ epoch, step: epoch, loss: 1, valLoss })

describe('earlyStopping', () => {
  it('stops after patience epochs without improvement and restores the best parameters and model state', () => {
    const ctx = fakeContext()
    const cb = earlyStopping({ patience: 2, restoreBest: true })
    const losses = [1, 0.5, 0.6, 0.55, 0.7]
    losses.forEach((v, epoch) => {
      ctx.current = tensor([epoch])
      ctx.currentState = { mean: tensor([10 + epoch]) }
      cb.onEpochEnd!(ctx, logs(epoch, v))
    })
    // Best 0.5 at epoch 1; epochs 2 and 3 do not improve: wait reaches patience 2 at epoch 3 (Keras' rule).
    expect(ctx.stopped[0]).toBe('early stopping: valLoss has not improved for 2 epochs (best 0.5 at epoch 1)')
    cb.onTrainEnd!(ctx, [])
    expect((ctx.current as ReturnType<typeof tensor>).toArray()).toEqual([1])
    expect((ctx.currentState as { mean: ReturnType<typeof tensor> }).mean.toArray()).toEqual([11])
    expect(cb.state()).toMatchObject({ best: 0.5, bestEpoch: 1, wait: 3 })
  })

  it('walks a loss sequence epoch by epoch as Keras does: stop once wait >= patience', () => {
    const ctx = fakeContext()
    const cb = earlyStopping({ patience: 2 })
    const seen: [number, number, number][] = [] // [epoch, wait, stops so far]
    ;[1, 0.5, 0.6, 0.4, 0.45, 0.41, 0.3].forEach((v, epoch) => {
      if (ctx.stopped.length > 0) return // fit stops calling after the first stop
      cb.onEpochEnd!(ctx, logs(epoch, v))
      seen.push([epoch, cb.state().wait, ctx.stopped.length])
    })
    // 1 best; 0.5 best; 0.6 wait 1; 0.4 best; 0.45 wait 1; 0.41 wait 2 >= 2: stop at epoch 5.
    expect(seen).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [2, 1, 0],
      [3, 0, 0],
      [4, 1, 0],
      [5, 2, 1],
    ])
    expect(ctx.stopped).toEqual(['early stopping: valLoss has not improved for 2 epochs (best 0.4 at epoch 3)'])
    const eager = fakeContext()
    const zero = earlyStopping({ patience: 0 })
    zero.onEpochEnd!(eager, logs(0, 1))
    expect(eager.stopped).toEqual([])
    zero.onEpochEnd!(eager, logs(1, 1)) // no improvement: wait 1 >= 0
    expect(eager.stopped.length).toBe(1)
  })

  it('counts an improvement only beyond minDelta, in max mode for accuracy', () => {
    const ctx = fakeContext()
    const cb = earlyStopping({ monitor: 'acc', mode: 'max', patience: 0, minDelta: 0.01 })
    cb.onEpochEnd!(ctx, { epoch: 0, step: 0, loss: 1, acc: 0.9 })
    cb.onEpochEnd!(ctx, { epoch: 1, step: 1, loss: 1, acc: 0.905 }) // +0.005 < minDelta: not better
    expect(ctx.stopped.length).toBe(1)
  })

  it('rejects bad options and missing logs with a message', () => {
    expect(() => earlyStopping({ patience: -1 })).toThrow(
      'earlyStopping: patience must be a non-negative integer, got -1',
    )
    expect(() => earlyStopping({ minDelta: -0.1 })).toThrow(
      'earlyStopping: minDelta must be a non-negative finite number, got -0.1',
    )
    expect(() => earlyStopping({ mode: 'up' as never })).toThrow('earlyStopping: mode must be "min" or "max", got "up"')
    expect(() => earlyStopping({ patiense: 2 } as never)).toThrow(
      'earlyStopping: unknown option patiense, expected one of monitor, mode, patience, minDelta, restoreBest, name; did you mean patience?',
    )
    expect(() => earlyStopping({ name: 7 as never })).toThrow('earlyStopping: name must be a string, got 7')
    expect(earlyStopping().name).toBe('earlyStopping')
    expect(earlyStopping({ name: 'stopOnAccuracy' }).name).toBe('stopOnAccuracy')
    const cb = earlyStopping()
    expect(() => cb.onEpochEnd!(fakeContext(), { epoch: 0, step: 1, loss: 1 })).toThrow(
      'earlyStopping: logs have no valLoss; available: epoch, step, loss',
    )
  })
})
