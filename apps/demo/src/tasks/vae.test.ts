import { describe, expect, it } from 'vitest'
import { Tensor, treeMap, zerosLike, type Tree } from '@gd/tensor'
import { loadDigits } from '../data.js'
import { buildVae, trainVae, vae, vaeDefaults, vaeLoss, type VaeParams } from './vae.js'

describe('--task vae', () => {
  const data = loadDigits({ limit: 600, seed: 3 })
  const settings = { ...vaeDefaults, epochs: 2, batch: 32, seed: 0, limit: 600 }

  it('computes the negative ELBO by hand: reconstruction and KL', () => {
    const model = buildVae(2)
    const zero = treeMap((t) => zerosLike(t), model.encoder.init(0) as Tree) as unknown[]
    const params: VaeParams = { encoder: zero, decoder: treeMap((t) => zerosLike(t), model.decoder.init(1) as Tree) as unknown[] }
    const x = data.test.x
    const m = 4
    const digits = new Tensor(x.data.slice(0, m * 784), [m, 784], 'float32')
    const noise = new Tensor(new Float32Array([0.3, -1, 2, 0.5, 0, 0, -0.7, 1.1]), [m, 2], 'float32')
    // All-zero weights: μ = 0, log σ² = 0, so KL = ½·Σ(0 + 1 − 1 − 0) = 0; the decoder's logits are 0,
    // so each pixel costs softplus(0) − y·0 = log 2 and a digit 784·log 2 = 543.4273.
    const flat = vaeLoss(model, params, digits, noise)
    expect(flat.kl.value.item()).toBeCloseTo(0, 6)
    expect(flat.reconstruction.value.item()).toBeCloseTo(784 * Math.log(2), 2)
    // The encoder's last bias sets μ = [1, −1] and log σ² = [ln 4, 0] for every digit:
    // KL = ½·[(1 + 4 − 1 − ln 4) + (1 + 1 − 1 − 0)] = ½·(4 − 1.386294 + 1) = 1.806853
    const last = params.encoder[2] as { w: Tensor; b: Tensor }
    const shifted: VaeParams = { ...params, encoder: [params.encoder[0], params.encoder[1], { w: last.w, b: new Tensor(new Float32Array([1, -1, Math.log(4), 0]), [4], 'float32') }] }
    expect(vaeLoss(model, shifted, digits, noise).kl.value.item()).toBeCloseTo(1.806853, 5)
  })

  it('learns on a small budget: the negative ELBO falls and the samples are pixel probabilities', () => {
    const r = trainVae(settings, data)
    expect(r.history).toHaveLength(2)
    // Blank logits cost 543 nats per digit; two epochs on 480 digits reach about 217 here.
    expect(r.history[1]!.train.negativeElbo).toBeLessThan(r.history[0]!.train.negativeElbo)
    expect(r.test.negativeElbo).toBeLessThan(260)
    expect(r.test.negativeElbo).toBeCloseTo(r.test.reconstruction + r.test.kl, 6)
    expect(r.test.kl).toBeGreaterThan(0)
    expect(r.samples).toHaveLength(100 * 784)
    expect(r.samples.every((v) => v >= 0 && v <= 1)).toBe(true)
  })

  it('is reproducible from its seed (the noise of step s comes from foldIn(key, s))', () => {
    const small = { ...settings, epochs: 1, limit: 200 }
    const few = loadDigits({ limit: 200, seed: 3 })
    const a = trainVae(small, few, () => {}, 4)
    const b = trainVae(small, few, () => {}, 4)
    expect(a.test).toEqual(b.test)
    expect(a.samples).toEqual(b.samples)
    expect(trainVae({ ...small, seed: 1 }, few, () => {}, 4).test).not.toEqual(a.test)
  })

  it('runs as a task: −ELBO split into reconstruction and KL, and a grid of digits decoded from z ~ N(0, I)', async () => {
    const lines: string[] = []
    const outcome = await vae.run({ ...settings, epochs: 1 }, { log: (l) => lines.push(l) })
    expect(lines.join('\n')).toMatch(/test −ELBO \d+\.\d\d nats per digit = reconstruction \d+\.\d\d \+ KL \d+\.\d\d/)
    expect(outcome.html).toContain('Digits decoded from z ~ N(0, I)')
    expect(outcome.html).toContain('data-images="100"')
  })
})
