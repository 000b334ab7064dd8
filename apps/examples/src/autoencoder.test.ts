import { describe, expect, it } from 'vitest'
import * as T from '@gd/tensor'
import type { Callback } from '@gd/train'
import {
  autoencoderDefaults,
  buildAutoencoder,
  reconstruct,
  trainAutoencoder,
  warmupCosine,
  type AutoencoderParams,
} from './autoencoder.js'
import { loadDigits } from './mnist.js'

const data = loadDigits({ limit: 601, seed: 3 })

describe('warmupCosine', () => {
  it('rises linearly over a tenth of the steps (at most 100), then falls along half a cosine to 0', () => {
    const lr = warmupCosine(1, 1000) // warmup 100 steps, then 900 of cosine
    expect([0, 50, 100].map(lr)).toEqual([0, 0.5, 1])
    expect(lr(550)).toBeCloseTo(0.5, 12) // halfway through the cosine: ½(1 + cos(π/2))
    expect([1000, 5000].map(lr)).toEqual([0, 0])
    expect(warmupCosine(2, 10_000)(50)).toBe(1) // the warmup stops growing at 100 steps
    const short = warmupCosine(1, 5) // one step of warmup, then 4 of cosine
    expect([0, 1].map(short)).toEqual([0, 1])
    expect(short(3)).toBeCloseTo(0.5, 12)
    expect(() => warmupCosine(1, 2.5)).toThrow('warmupCosine: totalSteps must be a positive integer, got 2.5')
  })
})

describe('buildAutoencoder', () => {
  it('squeezes each digit through a code of the latent size and back to 784 logits', () => {
    const { encoder, decoder, model } = buildAutoencoder(5)
    const params = model.init(0)
    expect(encoder.apply(params[0], T.zeros([3, 784])).shape).toEqual([3, 5])
    expect(decoder.apply(params[1], T.zeros([3, 5])).shape).toEqual([3, 784])
    expect(model.apply(params, T.zeros([3, 784])).shape).toEqual([3, 784])
    expect(() => buildAutoencoder(0)).toThrow('buildAutoencoder: latent must be a positive integer, got 0')
  })

  it('reconstructs a blank digit from all-zero weights as 0.5 everywhere (sigmoid of logits 0)', () => {
    const ae = buildAutoencoder(3)
    const zero = T.treeMap((t) => T.zerosLike(t), ae.model.init(0)) as AutoencoderParams
    const out = reconstruct(ae, zero, data.test.x)
    expect(out.shape).toEqual([data.test.y.size, 784])
    expect(out.data.every((v) => v === 0.5)).toBe(true)
    expect(() => reconstruct(ae, zero, T.zeros([2, 28, 28]))).toThrow(
      'reconstruct: x must be a tensor [n, 784] of digits, got a float32 Tensor of shape [2,28,28]',
    )
  })
})

describe('trainAutoencoder', () => {
  const settings = { epochs: 2, batchSize: 32, data }
  const lines: string[] = []
  const seen: number[] = []
  const counter: Callback = { name: 'counter', onEpochEnd: (_ctx, logs) => void seen.push(logs.epoch) }
  const r = trainAutoencoder({ ...settings, log: (line) => lines.push(line), callbacks: [counter] })

  it('learns on a small budget: the loss falls and the test BCE beats the blank guess by far', () => {
    // 601 digits of the 10,000 give 481 to train on (and 120 to test on): 16 steps of 32 per epoch
    expect(data.train.y.size).toBe(481)
    expect(r.steps).toBe(32)
    expect(r.history).toHaveLength(2)
    expect(r.history[1]!.loss).toBeLessThan(r.history[0]!.loss)
    // Logits of 0 cost ln 2 = 0.693 per pixel; 32 steps reach 0.2653 here.
    expect(r.testBce).toBeCloseTo(0.2653, 3)
    expect(r.testBce).toBeCloseTo(r.history[1]!.valLoss!, 6)
    expect(lines).toEqual([
      `epoch 1/2: BCE per pixel ${r.history[0]!.loss.toFixed(4)} on the training digits, ${r.history[0]!.valLoss!.toFixed(4)} on the test digits`,
      `epoch 2/2: BCE per pixel ${r.history[1]!.loss.toFixed(4)} on the training digits, ${r.history[1]!.valLoss!.toFixed(4)} on the test digits`,
    ])
    expect(seen).toEqual([0, 1])
  })

  it('rebuilds test digits as pixel probabilities close to the originals', () => {
    const x = data.test.x
    const out = reconstruct(r.autoencoder, r.params, x)
    expect(out.data.every((v) => v > 0 && v < 1)).toBe(true)
    // The mean squared error of the reconstruction is well below that of a blank (all-0.5) guess.
    const mse = (y: ArrayLike<number>) => {
      let s = 0
      for (let i = 0; i < x.size; i++) s += (y[i]! - x.data[i]!) ** 2
      return s / x.size
    }
    expect(mse(out.data)).toBeLessThan(0.5 * mse(new Float32Array(x.size).fill(0.5)))
  })

  it('is reproducible from its seed', () => {
    const few = { epochs: 1, batchSize: 32, data: loadDigits({ limit: 200, seed: 3 }) }
    const again = trainAutoencoder(few)
    const same = trainAutoencoder(few)
    const other = trainAutoencoder({ ...few, seed: 1 })
    expect(same.testBce).toBe(again.testBce)
    expect(other.testBce).not.toBe(again.testBce)
  })

  it('has the demo defaults', () => {
    expect(autoencoderDefaults).toEqual({ epochs: 20, batchSize: 64, learningRate: 3e-3, latent: 32 })
  })

  it('rejects bad settings before training', () => {
    expect(() => trainAutoencoder({ epoch: 2 } as never)).toThrow(
      'trainAutoencoder: unknown option epoch, expected one of epochs, batchSize, learningRate, latent, seed, data, log, callbacks; did you mean epochs?',
    )
    expect(() => trainAutoencoder({ learningRate: Number.NaN })).toThrow(
      'trainAutoencoder: learningRate must be a finite number > 0, got NaN',
    )
    expect(() => trainAutoencoder({ data: { train: data.train } as never })).toThrow(
      'trainAutoencoder: data must be digits from loadDigits (train and test, each x [n, 784] float32 and y [n] int32, n >= 1), got',
    )
    expect(() => trainAutoencoder({ callbacks: [5] as never })).toThrow(
      'trainAutoencoder: callbacks[0] must be a fit callback (an object of hooks), got 5',
    )
  })
})
