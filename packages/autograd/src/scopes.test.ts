import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as T from '@gd/tensor'
import { useScopes } from '@gd/tensor/internal'
import * as AG from './index.js'
import type { Var } from './variable.js'

// The transforms own the float32 results made inside them (scopes of @gd/tensor, runtime/scope.ts):
// these tests switch scopes on whatever GD_SCOPES says, and load the Wasm kernels so that results of
// 64 elements or more are born in the arena.
let restore: () => void
beforeAll(async () => {
  await T.initWasm()
  restore = useScopes(true)
})
afterAll(() => restore())

const released = (op: string, advice: string, how = 'returned') =>
  `${op}: this tensor was an intermediate of ${op} and was released when it ${how}; ${advice}`
const ramp = (n: number, scale = 1, shape?: number[]) =>
  T.tensor(
    Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 0.37) * scale)),
    shape ? { shape } : {},
  )
const bits = (t: T.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.data as Float32Array).buffer))

describe('transforms release their intermediates', () => {
  it('valueAndGrad: a kept intermediate throws the message; value, aux, gradients and their views read right', () => {
    let leaked: Var | undefined
    const w = ramp(128)
    const loss = (p: Var) => {
      leaked = AG.mul(p, 3)
      const h = AG.tanh(leaked)
      return [AG.sum(AG.square(h)), { h, first: AG.reshape(h, [2, 64]) }] as const
    }
    const [[value, aux], g] = AG.valueAndGrad(loss, { hasAux: true })(w)
    expect(() => leaked!.value.data).toThrow(released('valueAndGrad', 'return it as aux (hasAux: true) to keep it'))
    expect(() => leaked!.toArray()).toThrow('valueAndGrad: this tensor was an intermediate of valueAndGrad')
    // the float64 reference: Σ tanh²(3w), ∂/∂w = 6 tanh(3w)(1 − tanh²(3w))
    const xs = Array.from(w.data)
    const ref = xs.reduce((s, x) => s + Math.tanh(3 * x) ** 2, 0)
    expect(Math.abs(value.item() - ref)).toBeLessThan(1e-5 * ref)
    const gs = Array.from(g.data)
    xs.forEach((x, i) => {
      const t = Math.tanh(3 * x)
      expect(Math.abs(gs[i]! - 6 * t * (1 - t * t))).toBeLessThan(1e-5)
    })
    expect(aux.h.value.data[5]).toBeCloseTo(Math.tanh(3 * xs[5]!), 6)
    expect((aux.first.value.toArray() as number[][])[1]![0]).toBeCloseTo(Math.tanh(3 * xs[64]!), 6)
  })

  it('grad: gradients of a tree, with a view among them, read right after return', () => {
    const params = { w: ramp(96, 1, [8, 12]), b: ramp(12) }
    const g = AG.grad((p: { w: Var; b: Var }) => AG.sum(AG.square(AG.add(p.w, p.b))))(params)
    const w = params.w.toArray() as number[][]
    const b = params.b.toArray() as number[]
    // ∂w = 2(w + b), ∂b = Σ_rows 2(w + b)
    const gw = g.w.toArray() as number[][]
    expect(gw[7]![11]).toBeCloseTo(2 * (w[7]![11]! + b[11]!), 5)
    const gb = g.b.toArray() as number[]
    expect(gb[3]).toBeCloseTo(
      w.reduce((s, row) => s + 2 * (row[3]! + b[3]!), 0),
      4,
    )
  })

  it('nested grad(grad) and jvp of grad give the same numbers as with scopes off', () => {
    const x = ramp(100, 2)
    const f = (v: Var) => AG.sum(AG.mul(AG.mul(v, v), AG.tanh(v)))
    const run = () => {
      const second = AG.grad((v: Var) => AG.sum(AG.mul((AG.grad(f) as unknown as (u: Var) => Var)(v) as Var, v)))(x)
      const [, tangent] = AG.jvp(
        (v: Var) => (AG.grad(f) as unknown as (u: Var) => Var)(v) as Var,
        [x],
        [ramp(100, 0.5)],
      )
      const hv = AG.hvp(f, x, ramp(100, 0.25))
      const h = AG.hessian((v: Var) => AG.sum(AG.mul(AG.mul(v, v), v)))(ramp(8))
      return [second, tangent, hv, h].map(bits)
    }
    const on = run()
    const off = (() => {
      const r = useScopes(false)
      try {
        return run()
      } finally {
        r()
      }
    })()
    expect(on).toEqual(off)
  })

  it('vjp opens no scope: a grad inside it at the top gives its blocks to the collector, and the pullback reads them', () => {
    const x = ramp(128, 2)
    const f = (v: Var) => AG.sum(AG.mul(AG.mul(v, v), AG.sin(v)))
    const run = () => {
      const [g, pullback] = AG.vjp((v: Var) => (AG.grad(f) as unknown as (u: Var) => Var)(v), x)
      const [hv] = pullback(ramp(128, 0.5)) as T.Tensor[]
      return [g, hv!].map(bits)
    }
    const on = run()
    const r = useScopes(false)
    const off = run()
    r()
    expect(on).toEqual(off)
    expect(T.memoryStats().openScopes).toBe(0)
  })

  it('a throwing f releases everything and leaves the inputs intact', () => {
    const x = ramp(256)
    const before = Array.from(x.data)
    let made: Var | undefined
    const scoped = T.memoryStats().scopedBytes
    expect(() =>
      AG.valueAndGrad((v: Var) => {
        made = AG.exp(v)
        throw new Error('boom')
      })(x),
    ).toThrow('boom')
    expect(() => made!.value.data).toThrow(
      released('valueAndGrad', 'return it as aux (hasAux: true) to keep it', 'threw'),
    )
    expect(Array.from(x.data)).toEqual(before)
    expect(T.memoryStats().scopedBytes).toBe(scoped)
    expect(T.memoryStats().openScopes).toBe(0)
  })

  it('a 10,000-step synchronous loop keeps usedBytes flat and never falls back', () => {
    // a two-layer step: tanh(x·W1)·W2 against a target, plain gradient descent outside the transform
    const x = ramp(16 * 32, 1, [16, 32])
    const target = ramp(16 * 8, 0.5, [16, 8])
    let p: { w1: T.Tensor; w2: T.Tensor } = { w1: ramp(32 * 64, 0.2, [32, 64]), w2: ramp(64 * 8, 0.2, [64, 8]) }
    const step = AG.valueAndGrad((q: { w1: Var; w2: Var }) =>
      AG.mean(AG.square(AG.sub(AG.matmul(AG.tanh(AG.matmul(x, q.w1)), q.w2), target))),
    )
    const fallbacks = T.memoryStats().fallbacks
    const releasedBefore = T.memoryStats().releasedBlocks
    let used = 0
    let pooled = 0
    let first = 0
    let last = 0
    for (let i = 0; i < 10000; i++) {
      const [loss, g] = step(p)
      p = { w1: T.sub(p.w1, T.mul(g.w1, 0.05)), w2: T.sub(p.w2, T.mul(g.w2, 0.05)) }
      if (i === 0) first = loss.item()
      if (i === 9) ({ usedBytes: used, pooledBytes: pooled } = T.memoryStats())
      last = loss.item()
    }
    // the collector may free other tests' arena arrays meanwhile, never add any: used bytes do not grow
    expect(T.memoryStats().usedBytes).toBeLessThanOrEqual(used)
    expect(T.memoryStats().pooledBytes).toBe(pooled)
    expect(T.memoryStats().scopedBytes).toBe(0)
    expect(T.memoryStats().fallbacks).toBe(fallbacks)
    expect(T.memoryStats().openScopes).toBe(0)
    // each step releases its intermediates of 64 floats or more (x·W1, tanh, ·W2, the difference, …)
    expect(T.memoryStats().releasedBlocks - releasedBefore).toBeGreaterThan(10000 * 8)
    expect(last).toBeLessThan(first) // it trained
  }, 120_000) // 10,000 steps of a small network: ~10 s on a loaded 2-core machine

  it('a transformer-like step gives the same value and gradients bit for bit with scopes on and off', () => {
    const [b, n, d] = [2, 16, 32]
    const x = ramp(b * n * d, 1, [b, n, d])
    const params = {
      wq: ramp(d * d, 0.2, [d, d]),
      wk: ramp(d * d, 0.3, [d, d]),
      wv: ramp(d * d, 0.25, [d, d]),
      w1: ramp(d * 4 * d, 0.1, [d, 4 * d]),
      w2: ramp(4 * d * d, 0.1, [4 * d, d]),
    }
    const layerNorm = (h: Var) => {
      const mu = AG.mean(h, { axis: -1, keepdims: true })
      const c = AG.sub(h, mu)
      return AG.div(c, AG.sqrt(AG.add(AG.mean(AG.square(c), { axis: -1, keepdims: true }), 1e-5)))
    }
    const loss = (p: typeof params extends infer P ? { [K in keyof P]: Var } : never) => {
      const h = layerNorm(x as unknown as Var)
      const q = AG.matmul(h, p.wq)
      const k = AG.matmul(h, p.wk)
      const v = AG.matmul(h, p.wv)
      const att = AG.softmax(AG.mul(AG.matmul(q, k, { transposeB: true }), 1 / Math.sqrt(d)))
      const h2 = AG.add(h, AG.matmul(att, v))
      const out = AG.add(h2, AG.matmul(AG.gelu(AG.matmul(layerNorm(h2), p.w1)), p.w2))
      return AG.mean(AG.square(out))
    }
    const run = () => {
      const [value, g] = AG.valueAndGrad(loss)(params)
      return [value, g.wq, g.wk, g.wv, g.w1, g.w2].map(bits)
    }
    const on = run()
    const r = useScopes(false)
    const off = run()
    r()
    expect(on).toEqual(off)
  })
})
