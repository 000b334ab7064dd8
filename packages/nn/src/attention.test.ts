import * as AG from '@gd/autograd'
import * as T from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import * as nn from './index.js'

const f64 = (values: number[], shape: number[]) => T.tensor(values, { dtype: 'float64', shape })
const list = (t: T.Tensor | AG.Var) => [...(t instanceof AG.Var ? t.value : t).data]
const randn = (seed: number, shape: number[]) => T.normal(T.prngKey(seed), shape, { dtype: 'float64' })
type Params = nn.MultiHeadAttentionParams

/** Float64 params with random biases, so a test sees every term. */
function params64(dModel: number, seed: number): Params {
  const p = nn.multiHeadAttention(dModel, 1).init(seed)
  const out = {} as Record<string, { w: T.Tensor; b: T.Tensor }>
  for (const [i, name] of (['query', 'key', 'value', 'output'] as const).entries()) {
    out[name] = { w: T.cast(p[name].w as T.Tensor, 'float64'), b: randn(seed * 10 + i, [dModel]) }
  }
  return out as unknown as Params
}

/**
 * The definition, written out with plain loops in float64: project, split heads, softmax over the
 * allowed keys of each query (all-zero weights when none is allowed), weigh V, join, project.
 */
function reference(p: Params, x: T.Tensor, heads: number, causal: boolean, mask?: boolean[][]): number[] {
  const [batch, time, dm] = x.shape as [number, number, number]
  const d = dm / heads
  const xs = list(x)
  const lin = (rows: number[], q: { w: T.Tensor | AG.Var; b?: T.Tensor | AG.Var }): number[] => {
    const w = list(q.w)
    const b = list(q.b!)
    const out: number[] = []
    for (let r = 0; r < rows.length / dm; r++) {
      for (let c = 0; c < dm; c++) {
        let s = b[c]!
        for (let k = 0; k < dm; k++) s += rows[r * dm + k]! * w[k * dm + c]!
        out.push(s)
      }
    }
    return out
  }
  const q = lin(xs, p.query)
  const k = lin(xs, p.key)
  const v = lin(xs, p.value)
  const joined = new Array<number>(batch * time * dm).fill(0)
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < time; i++) {
        const allowed = (j: number) => (!causal || j <= i) && (mask === undefined || mask[b]![j]!)
        const scores: number[] = []
        for (let j = 0; j < time; j++) {
          let s = 0
          for (let e = 0; e < d; e++) s += q[(b * time + i) * dm + h * d + e]! * k[(b * time + j) * dm + h * d + e]!
          scores.push(s / Math.sqrt(d))
        }
        const keys = scores.map((_, j) => j).filter(allowed)
        if (keys.length === 0) continue
        const m = Math.max(...keys.map((j) => scores[j]!))
        const z = keys.reduce((a, j) => a + Math.exp(scores[j]! - m), 0)
        for (const j of keys) {
          const wgt = Math.exp(scores[j]! - m) / z
          for (let e = 0; e < d; e++)
            joined[(b * time + i) * dm + h * d + e]! += wgt * v[(b * time + j) * dm + h * d + e]!
        }
      }
    }
  }
  return lin(joined, p.output)
}

describe('multiHeadAttention', () => {
  const dm = 6
  const x = randn(1, [2, 4, dm])
  const mask = [
    [true, true, false, true],
    [false, true, true, false],
  ]
  const maskT = T.tensor(mask, { dtype: 'bool' })

  it('matches a float64 reference (plain, causal, key padding, both)', () => {
    const p = params64(dm, 2)
    for (const causal of [false, true]) {
      const layer = nn.multiHeadAttention(dm, 3, { causal })
      const plain = list(layer.apply(p, x))
      reference(p, x, 3, causal).forEach((v, i) => expect(plain[i]).toBeCloseTo(v, 12))
      const masked = list(layer.apply(p, x, { mask: maskT }))
      reference(p, x, 3, causal, mask).forEach((v, i) => expect(masked[i]).toBeCloseTo(v, 12))
    }
  })

  it('a query with no key to attend to gives b_o, with no NaN in value or gradient', () => {
    // causal and mask[1][0] = false: query 0 of sequence 1 may attend to nothing
    const p = params64(dm, 3)
    const layer = nn.multiHeadAttention(dm, 2, { causal: true })
    const out = layer.apply(p, x, { mask: maskT }).toArray() as number[][][]
    expect(out[1]![0]).toEqual(list(p.output.b!))
    const g = AG.grad((v: AG.Var) => AG.sum(layer.apply(p, v, { mask: maskT })))(x)
    expect(list(g).every(Number.isFinite)).toBe(true)
    // the fully masked query gets no gradient through attention: its row of ∂/∂x comes only from
    // being a key, and it is masked as a key too, so it is exactly zero
    expect((g.toArray() as number[][][])[1]![0]).toEqual(new Array(dm).fill(0))
  })

  it('masked keys and future positions have exactly no influence', () => {
    const p = params64(dm, 4)
    const layer = nn.multiHeadAttention(dm, 2, { causal: true })
    const changed = x.toArray() as number[][][]
    changed[0]![2] = changed[0]![2]!.map((v) => v + 100) // a padded key of sequence 0
    changed[1]![3] = changed[1]![3]!.map((v) => v - 50) // the last (future to all others) position of sequence 1
    const before = layer.apply(p, x, { mask: maskT }).toArray() as number[][][]
    const after = layer.apply(p, f64(changed.flat(2), [2, 4, dm]), { mask: maskT }).toArray() as number[][][]
    for (const i of [0, 1, 3]) expect(after[0]![i]).toEqual(before[0]![i])
    for (const i of [0, 1, 2]) expect(after[1]![i]).toEqual(before[1]![i])
  })

  it('propagates NaN in the scores instead of giving the zeros of a masked row', () => {
    // a NaN in W_q makes every score of head 0 NaN while V stays finite: the weights must be NaN
    const p = params64(dm, 8)
    const wq = list(p.query.w)
    wq[0] = NaN
    const layer = nn.multiHeadAttention(dm, 2, { causal: true })
    const out = list(layer.apply({ ...p, query: { w: f64(wq, [dm, dm]), b: p.query.b! } }, x, { mask: maskT }))
    // every query that has a key to attend to is NaN; query 0 of sequence 1 has none, so it is b_o
    const bo = list(p.output.b!)
    out.forEach((v, i) => {
      const [b, t] = [Math.floor(i / (4 * dm)), Math.floor(i / dm) % 4]
      if (b === 1 && t === 0) expect(v).toBe(bo[i % dm])
      else expect(v).toBeNaN()
    })
  })

  it('is stable for huge scores (the row maximum is subtracted)', () => {
    const p = params64(dm, 5)
    const layer = nn.multiHeadAttention(dm, 2)
    const out = list(layer.apply(p, T.mul(x, 1e4)))
    expect(out.every(Number.isFinite)).toBe(true)
  })

  it('drops attention weights in training only, reproducibly by key', () => {
    const layer = nn.multiHeadAttention(dm, 2, { dropout: 0.5 })
    const p = params64(dm, 6)
    const a = list(layer.apply(p, x, { train: true, key: T.prngKey(1) }))
    expect(list(layer.apply(p, x, { train: true, key: T.prngKey(1) }))).toEqual(a)
    expect(list(layer.apply(p, x, { train: true, key: T.prngKey(2) }))).not.toEqual(a)
    expect(list(layer.apply(p, x))).toEqual(list(nn.multiHeadAttention(dm, 2).apply(p, x)))
    expect(() => layer.apply(p, x, { train: true })).toThrow(
      'multiHeadAttention: training with dropout needs a key in apply options ({ train: true, key })',
    )
  })

  it('initializes as PyTorch does, in plain trees', () => {
    const p = nn.multiHeadAttention(8, 2).init(0)
    expect(Object.keys(p)).toEqual(['query', 'key', 'value', 'output'])
    expect(p.query.w.shape).toEqual([8, 8])
    expect(list(p.key.b!)).toEqual(new Array(8).fill(0))
    expect(Math.max(...list(p.value.w).map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 16)) // Xavier bound
    expect(Math.max(...list(p.output.w).map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(8))
    expect(nn.multiHeadAttention(8, 2, { bias: false }).init(0).query).not.toHaveProperty('b')
  })

  it('rejects bad arguments with clear messages', () => {
    const layer = nn.multiHeadAttention(dm, 2)
    const p = params64(dm, 7)
    expect(() => nn.multiHeadAttention(30, 4)).toThrow(
      'multiHeadAttention: dModel must be divisible by numHeads (4), got 30',
    )
    expect(() => nn.multiHeadAttention(8, 0)).toThrow('multiHeadAttention: numHeads must be a positive integer, got 0')
    expect(() => nn.multiHeadAttention(8, 2, { casual: true } as never)).toThrow(
      'multiHeadAttention: unknown option casual, expected one of causal, dropout, bias; did you mean causal?',
    )
    expect(() => nn.multiHeadAttention(8, 2, { dropout: 1 })).toThrow(
      'multiHeadAttention: dropout must be in [0, 1), got 1',
    )
    expect(() => layer.apply(p, T.zeros([4, dm]))).toThrow(
      'multiHeadAttention: x must be a float32 or float64 Tensor or Var of shape [batch, time, 6], got a float32 Tensor of shape [4,6]',
    )
    expect(() => layer.apply(p, x, { mask: T.ones([2, 4]) })).toThrow(
      'multiHeadAttention: mask must be a bool Tensor of shape [batch, time], got a float32 Tensor of shape [2,4]',
    )
    expect(() => layer.apply(p, x, { mask: T.ones([2, 3], { dtype: 'bool' }) })).toThrow(
      "multiHeadAttention: mask must be a bool Tensor of shape [2,4] (the input's [batch, time]), got a bool Tensor of shape [2,3]",
    )
    expect(() => layer.apply(p, x, { masks: maskT } as never)).toThrow(
      'multiHeadAttention: unknown option masks, expected one of train, key, mask; did you mean mask?',
    )
    expect(() => layer.apply({ ...p, value: { w: p.value.w } }, x)).toThrow(
      'multiHeadAttention: params.value.b must be a float32 or float64 Tensor or Var of shape [6], got undefined',
    )
    expect(() => layer.apply({ ...p, key: undefined } as never, x)).toThrow(
      "multiHeadAttention: params.key must be the layer's parameters { w, b }, got undefined",
    )
  })
})

describe('multiHeadAttention in float32 on the Wasm kernels', () => {
  it('agrees with the float64 reference and with the JavaScript loops (weights within 4 ulps), masks and all', async () => {
    await T.initWasm()
    // time 16: 2 × 2 × 16 × 16 = 1024 weights, enough for the Wasm row kernels (ROWS_MIN 256)
    const dm = 8
    const x = randn(5, [2, 16, dm])
    const mask = [Array.from({ length: 16 }, (_, j) => j % 3 !== 1), Array.from({ length: 16 }, (_, j) => j > 0)]
    const maskT = T.tensor(mask, { dtype: 'bool' })
    const p64 = params64(dm, 6)
    const p32 = JSON.parse(JSON.stringify({})) as Params
    for (const name of ['query', 'key', 'value', 'output'] as const)
      (p32 as Record<string, unknown>)[name] = {
        w: T.cast(p64[name].w as T.Tensor, 'float32'),
        b: T.cast(p64[name].b as T.Tensor, 'float32'),
      }
    const x32 = T.cast(x, 'float32')
    const loss = (layer: nn.MultiHeadAttentionLayer) => (v: AG.Var) =>
      AG.sum(AG.square(layer.apply(p32, v, { mask: maskT })))
    for (const causal of [false, true]) {
      const layer = nn.multiHeadAttention(dm, 2, { causal })
      const wasm = list(layer.apply(p32, x32, { mask: maskT }))
      const gWasm = list(AG.grad(loss(layer))(x32))
      const restore = T.useWasm(false)
      let js: number[], gJs: number[]
      try {
        js = list(layer.apply(p32, x32, { mask: maskT }))
        gJs = list(AG.grad(loss(layer))(x32))
      } finally {
        restore()
      }
      // the float32 matmuls dominate the difference from float64; the two float32 paths agree more closely
      const want = reference(p64, x, 2, causal, mask)
      wasm.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(want[i]!))))
      wasm.forEach((v, i) => expect(Math.abs(v - js[i]!)).toBeLessThan(1e-6 * Math.max(1, Math.abs(js[i]!))))
      gWasm.forEach((v, i) => expect(Math.abs(v - gJs[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(gJs[i]!))))
    }
  })
})

describe('the TSDoc examples, as written', () => {
  it('multiHeadAttention and its types', () => {
    const attention = nn.multiHeadAttention(16, 4, { causal: true })
    const params = attention.init(0)
    const x = T.normal(T.prngKey(1), [2, 5, 16])
    expect(attention.apply(params, x).shape).toEqual([2, 5, 16])
    const mask = T.tensor(
      [
        [true, true, true, false, false],
        [true, true, true, true, true],
      ],
      { dtype: 'bool' },
    )
    expect(attention.apply(params, x, { mask }).shape).toEqual([2, 5, 16])
    const typed: nn.MultiHeadAttentionLayer = nn.multiHeadAttention(16, 2)
    expect(typed.name).toBe('multiHeadAttention(16, 2 heads)')
    expect(nn.multiHeadAttention(64, 4, { causal: true, dropout: 0.1, bias: false }).init(0).output).not.toHaveProperty(
      'b',
    )
    const dropping = nn.multiHeadAttention(4, 2, { dropout: 0.1 })
    const padded = T.tensor([[true, true, false]], { dtype: 'bool' })
    expect(
      dropping.apply(dropping.init(0), T.ones([1, 3, 4]), { train: true, key: T.prngKey(0), mask: padded }).shape,
    ).toEqual([1, 3, 4])
    expect(nn.multiHeadAttention(8, 2).init(0).query.w.shape).toEqual([8, 8])
  })
})
