import { describe, expect, it } from 'vitest'
import type { RecurrentParams } from '@gd/nn'
import { tensor, type Tensor } from '@gd/tensor'
import { namesDefaults, namesModel, namesModels, trainOnNames, trimPadding, warmupCosine } from './names.js'

describe('character models of first names', () => {
  for (const kind of namesModels) {
    it(`${kind}: learns from a few hundred names, below a uniform guess, and samples names of the vocabulary`, () => {
      const lines: string[] = []
      const r = trainOnNames(kind, {
        epochs: 2,
        batchSize: 16,
        limit: 400,
        width: 16,
        depth: kind === 'transformer' ? 1 : 32,
        samples: 4,
        log: (l) => lines.push(l),
      })
      // a uniform guess over the characters and the end costs ln(size − 2) nats per character
      expect(r.validationLoss).toBeLessThan(Math.log(r.vocab.size - 2) - 0.5)
      expect(r.samples).toHaveLength(4)
      for (const name of r.samples) expect(name).toMatch(/^[a-z-]*$/)
      expect(r.history.map((h) => h.epoch)).toEqual([0, 1])
      expect(r.split).toEqual({ train: 360, validation: 40 })
      expect(r.settings).toEqual({
        epochs: 2,
        batchSize: 16,
        width: 16,
        depth: kind === 'transformer' ? 1 : 32,
        learningRate: namesDefaults[kind].learningRate,
      })
      expect(lines[0]).toBe(`${kind}: ${r.architecture} (${r.parameters.toLocaleString('en-US')} parameters)`)
      expect(lines[1]).toMatch(
        /^360 names to train on, 40 held out; AdamW 0\.0\d+ \(warmup, cosine to 0\), batch 16, 2 epochs, seed 0$/,
      )
      expect(lines[3]).toMatch(/^epoch 2\/2: loss \d\.\d{3}, validation \d\.\d{3} nats\/char, \d+\.\d s$/)
    })
  }

  it('counts the parameters: a GRU of 16 → 32 on 20 characters', () => {
    const r = trainOnNames('gru', { epochs: 1, limit: 30, width: 16, depth: 32, samples: 1 })
    const v = r.vocab.size
    // embedding v·16, gru 3·(16·32 + 32·32) + 2·3·32 biases, linear 32·v + v
    expect(r.parameters).toBe(v * 16 + 3 * (16 * 32 + 32 * 32) + 6 * 32 + 32 * v + v)
    expect(r.architecture).toBe(`embedding ${v} → 16, gru 16 → 32, linear 32 → ${v}`)
  })

  it("starts the LSTM's forget gate open: the f block of bx + bh is 1, the other gates' biases are as the layer drew them", () => {
    const params = namesModel('lstm', { vocabSize: 10, blockSize: 6, width: 4, depth: 3 }).init(0)
    const cell = params[1] as RecurrentParams
    const bias = Array.from(cell.bx!.data, (b, i) => b + cell.bh!.data[i]!)
    expect(bias.slice(3, 6)).toEqual([1, 1, 1])
    for (const b of [...bias.slice(0, 3), ...bias.slice(6)]) expect(Math.abs(b)).toBeLessThanOrEqual(2 / Math.sqrt(3))
  })

  it("cuts the padding after a batch's longest row, and nothing else", () => {
    const x = tensor(
      [
        [1, 3, 4, 0, 0, 0],
        [1, 4, 0, 0, 0, 0],
      ],
      { dtype: 'int32' },
    )
    const cut = trimPadding(x, 0)
    expect(cut.shape).toEqual([2, 3])
    expect(cut.toArray()).toEqual([
      [1, 3, 4],
      [1, 4, 0],
    ])
    const full = tensor(
      [
        [1, 2],
        [1, 0],
      ],
      { dtype: 'int32' },
    )
    expect(trimPadding(full, 0)).toBe(full)
    expect(trimPadding(tensor([[0, 0, 0]], { dtype: 'int32' }), 0).shape).toEqual([1, 1])
  })

  for (const kind of namesModels) {
    it(`${kind}: the cut changes no logit (the model is causal)`, () => {
      const model = namesModel(kind, { vocabSize: 7, blockSize: 6, width: 8, depth: kind === 'transformer' ? 2 : 5 })
      const params = model.init(3)
      const x = tensor(
        [
          [1, 3, 4, 5, 0, 0],
          [1, 6, 2, 0, 0, 0],
        ],
        { dtype: 'int32' },
      )
      const whole = model.apply(params, x).value as Tensor<'float32'>
      const cut = model.apply(params, trimPadding(x, 0)).value as Tensor<'float32'>
      expect(cut.shape).toEqual([2, 4, 7])
      const first = (whole.toArray() as number[][][]).map((row) => row.slice(0, 4))
      const got = cut.toArray() as number[][][]
      // the same arithmetic on fewer positions; float32 kernels may sum in another order
      got.flat(2).forEach((v, i) => expect(v).toBeCloseTo(first.flat(2)[i]!, 5))
    })
  }

  it('warms the learning rate up over a twentieth of the steps, then follows a cosine to 0', () => {
    const lr = warmupCosine(1, 105) // warmup 5 steps, then 100 of cosine
    expect([0, 1, 5].map(lr)).toEqual([0, 0.2, 1])
    expect(lr(55)).toBeCloseTo(0.5, 12) // half way down: ½(1 + cos π/2)
    expect(lr(105)).toBe(0)
    expect(lr(150)).toBe(0)
    expect(warmupCosine(2, 10_000)(100)).toBe(2) // the warmup is at most 100 steps
  })

  it('rejects bad settings', () => {
    expect(() => trainOnNames('rnn' as never)).toThrow(
      "trainOnNames: kind must be one of 'transformer', 'gru', 'lstm', got rnn",
    )
    expect(() => trainOnNames('gru', { epochs: 0 })).toThrow('trainOnNames: epochs must be a positive integer, got 0')
    expect(() => trainOnNames('transformer', { learningRate: -1 })).toThrow(
      'trainOnNames: learningRate must be a finite number > 0, got -1',
    )
    expect(() => trainOnNames('transformer', { width: 30 })).toThrow(
      "trainOnNames: width must be a multiple of 4 (the transformer's heads), got 30",
    )
    expect(() => trainOnNames('gru', { epoch: 2 } as never)).toThrow('did you mean epochs?')
    expect(() => namesModel('rnn' as never, { vocabSize: 5, blockSize: 4, width: 8, depth: 1 })).toThrow(
      "namesModel: kind must be one of 'transformer', 'gru', 'lstm', got rnn",
    )
    expect(() => namesModel('gru', { vocabSize: 5, blockSize: 4, width: 8 } as never)).toThrow(
      'namesModel: depth must be a positive integer, got undefined',
    )
    expect(() => trimPadding(tensor([[1.5, 0]]), 0)).toThrow(
      'trimPadding: x must be an int32 tensor [rows, time], got ',
    )
    expect(() => trimPadding(tensor([1, 0], { dtype: 'int32' }), 0)).toThrow(
      'trimPadding: x must be an int32 tensor [rows, time], got ',
    )
    expect(() => trimPadding(tensor([[1, 0]], { dtype: 'int32' }), 0.5)).toThrow(
      'trimPadding: padId must be an integer, got 0.5',
    )
  })
})
