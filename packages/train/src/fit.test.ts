import { batchNorm, dropout, linear, relu, sequential, type BatchNormState, type Layer } from '@gd/nn'
import { adam, injectHyperparams, serializeState, sgd } from '@gd/optimizers'
import { add, matmul, mean, prngKey, tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { logisticData, logisticLoss, logisticModel } from '../test/problems.js'
import type { Callback } from './callback.js'
import { fromCheckpoint } from './checkpoint.js'
import { evaluate } from './evaluate.js'
import { fit } from './fit.js'
import { earlyStopping, type EarlyStoppingState } from './earlyStopping.js'
import { binaryAccuracy } from './metrics.js'

const data = logisticData(1, 200)
const validation = logisticData(2, 100)

describe('fit', () => {
  it('learns a seeded logistic regression below a loss threshold', () => {
    const result = fit({
      model: logisticModel,
      params: logisticModel.init(0),
      loss: logisticLoss,
      optimizer: adam({ learningRate: 0.05 }),
      data,
      validation,
      epochs: 30,
      batchSize: 20,
      metrics: { accuracy: binaryAccuracy() },
    })
    const first = result.history[0]!
    const last = result.history.at(-1)!
    // Untrained, the loss is near ln 2 ≈ 0.69; the labels are separable but for the 0.3 noise, so a
    // trained unit gets well under 0.2 and classifies ≥ 95% right on held-out data.
    expect(first.loss).toBeGreaterThan(last.loss)
    expect(last.loss).toBeLessThan(0.2)
    expect(last.valLoss).toBeLessThan(0.2)
    expect(last.valAccuracy).toBeGreaterThanOrEqual(0.95)
    expect(result.step).toBe(30 * 10)
    expect(result.history.map((h) => h.epoch)).toEqual(Array.from({ length: 30 }, (_, i) => i))
  })

  it('takes 1, n and ⌈n / N⌉ steps per epoch for full, stochastic and mini-batch', () => {
    const small = logisticData(3, 10)
    for (const [batchSize, dropLast, steps] of [
      ['full', false, 1],
      [1, false, 10],
      [4, false, 3],
      [4, true, 2],
    ] as const) {
      const perEpoch: number[] = []
      const counter: Callback = {
        name: 'counter',
        onEpochBegin: () => perEpoch.push(0),
        onStepEnd: () => (perEpoch[perEpoch.length - 1]! += 1),
      }
      const r = fit({
        model: logisticModel,
        params: logisticModel.init(0),
        loss: logisticLoss,
        optimizer: sgd({ learningRate: 0.1 }),
        data: small,
        epochs: 2,
        batchSize,
        dropLast,
        callbacks: [counter],
      })
      expect(perEpoch).toEqual([steps, steps])
      expect(r.step).toBe(2 * steps)
    }
  })

  it('begins no epoch that runs no step: maxSteps on an epoch boundary, and maxSteps 0', () => {
    const four = logisticData(4, 4)
    for (const [maxSteps, expected] of [
      [2, ['begin 0', 'end 0']],
      [3, ['begin 0', 'end 0', 'begin 1']], // epoch 1 takes one of its two steps, so it begins but does not end
      [0, []],
    ] as const) {
      const calls: string[] = []
      const recorder: Callback = {
        name: 'recorder',
        onEpochBegin: (ctx) => void calls.push(`begin ${ctx.epoch}`),
        onEpochEnd: (_ctx, logs) => void calls.push(`end ${logs.epoch}`),
      }
      const r = fit({
        model: logisticModel,
        params: logisticModel.init(0),
        loss: logisticLoss,
        optimizer: sgd({ learningRate: 0.1 }),
        data: four,
        epochs: 3,
        batchSize: 2,
        maxSteps,
        callbacks: [recorder],
      })
      expect(calls).toEqual(expected)
      expect(r.step).toBe(maxSteps)
      expect(r.stopReason).toBe(`maxSteps ${maxSteps} reached`)
    }
  })

  it('resumes from a JSON checkpoint bit for bit, mid-epoch, with dropout and Adam, and with batchNorm state', () => {
    const models = {
      dropout: sequential(linear(2, 8), relu(), dropout(0.25), linear(8, 1)),
      batchNorm: sequential(linear(2, 8), batchNorm(8), relu(), dropout(0.25), linear(8, 1)),
    }
    for (const [kind, model] of Object.entries(models) as [string, Layer<any, unknown[]>][]) {
      const run = (extra: { maxSteps?: number; resume?: never }) =>
        fit({
          model,
          params: model.init(5),
          loss: logisticLoss,
          seed: 9,
          optimizer: injectHyperparams((h) => adam({ learningRate: h.learningRate }), { learningRate: 0.01 }),
          data,
          validation,
          epochs: 3,
          batchSize: 16,
          metrics: { accuracy: binaryAccuracy() },
          ...extra,
        })
      const whole = run({})
      const firstPart = run({ maxSteps: 17 }) // 13 steps per epoch, so this stops inside epoch 1
      expect(firstPart.step).toBe(17)
      expect(firstPart.stopReason).toBe('maxSteps 17 reached')
      const saved = JSON.parse(JSON.stringify(firstPart.checkpoint())) as never
      const resumed = run({ resume: saved })
      expect(resumed.step).toBe(whole.step)
      expect(serializeState(resumed.params)).toBe(serializeState(whole.params))
      expect(serializeState(resumed.optimizerState)).toBe(serializeState(whole.optimizerState))
      expect(resumed.history).toEqual(whole.history)
      if (kind === 'dropout') {
        expect(whole.state).toBeUndefined()
        continue
      }
      // The running statistics moved away from their start (0 and 1) and resumed to the same bits.
      const stats = (whole.state as unknown[])[1] as BatchNormState
      expect([...stats.mean.data].some((v) => v !== 0)).toBe(true)
      expect(serializeState(resumed.state)).toBe(serializeState(whole.state))
      expect(serializeState(fromCheckpoint(saved).modelState)).toBe(serializeState(firstPart.state))
    }
  })

  it('trains a model with batchNorm: state threaded through steps, validation in inference mode with it', () => {
    const model = sequential(linear(2, 8), batchNorm(8), relu(), linear(8, 1))
    const params = model.init(1)
    const r = fit({
      model,
      params,
      loss: logisticLoss,
      optimizer: adam({ learningRate: 0.05 }),
      data,
      validation,
      epochs: 10,
      batchSize: 20,
      metrics: { accuracy: binaryAccuracy() },
    })
    const last = r.history.at(-1)!
    expect(last.valAccuracy).toBeGreaterThanOrEqual(0.95)
    // Validation ran in inference mode with the final running statistics: evaluate agrees exactly.
    const v = evaluate(model, r.params, logisticLoss, validation, {
      state: r.state,
      metrics: { accuracy: binaryAccuracy() },
    })
    expect(v.loss).toBe(last.valLoss)
    expect(v.accuracy).toBe(last.valAccuracy)
    // The running mean tracks the batch means of the first layer's outputs over the last steps:
    // with momentum 0.1 it is close to the mean of those outputs over the whole training set.
    const [lin] = r.params
    const h = add(matmul(data.x, lin.w), lin.b!)
    const stats = (r.state as unknown[])[1] as BatchNormState
    const full = [...mean(h, { axis: 0 }).data]
    ;[...stats.mean.data].forEach((m, i) => expect(Math.abs(m - full[i]!)).toBeLessThan(0.1 * (1 + Math.abs(full[i]!))))
    // A skipped step keeps the old state as well as the old parameters.
    const skipAll: Callback = { name: 'skip', onGradients: () => 'skip' }
    const skipped = fit({
      model,
      params,
      loss: logisticLoss,
      optimizer: sgd(),
      data,
      epochs: 1,
      batchSize: 50,
      callbacks: [skipAll],
    })
    expect(serializeState(skipped.state)).toBe(serializeState(model.initState!()))
  })

  it('takes a starting state and rejects state where it does not fit', () => {
    const model = sequential(linear(2, 3), batchNorm(3))
    const start = model.initState!()
    ;(start[1] as BatchNormState).mean = tensor([5, 5, 5])
    const r = fit({
      model,
      params: model.init(0),
      state: start,
      loss: logisticLoss,
      optimizer: sgd(),
      data,
      epochs: 1,
      batchSize: 200,
    })
    // One step: 0.9·5 + 0.1·(batch mean).
    expect(Math.abs((r.state![1] as BatchNormState).mean.data[0]! - 4.5)).toBeLessThan(0.5)
    const base = { params: logisticModel.init(0), loss: logisticLoss, data, optimizer: sgd() }
    expect(() => fit({ ...base, model: logisticModel, state: {} as never })).toThrow(
      'fit: state is given but the model keeps none (it has no applyWithState)',
    )
    const stateless = fit({ ...base, model: logisticModel, batchSize: 16, maxSteps: 2 }).checkpoint()
    const withBn = { ...base, params: model.init(0), model, batchSize: 16 }
    expect(() => fit({ ...withBn, resume: stateless })).toThrow(
      'fit: resume needs the model state, but the checkpoint has none',
    )
    const setter: Callback = { name: 'setter', onTrainBegin: (ctx) => ctx.setModelState({}) }
    expect(() => fit({ ...base, model: logisticModel, callbacks: [setter] })).toThrow(
      'fit: setModelState needs a model that keeps state, got one without applyWithState',
    )
    const noInit = { apply: model.apply, applyWithState: model.applyWithState! }
    expect(() => fit({ ...withBn, model: noInit })).toThrow(
      'fit: the model has applyWithState but no initState: pass its starting state as options.state',
    )
    expect(() => evaluate(model, model.init(0), logisticLoss, validation)).toThrow(
      'evaluate: the model keeps state (e.g. batchNorm running statistics): pass it as options.state, got none',
    )
  })

  it('lets a callback stop the run and change the learning rate', () => {
    const seen: number[] = []
    const cb: Callback = {
      name: 'halver',
      onEpochEnd: (ctx, logs) => {
        seen.push(logs.learningRate!)
        ctx.setLearningRate(ctx.learningRate! / 2)
        if (logs.epoch === 2) ctx.stop('enough')
      },
    }
    const r = fit({
      model: logisticModel,
      params: logisticModel.init(0),
      loss: logisticLoss,
      data,
      epochs: 10,
      batchSize: 'full',
      optimizer: injectHyperparams((h) => sgd({ learningRate: h.learningRate }), { learningRate: 0.8 }),
      callbacks: [cb],
    })
    expect(seen).toEqual([0.8, 0.4, 0.2])
    expect(r.history.length).toBe(3)
    expect(r.stopReason).toBe('enough')
  })

  it('fails clearly on a non-finite scheduled learning rate, with the step before it intact', () => {
    const params = logisticModel.init(0)
    const before = serializeState(params)
    let last: string | undefined
    const watch = { name: 'watch', onGradients: (ctx: { params: unknown }) => void (last = serializeState(ctx.params)) }
    expect(() =>
      fit({
        model: logisticModel,
        params,
        loss: logisticLoss,
        data,
        epochs: 3,
        batchSize: 'full',
        optimizer: injectHyperparams((h) => sgd({ learningRate: h.learningRate }), {
          learningRate: (step: number) => (step < 2 ? 0.5 : NaN),
        }),
        callbacks: [watch],
      }),
    ).toThrow(/learning ?rate.*NaN/i)
    expect(serializeState(params)).toBe(before) // the caller's parameters are never written
    expect(last).not.toBe(before) // two steps were taken before the failing one
  })

  it('rejects bad options with a message', () => {
    const base = { model: logisticModel, params: logisticModel.init(0), loss: logisticLoss, data, optimizer: sgd() }
    expect(() => fit({ ...base, epochs: -1 })).toThrow('fit: epochs must be a non-negative integer, got -1')
    expect(() => fit({ ...base, maxSteps: 1.5 })).toThrow('fit: maxSteps must be a non-negative integer, got 1.5')
    expect(() => fit({ ...base, epoch: 50 } as never)).toThrow(
      'fit: unknown option epoch, expected one of model, params, state, loss, optimizer, data, validation, epochs, batchSize, shuffle, dropLast, seed, key, metrics, callbacks, maxSteps, resume, continueStopped, compile; did you mean epochs?',
    )
    expect(() => fit(null as never)).toThrow(
      'fit: model must be a model (an object with an apply function), got undefined',
    )
    expect(() => fit({ ...base, batchSize: 0 })).toThrow('fit: batchSize must be "full" or a positive integer, got 0')
    expect(() => fit({ ...base, loss: 'mse' as never })).toThrow('fit: loss must be a function, got "mse"')
    expect(() => fit({ ...base, loss: (() => 0.5) as never })).toThrow(
      'fit: the loss must be a Var (e.g. from @gd/losses or @gd/autograd ops), got 0.5',
    )
    expect(() => fit({ ...base, optimizer: {} as never })).toThrow(
      'fit: optimizer must be an optimizer (an object with init and update functions), got {}',
    )
    expect(() => fit({ ...base, callbacks: [null as never] })).toThrow(
      'fit: callbacks[0] must be a callback (an object with a string name), got null',
    )
    expect(() => fit({ ...base, metrics: { acc: 1 } as never })).toThrow(
      'fit: metrics must be an object of metric functions, got {"acc":1}',
    )
    expect(() => fit({ ...base, data: { x: data.x, y: validation.y } })).toThrow(
      'fit: x and y row counts differ, got 200 and 100',
    )
    const lr: Callback = { name: 'lr', onTrainBegin: (ctx) => ctx.setLearningRate(1) }
    expect(() => fit({ ...base, callbacks: [lr] })).toThrow(
      'fit: setLearningRate needs an optimizer from injectHyperparams with a learningRate, got none',
    )
    const saved = fit({ ...base, batchSize: 16, maxSteps: 3 }).checkpoint()
    expect(() => fit({ ...base, batchSize: 32, resume: saved })).toThrow(
      "fit: resume needs the checkpoint's batchSize 16, got 32",
    )
    expect(() => fit({ ...base, batchSize: 16, shuffle: false, resume: saved })).toThrow(
      "fit: resume needs the checkpoint's shuffle true, got false",
    )
    const twin: Callback = { name: 'twin', save: () => 1 }
    expect(() => fit({ ...base, callbacks: [twin, twin] })).toThrow(
      "fit: callbacks with state need unique names (a checkpoint keeps each one's state under its name), got twin twice; give each its own (earlyStopping, reduceLrOnPlateau and nanGuard take a name option)",
    )
  })

  it('runs two earlyStopping callbacks with different names, each keeping its own state in checkpoints', () => {
    const base = { model: logisticModel, params: logisticModel.init(0), loss: logisticLoss, data, validation }
    const options = { ...base, optimizer: adam({ learningRate: 0.05 }), batchSize: 20, epochs: 4 }
    const metrics = { accuracy: binaryAccuracy() }
    expect(() =>
      fit({ ...options, metrics, callbacks: [earlyStopping(), earlyStopping({ monitor: 'valAccuracy' })] }),
    ).toThrow(
      "fit: callbacks with state need unique names (a checkpoint keeps each one's state under its name), got earlyStopping twice;",
    )
    const onLoss = earlyStopping({ patience: 10 })
    const onAccuracy = earlyStopping({ monitor: 'valAccuracy', mode: 'max', patience: 10, name: 'stopOnAccuracy' })
    const r = fit({ ...options, metrics, callbacks: [onLoss, onAccuracy] })
    const saved = fromCheckpoint(r.checkpoint()).callbacks as Record<string, EarlyStoppingState>
    expect(Object.keys(saved).sort()).toEqual(['earlyStopping', 'stopOnAccuracy'])
    // Each watched its own value: the lowest valLoss and the highest valAccuracy of the four epochs.
    expect(saved.earlyStopping!.best).toBe(Math.min(...r.history.map((h) => h.valLoss!)))
    expect(saved.stopOnAccuracy!.best).toBe(Math.max(...r.history.map((h) => h.valAccuracy!)))
    expect(saved.stopOnAccuracy).toEqual(onAccuracy.state())
    // A resumed run gives each its own state back.
    const again = [
      earlyStopping({ patience: 10 }),
      earlyStopping({ monitor: 'valAccuracy', mode: 'max', patience: 10, name: 'stopOnAccuracy' }),
    ] as const
    fit({ ...options, metrics, callbacks: again, resume: r.checkpoint() })
    expect(again[0].state().best).toBe(saved.earlyStopping!.best)
    expect(again[1].state().best).toBe(saved.stopOnAccuracy!.best)
  })

  it("checks key and seed when resuming too: garbage is rejected, and they must give the checkpoint's key", () => {
    const base = { model: logisticModel, params: logisticModel.init(0), loss: logisticLoss, data, optimizer: sgd() }
    const keyMessage = 'fit: key must be a pair of uint32 (from prngKey or splitKey), got '
    expect(() => fit({ ...base, key: [1] as never })).toThrow(`${keyMessage}[1]`)
    const saved = fit({ ...base, batchSize: 16, seed: 5, maxSteps: 3 }).checkpoint()
    const resume = { ...base, batchSize: 16, resume: saved }
    expect(() => fit({ ...resume, key: 'garbage' as never })).toThrow(`${keyMessage}"garbage"`)
    expect(() => fit({ ...resume, seed: 1.5 })).toThrow('fit: seed must be an integer, got 1.5')
    // prngKey(5) is [0,5] and prngKey(6) is [0,6] (the seed's high and low 32 bits).
    expect(prngKey(5)).toEqual([0, 5])
    expect(() => fit({ ...resume, seed: 6 })).toThrow(
      "fit: seed 6 does not give the checkpoint's key [0,5]; a resumed run continues the checkpoint's key: pass the seed the run started with or none",
    )
    expect(() => fit({ ...resume, key: prngKey(6) })).toThrow(
      "fit: key [0,6] is not the checkpoint's key [0,5]; a resumed run continues the checkpoint's key: pass that key or none",
    )
    // The key wins over the seed, as in a fresh run.
    expect(() => fit({ ...resume, key: prngKey(6), seed: 5 })).toThrow("fit: key [0,6] is not the checkpoint's key")
    const whole = fit({ ...base, batchSize: 16, seed: 5, maxSteps: 6 })
    for (const same of [{}, { seed: 5 }, { key: prngKey(5) }, { key: prngKey(5), seed: 6 }]) {
      const r = fit({ ...resume, ...same, maxSteps: 6 })
      expect(serializeState(r.params)).toBe(serializeState(whole.params))
    }
  })
})
