import { describe, expect, it } from 'vitest'
import { loadDigits } from '../data.js'
import * as AG from '@gd/autograd'
import { linear } from '@gd/nn'
import { Tensor, prngKey, tensor } from '@gd/tensor'
import { buildGan, discriminatorLoss, gan, ganDefaults, trainGan } from './gan.js'

describe('--task gan', () => {
  const data = loadDigits({ limit: 600, seed: 3 })
  const settings = { ...ganDefaults.mlp, model: 'mlp' as const, r1: 10, epochs: 2, seed: 0, limit: 600 }

  it('maps noise to 784 pixels in [−1, 1] and pixels to one logit', () => {
    const { generator, discriminator } = buildGan(8)
    const z = prngKey(0)
    const r = trainGan({ ...settings, epochs: 0, latent: 8 }, data)
    const digits = r.generate(z, 5)
    expect(digits.shape).toEqual([5, 784])
    // generated pixels come back in [0, 1], as the real ones are
    expect(digits.data.every((v) => v >= 0 && v <= 1)).toBe(true)
    expect(discriminator.apply(discriminator.init(0), digits).shape).toEqual([5, 1])
    expect(generator.name).toContain('tanh')
  })

  it('adds the R1 penalty (γ/2)·E‖∇ₓD(x)‖², a gradient inside the gradient', () => {
    // A linear discriminator D(x) = x·w + b has ∇ₓD = w for every digit, so the penalty is (γ/2)·‖w‖².
    const d = linear(3, 1)
    const w = tensor([[1], [-2], [0.5]])
    const params = { w, b: tensor([0.25]) }
    const x = tensor([[0.1, 0.2, 0.3], [-1, 0, 1]])
    const fake = tensor([[0, 0, 0], [1, 1, 1]])
    const plain = discriminatorLoss(d, params, x, fake, 0).value.item()
    // ‖w‖² = 1 + 4 + 0.25 = 5.25; γ = 10 adds 5·5.25 = 26.25
    expect(discriminatorLoss(d, params, x, fake, 10).value.item() - plain).toBeCloseTo(26.25, 4)
    // and its gradient with respect to w gets γ·w on top of the BCE terms': the nested gradient flows
    const gradOf = (gamma: number) => AG.grad((p: { w: AG.Var; b: AG.Var }) => discriminatorLoss(d, p, x, fake, gamma))(params) as { w: Tensor }
    const extra = Array.from(gradOf(10).w.data, (v, i) => v - gradOf(0).w.data[i]!)
    expect(extra[0]).toBeCloseTo(10, 4)
    expect(extra[1]).toBeCloseTo(-20, 4)
    expect(extra[2]).toBeCloseTo(5, 4)
  })

  it('builds the DCGAN: transposed convolutions up from 7×7 to 28×28, strided convolutions down', () => {
    const { generator, discriminator } = buildGan(8, 'dcgan')
    const r = trainGan({ ...settings, model: 'dcgan', epochs: 1, latent: 8, batch: 64, limit: 300 }, loadDigits({ limit: 300, seed: 3 }))
    expect(r.steps).toBe(3)
    expect(Number.isFinite(r.history[0]!.discriminatorLoss)).toBe(true)
    const digits = r.generate(prngKey(0), 4)
    expect(digits.shape).toEqual([4, 784])
    expect(digits.data.every((v) => v >= 0 && v <= 1)).toBe(true)
    expect(discriminator.apply(discriminator.init(0), digits).shape).toEqual([4, 1])
    expect(generator.name).toContain('convTranspose2d')
  })

  it('trains by alternating steps: the discriminator learns to tell real from generated', () => {
    const scores: number[] = []
    const r = trainGan(settings, data, { score: (images) => (scores.push(images.shape[0]!), 0), scoreCount: 50 })
    expect(r.history).toHaveLength(2)
    expect(r.steps).toBe(2 * Math.floor(data.train.y.size / settings.batch))
    // A discriminator that cannot tell them apart costs 2·log 2 = 1.386; it does better from the first epoch
    for (const e of r.history) {
      expect(e.discriminatorLoss).toBeLessThan(2 * Math.log(2))
      expect(Number.isFinite(e.generatorLoss)).toBe(true)
    }
    expect(scores).toEqual([50, 50])
  })

  it('is reproducible from its seed (the noise of step s comes from foldIn(key, s))', () => {
    const few = loadDigits({ limit: 300, seed: 3 })
    const one = { ...settings, epochs: 1, limit: 300 }
    const a = trainGan(one, few)
    const b = trainGan(one, few)
    expect(b.history).toEqual(a.history)
    expect(b.generate(prngKey(7), 3).data).toEqual(a.generate(prngKey(7), 3).data)
    expect(trainGan({ ...one, seed: 1 }, few).history).not.toEqual(a.history)
  })

  it('runs as a task: scores real and generated digits with the classifier and shows a grid of generated digits', async () => {
    const lines: string[] = []
    const outcome = await gan.run({ ...settings, epochs: 1, scorer: 'mlp' }, { log: (l) => lines.push(l) })
    const text = lines.join('\n')
    expect(text).toMatch(/score of the 120 real test digits \d\.\d\d/)
    expect(text).toMatch(/score of 1000 generated digits \d\.\d\d \(real test digits \d\.\d\d\)/)
    expect(outcome.html).toContain('Generated digits')
    expect(outcome.html).toContain('data-images="100"')
  })
})
