import { mean, mul, type Var } from '@gd/autograd'
import { batchNorm, dropout, linear, relu, sequential, type Layer } from '@gd/nn'
import { adam, injectHyperparams, serializeState } from '@gd/optimizers'
import { initWasm, Tensor } from '@gd/tensor'
import { beforeAll, describe, expect, it } from 'vitest'
import { logisticData, logisticLoss } from '../test/problems.js'
import type { Callback } from './callback.js'
import { fit, type FitOptions } from './fit.js'
import { binaryAccuracy } from './metrics.js'
import { thrown } from '../test/thrown.js'

const data = logisticData(1, 90)
const validation = logisticData(2, 40)

describe('fit with compile', () => {
  beforeAll(() => initWasm())

  it('gives the uncompiled run bit for bit: dropout, batchNorm state, a short last batch, metrics, validation', () => {
    const models = {
      dropout: sequential(linear(2, 16), relu(), dropout(0.25), linear(16, 1)),
      batchNorm: sequential(linear(2, 16), batchNorm(16), relu(), dropout(0.25), linear(16, 1)),
    }
    for (const [kind, model] of Object.entries(models) as [string, Layer<any, unknown[]>][]) {
      let calls = 0
      const run = (compile: boolean) =>
        fit({
          model,
          params: model.init(5),
          loss: (p: Var, y: Tensor) => (calls++, logisticLoss(p, y)),
          seed: 9,
          optimizer: injectHyperparams((h) => adam({ learningRate: h.learningRate }), { learningRate: 0.01 }),
          data,
          validation,
          epochs: 3,
          batchSize: 16, // 5 full batches and one of 10 an epoch
          metrics: { accuracy: binaryAccuracy() },
          compile,
        })
      const eager = run(false)
      calls = 0
      const compiled = run(true)
      // recorded once for each batch size and replayed for the 16 other steps, plus one validation an epoch
      expect([kind, calls]).toEqual([kind, 2 + 3])
      expect(compiled.step).toBe(18)
      expect(compiled.history).toEqual(eager.history)
      expect(serializeState(compiled.params)).toBe(serializeState(eager.params))
      expect(serializeState(compiled.optimizerState)).toBe(serializeState(eager.optimizerState))
      if (kind === 'batchNorm') expect(serializeState(compiled.state)).toBe(serializeState(eager.state))
      else expect(compiled.state).toBeUndefined()
    }
  })

  it('hands callbacks the step’s gradients, which the next step releases', () => {
    const model = sequential(linear(2, 8), relu(), linear(8, 1))
    const seen = (compile: boolean, keepFor = 0): number[][] => {
      const grads: number[][] = []
      let kept: { w: Tensor }[] | undefined
      const look: Callback = {
        name: 'look',
        onGradients: (ctx, g) => {
          const layers = g.grads as { w: Tensor }[]
          grads.push([...layers[0]!.w.data])
          if (ctx.step === 0) kept = layers
          if (ctx.step === keepFor) void kept![0]!.w.data // read again at a later step
          return undefined
        },
      }
      fit({
        model,
        params: model.init(1),
        loss: logisticLoss,
        optimizer: adam({ learningRate: 0.05 }),
        data,
        batchSize: 30,
        callbacks: [look],
        compile,
      })
      return grads
    }
    expect(seen(true)).toEqual(seen(false))
    expect(thrown(() => seen(true, 1))).toBe(
      'compile: this tensor was a result of a compiled step, and a later step wrote its values again; copy what you ' +
        'keep past the step (tensor(t.data.slice(), { shape: t.shape }))',
    )
  })

  it('refuses a loss it cannot record on the first step, with the caller’s parameters untouched', () => {
    const model = linear(2, 1)
    const params = model.init(0)
    const before = serializeState(params)
    const options: FitOptions<any> = {
      model,
      params,
      loss: (p: Var) =>
        mean(mul(p, new Tensor(Float32Array.from(p.value.storage, Math.abs), p.value.shape, 'float32'))), // an op of its own
      optimizer: adam({ learningRate: 0.05 }),
      data,
      compile: true,
    }
    expect(thrown(() => fit(options))).toMatch(
      /^fit: compile cannot replay this step: .* \(at .*\); run it without \{ compile: true \}$/,
    )
    expect(serializeState(params)).toBe(before)
    expect(thrown(() => fit({ ...options, compile: 'yes' as never }))).toBe('fit: compile must be a boolean, got "yes"')
  })
})
