import { broadcastTo, grad, matmul, mul, reshape, sum, type Var } from '@gd/autograd'
import { uniformInit } from '@gd/init'
import * as T from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { upsample2d, type Upsample2dOptions } from './index.js'

/**
 * The float64 reference, pixel by pixel as PyTorch's upsample kernels compute it: for output row i the
 * source row is ⌊i/s⌋ (nearest), or s_i = max((i + ½)/s − ½, 0) (half-pixel centres) or
 * i·(H − 1)/(H·s − 1) (aligned corners), blended from rows ⌊s_i⌋ and ⌊s_i⌋ + 1 (clamped), and likewise
 * for columns.
 */
function reference(
  x: number[][][][],
  [sh, sw]: [number, number],
  mode: 'nearest' | 'bilinear',
  alignCorners = false,
): number[][][][] {
  const source = (i: number, size: number, s: number): [number, number, number] => {
    if (mode === 'nearest') return [Math.floor(i / s), Math.floor(i / s), 0]
    const out = size * s
    const at = alignCorners ? (out > 1 ? (i * (size - 1)) / (out - 1) : 0) : Math.max((i + 0.5) / s - 0.5, 0)
    const lo = Math.min(Math.floor(at), size - 1)
    return [lo, Math.min(lo + 1, size - 1), at - lo]
  }
  return x.map((image) =>
    image.map((plane) => {
      const h = plane.length
      const w = plane[0]!.length
      return Array.from({ length: h * sh }, (_, i) => {
        const [r0, r1, a] = source(i, h, sh)
        return Array.from({ length: w * sw }, (_, j) => {
          const [c0, c1, b] = source(j, w, sw)
          const p = plane
          return (1 - a) * ((1 - b) * p[r0]![c0]! + b * p[r0]![c1]!) + a * ((1 - b) * p[r1]![c0]! + b * p[r1]![c1]!)
        })
      })
    }),
  )
}

const x2 = T.tensor([
  [
    [
      [1, 2],
      [3, 4],
    ],
  ],
])

function expectClose(actual: unknown, expected: unknown, tolerance: number): void {
  const a = (actual as unknown[]).flat(3) as number[]
  const e = (expected as unknown[]).flat(3) as number[]
  expect(a.length).toBe(e.length)
  expect(Math.max(0, ...a.map((v, i) => Math.abs(v - e[i]!)))).toBeLessThan(tolerance)
}

describe('upsample2d', () => {
  it("'nearest' repeats each pixel (hand-worked 2×2)", () => {
    expect(upsample2d().apply({}, x2).toArray()).toEqual([
      [
        [
          [1, 1, 2, 2],
          [1, 1, 2, 2],
          [3, 3, 4, 4],
          [3, 3, 4, 4],
        ],
      ],
    ])
    expect(
      upsample2d({ scale: [1, 3] })
        .apply({}, x2)
        .toArray(),
    ).toEqual([
      [
        [
          [1, 1, 1, 2, 2, 2],
          [3, 3, 3, 4, 4, 4],
        ],
      ],
    ])
  })

  it("'bilinear' samples at half-pixel centres (hand-worked 2×2)", () => {
    // along a row [1, 2]: sources −0.25 → 0 (clamped), 0.25, 0.75, 1.25 → 1 (clamped at the last pixel):
    // 1, 0.75·1 + 0.25·2 = 1.25, 0.25·1 + 0.75·2 = 1.75, 2; columns [1, 3] → 1, 1.5, 2.5, 3
    expect(upsample2d({ mode: 'bilinear' }).apply({}, x2).toArray()).toEqual([
      [
        [
          [1, 1.25, 1.75, 2],
          [1.5, 1.75, 2.25, 2.5],
          [2.5, 2.75, 3.25, 3.5],
          [3, 3.25, 3.75, 4],
        ],
      ],
    ])
  })

  it("'bilinear' with alignCorners puts the corners on each other (hand-worked 2×2)", () => {
    // sources i·(2 − 1)/(4 − 1) = 0, ⅓, ⅔, 1: y[r][c] = 1 + c/3 + 2r/3
    const y = upsample2d({ mode: 'bilinear', alignCorners: true }).apply({}, T.cast(x2, 'float64'))
    const expected = [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => 1 + c / 3 + (2 * r) / 3))
    expectClose(y.toArray(), [[expected]], 1e-15)
  })

  const cases: ['nearest' | 'bilinear', [number, number], boolean, number[]][] = [
    ['nearest', [3, 2], false, [2, 3, 3, 5]],
    ['bilinear', [2, 2], false, [2, 2, 7, 7]],
    ['bilinear', [2, 3], false, [1, 3, 3, 5]],
    ['bilinear', [3, 2], true, [2, 2, 4, 3]],
    ['bilinear', [2, 2], true, [1, 1, 1, 4]],
    ['bilinear', [4, 1], false, [1, 2, 1, 3]],
  ]
  it.each(cases)(
    'matches the float64 reference: %s, scale %o, alignCorners %s, input %o',
    (mode, scale, alignCorners, shape) => {
      const x = uniformInit(3, shape, { dtype: 'float64', low: -2, high: 2 })
      const layer = mode === 'nearest' ? upsample2d({ scale, mode }) : upsample2d({ scale, mode, alignCorners })
      const expected = reference(x.toArray() as number[][][][], scale, mode, alignCorners)
      const y = layer.apply({}, x)
      expect(y.shape).toEqual([shape[0], shape[1], shape[2]! * scale[0], shape[3]! * scale[1]])
      expectClose(y.toArray(), expected, 1e-14)
      // float32: the same numbers to float32 precision, and a second call (cached matrices) agrees
      expectClose(layer.apply({}, T.cast(x, 'float32')).toArray(), expected, 1e-5)
      expectClose(layer.apply({}, T.cast(x, 'float32')).toArray(), expected, 1e-5)
    },
  )

  it('sends back to each input pixel the weights it was given: the sums of its block (nearest) or of its interpolation weights', () => {
    const g = grad((x: Var) => sum(mul(upsample2d().apply({}, x), T.reshape(T.arange(16), [1, 1, 4, 4]))))
    // the 2×2 blocks of 0..15 in a 4×4: 0+1+4+5, 2+3+6+7, 8+9+12+13, 10+11+14+15
    expect(g(x2).toArray()).toEqual([
      [
        [
          [10, 18],
          [42, 50],
        ],
      ],
    ])
    // bilinear, half-pixel: each 1-D output row is a convex blend, so every input pixel's weights sum to the scale (2 per axis)
    const bilinear = grad((x: Var) => sum(upsample2d({ mode: 'bilinear' }).apply({}, x)))
    expect(bilinear(T.ones([1, 1, 3, 3])).toArray()).toEqual([
      [
        [
          [4, 4, 4],
          [4, 4, 4],
          [4, 4, 4],
        ],
      ],
    ])
  })

  it("'nearest' gives what its composite form (reshape, broadcast, reshape) gives, to the second derivative", () => {
    const [sh, sw] = [3, 2]
    const composite = (x: Var | T.Tensor) => {
      const [n, c, h, w] = x.shape as [number, number, number, number]
      return reshape(broadcastTo(reshape(x, [n, c, h, 1, w, 1]), [n, c, h, sh, w, sw]), [n, c, h * sh, w * sw])
    }
    const layer = upsample2d({ scale: [sh, sw] })
    const x = uniformInit(5, [2, 3, 4, 5], { dtype: 'float64', low: -1, high: 1 })
    const weights = uniformInit(6, [2, 3, 12, 10], { dtype: 'float64', low: -1, high: 1 })
    expect(layer.apply({}, x).toArray()).toEqual(composite(x).toArray())
    // first derivative: the block sums of the weights; second: the gradient of Σ (∂/∂x)², copied back up
    const first = (f: (x: Var) => Var) => grad((x: Var) => sum(mul(f(x), weights)))
    expectClose(first((x) => layer.apply({}, x))(x).toArray(), first(composite)(x).toArray(), 1e-14)
    const second = (f: (x: Var) => Var) => grad((w: Var) => sum(mul(grad((x: Var) => sum(mul(f(x), w)))(x), x)))
    expectClose(second((x) => layer.apply({}, x))(weights).toArray(), second(composite)(weights).toArray(), 1e-14)
    const x32 = T.cast(x, 'float32')
    expect(layer.apply({}, x32).toArray()).toEqual(composite(x32).toArray())
  })

  it("'bilinear' gives what its composite form (two matmuls with interpolation matrices) gives, to the second derivative", () => {
    const [sh, sw] = [2, 3]
    const layer = upsample2d({ scale: [sh, sw], mode: 'bilinear' })
    // A[i, j]: the weight of source j in output i, from the 1-D reference of one unit impulse at a time
    const matrix = (size: number, s: number) => {
      const rows = Array.from(
        { length: size },
        (_, j) =>
          reference([[[Array.from({ length: size }, (_, k) => (k === j ? 1 : 0))]]], [1, s], 'bilinear')[0]![0]![0]!,
      )
      return T.transpose(T.tensor(rows, { dtype: 'float64' }))
    }
    const [ah, aw] = [matrix(4, sh), matrix(5, sw)]
    const composite = (x: Var | T.Tensor) => matmul(ah, matmul(x, aw, { transposeB: true }))
    const x = uniformInit(7, [2, 3, 4, 5], { dtype: 'float64', low: -1, high: 1 })
    const weights = uniformInit(8, [2, 3, 8, 15], { dtype: 'float64', low: -1, high: 1 })
    expectClose(layer.apply({}, x).toArray(), composite(x).toArray(), 1e-14)
    const first = (f: (x: Var) => Var) => grad((x: Var) => sum(mul(f(x), weights)))
    expectClose(first((x) => layer.apply({}, x))(x).toArray(), first(composite)(x).toArray(), 1e-14)
    const second = (f: (x: Var) => Var) => grad((w: Var) => sum(mul(grad((x: Var) => sum(mul(f(x), w)))(x), x)))
    expectClose(second((x) => layer.apply({}, x))(weights).toArray(), second(composite)(weights).toArray(), 1e-14)
  })

  it('names itself after its scale and mode', () => {
    expect(upsample2d().name).toBe('upsample2d(×2, nearest)')
    expect(upsample2d({ scale: [2, 3], mode: 'bilinear', alignCorners: true }).name).toBe(
      'upsample2d(×2×3, bilinear, alignCorners)',
    )
    expect(upsample2d().init(0)).toEqual({})
  })

  it('rejects bad arguments with messages that say what was expected', () => {
    expect(() => upsample2d({ scale: 1.5 })).toThrow(
      'upsample2d: scale must be a positive integer or a pair of them, got 1.5',
    )
    expect(() => upsample2d({ scale: [2, 0] })).toThrow(
      'upsample2d: scale must be a positive integer or a pair of them, got [2,0]',
    )
    expect(() => upsample2d({ mode: 'bicubic' as never })).toThrow(
      'upsample2d: mode must be "nearest" or "bilinear", got "bicubic"',
    )
    expect(() => upsample2d({ alignCorners: false })).toThrow(
      'upsample2d: alignCorners must be left out with mode "nearest", got false',
    )
    expect(() => upsample2d({ mode: 'bilinear', alignCorners: 'yes' as never })).toThrow(
      'upsample2d: alignCorners must be a boolean, got "yes"',
    )
    expect(() => upsample2d({ scale_factor: 2 } as never)).toThrow(
      'upsample2d: unknown option scale_factor, expected one of scale, mode, alignCorners',
    )
    expect(() => upsample2d({ scales: 2 } as never)).toThrow(
      'upsample2d: unknown option scales, expected one of scale, mode, alignCorners; did you mean scale?',
    )
    expect(() => upsample2d(3 as never)).toThrow('upsample2d: options must be a plain object, got 3')
    const layer = upsample2d({ mode: 'bilinear' })
    expect(() => layer.apply({}, T.ones([2, 4, 4]))).toThrow(
      'upsample2d: x must be a float32 or float64 tensor of shape [batch, channels, height, width], got a float32 Tensor of shape [2,4,4]',
    )
    expect(() => layer.apply({}, T.ones([1, 1, 2, 2], { dtype: 'int32' }))).toThrow(
      'upsample2d: x must be a float32 or float64 tensor of shape [batch, channels, height, width], got an int32 Tensor of shape [1,1,2,2]',
    )
    expect(() => upsample2d({ scale: 2 ** 20 }).apply({}, T.ones([1, 2, 4, 4]))).toThrow(
      'upsample2d: output shape [1,2,4194304,4194304] has 35184372088832 elements, more than the limit of 2147483647',
    )
    expect(() => layer.apply({}, x2, { train: 1 } as never)).toThrow('upsample2d: train must be a boolean, got 1')
  })
})

describe('the TSDoc examples, as written', () => {
  it('upsample2d and Upsample2dOptions', () => {
    const x = T.tensor([
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ])
    expect(upsample2d().apply({}, x).toArray()).toEqual([
      [
        [
          [1, 1, 2, 2],
          [1, 1, 2, 2],
          [3, 3, 4, 4],
          [3, 3, 4, 4],
        ],
      ],
    ])
    expect(upsample2d({ mode: 'bilinear' }).apply({}, x).toArray()).toEqual([
      [
        [
          [1, 1.25, 1.75, 2],
          [1.5, 1.75, 2.25, 2.5],
          [2.5, 2.75, 3.25, 3.5],
          [3, 3.25, 3.75, 4],
        ],
      ],
    ])
    const smooth: Upsample2dOptions = { scale: [2, 3], mode: 'bilinear', alignCorners: true }
    expect(upsample2d(smooth).name).toBe('upsample2d(×2×3, bilinear, alignCorners)')
  })
})
