import { conv2d, mean, mul, square, sub, sum, valueAndGrad } from '@gd/autograd'
import { uniformInit } from '@gd/init'
import * as T from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import {
  conv2d as conv2dLayer,
  convTranspose2d,
  relu,
  sequential,
  sigmoid,
  upsample2d,
  type ConvTranspose2dOptions,
  type ConvTranspose2dParams,
} from './index.js'

type Pair = [number, number]
const f64 = (values: number[], shape: number[]) => T.tensor(values, { dtype: 'float64', shape })
const random64 = (seed: number, shape: number[]) => uniformInit(seed, shape, { dtype: 'float64', low: -1, high: 1 })
const pairOf = (v: number | readonly [number, number] | undefined, fallback: number): Pair =>
  v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [v[0], v[1]]

/**
 * The float64 reference, written from PyTorch's definition: every input pixel x[n, c, i, j] scatters
 * x · w[c, o, ki, kj] onto output pixel (i·sh − ph + ki·dh, j·sw − pw + kj·dw) of each output
 * channel o of its group; places outside the output are dropped; then the bias.
 */
function reference(
  x: T.Tensor,
  w: T.Tensor,
  b: T.Tensor | undefined,
  outChannels: number,
  o: ConvTranspose2dOptions,
): T.Tensor {
  const [sh, sw] = pairOf(o.stride, 1)
  const [ph, pw] = pairOf(o.padding, 0)
  const [oph, opw] = pairOf(o.outputPadding, 0)
  const [dh, dw] = pairOf(o.dilation, 1)
  const groups = o.groups ?? 1
  const [n, cin, h, wd] = x.shape as number[] as [number, number, number, number]
  const [, og, kh, kw] = w.shape as number[] as [number, number, number, number]
  const outH = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1
  const outW = (wd - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1
  const xs = x.toArray() as number[][][][]
  const ws = w.toArray() as number[][][][]
  const bs = b === undefined ? new Array<number>(outChannels).fill(0) : (b.toArray() as number[])
  const y = Array.from({ length: n }, () =>
    Array.from({ length: outChannels }, (_, oc) =>
      Array.from({ length: outH }, () => new Array<number>(outW).fill(bs[oc]!)),
    ),
  )
  for (let s = 0; s < n; s++) {
    for (let c = 0; c < cin; c++) {
      const group = Math.floor(c / (cin / groups))
      for (let i = 0; i < h; i++) {
        for (let j = 0; j < wd; j++) {
          for (let q = 0; q < og; q++) {
            for (let ki = 0; ki < kh; ki++) {
              for (let kj = 0; kj < kw; kj++) {
                const r = i * sh - ph + ki * dh
                const col = j * sw - pw + kj * dw
                if (r < 0 || r >= outH || col < 0 || col >= outW) continue
                y[s]![group * og + q]![r]![col]! += xs[s]![c]![i]![j]! * ws[c]![q]![ki]![kj]!
              }
            }
          }
        }
      }
    }
  }
  return f64(y.flat(3), [n, outChannels, outH, outW])
}

function expectClose(actual: T.Tensor, expected: T.Tensor, tolerance: number): void {
  expect(actual.shape).toEqual(expected.shape)
  const a = actual.toArray() as unknown as number[]
  const e = expected.toArray() as unknown as number[]
  const flatA = (a as unknown[]).flat(3) as number[]
  const flatE = (e as unknown[]).flat(3) as number[]
  const worst = Math.max(0, ...flatA.map((v, i) => Math.abs(v - flatE[i]!)))
  expect(worst).toBeLessThan(tolerance)
}

describe('convTranspose2d', () => {
  it('scatters each input pixel times the kernel (hand-worked 2×2 input, 2×2 ones kernel)', () => {
    const x = T.tensor([
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ])
    const layer = convTranspose2d(1, 1, 2, { bias: false, weightInit: (_k, s) => T.ones(s) })
    // stride 1: the four 2×2 blocks overlap; the centre collects 1 + 2 + 3 + 4
    expect(layer.apply(layer.init(0), x).toArray()).toEqual([
      [
        [
          [1, 3, 2],
          [4, 10, 6],
          [3, 7, 4],
        ],
      ],
    ])
    // stride 2: the blocks tile the output without overlapping
    const tiled = convTranspose2d(1, 1, 2, { stride: 2, bias: false, weightInit: (_k, s) => T.ones(s) })
    expect(tiled.apply(tiled.init(0), x).toArray()).toEqual([
      [
        [
          [1, 1, 2, 2],
          [1, 1, 2, 2],
          [3, 3, 4, 4],
          [3, 3, 4, 4],
        ],
      ],
    ])
    // padding 1 cuts a row and a column from each side of the 4×4: the centre 2×2; outputPadding 1
    // adds back a row and a column at the bottom and right, which only the kernel's overhang reaches
    const cut = convTranspose2d(1, 1, 2, {
      stride: 2,
      padding: 1,
      outputPadding: 1,
      bias: false,
      weightInit: (_k, s) => T.ones(s),
    })
    expect(cut.apply(cut.init(0), x).toArray()).toEqual([
      [
        [
          [1, 2, 2],
          [3, 4, 4],
          [3, 4, 4],
        ],
      ],
    ])
  })

  it('adds the bias to every pixel of its channel', () => {
    const layer = convTranspose2d(1, 2, 1, {
      weightInit: (_k, s) => T.zeros(s),
      biasInit: (_k, s) => T.tensor([1, -2], { shape: s }),
    })
    expect(layer.apply(layer.init(0), T.ones([1, 1, 1, 2])).toArray()).toEqual([[[[1, 1]], [[-2, -2]]]])
  })

  const cases: [string, number, number, number | Pair, ConvTranspose2dOptions, number[]][] = [
    ['stride 1', 2, 3, 3, {}, [2, 2, 3, 4]],
    [
      'stride 2, padding 1, outputPadding 1 (7 → 14)',
      3,
      2,
      3,
      { stride: 2, padding: 1, outputPadding: 1 },
      [2, 3, 7, 7],
    ],
    [
      'stride 2, padding 1, outputPadding 1 (14 → 28)',
      2,
      1,
      3,
      { stride: 2, padding: 1, outputPadding: 1 },
      [1, 2, 14, 14],
    ],
    ['kernel 4, stride 2, padding 1 (14 → 28)', 2, 1, 4, { stride: 2, padding: 1 }, [1, 2, 14, 14]],
    [
      'pairs, dilation and groups',
      4,
      6,
      [3, 2],
      { stride: [2, 3], padding: [1, 0], outputPadding: [1, 2], dilation: [2, 1], groups: 2 },
      [2, 4, 3, 3],
    ],
    ['padding larger than the kernel', 1, 2, 2, { stride: 3, padding: 2 }, [1, 1, 4, 3]],
    ['no bias', 2, 2, 3, { stride: 2, bias: false }, [1, 2, 2, 3]],
  ]
  it.each(cases)('matches the float64 scatter reference: %s', (_label, cin, cout, kernel, options, xShape) => {
    const layer = convTranspose2d(cin, cout, kernel, options)
    const params = layer.init(1)
    const w = random64(2, params.w.shape as number[])
    const b = options.bias === false ? undefined : random64(3, [cout])
    const x = random64(4, xShape)
    const expected = reference(x, w, b, cout, options)
    expectClose(layer.apply(b === undefined ? { w } : { w, b }, x).value, expected, 1e-12)
    // float32 parameters and input, the layer's default: the same numbers to float32 precision
    const y32 = layer.apply(
      b === undefined ? { w: T.cast(w, 'float32') } : { w: T.cast(w, 'float32'), b: T.cast(b!, 'float32') },
      T.cast(x, 'float32'),
    )
    expect(y32.dtype).toBe('float32')
    expectClose(y32.value, expected, 1e-5)
  })

  it('is the adjoint of conv2d with the same filter: <conv2d(x, w), y> = <x, convTranspose2d(y, w)>', () => {
    const options = { stride: 2, padding: 1 } as const
    const layer = convTranspose2d(3, 2, 3, { ...options, bias: false })
    const w = random64(5, [3, 2, 3, 3]) // convTranspose2d's [in, out, kh, kw] is conv2d's OIHW for 2 → 3 channels
    const x = random64(6, [2, 2, 7, 7])
    const y = random64(7, [2, 3, 4, 4])
    const left = sum(mul(conv2d(x, w, options), y)).item()
    const right = sum(mul(x, layer.apply({ w }, y))).item()
    expect(Math.abs(left - right)).toBeLessThan(1e-12)
  })

  it("grows a DCGAN generator's 7×7 to 14×14 to 28×28", () => {
    const generator = sequential(
      convTranspose2d(64, 32, 4, { stride: 2, padding: 1 }),
      convTranspose2d(32, 1, 4, { stride: 2, padding: 1 }),
    )
    expect(generator.apply(generator.init(0), T.zeros([2, 64, 7, 7])).shape).toEqual([2, 1, 28, 28])
    const odd = convTranspose2d(64, 32, 3, { stride: 2, padding: 1, outputPadding: 1 })
    expect(odd.apply(odd.init(0), T.zeros([2, 64, 7, 7])).shape).toEqual([2, 32, 14, 14])
  })

  it('trains: a tiny generator learns four 8×8 patterns from their 2×2 codes, with either way of upsampling', () => {
    // bars, a diagonal and a frame, one image each
    const patterns = [
      (r: number, _c: number) => r >= 3 && r <= 4,
      (_r: number, c: number) => c >= 3 && c <= 4,
      (r: number, c: number) => Math.abs(r - c) <= 1,
      (r: number, c: number) => r === 0 || r === 7 || c === 0 || c === 7,
    ]
    const target = T.tensor(
      patterns.flatMap((on) => Array.from({ length: 64 }, (_, i) => (on(Math.floor(i / 8), i % 8) ? 1 : 0))),
      { shape: [4, 1, 8, 8] },
    )
    const codes = T.uniform(T.prngKey(9), [4, 4, 2, 2], { low: -1, high: 1 })
    const generators = [
      sequential(
        convTranspose2d(4, 8, 4, { stride: 2, padding: 1 }),
        relu(),
        convTranspose2d(8, 1, 4, { stride: 2, padding: 1 }),
        sigmoid(),
      ),
      sequential(
        upsample2d(),
        conv2dLayer(4, 8, 3, { padding: 'same' }),
        relu(),
        upsample2d({ mode: 'bilinear' }),
        conv2dLayer(8, 1, 3, { padding: 'same' }),
        sigmoid(),
      ),
    ]
    for (const generator of generators) {
      let params = generator.init(3) as unknown[]
      const loss = (p: unknown[]) => mean(square(sub(generator.apply(p as never, codes), target))) // two model types in one loop
      const first = loss(params).item()
      for (let step = 0; step < 400; step++) {
        const [, g] = valueAndGrad(loss)(params as never)
        params = T.treeMap((p, d) => T.sub(p, T.mul(d!, 2)), params as never, g as never) as unknown[]
      }
      const last = loss(params).item()
      // starts near 0.25 (sigmoid ≈ ½ against 0s and 1s); ends at 0.012 (transposed) and 0.005 (upsampled)
      expect(first).toBeGreaterThan(0.2)
      expect(last).toBeLessThan(0.02)
    }
  })

  it('initializes as PyTorch: w [in, out/groups, kh, kw] and b [out] from U(±1/√((out/groups)·kh·kw))', () => {
    const layer = convTranspose2d(8, 6, [3, 2], { groups: 2 })
    expect(layer.name).toBe('convTranspose2d(8 → 6, 3×2)')
    const { w, b } = layer.init(0) as { w: T.Tensor; b: T.Tensor }
    expect(w.shape).toEqual([8, 3, 3, 2])
    expect(b.shape).toEqual([6])
    const bound = 1 / Math.sqrt(3 * 3 * 2) // fan-in from w's second axis: 3 output channels per group
    const values = Array.from(w.data)
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound)
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.8 * bound) // 144 draws fill the range
    expect(Math.max(...Array.from(b.data).map(Math.abs))).toBeLessThanOrEqual(bound)
    expect(convTranspose2d(2, 3, 1, { bias: false }).init(0)).not.toHaveProperty('b')
    // the same key gives the same parameters
    expect(Array.from((layer.init(0).w as T.Tensor).data)).toEqual(values)
  })

  it('rejects bad arguments with messages that say what was expected', () => {
    expect(() => convTranspose2d(0, 2, 3)).toThrow('convTranspose2d: inChannels must be a positive integer, got 0')
    expect(() => convTranspose2d(2, 1.5, 3)).toThrow('convTranspose2d: outChannels must be a positive integer, got 1.5')
    expect(() => convTranspose2d(2, 2, [3] as never)).toThrow(
      'convTranspose2d: kernelSize must be a positive integer or a pair of them, got [3]',
    )
    expect(() => convTranspose2d(2, 2, 0)).toThrow(
      'convTranspose2d: kernelSize must be a positive integer or a pair of them, got 0',
    )
    expect(() => convTranspose2d(2, 2, 3, { stride: 0 })).toThrow(
      'convTranspose2d: stride must be a positive integer or a pair of them, got 0',
    )
    expect(() => convTranspose2d(2, 2, 3, { padding: -1 })).toThrow(
      'convTranspose2d: padding must be a non-negative integer or a pair of them, got -1',
    )
    expect(() => convTranspose2d(2, 2, 3, { padding: 'same' as never })).toThrow(
      'convTranspose2d: padding must be a non-negative integer or a pair of them, got "same"',
    )
    expect(() => convTranspose2d(2, 2, 3, { outputPadding: 1 })).toThrow(
      'convTranspose2d: outputPadding must be smaller than the stride [1,1], got 1',
    )
    expect(() => convTranspose2d(2, 2, 3, { stride: [2, 1], outputPadding: [1, 1] })).toThrow(
      'convTranspose2d: outputPadding must be smaller than the stride [2,1], got [1,1]',
    )
    expect(() => convTranspose2d(2, 2, 3, { dilation: [1, 0] })).toThrow(
      'convTranspose2d: dilation must be a positive integer or a pair of them, got [1,0]',
    )
    expect(() => convTranspose2d(3, 4, 3, { groups: 2 })).toThrow(
      'convTranspose2d: inChannels 3 and outChannels 4 must both be divisible by groups 2',
    )
    expect(() => convTranspose2d(2, 2, 3, { bias: 1 as never })).toThrow(
      'convTranspose2d: bias must be a boolean, got 1',
    )
    expect(() => convTranspose2d(2, 2, 3, { outputpadding: 1 } as never)).toThrow(
      'convTranspose2d: unknown option outputpadding, expected one of stride, padding, outputPadding, dilation, groups, bias, weightInit, biasInit; did you mean outputPadding?',
    )
  })

  it('rejects inputs and parameters it cannot use, before computing anything', () => {
    const layer = convTranspose2d(2, 3, 3, { stride: 2 })
    const params = layer.init(0)
    const x = T.ones([1, 2, 4, 4])
    expect(() => layer.apply(params, T.ones([1, 3, 4, 4]))).toThrow(
      'convTranspose2d: x must be a float32 or float64 tensor of shape [batch, 2, height, width], got a float32 Tensor of shape [1,3,4,4]',
    )
    expect(() => layer.apply(params, T.ones([2, 4, 4]))).toThrow(
      'convTranspose2d: x must be a float32 or float64 tensor of shape [batch, 2, height, width], got a float32 Tensor of shape [2,4,4]',
    )
    expect(() => layer.apply(params, T.ones([1, 2, 4, 4], { dtype: 'int32' }))).toThrow(
      'convTranspose2d: x must be a float32 or float64 tensor of shape [batch, 2, height, width], got an int32 Tensor of shape [1,2,4,4]',
    )
    expect(() => layer.apply(params, 'x' as never)).toThrow('convTranspose2d: x must be')
    expect(() => layer.apply({ ...params, w: T.ones([3, 2, 3, 3]) }, x)).toThrow(
      'convTranspose2d: params.w must be a float32 tensor of shape [2,3,3,3], got a float32 Tensor of shape [3,2,3,3]',
    )
    expect(() => layer.apply(params, T.ones([1, 2, 4, 4], { dtype: 'float64' }))).toThrow(
      'convTranspose2d: params.w must be a float64 tensor of shape [2,3,3,3], got a float32 Tensor of shape [2,3,3,3]',
    )
    expect(() => layer.apply({ ...params, b: T.ones([2]) }, x)).toThrow(
      'convTranspose2d: params.b must be a float32 tensor of shape [3], got a float32 Tensor of shape [2]',
    )
    expect(() => layer.apply(null as never, x)).toThrow(
      "convTranspose2d: params must be the layer's parameters { w, b }, got null",
    )
    expect(() => layer.apply(params, x, { training: true } as never)).toThrow(
      'convTranspose2d: unknown option training',
    )
    const huge = convTranspose2d(2, 3, 3, { stride: 2 ** 20 })
    expect(() => huge.apply(huge.init(0), x)).toThrow(
      'convTranspose2d: output shape [1,3,3145731,3145731] has 29686870573083 elements, more than the limit of 2147483647',
    )
    const shrinking = convTranspose2d(1, 1, 1, { padding: 1 })
    expect(() => shrinking.apply(shrinking.init(0), T.ones([1, 1, 2, 2]))).toThrow(
      'convTranspose2d: x gives an empty output (0×0) with padding [1,1], got a float32 Tensor of shape [1,1,2,2]',
    )
  })
})

describe('the TSDoc examples, as written', () => {
  it('convTranspose2d, ConvTranspose2dOptions and ConvTranspose2dParams', () => {
    const up = convTranspose2d(64, 32, 3, { stride: 2, padding: 1, outputPadding: 1 })
    expect(up.apply(up.init(0), T.zeros([8, 64, 7, 7])).shape).toEqual([8, 32, 14, 14])
    const doubling: ConvTranspose2dOptions = { stride: 2, padding: 1, outputPadding: 1 }
    expect(convTranspose2d(16, 8, 3, doubling).name).toBe('convTranspose2d(16 → 8, 3×3)')
    const params: ConvTranspose2dParams = convTranspose2d(64, 32, 4).init(0)
    expect(params.w.shape).toEqual([64, 32, 4, 4])
  })
})
