import { mean, square, sub, type Var } from '@gd/autograd'
import { batchNorm, linear, relu, sequential } from '@gd/nn'
import { adamw } from '@gd/optimizers'
import { initWasm, memoryStats, normal, prngKey, type Tensor, type Tree } from '@gd/tensor'
import { useScopes } from '@gd/tensor/internal'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Callback } from './callback.js'
import type { Checkpoint } from './checkpoint.js'
import { checkpoints } from './checkpoints.js'
import { earlyStopping } from './earlyStopping.js'
import { fit, type FitOptions } from './fit.js'

// A model whose weights and activations have 64 elements or more (the arena's minimum), so that with
// the scopes on its step's results are born in the arena: 16 → 8 → 8 → 4 at batch 16.
const model = sequential(linear(16, 8), relu(), linear(8, 8), relu(), linear(8, 4))
const data = {
  x: normal(prngKey(1), [64, 16]),
  y: normal(prngKey(2), [64, 4]),
}
const validation = { x: normal(prngKey(3), [32, 16]), y: normal(prngKey(4), [32, 4]) }
const mse = (p: Var, y: Tensor) => mean(square(sub(p, y)))

function options(extra: Partial<FitOptions<unknown>> = {}): FitOptions<unknown> {
  return {
    model,
    params: model.init(0),
    data,
    loss: mse,
    optimizer: adamw({ learningRate: 1e-2, weightDecay: 0.01 }),
    batchSize: 16,
    epochs: 3,
    ...extra,
  }
}

const flat = (tree: unknown): number[][] => (tree as Tensor[] | Record<string, unknown>[]).flatMap(leaves)
function leaves(node: unknown): number[][] {
  if (node !== null && typeof node === 'object' && 'shape' in node) return [Array.from((node as Tensor).data)]
  if (Array.isArray(node)) return node.flatMap(leaves)
  if (node !== null && typeof node === 'object') return Object.values(node).flatMap(leaves)
  return []
}

/** Runs `f` with the scopes on or off, restoring the setting after. */
function scoped<T>(on: boolean, f: () => T): T {
  const restore = useScopes(on)
  try {
    return f()
  } finally {
    restore()
  }
}

describe("fit's step scope", () => {
  beforeAll(async () => {
    await initWasm() // the scopes place results in the Wasm arena, which the kernels' loading reserves
  })
  afterAll(() => {
    expect(memoryStats().openScopes).toBe(0)
  })

  it('1,000 steps keep the arena flat: no fallback, the same bytes in use after step 10 and step 1,000', () => {
    const used: number[] = []
    const owned: number[] = []
    const meter: Callback = {
      name: 'meter',
      onStepEnd: (ctx) => {
        if (ctx.step !== 10 && ctx.step !== 1000) return
        used.push(memoryStats().usedBytes)
        owned.push(memoryStats().scopedBytes)
      },
    }
    const before = memoryStats()
    const r = scoped(true, () => fit(options({ epochs: 250, callbacks: [meter] }))) // 4 steps an epoch
    const after = memoryStats()
    expect(r.step).toBe(1000)
    expect(used).toHaveLength(2)
    expect(used[1]).toBe(used[0])
    // between steps the run scope owns the parameters and adamw's state in the arena, as many bytes each time
    expect(owned[0]).toBeGreaterThan(0)
    expect(owned[1]).toBe(owned[0])
    expect(after.fallbacks - before.fallbacks).toBe(0)
    // every step released its intermediates into the pool (so the scopes were really on)
    expect(after.releasedBlocks - before.releasedBlocks).toBeGreaterThan(1000)
    // at the end the run's trees were copied out and the run scope closed: no scope owns a block. (usedBytes
    // itself stays 1,024 bytes up until the collector runs: adamw's first state, m and v of the 128-element
    // weight, made by init in the arena, which the collector owns as it owns any toWasmMemory tree)
    expect(after.scopedBytes).toBe(before.scopedBytes)
    expect(after.openScopes).toBe(0)
    expect(flat(r.params).every((v) => v.every(Number.isFinite))).toBe(true)
  })

  it('stays flat when a callback replaces the parameters between steps (the replaced ones are released too)', () => {
    const used: number[] = []
    const swapper: Callback = {
      name: 'swapper',
      onEpochEnd: (ctx) => ctx.setParams(ctx.params), // a JS-heap copy in place of the run's own
      onStepEnd: (ctx) => {
        if (ctx.step === 10 || ctx.step === 400) used.push(memoryStats().usedBytes)
      },
    }
    const r = scoped(true, () => fit(options({ epochs: 100, callbacks: [swapper] })))
    expect(r.step).toBe(400)
    expect(used[1]).toBe(used[0])
  })

  it('gives the same loss history, parameters and optimizer state bit for bit with the scopes on and off', () => {
    const on = scoped(true, () => fit(options({ validation })))
    const off = scoped(false, () => fit(options({ validation })))
    expect(on.history).toEqual(off.history)
    expect(flat(on.params)).toEqual(flat(off.params))
    expect(flat([on.optimizerState])).toEqual(flat([off.optimizerState]))
    expect(on.history).toHaveLength(3)
  })

  it('threads a model state (batchNorm over 64 channels, in the arena) through the steps, bit for bit with the scopes off', () => {
    const normed = sequential(linear(16, 64), batchNorm(64), relu(), linear(64, 4))
    const run = (on: boolean) =>
      scoped(on, () => fit(options({ model: normed, params: normed.init(0), validation, epochs: 5 })))
    const on = run(true)
    const off = run(false)
    expect(on.history).toEqual(off.history)
    expect(flat([on.state])).toEqual(flat([off.state]))
    expect(flat(on.params)).toEqual(flat(off.params))
    // the running mean moved away from its start (0) in 20 steps of momentum 0.1
    expect(
      flat([on.state])
        .flat()
        .some((v) => v !== 0 && v !== 1),
    ).toBe(true)
  })

  it("leaves the caller's parameters as they were", () => {
    const params = model.init(0)
    const start = flat(params)
    scoped(true, () => fit(options({ params })))
    expect(flat(params)).toEqual(start)
  })

  it("earlyStopping's restoreBest restores the best epoch's parameters, the same with the scopes on and off", () => {
    const run = (on: boolean) => {
      const seen: number[][][] = []
      const recorder: Callback = { name: 'recorder', onEpochEnd: (ctx) => seen.push(flat(ctx.params)) }
      const stopper = earlyStopping({ patience: 2, restoreBest: true })
      const r = scoped(on, () =>
        fit(
          options({
            validation,
            epochs: 40,
            optimizer: adamw({ learningRate: 0.1 }), // big steps: the validation loss soon rises
            callbacks: [recorder, stopper],
          }),
        ),
      )
      return { r, seen, best: stopper.state().bestEpoch }
    }
    const on = run(true)
    const off = run(false)
    expect(on.r.stopReason).toMatch(/^early stopping: valLoss has not improved for 2 epochs/)
    expect(on.best).toBe(off.best)
    expect(on.best).toBeLessThan(on.r.history.length - 1)
    // the parameters kept at the best epoch (a copy: the run released its own since) are the ones restored
    expect(flat(on.r.params)).toEqual(on.seen[on.best])
    expect(flat(on.r.params)).toEqual(flat(off.r.params))
  })

  it('a run resumed from a checkpoint continues the uninterrupted run bit for bit', () => {
    const saved: Checkpoint[] = []
    const whole = scoped(true, () =>
      fit(options({ epochs: 4, callbacks: [checkpoints({ save: (c) => saved.push(c), everyEpochs: 1 })] })),
    )
    const resumed = scoped(true, () => fit(options({ epochs: 4, resume: saved[1]! })))
    expect(saved[1]!.step).toBe(8) // after epoch 2 of 4 steps
    expect(resumed.history).toEqual(whole.history)
    expect(flat(resumed.params)).toEqual(flat(whole.params))
  })

  it("a callback that keeps a step's gradients gets the released error when it reads them later; ctx.params it keeps stay readable", () => {
    let grads: Tree | undefined
    let params: Tree | undefined
    let inside = NaN
    const keeper: Callback = {
      name: 'keeper',
      onGradients: (ctx, info) => {
        if (ctx.step !== 2) return
        grads = info.grads
        params = ctx.params
        inside = (info.grads as { w: Tensor }[])[0]!.w.data[0]! // readable inside the hook
      },
    }
    const r = scoped(true, () => fit(options({ epochs: 1, callbacks: [keeper] })))
    expect(r.step).toBe(4)
    expect(Number.isFinite(inside)).toBe(true)
    const w = (grads as { w: Tensor }[])[0]!.w
    expect(() => w.data).toThrow(
      "fit: this tensor was an intermediate of fit and was released when it returned; fit releases each step's " +
        'gradients and intermediates when the step ends: a callback that keeps one past its hook must copy it ' +
        '(tensor(g.data.slice(), { shape: g.shape }))',
    )
    // the parameters it kept (before step 2's update) differ from the final ones and read as numbers
    const kept = flat(params)
    expect(kept.every((v) => v.every(Number.isFinite))).toBe(true)
    expect(kept).not.toEqual(flat(r.params))
  })

  it('a step that throws releases what it made, closes the run scope and leaves kept copies readable', () => {
    let grads: Tree | undefined
    let params: Tree | undefined
    const thrower: Callback = {
      name: 'thrower',
      onGradients: (ctx, info) => {
        if (ctx.step === 3) params = ctx.params
        if (ctx.step !== 5) return
        grads = info.grads
        throw new Error('boom')
      },
    }
    const before = memoryStats()
    expect(() => scoped(true, () => fit(options({ callbacks: [thrower] })))).toThrow('boom')
    const after = memoryStats()
    expect(after.openScopes).toBe(0)
    expect(after.scopedBytes).toBe(before.scopedBytes)
    expect(() => (grads as { w: Tensor }[])[0]!.w.data).toThrow(
      'fit: this tensor was an intermediate of fit and was released when it threw;',
    )
    expect(flat(params).every((v) => v.every(Number.isFinite))).toBe(true)
    // and the next run is as if nothing happened
    const again = scoped(true, () => fit(options()))
    const off = scoped(false, () => fit(options()))
    expect(again.history).toEqual(off.history)
  })

  it('with the scopes off, a kept gradient stays readable (nothing changes)', () => {
    let grads: Tree | undefined
    const keeper: Callback = { name: 'keeper', onGradients: (_ctx, info) => void (grads = info.grads) }
    scoped(false, () => fit(options({ epochs: 1, callbacks: [keeper] })))
    expect(Number.isFinite((grads as { w: Tensor }[])[0]!.w.data[0]!)).toBe(true)
  })
})
