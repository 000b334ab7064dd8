import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import { parseArgs } from './cli.js'
import type { Contender, WorkloadResult } from './harness.js'
import { initPeers } from './peers.js'
import { summarize } from './stats.js'
import { formatMs, markdownTable, rows, textTable } from './table.js'
import { matmulWorkload } from './workloads/matmul.js'
import { mlpWorkload } from './workloads/mlp.js'
import { optimizerUpdateWorkload } from './workloads/optimizerUpdate.js'
import { recurrentWorkload } from './workloads/recurrent.js'

describe('statistics', () => {
  it('takes the median and range', () => {
    expect(summarize([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, samples: 3 })
    // even count: mean of the middle two, (2 + 3) / 2
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, samples: 4 })
  })
  it('rejects no samples and non-finite ones', () => {
    expect(() => summarize([])).toThrow('summarize: need at least one sample, got 0')
    expect(() => summarize([1, NaN])).toThrow('summarize: samples must be finite numbers, got NaN')
  })
})

describe('table', () => {
  const fake: WorkloadResult[] = [
    {
      name: 'adam 1M',
      description: 'fake',
      bytes: 28e6,
      results: [
        { name: '@gd', summary: summarize([4, 5, 6, 5, 5]) },
        { name: 'tfjs-cpu', summary: summarize([200, 210, 190, 200, 205]) },
        { name: 'tfjs-wasm', error: "Kernel 'X' not registered for backend 'wasm'" },
      ],
    },
  ]
  it('gives ratios against @gd, GB/s and the reason a peer cannot run', () => {
    const [gd, cpu, wasm] = rows(fake)
    expect(gd).toMatchObject({ median: '5.00', range: '4.00–6.00', ratio: '1', gbps: '5.60' }) // 28e6 B / 5 ms
    expect(cpu).toMatchObject({ median: '200', ratio: '40.00×', gbps: '0.14' }) // 200 / 5
    expect(wasm).toMatchObject({ median: '—', note: "cannot run: Kernel 'X' not registered for backend 'wasm'" })
  })
  it('formats text and Markdown', () => {
    const text = textTable(rows(fake)).split('\n')
    expect(text[0]).toMatch(/^workload\s+library\s+median ms\s+min–max ms\s+peer\/@gd\s+GB\/s\s+note$/)
    expect(text).toHaveLength(5)
    const md = markdownTable(rows(fake)).split('\n')
    expect(md[2]).toBe('| adam 1M | @gd | 5.00 | 4.00–6.00 | 1 | 5.60 |  |')
    expect(formatMs(0.01234)).toBe('0.0123')
    expect(formatMs(123.4)).toBe('123')
  })
  it('parses flags', () => {
    expect(parseArgs(['--quick', '--only', 'matmul'])).toEqual({ quick: true, only: 'matmul', out: 'results' })
    expect(parseArgs(['--only=cnn'])).toEqual({ quick: false, only: 'cnn', out: 'results' })
    expect(parseArgs(['--threads'])).toEqual({ quick: false, threads: true, out: 'results' })
    expect(() => parseArgs(['--fast'])).toThrow('bench: unknown argument --fast')
    expect(() => parseArgs(['--only'])).toThrow('bench: --only needs a value, got nothing')
  })
})

/** Runs each contender's check once (untimed) and returns the numbers by contender name (none for a contender without a check). */
async function checks(contenders: Contender[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const c of contenders) {
    const p = await c.prepare()
    await p.activate?.()
    if (p.check !== undefined) out[c.name] = await p.check()
    p.dispose?.()
  }
  return out
}

describe('contenders compute the same numbers', { timeout: 60_000 }, () => {
  it('4×4 matmul, plain and transposed', async () => {
    await initPeers()
    for (const t of ['none', 'a', 'b'] as const) {
      const got = await checks(matmulWorkload(4, t).contenders)
      expect(Object.keys(got)).toEqual(['@gd', 'tfjs-cpu', 'tfjs-wasm', 'jax-js'])
      // float32 sums of four products each, then a weighted checksum: agreement to ~1e-5 relative
      for (const v of Object.values(got)) expect(v).toBeCloseTo(got['@gd']!, 3)
    }
  })
  it('the first MLP training step gives the same loss', async () => {
    await initPeers()
    const got = await checks(mlpWorkload([6, 5, 3], 4).contenders)
    // all start from @gd's weights; a loss near log 3 ≈ 1.1 for three classes
    for (const v of Object.values(got)) expect(v).toBeCloseTo(got['@gd']!, 4)
  })
  it('the first LSTM and GRU training steps give the same loss', async () => {
    await initPeers()
    const sizes = { batch: 3, time: 4, input: 5, hidden: 6, classes: 3 }
    const lstm = await checks(recurrentWorkload('lstm', sizes).contenders)
    expect(Object.keys(lstm)).toEqual(['@gd', 'tfjs-cpu', 'tfjs-wasm', 'jax-js'])
    for (const v of Object.values(lstm)) expect(v).toBeCloseTo(lstm['@gd']!, 4)
    // TF.js's GRU is Keras's reset-before form, another function: only jax-js is compared
    const gru = await checks(recurrentWorkload('gru', sizes).contenders)
    expect(Object.keys(gru)).toEqual(['@gd', 'jax-js'])
    expect(gru['jax-js']).toBeCloseTo(gru['@gd']!, 4)
    expect(gru['@gd']).toBeGreaterThan(0.5) // about ln 3 ≈ 1.1 at the start
  })
  it('one Adam and one SGD-momentum update agree', async () => {
    await initPeers()
    for (const kind of ['adam', 'sgd'] as const) {
      const got = await checks(optimizerUpdateWorkload(kind, 16).contenders)
      // TF.js's Adam folds the bias correction into its learning rate and eps: agree to ~1e-5
      for (const v of Object.values(got)) expect(v).toBeCloseTo(got['@gd']!, 3)
    }
  })
  it('TF.js training steps leave no tensors behind', async () => {
    await initPeers()
    const [, cpu] = mlpWorkload([6, 5, 3], 4).contenders
    const p = await cpu!.prepare()
    p.step()
    const before = tf.memory().numTensors
    for (let i = 0; i < 3; i++) p.step()
    expect(tf.memory().numTensors).toBe(before)
    p.dispose?.()
  })
})
