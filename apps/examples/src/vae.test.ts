import { describe, expect, it } from 'vitest'
import { add, gradcheck, type Var } from '@gd/autograd'
import * as T from '@gd/tensor'
import { loadDigits } from './mnist.js'
import { buildVae, trainVae, vaeDefaults, vaeLoss, type VaeParams } from './vae.js'

const data = loadDigits({ limit: 601, seed: 3 })
const m = 4
const digits = new T.Tensor(data.test.x.data.slice(0, m * 784), [m, 784], 'float32')
const noise = new T.Tensor(new Float32Array([0.3, -1, 2, 0.5, 0, 0, -0.7, 1.1]), [m, 2], 'float32')
const zerosOf = <P extends T.Tree>(p: P): P => T.treeMap((t) => T.zerosLike(t), p) as P

describe('vaeLoss', () => {
  const vae = buildVae(2)
  const zero: VaeParams = { encoder: zerosOf(vae.encoder.init(0)), decoder: zerosOf(vae.decoder.init(1)) }

  it('is 784·ln 2 of reconstruction and no KL when every weight is 0', () => {
    // μ = 0 and log σ² = 0, so KL = ½·Σ(0 + 1 − 1 − 0) = 0; the decoder's logits are 0,
    // so each pixel costs softplus(0) − x·0 = ln 2 and a digit 784·ln 2 = 543.4273.
    const loss = vaeLoss(vae, zero, digits, noise)
    expect(loss.kl.value.item()).toBeCloseTo(0, 6)
    expect(loss.reconstruction.value.item()).toBeCloseTo(784 * Math.log(2), 2)
  })

  it('has the closed-form KL of N(μ, σ²) from N(0, I)', () => {
    // The encoder's last bias sets μ = [1, −1] and log σ² = [ln 4, 0] for every digit:
    // KL = ½·[(1 + 4 − 1 − ln 4) + (1 + 1 − 1 − 0)] = ½·(5 − 1.386294) = 1.806853
    const [first, act] = zero.encoder
    const last = { w: zero.encoder[2].w, b: new T.Tensor(new Float32Array([1, -1, Math.log(4), 0]), [4], 'float32') }
    const shifted: VaeParams = { ...zero, encoder: [first, act, last] }
    expect(vaeLoss(vae, shifted, digits, noise).kl.value.item()).toBeCloseTo(1.806853, 5)
  })

  it('has the gradient of central differences in float64, through the reparameterized z', () => {
    const f64 = <P extends T.Tree>(p: P): P => T.treeMap((t) => T.cast(t, 'float64'), p) as P
    const params: VaeParams = { encoder: f64(vae.encoder.init(5)), decoder: f64(vae.decoder.init(6)) }
    const x = T.cast(digits, 'float64')
    const [e1, e2, eLast] = params.encoder
    const [d1, d2, dLast] = params.decoder
    const total = (loss: { reconstruction: Var; kl: Var }) => add(loss.reconstruction, loss.kl)
    // Every entry of the gradient with respect to the encoder's last bias (both μ and log σ²) and
    // the noise ε; random projections of the one with respect to the decoder's first layer.
    const withEncoderBias = (bEnc: Var, eps: Var) =>
      total(vaeLoss(vae, { ...params, encoder: [e1, e2, { w: eLast.w, b: bEnc }] }, x, eps))
    expect(gradcheck(withEncoderBias, [eLast.b!, T.cast(noise, 'float64')], { mode: 'full' })).toBe(true)
    const eps = T.cast(noise, 'float64')
    const withDecoderLayer = (w: Var, b: Var) =>
      total(vaeLoss(vae, { ...params, decoder: [{ w, b }, d2, dLast] }, x, eps))
    expect(gradcheck(withDecoderLayer, [d1.w, d1.b!], { mode: 'projection', projections: 3 })).toBe(true)
  })
})

describe('trainVae', () => {
  const settings = { epochs: 2, batchSize: 32, data }
  const lines: string[] = []
  const r = trainVae({ ...settings, samples: 12, log: (line) => lines.push(line) })

  it('learns on a small budget: the negative ELBO falls and the samples are pixel probabilities', () => {
    expect(r.steps).toBe(32)
    expect(r.history).toHaveLength(2)
    expect(r.history[1]!.train.negativeElbo).toBeLessThan(r.history[0]!.train.negativeElbo)
    // Blank logits cost 543 nats per digit; 32 steps reach 217.3 here.
    expect(r.test.negativeElbo).toBeCloseTo(217.31, 1)
    expect(r.test.negativeElbo).toBeCloseTo(r.test.reconstruction + r.test.kl, 6)
    expect(r.test.kl).toBeGreaterThan(0)
    expect(r.samples.shape).toEqual([12, 784])
    expect(r.samples.data.every((v) => v > 0 && v < 1)).toBe(true)
    expect(lines[1]).toBe(
      `epoch 2/2  train −ELBO ${r.history[1]!.train.negativeElbo.toFixed(2)}  test −ELBO ${r.test.negativeElbo.toFixed(2)} (reconstruction ${r.test.reconstruction.toFixed(2)} + KL ${r.test.kl.toFixed(2)})`,
    )
  })

  it('reports the test ELBO of the trained parameters with the fixed test noise', () => {
    const noiseKey = T.splitKey(T.prngKey(0), 5)[3]!
    const testNoise = T.normal(noiseKey, [data.test.y.size, vaeDefaults.latent])
    const again = vaeLoss(r.vae, r.params, data.test.x, testNoise)
    expect(again.reconstruction.value.item()).toBeCloseTo(r.test.reconstruction, 4)
    expect(again.kl.value.item()).toBeCloseTo(r.test.kl, 4)
  })

  it('is reproducible from its seed (the noise of step s comes from foldIn(key, s))', () => {
    const few = loadDigits({ limit: 200, seed: 3 })
    const a = trainVae({ epochs: 1, batchSize: 32, data: few, samples: 4 })
    const b = trainVae({ epochs: 1, batchSize: 32, data: few, samples: 4 })
    expect(a.test).toEqual(b.test)
    expect(a.samples.data).toEqual(b.samples.data)
    expect(trainVae({ epochs: 1, batchSize: 32, data: few, samples: 4, seed: 1 }).test).not.toEqual(a.test)
  })

  it('stops before a step whose loss is not finite, and says which (a learning rate far too high)', () => {
    const r = trainVae({ data, epochs: 2, batchSize: 32, learningRate: 1e9 })
    expect(r.diverged).toBe('the loss of step 3 is NaN')
    expect(r.steps).toBe(2)
    expect(r.history).toEqual([])
  })

  it('rejects bad settings before training', () => {
    expect(() => trainVae({ latnet: 2 } as never)).toThrow(
      'trainVae: unknown option latnet, expected one of epochs, batchSize, learningRate, latent, seed, data, samples, log; did you mean latent?',
    )
    expect(() => trainVae({ samples: -1 })).toThrow('trainVae: samples must be a non-negative integer, got -1')
    expect(() => trainVae({ batchSize: 0 })).toThrow('trainVae: batchSize must be a positive integer, got 0')
    expect(() => buildVae(1.5)).toThrow('buildVae: latent must be a positive integer, got 1.5')
  })

  it('vaeLoss checks the shapes of the digits and of the noise', () => {
    const vae = buildVae(2)
    const params = { encoder: vae.encoder.init(0), decoder: vae.decoder.init(1) }
    expect(() => vaeLoss(vae, params, T.zeros([4, 28, 28]), noise)).toThrow(
      'vaeLoss: x must be a tensor [m, 784] of digits, got a float32 Tensor of shape [4,28,28]',
    )
    expect(() => vaeLoss(vae, params, digits, T.zeros([4, 3]))).toThrow(
      'vaeLoss: noise must be a tensor [4, 2] (a row of ε per digit), got a float32 Tensor of shape [4,3]',
    )
    expect(() => vaeLoss(vae, params, digits, [[0, 0]] as never)).toThrow(
      'vaeLoss: noise must be a tensor [4, 2] (a row of ε per digit), got an array of length 1',
    )
  })
})
