import * as AG from '@gd/autograd'
import { sigmoidBinaryCrossEntropy } from '@gd/losses'
import { leakyRelu, linear, sequential } from '@gd/nn'
import * as T from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { buildGan, discriminatorLoss, ganDefaults, shiftDigits, shiftIndices, trainGan, type GanEpoch } from './gan.js'
import { loadDigits } from './mnist.js'

const data = loadDigits({ limit: 600, seed: 3 })
const quick = { epochs: 2, latent: 8, data }

describe('the GAN example', () => {
  it('maps noise to 784 pixels in [−1, 1] and pixels to one logit, with either model', () => {
    for (const model of ['mlp', 'dcgan'] as const) {
      const { generator, discriminator } = buildGan(8, model)
      const fake = generator.apply(generator.init(0), T.normal(T.prngKey(1), [3, 8]), { train: true }).value
      expect(fake.shape).toEqual([3, 784])
      expect(fake.data.every((v) => v >= -1 && v <= 1)).toBe(true)
      expect(discriminator.apply(discriminator.init(0), fake).shape).toEqual([3, 1])
      expect(generator.name).toContain(model === 'dcgan' ? 'convTranspose2d' : 'tanh')
    }
  })

  it('adds the R1 penalty (γ/2)·E‖∇ₓD(x)‖², a gradient inside the gradient', () => {
    // A linear discriminator D(x) = x·w + b has ∇ₓD = w for every digit, so the penalty is (γ/2)·‖w‖².
    const d = linear(3, 1)
    const w = T.tensor([[1], [-2], [0.5]])
    const params = { w, b: T.tensor([0.25]) }
    const x = T.tensor([
      [0.1, 0.2, 0.3],
      [-1, 0, 1],
    ])
    const fake = T.tensor([
      [0, 0, 0],
      [1, 1, 1],
    ])
    const plain = discriminatorLoss(d, params, x, fake, 0).value.item()
    // ‖w‖² = 1 + 4 + 0.25 = 5.25; γ = 10 adds 5·5.25 = 26.25
    expect(discriminatorLoss(d, params, x, fake, 10).value.item() - plain).toBeCloseTo(26.25, 4)
    // and its gradient with respect to w gets γ·w on top of the BCE terms': the nested gradient flows
    const gradOf = (gamma: number) =>
      AG.grad((p: { w: AG.Var; b: AG.Var }) => discriminatorLoss(d, p, x, fake, gamma))(params) as { w: T.Tensor }
    const extra = Array.from(gradOf(10).w.data, (v, i) => v - gradOf(0).w.data[i]!)
    expect(extra[0]).toBeCloseTo(10, 4)
    expect(extra[1]).toBeCloseTo(-20, 4)
    expect(extra[2]).toBeCloseTo(5, 4)
  })

  it('takes the real logits and the R1 gradient from one pass: the same loss and gradient as two separate passes', () => {
    // float64 digits through a small MLP discriminator (leaky relu: ∇ₓD depends on the digit)
    const d = sequential(linear(5, 4), leakyRelu(0.2), linear(4, 1))
    const params = T.treeMap((t) => T.cast(t, 'float64'), d.init(T.prngKey(8)) as T.Tree) as never
    const x = T.normal(T.prngKey(9), [3, 5], { dtype: 'float64' })
    const fake = T.normal(T.prngKey(10), [3, 5], { dtype: 'float64' })
    const separate = (p: never) => {
      const loss = AG.add(
        sigmoidBinaryCrossEntropy(d.apply(p, x), T.ones([3, 1], { dtype: 'float64' })),
        sigmoidBinaryCrossEntropy(d.apply(p, fake), T.zeros([3, 1], { dtype: 'float64' })),
      )
      const g = AG.grad((input: AG.Var) => AG.sum(d.apply(p, input)))(x) as unknown as AG.Input
      return AG.add(loss, AG.mul(AG.sum(AG.square(g)), 10 / 2 / 3))
    }
    const [fusedValue, fusedGrad] = AG.valueAndGrad((p: never) => discriminatorLoss(d, p, x, fake, 10))(params)
    const [refValue, refGrad] = AG.valueAndGrad(separate)(params)
    expect(fusedValue.item()).toBeCloseTo(refValue.item(), 12)
    const a = T.treeLeaves(fusedGrad as T.Tree)
    const b = T.treeLeaves(refGrad as T.Tree)
    expect(a.length).toBe(4)
    a.forEach((t, i) => t.data.forEach((v, j) => expect(v).toBeCloseTo(b[i]!.data[j]!, 12)))
  })

  it('shifts each digit by whole pixels, bringing in blank background from outside', () => {
    // One ink pixel at row 10, column 20 of a blank digit (−1 everywhere else), in 200 copies.
    const m = 200
    const digit = new Float32Array(784).fill(-1)
    digit[10 * 28 + 20] = 1
    const x = new T.Tensor(
      Float32Array.from({ length: m * 784 }, (_, i) => digit[i % 784]!),
      [m, 784],
      'float32',
    )
    const shifted = shiftDigits(x, shiftIndices(T.prngKey(0), m, 2)).value.data
    const moves = new Set<string>()
    for (let i = 0; i < m; i++) {
      const row = shifted.subarray(i * 784, (i + 1) * 784)
      const ink = row.findIndex((v) => v === 1)
      const dy = Math.floor(ink / 28) - 10
      const dx = (ink % 28) - 20
      expect(Math.max(Math.abs(dy), Math.abs(dx))).toBeLessThanOrEqual(2)
      // every other pixel stays background: nothing is duplicated or lost
      expect(row.filter((v) => v === -1).length).toBe(783)
      moves.add(`${dy},${dx}`)
    }
    // 25 moves in {−2, …, 2}², each drawn with probability 1/25: 200 draws see nearly all of them
    expect(moves.size).toBeGreaterThan(20)
    // a pixel moved in from beyond the edge is background: the ink at column 27 moved right is gone
    const edge = new Float32Array(784).fill(-1)
    edge[27] = 1
    const right = new T.Tensor(
      Int32Array.from({ length: 784 }, (_, p) => (p % 28 === 0 ? 784 : p - 1)),
      [1, 784],
      'int32',
    )
    expect(shiftDigits(new T.Tensor(edge, [1, 784], 'float32'), right).value.data.every((v) => v === -1)).toBe(true)
    // no shift: every pixel comes from where it is
    expect([...shiftIndices(T.prngKey(0), 2, 0).data]).toEqual([
      ...Array.from({ length: 784 }, (_, p) => p),
      ...Array.from({ length: 784 }, (_, p) => p),
    ])
  })

  it("the shift's gradient goes back to the pixel each one came from (float64 central differences)", () => {
    const x = T.normal(T.prngKey(4), [2, 784], { dtype: 'float64' })
    const indices = shiftIndices(T.prngKey(5), 2, 2)
    const weights = T.normal(T.prngKey(6), [2, 784], { dtype: 'float64' })
    expect(AG.gradcheck((v) => AG.sum(AG.mul(AG.square(shiftDigits(v, indices)), weights)), [x])).toBe(true)
  })

  it('trains by alternating steps: the discriminator learns to tell real from generated', () => {
    const scores: number[] = []
    const r = trainGan({ ...quick, score: (images) => (scores.push(images.shape[0]!), 0), scoreCount: 50 })
    expect(r.history).toHaveLength(2)
    // 480 training digits in batches of 64, the last part batch dropped: 7 steps an epoch
    expect(r.steps).toBe(14)
    // A discriminator that cannot tell them apart costs 2·log 2 = 1.386 (plus its R1 penalty, which
    // the first steps' sharp initial discriminator pays most of: 1.388 in the first epoch here); by the
    // second epoch it does better than that
    const [first, second] = r.history as [GanEpoch, GanEpoch]
    expect(second.discriminatorLoss).toBeLessThan(2 * Math.log(2))
    expect(second.discriminatorLoss).toBeLessThan(first.discriminatorLoss)
    for (const e of r.history) expect(Number.isFinite(e.generatorLoss)).toBe(true)
    expect(scores).toEqual([50, 50])
    const digits = r.generate(T.prngKey(0), 5)
    expect(digits.shape).toEqual([5, 784])
    expect(digits.data.every((v) => v >= 0 && v <= 1)).toBe(true)
  })

  it('passes its betas to both Adams (the MLPs default to β₁ 0, β₂ 0.99)', () => {
    const tiny = { latent: 8, batch: 16, epochs: 1, data: loadDigits({ limit: 100, seed: 3 }) }
    const base = trainGan(tiny).history
    expect(trainGan({ ...tiny, beta1: 0, beta2: 0.99 }).history).toEqual(base)
    expect(trainGan({ ...tiny, beta1: 0.5 }).history).not.toEqual(base)
    expect(trainGan({ ...tiny, beta2: 0.999 }).history).not.toEqual(base)
  })

  it('scores after every scoreEvery-th epoch and after the last', () => {
    // every third epoch and the last: epochs 3 and 4 of 4 (the scorer returns how often it was called)
    const every: number[] = []
    const tiny = { latent: 8, batch: 16, data: loadDigits({ limit: 100, seed: 3 }) }
    const r3 = trainGan({ ...tiny, epochs: 4, scoreEvery: 3, score: () => every.push(0), scoreCount: 10 })
    expect(every).toHaveLength(2)
    expect(r3.history.map((h) => h.score)).toEqual([undefined, undefined, 1, 2])
  })

  it('generates at a lower temperature with the statistics of the averaged generator', () => {
    const r = trainGan({ ...quick, epochs: 1 })
    const spread = (t: T.Tensor): number => {
      // mean over pixels of the standard deviation across digits
      const [n, p] = t.shape as [number, number]
      let total = 0
      for (let j = 0; j < p; j++) {
        let s = 0
        let s2 = 0
        for (let i = 0; i < n; i++) {
          s += t.data[i * p + j]!
          s2 += t.data[i * p + j]! ** 2
        }
        total += Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2))
      }
      return total / p
    }
    const warm = r.generate(T.prngKey(2), 200, { temperature: 1 })
    const cool = r.generate(T.prngKey(2), 200, { temperature: 0.5 })
    expect(cool.data.every((v) => v >= 0 && v <= 1)).toBe(true)
    expect(spread(cool)).toBeLessThan(spread(warm))
    // near temperature 0 every z is nearly 0: the digits are nearly one digit
    expect(spread(r.generate(T.prngKey(2), 20, { temperature: 1e-6 }))).toBeLessThan(1e-4)
    expect(r.generate(T.prngKey(2), 3, { temperature: 0.5 }).data).toEqual(
      r.generate(T.prngKey(2), 3, { temperature: 0.5 }).data,
    )
    expect(() => r.generate(T.prngKey(2), 3, { temperature: 0 })).toThrow(
      'generate: temperature must be in (0, 1], got 0',
    )
    expect(() => r.generate(T.prngKey(2), 3, { temprature: 0.5 } as never)).toThrow('did you mean temperature?')
    expect(() => r.generate(T.prngKey(2), 0)).toThrow('generate: n must be a positive integer, got 0')
  }, 60_000) // the averaged generator's statistics are 50 batches of 500 through the generator: 10 s on the loaded 2-core machine

  it('stops before a step whose loss is not finite, and says which (a learning rate far too high)', () => {
    const small = loadDigits({ limit: 100, seed: 3 })
    const r = trainGan({ data: small, epochs: 1, batch: 8, learningRate: 1e9 })
    expect(r.diverged).toBe("the discriminator's loss at step 2 is Infinity")
    expect(r.steps).toBe(1)
    expect(r.history).toEqual([])
  })

  it('is reproducible from its seed (the noise and shifts of step s come from foldIn(key, s))', () => {
    const one = { ...quick, epochs: 1, shift: 2, data: loadDigits({ limit: 300, seed: 3 }) }
    const a = trainGan(one)
    const b = trainGan(one)
    expect(b.history).toEqual(a.history)
    expect(b.generate(T.prngKey(7), 3).data).toEqual(a.generate(T.prngKey(7), 3).data)
    expect(trainGan({ ...one, seed: 1 }).history).not.toEqual(a.history)
    expect(trainGan({ ...one, shift: 0 }).history).not.toEqual(a.history)
  })

  it('trains the DCGAN: transposed convolutions up from 7×7 to 28×28, strided convolutions down', () => {
    const r = trainGan({ model: 'dcgan', epochs: 1, latent: 8, batch: 64, data: loadDigits({ limit: 300, seed: 3 }) })
    // 240 training digits in batches of 64, the last part batch dropped
    expect(r.steps).toBe(3)
    expect(Number.isFinite(r.history[0]!.discriminatorLoss)).toBe(true)
    expect(r.generate(T.prngKey(0), 4).shape).toEqual([4, 784])
  })

  it('has defaults for each model', () => {
    expect(ganDefaults.mlp).toEqual({ epochs: 80, batch: 64, learningRate: 2e-3, latent: 64, beta1: 0, beta2: 0.99 })
    expect(ganDefaults.dcgan).toMatchObject({ learningRate: 2e-4, beta1: 0.5, beta2: 0.999 })
  })

  it('rejects bad settings before any work', () => {
    expect(() => trainGan({ model: 'vae' as never })).toThrow('trainGan: model must be "mlp" or "dcgan", got "vae"')
    expect(() => trainGan({ r1: -1 })).toThrow('trainGan: r1 must be a finite number >= 0, got -1')
    expect(() => trainGan({ shift: 1.5 })).toThrow('trainGan: shift must be a non-negative integer, got 1.5')
    expect(() => trainGan({ emaDecay: 1 })).toThrow('trainGan: emaDecay must be in [0, 1), got 1')
    expect(() => trainGan({ beta1: -0.1 })).toThrow('trainGan: beta1 must be in [0, 1), got -0.1')
    expect(() => trainGan({ beta2: 1 })).toThrow('trainGan: beta2 must be in [0, 1), got 1')
    expect(() => trainGan({ scoreEvery: 0 })).toThrow('trainGan: scoreEvery must be a positive integer, got 0')
    expect(() => trainGan({ beta: 0.5 } as never)).toThrow('did you mean beta1?')
    expect(() => trainGan({ learningRate: Number.NaN })).toThrow(
      'trainGan: learningRate must be a finite number > 0, got NaN',
    )
    expect(() => trainGan({ data: { train: data.train } as never })).toThrow(
      'trainGan: data must be digits from loadDigits',
    )
    expect(() => trainGan({ epoch: 5 } as never)).toThrow(
      'trainGan: unknown option epoch, expected one of model, epochs, batch, learningRate, latent, beta1, beta2, r1, shift, emaDecay, seed, data, log, score, scoreCount, scoreEvery; did you mean epochs?',
    )
  })
})
