// The numbers the issue-19 guide pages state in their prose, recomputed: if a layer's init or the data
// change, the page's text has to change with them. (The pages themselves run in Chromium in
// check-pages.mjs; this checks what can be checked without a browser, in well under a second each.)
import { describe, expect, it } from 'vitest'
import { gradientThroughTime, recallBatch, trainRecall } from './examples/recurrent.ts'
import { bigramLoss, namesData } from './examples/sequenceModels.ts'
import { gan, testReconstructions, trainAutoencoder } from './examples/generative.ts'
import { decodeDigits } from './examples/mnist.ts'
import { gradientSpread, policyNetwork, trainCartPole } from './examples/reinforcement.ts'
import { softmaxAt, temperatureSweep } from './examples/softmax.ts'
import { compareSchedules } from './examples/scheduleEffect.ts'
import { descend, plateau, stepsToLeave, value as escapeValue } from './examples/escape.ts'
import { sgd } from '@gd/optimizers'
import { cartPole, cartPolePhysics, discountedReturns, maxSteps, thetaLimit, xLimit } from '@gd/rl'
import { parameterCount } from '@gd/nn'
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { foldIn, normal, prngKey, uniform } from '@gd/tensor'

const profile = (kind, more = {}) =>
  gradientThroughTime({ kind, steps: 50, hiddenSize: 32, scale: 1, forgetBias: 0, seed: 0, ...more })
const log10 = (v) => Math.log10(v)

describe('the recurrent page', () => {
  it('shows the gradient at the defaults as its text says: 3.1 → 1e-15 (rnn), 1.7 → 4e-9 (gru), 1.3 → 4e-11 (lstm)', () => {
    const [rnn, gru, lstm] = [profile('rnn'), profile('gru'), profile('lstm')]
    expect(rnn.at(-1)).toBeCloseTo(3.1, 1)
    expect(log10(rnn[0])).toBeCloseTo(log10(1.3e-15), 1)
    expect(log10(gru[0])).toBeCloseTo(log10(3.8e-9), 1)
    expect(log10(lstm[0])).toBeCloseTo(log10(3.8e-11), 1)
    // the factor per step back of the plain RNN: "about half"
    expect((rnn[0] / rnn.at(-1)) ** (1 / 49)).toBeCloseTo(0.485, 2)
  })

  it('has the LSTM with forget bias + 3 nearly flat and the RNN with W_h × 3 growing about 80× going back', () => {
    const flat = profile('lstm', { forgetBias: 3 })
    expect(flat[0] / flat.at(-1)).toBeGreaterThan(0.5)
    const exploding = profile('rnn', { scale: 3 })
    expect(exploding[0] / exploding.at(-1)).toBeGreaterThan(50)
    expect(exploding[0] / exploding.at(-1)).toBeLessThan(200)
  })

  it('trains the LSTM (forget + 3, input − 3) to recall over T = 30 within 200 steps, while the plain RNN stays near chance at seeds 1 and 2 and gets partway at seed 0', async () => {
    const last20 = async (kind, seed) => {
      const losses = []
      await trainRecall({
        task: { symbols: 4, steps: 30 },
        hiddenSize: 32,
        steps: 200,
        learningRate: 0.03,
        forgetBias: 3,
        inputBias: -3,
        maxNorm: 1,
        kinds: [kind],
        seed,
        onStep: (r) => losses.push(r.loss),
      })
      return losses.slice(-20).reduce((a, b) => a + b, 0) / 20
    }
    expect(await last20('lstm', 0)).toBeLessThan(0.05) // the page: near 0 by step 150 to 200
    expect(await last20('rnn', 1)).toBeGreaterThan(1.2) // chance is ln 4 ≈ 1.39
    expect(await last20('rnn', 2)).toBeGreaterThan(1.2)
    expect(await last20('rnn', 0)).toBeCloseTo(0.84, 1) // "about 0.84 by step 200"
  }, 120_000)

  it('makes recall batches whose target is the first symbol, marked in the fifth channel', () => {
    const { x, y } = recallBatch({ symbols: 4, steps: 6 }, 3, prngKey(0))
    expect(x.shape).toEqual([3, 6, 5])
    for (let b = 0; b < 3; b++) {
      const first = Array.from(x.data.subarray(b * 30, b * 30 + 5))
      expect(first[4]).toBe(1) // the marker
      expect(first.indexOf(1)).toBe(y.data[b]) // the one-hot symbol
      for (let t = 1; t < 6; t++) {
        const row = Array.from(x.data.subarray(b * 30 + t * 5, b * 30 + t * 5 + 5))
        expect(row[4]).toBe(0)
        expect(row.reduce((a, v) => a + v, 0)).toBe(1) // one distractor symbol
      }
    }
  })
})

describe('the sequence models page', () => {
  it('has 30 ids, 7,580 training and 842 validation names, and the bigram line at 2.437 nats per character', () => {
    const data = namesData()
    expect(data.vocab.size).toBe(30)
    expect([data.train.x.shape[0], data.validation.x.shape[0]]).toEqual([7580, 842])
    expect(bigramLoss(data)).toBeCloseTo(2.4366, 3)
    expect(data.trainNames.size).toBe(7580)
  })
})

describe('the generative models page', () => {
  it('trains the autoencoder (code 16) from 0.70 nats per pixel to below 0.14 on the test digits within 300 steps', async () => {
    const data = decodeDigits(
      new Uint8Array(gunzipSync(readFileSync(new URL('./public/mnist-digits.bin', import.meta.url)))),
    )
    const losses = []
    await trainAutoencoder({
      data,
      code: 16,
      steps: 300,
      evaluateEvery: 150,
      onEvaluate: async (_step, params) => losses.push((await testReconstructions(16, params, data.test, 0)).loss),
    })
    expect(losses).toHaveLength(3) // steps 0, 150, 300
    expect(losses[0]).toBeGreaterThan(0.6) // about ln 2: a fresh decoder says ½ to every pixel
    expect(losses[2]).toBeLessThan(0.14)
    expect(losses[2]).toBeLessThan(losses[1])
  }, 60_000) // 300 training steps: 7 s on a half-loaded 2-core machine; the 15 s default would trip under load

  it("has the GAN's generator draw 2 maps of 14 × 14 (392 outputs, not 784), upsample them and mix them with 18 weights into 784 pixels in [−1, 1]", () => {
    const { generator } = gan(32)
    const params = generator.init(0)
    expect(params[6].w.shape).toEqual([256, 392])
    expect(params[9].w.size).toBe(18) // conv2d(2, 1, 3): 2 · 3 · 3
    const pixels = generator.apply(params, normal(prngKey(3), [5, 32])).value
    expect(pixels.shape).toEqual([5, 784])
    expect(Math.max(...pixels.data.map(Math.abs))).toBeLessThanOrEqual(1)
  })
})

describe('the reinforcement learning page', () => {
  // Runs REINFORCE on one seed until the mean of the last 20 returns reaches 195 (or the budget ends).
  const solve = async (seed, baseline, learningRate = 0.01, episodes = 300) => {
    let solvedAt = null
    const reports = await trainCartPole({
      seed,
      baseline,
      learningRate,
      episodes,
      shouldStop: () => solvedAt !== null,
      onEpisode: (r) => {
        if (r.episode >= 20 && r.mean20 >= 195 && solvedAt === null) solvedAt = r.episode
      },
    })
    return { solvedAt, reports }
  }

  it('states CartPole-v1 as @gd/rl builds it: 10 N for 0.02 s, a 1 m pole, 12°, 2.4 m, 500 steps', () => {
    expect(cartPolePhysics.force).toBe(10)
    expect(cartPolePhysics.tau).toBe(0.02)
    expect(2 * cartPolePhysics.halfLength).toBe(1)
    expect((thetaLimit * 180) / Math.PI).toBeCloseTo(12, 12)
    expect(xLimit).toBe(2.4)
    expect(maxSteps).toBe(500)
    expect(maxSteps * cartPolePhysics.tau).toBe(10) // "(10 s)"
  })

  it(
    'has random pushes last about 22 steps (22.4 over 10,000 episodes), and a policy of 226 parameters',
    { timeout: 60_000 },
    () => {
      const env = cartPole(0)
      const key = prngKey(1)
      let total = 0
      for (let e = 0; e < 10_000; e++) {
        env.reset()
        const coins = uniform(foldIn(key, e), [500]).data
        for (let t = 0, done = false; !done; t++, total++) done = env.step(coins[t] < 0.5 ? 0 : 1).done
      }
      expect(total / 10_000).toBeCloseTo(22.38, 2) // "about 22"; its standard error is 0.12
      expect(parameterCount(policyNetwork(32).init(0))).toBe(226) // 4·32 + 32 + 32·2 + 2
    },
  )

  it('discounts with γ = 0.99: 0.37 at 100 steps, 0.05 at 300, returns below 100, and 86 to 100 over the first 300 steps of 500', () => {
    expect(0.99 ** 100).toBeCloseTo(0.37, 2)
    expect(0.99 ** 300).toBeCloseTo(0.05, 2)
    const returns = discountedReturns(new Float64Array(500).fill(1), 0.99)
    expect(returns[0]).toBeLessThan(100)
    expect(Math.min(...returns.subarray(0, 300))).toBeGreaterThan(86)
    expect(Math.min(...returns.subarray(0, 300))).toBeLessThan(87)
  })

  it('measures the spread of one-episode gradient estimates at 6,100 without a baseline and 2,710 with one, the same mean', () => {
    const { none, mean } = gradientSpread({ episodes: 500 })
    expect(none.spread).toBeGreaterThan(6050)
    expect(none.spread).toBeLessThan(6150)
    expect(mean.spread).toBeGreaterThan(2685)
    expect(mean.spread).toBeLessThan(2735)
    expect(none.spread / mean.spread).toBeCloseTo(2.2, 1)
    expect(none.meanSquared).toBeGreaterThan(600) // "about 700"
    expect(none.meanSquared).toBeLessThan(800)
    // the two means differ by less than one standard error (of either mean: spread / N)
    const difference = none.mean.reduce((a, v, j) => a + (v - mean.mean[j]) ** 2, 0)
    expect(difference).toBeLessThan(mean.spread / 500)
  }, 60_000)

  it('solves seed 0 at episode 96 (490 at 200) with the value baseline, and every seed 0-9 within 59 to 249 episodes (98 in the middle)', async () => {
    const first = await trainCartPole({ seed: 0, baseline: 'value', learningRate: 0.01, episodes: 200 })
    expect(first.find((r) => r.episode >= 20 && r.mean20 >= 195).episode).toBe(96)
    expect(first.at(-1).mean20).toBeCloseTo(490, -1)
    const solved = [96]
    for (let seed = 1; seed < 10; seed++) solved.push((await solve(seed, 'value')).solvedAt)
    const sorted = [...solved].sort((a, b) => a - b)
    expect(sorted[0]).toBe(59)
    expect(sorted[9]).toBe(249)
    expect((sorted[4] + sorted[5]) / 2).toBe(98)
  }, 240_000)

  it('without a baseline: seed 0 still about 22 after 300 episodes; 4 of seeds 0-9 reach 195, after 87 to 253', async () => {
    const runs = []
    for (let seed = 0; seed < 10; seed++) runs.push(await solve(seed, 'none'))
    expect(runs[0].reports).toHaveLength(300)
    expect(runs[0].reports.at(-1).mean20).toBeCloseTo(22, -0.5)
    const solved = runs
      .map((r) => r.solvedAt)
      .filter((s) => s !== null)
      .sort((a, b) => a - b)
    expect(solved).toHaveLength(4)
    expect([solved[0], solved.at(-1)]).toEqual([87, 253])
  }, 240_000)

  it('at η = 0.1 solves seeds 0 and 2 at episodes 48 and 84, collapses seeds 6-9 to about 9 steps, and seed 4 falls from 500 to about 110; at η = 0.001 seed 0 is at 134 after 300', async () => {
    expect((await solve(0, 'value', 0.1)).solvedAt).toBe(48)
    expect((await solve(2, 'value', 0.1)).solvedAt).toBe(84)
    for (const seed of [6, 7, 8, 9]) {
      const collapsed = await trainCartPole({ seed, baseline: 'value', learningRate: 0.1, episodes: 300 })
      expect(Math.max(...collapsed.map((r) => r.mean20))).toBeLessThan(195)
      expect(collapsed.at(-1).mean20).toBeLessThan(10)
    }
    const fallen = await trainCartPole({ seed: 4, baseline: 'value', learningRate: 0.1, episodes: 300 })
    expect(Math.max(...fallen.map((r) => r.mean20))).toBe(500)
    expect(fallen.at(-1).mean20).toBeCloseTo(110, -1)
    const slow = await trainCartPole({ seed: 0, baseline: 'value', learningRate: 0.001, episodes: 300 })
    expect(slow.at(-1).mean20).toBeCloseTo(134, -1)
  }, 240_000)
})

describe('the cost-functions page (softmax and temperature)', () => {
  const z = [2, 1, 0.5, -1]
  const rounded = (xs, digits) => xs.map((x) => Number(x.toFixed(digits)))

  it('states the probabilities at T = 1, 0.25 and 4, and the entropy limit ln 4 ≈ 1.39', () => {
    expect(rounded(softmaxAt(z, 1, 1).probabilities, 2)).toEqual([0.61, 0.22, 0.14, 0.03])
    const cold = softmaxAt(z, 0.25, 1).probabilities
    expect(rounded(cold.slice(0, 2), 2)).toEqual([0.98, 0.02])
    expect(cold[2]).toBeCloseTo(0.002, 3)
    expect(cold[3] / 6e-6).toBeCloseTo(1, 1)
    expect(rounded(softmaxAt(z, 4, 1).probabilities, 2)).toEqual([0.34, 0.27, 0.23, 0.16])
    expect(softmaxAt(z, 1e6, 1).entropy).toBeCloseTo(Math.log(4), 6)
    expect(Math.log(4)).toBeCloseTo(1.39, 2)
  })

  it('states the cost and the gradient (p − onehot) / T for target class 2 at T = 1 and 0.25', () => {
    const warm = softmaxAt(z, 1, 1)
    expect(warm.cost).toBeCloseTo(1.5, 2)
    expect(rounded(warm.gradient, 2)).toEqual([0.61, -0.78, 0.14, 0.03])
    const cold = softmaxAt(z, 0.25, 1)
    expect(cold.cost).toBeCloseTo(4.02, 2)
    expect(rounded(cold.gradient, 2)).toEqual([3.92, -3.93, 0.01, 0])
    // grad agrees with the closed form
    cold.gradient.forEach((g, i) => expect(g).toBeCloseTo((cold.probabilities[i] - (i === 1 ? 1 : 0)) / 0.25, 10))
  })

  it('sweeps T from 0.05 to 20, where the probabilities go from one-hot towards uniform', () => {
    const { t, series } = temperatureSweep(z)
    expect(t[0]).toBeCloseTo(0.05, 12)
    expect(t.at(-1)).toBeCloseTo(20, 10)
    expect(series.p1[0]).toBeGreaterThan(0.99999)
    for (const p of Object.values(series)) expect(Math.abs(p.at(-1) - 0.25)).toBeLessThan(0.02)
  })
})

describe('the schedules page (training under each schedule)', () => {
  it('has the constant rate end at 86.0% and every decaying schedule at 90.8–92.9%, warmup cosine the best, at a peak of 0.1', async () => {
    const digits = decodeDigits(gunzipSync(readFileSync(new URL('./public/mnist-digits.bin', import.meta.url))))
    const runs = await compareSchedules({ digits, peak: 0.1, epochs: 2 })
    expect(runs.constantSchedule.testAccuracy).toBeCloseTo(0.86, 3)
    expect(runs.constantSchedule.finalLoss).toBeCloseTo(0.34, 2)
    const decaying = Object.entries(runs)
      .filter(([name]) => name !== 'constantSchedule')
      .map(([, r]) => r.testAccuracy)
    expect(Math.min(...decaying)).toBeCloseTo(0.908, 3)
    expect(Math.max(...decaying)).toBeCloseTo(0.929, 3)
    expect(runs.warmupCosineDecaySchedule.testAccuracy).toBe(Math.max(...decaying))
  }, 120_000)
})

describe('the local-minima page (a plateau)', () => {
  const start = [-4, 1]
  const run = (options) => descend({ start, steps: 500, surface: plateau, ...options })

  it('has plain gradient descent crawl from x = −4 to −3.62 in 500 steps at η = 0.1, J still 3.994, from J ≈ 4.5', () => {
    expect(escapeValue(-4, 1, plateau)).toBeCloseTo(4.5, 1)
    const [x, y] = run({ optimizer: sgd({ learningRate: 0.1 }) }).at(-1)
    expect(x).toBeCloseTo(-3.62, 2)
    expect(escapeValue(x, y, plateau)).toBeCloseTo(3.994, 3)
  })

  it('states the slope −0.04 at x = −3 and −0.002 at x = −4.5', () => {
    const slope = (x) => 2 * (Math.tanh(x) - 1) * (1 - Math.tanh(x) ** 2)
    expect(slope(-3)).toBeCloseTo(-0.04, 2)
    expect(slope(-4.5)).toBeCloseTo(-0.002, 3)
  })

  it('has momentum 0.9 leave at step 129, noise σ = 2 leave for seeds 1, 7, 6, 4 (steps 51, 81, 106, 237) and not 0, 2, 3, 5, and η = 0.3 leave at 317', () => {
    expect(stepsToLeave(run({ optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }) }), 1)).toBe(129)
    const noisy = [0, 1, 2, 3, 4, 5, 6, 7].map((seed) =>
      stepsToLeave(run({ optimizer: sgd({ learningRate: 0.1 }), noise: 2, seed }), 1),
    )
    expect(noisy).toEqual([undefined, 51, undefined, undefined, 237, undefined, 106, 81])
    expect(stepsToLeave(run({ optimizer: sgd({ learningRate: 0.3 }) }), 1)).toBe(317)
  })
})
