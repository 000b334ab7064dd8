// The numbers the issue-19 guide pages state in their prose, recomputed: if a layer's init or the data
// change, the page's text has to change with them. (The pages themselves run in Chromium in
// check-pages.mjs; this checks what can be checked without a browser, in well under a second each.)
import { describe, expect, it } from 'vitest'
import { gradientThroughTime, recallBatch, trainRecall } from './examples/recurrent.ts'
import { bigramLoss, namesData } from './examples/sequenceModels.ts'
import { testReconstructions, trainAutoencoder } from './examples/generative.ts'
import { decodeDigits } from './examples/mnist.ts'
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { prngKey } from '@gd/tensor'

const profile = (kind, more = {}) => gradientThroughTime({ kind, steps: 50, hiddenSize: 32, scale: 1, forgetBias: 0, seed: 0, ...more })
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

  it('trains the LSTM (forget + 3, input − 3) to recall over T = 30 within 200 steps, while the plain RNN stays near chance', async () => {
    const losses = { rnn: [], lstm: [] }
    await trainRecall({
      task: { symbols: 4, steps: 30 }, hiddenSize: 32, steps: 200, learningRate: 0.03, forgetBias: 3, inputBias: -3, maxNorm: 1,
      kinds: ['rnn', 'lstm'], onStep: (r) => losses[r.kind].push(r.loss),
    })
    const last20 = (xs) => xs.slice(-20).reduce((a, b) => a + b, 0) / 20
    expect(last20(losses.lstm)).toBeLessThan(0.05) // the page: near 0 by step 150 to 200
    expect(last20(losses.rnn)).toBeGreaterThan(1.2) // chance is ln 4 ≈ 1.39
  }, 60_000)

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
    const data = decodeDigits(new Uint8Array(gunzipSync(readFileSync(new URL('./public/mnist-digits.bin', import.meta.url)))))
    const losses = []
    await trainAutoencoder({
      data, code: 16, steps: 300, evaluateEvery: 150,
      onEvaluate: async (_step, params) => losses.push((await testReconstructions(16, params, data.test, 0)).loss),
    })
    expect(losses).toHaveLength(3) // steps 0, 150, 300
    expect(losses[0]).toBeGreaterThan(0.6) // about ln 2: a fresh decoder says ½ to every pixel
    expect(losses[2]).toBeLessThan(0.14)
    expect(losses[2]).toBeLessThan(losses[1])
  })
})
