import * as AG from '@gd/autograd'
import * as T from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import * as nn from './index.js'

const f64 = (values: number[], shape: number[]) => T.tensor(values, { dtype: 'float64', shape })
const list = (t: T.Tensor | AG.Var) => [...(t instanceof AG.Var ? t.value : t).data]

/** Float64 reference over rows of n values: layer norm (center) or RMS norm, then γ and β. */
function reference(x: number[], n: number, eps: number, center: boolean, gamma: number[], beta?: number[]): number[] {
  const out: number[] = []
  for (let o = 0; o < x.length; o += n) {
    const row = x.slice(o, o + n)
    const mu = center ? row.reduce((a, b) => a + b, 0) / n : 0
    const ms = row.reduce((a, b) => a + (b - mu) ** 2, 0) / n
    row.forEach((v, j) => out.push(((v - mu) / Math.sqrt(ms + eps)) * gamma[j]! + (beta?.[j] ?? 0)))
  }
  return out
}

describe('layerNorm', () => {
  it('normalizes each row with its biased variance (hand-worked)', () => {
    const ln = nn.layerNorm(3)
    // row [1, 2, 6]: μ = 3, σ² = (4 + 1 + 9)/3 = 14/3; row [2, 2, 2]: σ² = 0, so the output is 0
    const out = ln.apply({ gamma: f64([1, 2, 1], [3]), beta: f64([0, 0, 1], [3]) }, f64([1, 2, 6, 2, 2, 2], [2, 3]))
    const s = Math.sqrt(14 / 3 + 1e-5)
    const expected = [-2 / s, (2 * -1) / s, 3 / s + 1, 0, 0, 1]
    list(out).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12))
  })

  it('normalizes over several trailing axes and matches a float64 reference', () => {
    const ln = nn.layerNorm([2, 3], { eps: 1e-3 })
    const x = T.normal(T.prngKey(1), [4, 2, 3], { dtype: 'float64' })
    const gamma = T.normal(T.prngKey(2), [2, 3], { dtype: 'float64' })
    const beta = T.normal(T.prngKey(3), [2, 3], { dtype: 'float64' })
    const out = ln.apply({ gamma, beta }, x)
    expect(out.shape).toEqual([4, 2, 3])
    const want = reference([...x.data], 6, 1e-3, true, [...gamma.data], [...beta.data])
    list(out).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12))
  })

  it('its gradient matches the composed form (float64)', () => {
    const ln = nn.layerNorm(4)
    const x = T.normal(T.prngKey(4), [3, 4], { dtype: 'float64' })
    const up = T.normal(T.prngKey(5), [3, 4], { dtype: 'float64' })
    const composed = (v: AG.Var) => {
      const c = AG.sub(v, AG.mean(v, { axis: -1, keepdims: true }))
      return AG.mul(c, AG.rsqrt(AG.add(AG.mean(AG.square(c), { axis: -1, keepdims: true }), 1e-5)))
    }
    const params = ln.init(0)
    const fused = AG.grad((v: AG.Var) => AG.sum(AG.mul(ln.apply(params, v), up)))(x)
    const plain = AG.grad((v: AG.Var) => AG.sum(AG.mul(composed(v), up)))(x)
    list(fused).forEach((v, i) => expect(v).toBeCloseTo(list(plain)[i]!, 12))
    // second order too: the gradient of the squared norm of the first gradient
    const second = (f: (v: AG.Var) => AG.Var) =>
      AG.grad((v: AG.Var) =>
        AG.sum(AG.square(AG.grad((u: AG.Var) => AG.sum(AG.mul(f(u), up)))(v as never) as unknown as AG.Var)),
      )(x)
    const a = list(second((v) => ln.apply(params, v)))
    list(second(composed)).forEach((v, i) => expect(a[i]).toBeCloseTo(v, 10))
  })

  it('keeps float32 input in float32, and without affine has no parameters', () => {
    const ln = nn.layerNorm(2, { affine: false })
    expect(ln.init(0)).toEqual({})
    const out = ln.apply({}, T.tensor([[1, 3]]))
    expect(out.dtype).toBe('float32')
    expect(list(out)[1]).toBeCloseTo(1 / Math.sqrt(1 + 1e-5), 6)
    expect(nn.layerNorm([2, 3]).init(0).gamma!.shape).toEqual([2, 3])
  })

  it('rejects bad arguments with clear messages', () => {
    const ln = nn.layerNorm(3)
    const params = ln.init(0)
    expect(() => nn.layerNorm(0)).toThrow(
      'layerNorm: shape must be a positive integer or a non-empty array of them, got 0',
    )
    expect(() => nn.layerNorm([])).toThrow(
      'layerNorm: shape must be a positive integer or a non-empty array of them, got []',
    )
    expect(() => nn.layerNorm(3, { eps: 0 })).toThrow('layerNorm: eps must be a positive finite number, got 0')
    expect(() => nn.layerNorm(3, { elementwiseAffine: true } as never)).toThrow(
      'layerNorm: unknown option elementwiseAffine, expected one of eps, affine',
    )
    expect(() => ln.apply(params, T.zeros([2, 4]))).toThrow(
      'layerNorm: x must be a float32 or float64 Tensor or Var whose trailing axes are [3], got a float32 Tensor of shape [2,4]',
    )
    expect(() => ln.apply(params, T.zeros([3], { dtype: 'int32' }))).toThrow(
      'layerNorm: x must be a float32 or float64 Tensor or Var whose trailing axes are [3], got an int32 Tensor of shape [3]',
    )
    expect(() => ln.apply({ gamma: params.gamma! }, T.zeros([3]))).toThrow(
      'layerNorm: params.beta must be a float32 or float64 Tensor or Var of shape [3], got undefined',
    )
    expect(() => ln.apply(null as never, T.zeros([3]))).toThrow(
      "layerNorm: params must be the layer's parameters { gamma, beta }, got null",
    )
  })
})

describe('rmsNorm', () => {
  it('divides by the root mean square (hand-worked)', () => {
    const norm = nn.rmsNorm(2, { eps: 1e-6 })
    // [3, 4]: mean square 12.5; [0, 0] stays 0
    const out = norm.apply({ gamma: f64([1, 2], [2]) }, f64([3, 4, 0, 0], [2, 2]))
    const r = 1 / Math.sqrt(12.5 + 1e-6)
    const expected = [3 * r, 8 * r, 0, 0]
    list(out).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12))
  })

  it('uses the dtype machine epsilon by default and matches a float64 reference', () => {
    const norm = nn.rmsNorm([4])
    const x = T.normal(T.prngKey(6), [5, 4], { dtype: 'float64' })
    const gamma = T.normal(T.prngKey(7), [4], { dtype: 'float64' })
    const want = reference([...x.data], 4, 2 ** -52, false, [...gamma.data])
    list(norm.apply({ gamma }, x)).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12))
    // float32: eps 2⁻²³ is felt by a tiny row: x = 1e-4 gives 1e-4/√(1e-8 + 1.19e-7) ≈ 0.2785
    expect(list(nn.rmsNorm(1, { affine: false }).apply({}, T.tensor([[1e-4]])))[0]).toBeCloseTo(
      1e-4 / Math.sqrt(1e-8 + 2 ** -23),
      4,
    )
  })

  it('rejects bad arguments with clear messages', () => {
    const norm = nn.rmsNorm(3)
    expect(() => nn.rmsNorm(3, { eps: -1 })).toThrow('rmsNorm: eps must be a positive finite number, got -1')
    expect(() => nn.rmsNorm(3, { afine: true } as never)).toThrow(
      'rmsNorm: unknown option afine, expected one of eps, affine; did you mean affine?',
    )
    expect(() => norm.apply({}, T.zeros([3]))).toThrow(
      'rmsNorm: params.gamma must be a float32 or float64 Tensor or Var of shape [3], got undefined',
    )
    expect(() => norm.apply(norm.init(0), T.zeros([3, 2]))).toThrow(
      'rmsNorm: x must be a float32 or float64 Tensor or Var whose trailing axes are [3], got a float32 Tensor of shape [3,2]',
    )
  })
})

describe('layerNorm and rmsNorm in float32 on the Wasm kernels', () => {
  it('agree with the JavaScript loops within 1 float32 ulp, values and gradients', async () => {
    await T.initWasm()
    // 8 rows of 64: 512 floats, enough for the Wasm row kernels (ROWS_MIN 256)
    const x = T.cast(T.normal(T.prngKey(3), [8, 64], { dtype: 'float64' }), 'float32')
    const up = T.cast(T.normal(T.prngKey(4), [8, 64], { dtype: 'float64' }), 'float32')
    for (const layer of [nn.layerNorm(64, { affine: false }), nn.rmsNorm(64)]) {
      const p = layer.init(0)
      const run = () => {
        const y = list(layer.apply(p, x))
        const g = list(AG.grad((v: AG.Var) => AG.sum(AG.mul(layer.apply(p, v), up)))(x))
        return { y, g }
      }
      const wasm = run()
      const restore = T.useWasm(false)
      let js: { y: number[]; g: number[] }
      try {
        js = run()
      } finally {
        restore()
      }
      // float64 arithmetic rounded once on both paths; only the order of the row sums differs
      const ulp = (v: number) => 2 ** (Math.floor(Math.log2(Math.max(Math.abs(v), 2 ** -100))) - 23)
      wasm.y.forEach((v, i) => expect(Math.abs(v - js.y[i]!)).toBeLessThanOrEqual(ulp(js.y[i]!)))
      // the gradient of rmsNorm's γ·x̂ passes through the affine mul too; the same 1 ulp bound holds for dx
      wasm.g.forEach((v, i) => expect(Math.abs(v - js.g[i]!)).toBeLessThanOrEqual(ulp(js.g[i]!)))
    }
  })
})

describe('the TSDoc examples, as written', () => {
  it('layerNorm, rmsNorm and their option and parameter types', () => {
    const ln = nn.layerNorm(2)
    const out = ln
      .apply(
        ln.init(0),
        T.tensor([
          [1, 3],
          [0, 0],
        ]),
      )
      .toArray() as number[][]
    expect(out[0]![0]).toBeCloseTo(-0.999995, 6)
    expect(out[0]![1]).toBeCloseTo(0.999995, 6)
    expect(out[1]).toEqual([0, 0])
    const norm = nn.rmsNorm(2, { eps: 1e-6 })
    const r = list(norm.apply(norm.init(0), T.tensor([[3, 4]])))
    expect(r[0]).toBeCloseTo(0.8485, 4)
    expect(r[1]).toBeCloseTo(1.1314, 4)
    expect(nn.layerNorm([8, 8], { eps: 1e-6, affine: false }).init(0)).toEqual({})
    expect(nn.rmsNorm(64, { eps: 1e-6 }).init(0).gamma!.shape).toEqual([64])
    expect(Object.keys(nn.layerNorm(3).init(0))).toEqual(['gamma', 'beta'])
    expect(list(nn.rmsNorm(3).init(0).gamma!)).toEqual([1, 1, 1])
  })
})
