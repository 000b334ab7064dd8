import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import { parseArgs } from './cli.js'
import { runWorkload, type Contender, type WorkloadResult } from './harness.js'
import { initPeers } from './peers.js'
import { summarize } from './stats.js'
import { formatMs, markdownTable, rows, textTable, yardstick } from './table.js'
import { matmulWorkload } from './workloads/matmul.js'
import { mlpWorkload } from './workloads/mlp.js'
import { optimizerUpdateWorkload } from './workloads/optimizerUpdate.js'
import { recurrentWorkload } from './workloads/recurrent.js'
import { convTransposeWorkload } from './workloads/convTranspose.js'
import { languageModelWorkload, transformerBlockWorkload } from './workloads/transformer.js'
import { lowerCaseNames, namesBatch } from './workloads/names.js'
import {
  namesGruFlops,
  namesGruWorkload,
  namesTransformerFlops,
  namesTransformerWorkload,
} from './workloads/namesSteps.js'
import { workloads } from './workloads/index.js'

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
    expect(text[0]).toMatch(/^workload\s+library\s+median ms\s+min–max ms\s+peer\/@gd\s+GB\/s\s+GFLOP\/s\s+note$/)
    expect(text).toHaveLength(5)
    const md = markdownTable(rows(fake)).split('\n')
    expect(md[2]).toBe('| adam 1M | @gd | 5.00 | 4.00–6.00 | 1 | 5.60 |  |  |')
    expect(formatMs(0.01234)).toBe('0.0123')
    expect(formatMs(123.4)).toBe('123')
  })
  it('says why a peer was not timed', () => {
    const [, peer] = rows([
      {
        name: 'w',
        description: 'fake',
        results: [fake[0]!.results[0]!, { name: 'p', mismatch: 'its answer 2 differs', check: 2 }],
      },
    ])
    expect(peer).toMatchObject({ median: '—', ratio: '—', note: 'not timed: its answer 2 differs' })
  })
  it("sets a step's GFLOP/s beside matmul 512's", () => {
    const timed = (name: string, flops: number, ms: number): WorkloadResult => ({
      name,
      description: 'fake',
      flops,
      results: [{ name: '@gd', summary: summarize([ms, ms, ms]) }],
    })
    const matmul = timed('matmul 512', 2 * 512 ** 3, 6.68) // 40.2 GFLOP/s
    const step = timed('step', 320e6, 19.3) // 16.6 GFLOP/s
    expect(rows([step])[0]!.gflops).toBe('16.6')
    expect(yardstick([matmul, timed('matmul 1024', 2 * 1024 ** 3, 60), step])).toBe(
      '@gd against matmul 512 (40.2 GFLOP/s): step 41%',
    )
    // with a peer timed: the step at matmul 512's rate, 320 MFLOP / 40.2 GFLOP/s = 7.96 ms, against the fastest peer
    const peer = (name: string, ms: number) => ({ name, summary: summarize([ms]) })
    const peers = { ...step, results: [...step.results, peer('slow', 80), peer('fast', 20)] }
    expect(yardstick([matmul, peers])).toBe(
      '@gd against matmul 512 (40.2 GFLOP/s): step 41% (at 100%: 7.96 ms, 2.51× fast)',
    )
    expect(yardstick([step])).toBeNull() // no yardstick in the run
    expect(yardstick([matmul])).toBeNull() // nothing to set beside it
  })
  it('counts the products of the MLP, transformer and GRU steps', () => {
    // forward 2·128·(784·256 + 256·128 + 128·10) = 60.1M; backward ∂W of all three and ∂x of the last two
    expect(mlpWorkload([784, 256, 128, 10], 128).flops).toBe(3 * 60_096_512 - 2 * 128 * 784 * 256)
    // issue 18's "about 320 MFLOP": 3 · (2 · (24·512·64² + 4·32·16²·64) + 2·512·64·28)
    expect(namesTransformerFlops({ batch: 32, time: 16, width: 64, heads: 4, blocks: 2 }, 28)).toBe(320_077_824)
    // 3 · (6·512·128·(32 + 128) + 2·512·128·28)
    expect(namesGruFlops({ batch: 32, time: 16, width: 32, hidden: 128 }, 28)).toBe(199_753_728)
  })
  it('parses flags', () => {
    expect(parseArgs(['--quick', '--only', 'matmul'])).toEqual({ quick: true, only: 'matmul', out: 'results' })
    expect(parseArgs(['--only=cnn'])).toEqual({ quick: false, only: 'cnn', out: 'results' })
    expect(parseArgs(['--threads'])).toEqual({ quick: false, threads: true, out: 'results' })
    expect(() => parseArgs(['--fast'])).toThrow('bench: unknown argument --fast')
    expect(() => parseArgs(['--only'])).toThrow('bench: --only needs a value, got nothing')
  })
})

describe('harness', () => {
  const fixed = (name: string, answer: number): Contender => ({
    name,
    prepare: () => ({ step: () => {}, check: async () => answer }),
  })
  it("times only the peers whose answer agrees with @gd's", async () => {
    const w = {
      name: 'w',
      description: 'fake',
      contenders: [
        fixed('@gd', 2),
        fixed('close', 2.001),
        fixed('off', 2.01),
        { name: 'none', prepare: () => ({ step: () => {} }) },
      ],
    }
    const got = await runWorkload(w, { samples: 5, minSampleMs: 0.01, warmup: 0 })
    const [gd, close, off, none] = got.results
    expect(gd!.check).toBe(2)
    expect(gd!.summary?.samples).toBe(5)
    expect(close!.summary?.samples).toBe(5) // |2.001 − 2| = 5e-4 · 2 ≤ 1e-3 · 2
    expect(off).toEqual({
      name: 'off',
      check: 2.01,
      mismatch: "its answer 2.010000 differs from @gd's 2.000000 by more than 0.001 (relative)",
    })
    expect(none!.summary?.samples).toBe(5) // no check, nothing to compare
    const loose = await runWorkload({ ...w, tolerance: 0.01 }, { samples: 5, minSampleMs: 0.01, warmup: 0 })
    expect(loose.results[2]!.summary?.samples).toBe(5) // 0.01 · 2 = 0.02 ≥ 0.01
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

/**
 * Each contender's gradient checksums at the initial weights (see `Prepared.gradients`), then the
 * first step's loss; a contender that cannot run gives the reason instead.
 */
async function gradientsAndLoss(
  contenders: Contender[],
): Promise<Record<string, { gradients: number[]; loss: number } | string>> {
  const out: Record<string, { gradients: number[]; loss: number } | string> = {}
  for (const c of contenders) {
    const p = await c.prepare()
    try {
      await p.activate?.()
      const gradients = await p.gradients!()
      out[c.name] = { gradients, loss: await p.check!() }
    } catch (e) {
      out[c.name] = (e as Error).message
    } finally {
      p.dispose?.()
    }
  }
  return out
}

/**
 * Every contender's loss agrees with @gd's to ~1e-6 relative, and each gradient checksum to 1e-4 of
 * the largest one (float32 sums in other orders; a checksum can be ~0, as the attention's key bias's
 * is: a constant added to every key's score leaves the softmax unchanged).
 */
function expectAgreement(got: Record<string, { gradients: number[]; loss: number } | string>, names: string[]): void {
  const gd = got['@gd'] as { gradients: number[]; loss: number }
  const scale = Math.max(...gd.gradients.map(Math.abs))
  for (const name of names) {
    const c = got[name] as { gradients: number[]; loss: number }
    expect(c.loss, name).toBeCloseTo(gd.loss, 5)
    expect(c.gradients, name).toHaveLength(gd.gradients.length)
    c.gradients.forEach((g, i) =>
      expect(Math.abs(g - gd.gradients[i]!), `${name}: gradient ${i}`).toBeLessThan(1e-4 * scale),
    )
  }
}

/**
 * The loss of each contender after `steps` AdamW steps from the same weights agrees with @gd's to
 * 1e-5 relative: the optimizers' updates (and TF.js's decay before its Adam step) are the same.
 */
async function expectSameAfterSteps(contenders: Contender[], steps: number): Promise<void> {
  const losses: Record<string, number[]> = {}
  for (const c of contenders) {
    const p = await c.prepare()
    await p.activate?.()
    losses[c.name] = []
    for (let i = 0; i <= steps; i++) losses[c.name]!.push(await p.check!()) // the loss before step i + 1
    p.dispose?.()
  }
  const gd = losses['@gd']!
  expect(gd[steps]).toBeLessThan(gd[0]!) // the steps lowered the loss
  for (const [name, l] of Object.entries(losses))
    expect(Math.abs(l[steps]! - gd[steps]!), name).toBeLessThan(1e-5 * gd[steps]!)
}

describe('workloads', () => {
  it("has issue 18's two steps under the names the README's table uses, smaller in quick mode", () => {
    const names = workloads(false).map((w) => w.name)
    expect(names).toContain('transformer step b32 t16 d64 h4 ×2 (AdamW)')
    expect(names).toContain('GRU step b32 t16 h128 (AdamW)')
    expect(names).toContain('transformer LM 2 blocks b32×16 d64 vocab 28') // every earlier workload stays
    const quick = workloads(true).map((w) => w.name)
    expect(quick).toContain('transformer step b8 t8 d32 h4 ×2 (AdamW)')
    expect(quick).toContain('GRU step b8 t8 h32 (AdamW)')
  })
})

describe('names data', () => {
  it('has the 8,422 lower-cased first names and encodes them as @gd/train does', () => {
    const names = lowerCaseNames()
    expect(names).toHaveLength(8422)
    expect(names.slice(0, 2)).toEqual(['aaren', 'aarika'])
    const data = namesBatch(2, 8)
    // names 0 and 4211; ids: 0 pad, 1 begin, 2 end, 3 '-', 4 'a', …, 29 'z'
    expect(data.vocab).toBe(30)
    // 'aaren': begin a a r e n → a a r e n end
    expect(Array.from(data.x.subarray(0, 8))).toEqual([1, 4, 4, 21, 8, 17, 0, 0])
    expect(Array.from(data.y.subarray(0, 8))).toEqual([4, 4, 21, 8, 17, 2, 0, 0])
    expect(data.counted).toBe(6 + names[4211]!.length + 1)
  })
})

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
  it('the transformer block: same loss and gradients in all four', async () => {
    await initPeers()
    const got = await gradientsAndLoss(transformerBlockWorkload({ batch: 2, time: 3, width: 8, heads: 2 }).contenders)
    expect(Object.keys(got)).toEqual(['@gd', 'tfjs-cpu', 'tfjs-wasm', 'jax-js'])
    // 16 parameters: two layer norms' γ, β, four projections' W, b, two MLP layers' W, b
    expect((got['@gd'] as { gradients: number[] }).gradients).toHaveLength(16)
    expectAgreement(got, ['tfjs-cpu', 'tfjs-wasm', 'jax-js'])
    expect((got['@gd'] as { loss: number }).loss).toBeGreaterThan(1) // MSE of unit-variance outputs against N(0, 1) targets: about 2
  })
  it('the transformer language model: same loss and gradients; TF.js wasm cannot train an embedding', async () => {
    await initPeers()
    const got = await gradientsAndLoss(
      languageModelWorkload({ batch: 2, time: 3, width: 8, heads: 2, blocks: 2, vocab: 5 }).contenders,
    )
    // embedding, position, 2 × 16 in the blocks, final norm γ, β, head W, b
    expect((got['@gd'] as { gradients: number[] }).gradients).toHaveLength(38)
    expectAgreement(got, ['tfjs-cpu', 'jax-js'])
    expect(got['tfjs-wasm']).toBe("Kernel 'UnsortedSegmentSum' not registered for backend 'wasm'")
    expect((got['@gd'] as { loss: number }).loss).toBeGreaterThan(1) // near ln 5 ≈ 1.6 at the start
  })
  it('the transposed-convolution generator: same loss and gradients; TF.js wasm cannot train it', async () => {
    await initPeers()
    const got = await gradientsAndLoss(convTransposeWorkload({ batch: 2, latent: 5, channels: 4 }).contenders)
    expect((got['@gd'] as { gradients: number[] }).gradients).toHaveLength(6) // linear W, b and two filters and biases
    expectAgreement(got, ['tfjs-cpu', 'jax-js'])
    expect(got['tfjs-wasm']).toBe("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'")
  })
  it('the names transformer: same loss and gradients in all four, and the same loss after two AdamW steps', async () => {
    await initPeers()
    const w = namesTransformerWorkload({ batch: 3, time: 16, width: 8, heads: 2, blocks: 2 })
    const got = await gradientsAndLoss(w.contenders)
    expect(Object.keys(got)).toEqual(['@gd', 'tfjs-cpu', 'tfjs-wasm', 'jax-js'])
    // embedding, position, 2 × 16 in the blocks, final norm γ, β, head W, b
    expect((got['@gd'] as { gradients: number[] }).gradients).toHaveLength(38)
    expectAgreement(got, ['tfjs-cpu', 'tfjs-wasm', 'jax-js'])
    expect((got['@gd'] as { loss: number }).loss).toBeGreaterThan(3) // near ln 30 ≈ 3.4 at the start
    await expectSameAfterSteps(w.contenders, 2)
  })
  it('the names GRU: same loss and gradients in all four, and the same loss after two AdamW steps', async () => {
    await initPeers()
    const w = namesGruWorkload({ batch: 3, time: 16, width: 4, hidden: 6 })
    const got = await gradientsAndLoss(w.contenders)
    expect(Object.keys(got)).toEqual(['@gd', 'tfjs-cpu', 'tfjs-wasm', 'jax-js'])
    // embedding W; the GRU's wx, wh, bx, bh; head W, b
    expect((got['@gd'] as { gradients: number[] }).gradients).toHaveLength(7)
    expectAgreement(got, ['tfjs-cpu', 'tfjs-wasm', 'jax-js'])
    expect((got['@gd'] as { loss: number }).loss).toBeGreaterThan(3) // near ln 30 ≈ 3.4 at the start
    await expectSameAfterSteps(w.contenders, 2)
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
    const sizes = { batch: 2, time: 3, width: 8, heads: 2 }
    for (const w of [
      mlpWorkload([6, 5, 3], 4),
      transformerBlockWorkload(sizes),
      languageModelWorkload({ ...sizes, blocks: 2, vocab: 5 }),
      namesTransformerWorkload({ ...sizes, blocks: 2 }),
      namesGruWorkload({ batch: 2, time: 3, width: 4, hidden: 5 }),
    ]) {
      const [, cpu] = w.contenders
      const start = tf.memory().numTensors
      const p = await cpu!.prepare()
      p.step()
      const before = tf.memory().numTensors
      for (let i = 0; i < 3; i++) p.step()
      expect(tf.memory().numTensors, w.name).toBe(before)
      await p.gradients?.()
      p.dispose?.()
      expect(tf.memory().numTensors, w.name).toBe(start) // variables, inputs, mask and Adam's slots freed
    }
  })
})
