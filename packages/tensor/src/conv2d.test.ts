import fc from 'fast-check'
import { describe, expect, it, onTestFinished } from 'vitest'
import { conv2d, conv2dBackwardFilter, conv2dBackwardInput, type Conv2dOptions } from './conv2d.js'
import { kernels, useKernels, useWasm } from './seam.js'
import { sizeOf } from './shape.js'
import { Tensor, tensor } from './tensor.js'
import { window2d, type Padding2d } from './window2d.js'

type Float = 'float32' | 'float64'

function random(shape: number[], dtype: Float, seed: number): Tensor<Float> {
  const data = dtype === 'float32' ? new Float32Array(sizeOf(shape)) : new Float64Array(sizeOf(shape))
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(seed * 12.9898 + i * 78.233) * 0.9
  return tensor(data, { shape, dtype })
}

interface Case {
  x: number[]
  w: number[]
  options: Conv2dOptions
}

/** The taps of a direct convolution: calls `visit(xIndex, wIndex, yIndex)` for every product. */
function directTaps(c: Case, visit: (xi: number, wi: number, yi: number) => void): number[] {
  const [N, C, H, W] = c.x as [number, number, number, number]
  const [O, cg, KH, KW] = c.w as [number, number, number, number]
  const { groups: _, ...windowOptions } = c.options
  const g = window2d('ref', [H, W], [KH, KW], windowOptions)
  const og = O / (c.options.groups ?? 1)
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const group = Math.floor(o / og)
      for (let oy = 0; oy < g.outH; oy++) {
        for (let ox = 0; ox < g.outW; ox++) {
          const yi = ((n * O + o) * g.outH + oy) * g.outW + ox
          for (let ci = 0; ci < cg; ci++) {
            for (let ki = 0; ki < KH; ki++) {
              for (let kj = 0; kj < KW; kj++) {
                const iy = oy * g.strideH - g.padTop + ki * g.dilationH
                const ix = ox * g.strideW - g.padLeft + kj * g.dilationW
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue
                const xi = ((n * C + group * cg + ci) * H + iy) * W + ix
                visit(xi, ((o * cg + ci) * KH + ki) * KW + kj, yi)
              }
            }
          }
        }
      }
    }
  }
  return [N, O, g.outH, g.outW]
}

const paddings = fc.oneof(
  fc.constantFrom<Padding2d>('valid', 'same'),
  fc.integer({ min: 0, max: 2 }),
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
  fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)),
)

const cases: fc.Arbitrary<Case> = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 2 }),
    cg: fc.integer({ min: 1, max: 3 }),
    og: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 7 }),
    w: fc.integer({ min: 1, max: 7 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    stride: fc.oneof(
      fc.integer({ min: 1, max: 3 }),
      fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    ),
    dilation: fc.integer({ min: 1, max: 2 }),
    padding: paddings,
  })
  .map((r) => ({
    x: [r.n, r.cg * r.groups, r.h, r.w],
    w: [r.og * r.groups, r.cg, r.kh, r.kw],
    options: { stride: r.stride, dilation: r.dilation, padding: r.padding, groups: r.groups },
  }))
  .filter((c) => {
    try {
      const { groups: _, ...windowOptions } = c.options
      window2d('filter', [c.x[2]!, c.x[3]!], [c.w[2]!, c.w[3]!], windowOptions)
      return true
    } catch {
      return false
    }
  })

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length)
  for (let i = 0; i < want.length; i++)
    expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!)))
}

describe('conv2d', () => {
  it('computes a worked example: 2×2 ones over 1..9 gives block sums [[12,16],[24,28]]', () => {
    const x = tensor([
      [
        [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
        ],
      ],
    ])
    const ones = tensor([
      [
        [
          [1, 1],
          [1, 1],
        ],
      ],
    ])
    expect(conv2d(x, ones).toArray()).toEqual([
      [
        [
          [12, 16],
          [24, 28],
        ],
      ],
    ])
    // 'same' pads [0,1,0,1] (odd pad at bottom/right): the last row/col sums fewer pixels, 9 alone at the corner
    expect(conv2d(x, ones, { padding: 'same' }).toArray()).toEqual([
      [
        [
          [12, 16, 9],
          [24, 28, 15],
          [15, 17, 9],
        ],
      ],
    ])
  })

  it.each([true, false])(
    'matches direct loops, and so do both gradients (float32 and float64; Wasm allowed: %s)',
    (wasm) => {
      onTestFinished(useWasm(wasm))
      fc.assert(
        fc.property(cases, fc.constantFrom<Float>('float32', 'float64'), fc.nat(1000), (c, dtype, seed) => {
          const x = random(c.x, dtype, seed)
          const w = random(c.w, dtype, seed + 1)
          const xd = x.data
          const wd = w.data
          const yWant: number[] = []
          const yShape = directTaps(c, (xi, wi, yi) => (yWant[yi] = (yWant[yi] ?? 0) + xd[xi]! * wd[wi]!))
          const y = conv2d(x, w, c.options)
          expect(y.shape).toEqual(yShape)
          expect(y.dtype).toBe(dtype)
          const dense = Array.from({ length: sizeOf(yShape) }, (_, i) => yWant[i] ?? 0)
          // float32: each sum has at most 3*3*3 = 27 products of numbers below 1
          const tol = dtype === 'float32' ? 1e-5 : 1e-13
          expectClose(y.data, dense, tol)

          const dy = random(yShape, dtype, seed + 2)
          const dyd = dy.data
          const dxWant = new Float64Array(sizeOf(c.x))
          const dwWant = new Float64Array(sizeOf(c.w))
          directTaps(c, (xi, wi, yi) => {
            dxWant[xi] = dxWant[xi]! + dyd[yi]! * wd[wi]!
            dwWant[wi] = dwWant[wi]! + dyd[yi]! * xd[xi]!
          })
          const dx = conv2dBackwardInput(dy, w, c.x, c.options)
          const dw = conv2dBackwardFilter(x, dy, c.w, c.options)
          expect(dx.shape).toEqual(c.x)
          expect(dw.shape).toEqual(c.w)
          expectClose(dx.data, dxWant, tol)
          // filter sums run over the batch and every output pixel (up to 2*7*7 terms)
          expectClose(dw.data, dwWant, dtype === 'float32' ? 1e-4 : 1e-12)
        }),
        { numRuns: 150 },
      )
    },
  )

  it('has gradients equal to central finite differences of the forward (float64)', () => {
    fc.assert(
      fc.property(cases, fc.nat(1000), (c, seed) => {
        const x = random(c.x, 'float64', seed)
        const w = random(c.w, 'float64', seed + 1)
        const y0 = conv2d(x, w, c.options)
        const r = random([...y0.shape], 'float64', seed + 2)
        // L(x, w) = Σ conv2d(x, w) · r, so dL/dx = conv2dBackwardInput(r, ...) and dL/dw = conv2dBackwardFilter(x, r, ...)
        const loss = (xx: Tensor<Float>, ww: Tensor<Float>): number => {
          const y = conv2d(xx, ww, c.options).data
          let s = 0
          for (let i = 0; i < y.length; i++) s += y[i]! * r.data[i]!
          return s
        }
        const numeric = (t: Tensor<Float>, f: (p: Tensor<Float>) => number): Float64Array => {
          const h = 1e-5
          const base = Float64Array.from(t.data)
          const out = new Float64Array(base.length)
          for (let i = 0; i < base.length; i++) {
            const plus = Float64Array.from(base)
            const minus = Float64Array.from(base)
            plus[i] = base[i]! + h
            minus[i] = base[i]! - h
            out[i] = (f(tensor(plus, { shape: [...t.shape] })) - f(tensor(minus, { shape: [...t.shape] }))) / (2 * h)
          }
          return out
        }
        // L is linear in each argument, so central differences are exact up to rounding (~1e-11 here)
        expectClose(
          conv2dBackwardInput(r, w, c.x, c.options).data,
          numeric(x, (p) => loss(p, w)),
          1e-8,
        )
        expectClose(
          conv2dBackwardFilter(x, r, c.w, c.options).data,
          numeric(w, (p) => loss(x, p)),
          1e-8,
        )
      }),
      { numRuns: 40 },
    )
  })

  it('reads strided (non-contiguous) inputs', () => {
    const base = random([1, 2, 4, 3], 'float64', 5)
    // the same values seen through a transposed view of the last two dims, then made [1, 2, 3, 4]
    const view = new Tensor(base.storage as Float64Array, [1, 2, 3, 4], 'float64', [24, 12, 1, 3])
    const copy = tensor(Float64Array.from(view.data), { shape: [1, 2, 3, 4] })
    const w = random([3, 2, 2, 2], 'float64', 6)
    expect(conv2d(view, w).toArray()).toEqual(conv2d(copy, w).toArray())
  })

  it('goes through kernels.im2col and kernels.gemm', () => {
    const seen: string[] = []
    const { gemm, im2col, col2im } = kernels
    const restore = useKernels({
      gemm: (...a) => (seen.push('gemm'), gemm(...a)),
      im2col: (...a) => (seen.push('im2col'), im2col(...a)),
      col2im: (...a) => (seen.push('col2im'), col2im(...a)),
    })
    try {
      const x = random([1, 1, 4, 4], 'float32', 1)
      const w = random([2, 1, 3, 3], 'float32', 2)
      conv2d(x, w)
      conv2dBackwardInput(random([1, 2, 2, 2], 'float32', 3), w, [1, 1, 4, 4])
    } finally {
      restore()
    }
    expect(seen).toEqual(['im2col', 'gemm', 'gemm', 'col2im'])
  })

  it('throws clear errors', () => {
    const x = random([1, 3, 5, 5], 'float32', 1)
    const w = random([4, 3, 3, 3], 'float32', 2)
    expect(() => conv2d(random([3, 5, 5], 'float32', 1), w)).toThrow(
      'conv2d: input must be 4-D [batch, channels, height, width] (NCHW), got shape [3,5,5]',
    )
    expect(() => conv2d(x, random([4, 3, 3], 'float32', 1))).toThrow(
      'conv2d: filter must be 4-D [outChannels, inChannels / groups, kernelH, kernelW] (OIHW), got shape [4,3,3]',
    )
    expect(() => conv2d(x, random([4, 2, 3, 3], 'float32', 1))).toThrow(
      'conv2d: filter [4,2,3,3] expects 2 input channels (2 per group, groups 1), input [1,3,5,5] has 3',
    )
    expect(() => conv2d(x, w, { groups: 2 })).toThrow(
      'conv2d: groups must be a positive integer dividing input channels 3 and output channels 4, got 2',
    )
    expect(() => conv2d(x, random([4, 3, 3, 3], 'float64', 1))).toThrow('conv2d: dtypes differ: float32 and float64')
    expect(() => conv2d(x, w, { stride: 0 })).toThrow(
      'conv2d: stride must be a positive integer or a pair of them, got 0',
    )
    expect(() => conv2d(x, random([1, 3, 7, 7], 'float32', 1))).toThrow(
      'conv2d: window [7,7] (kernel [7,7], dilation [1,1]) does not fit input [5,5] padded by [0,0,0,0]',
    )
    expect(() => conv2dBackwardInput(random([1, 4, 2, 2], 'float32', 1), w, [1, 3, 5, 5])).toThrow(
      'conv2dBackwardInput: dy has shape [1,4,2,2], expected the forward output shape [1,4,3,3]',
    )
    expect(() => conv2dBackwardFilter(x, random([1, 4, 3, 2], 'float32', 1), [4, 3, 3, 3])).toThrow(
      'conv2dBackwardFilter: dy has shape [1,4,3,2], expected the forward output shape [1,4,3,3]',
    )
    expect(() => conv2dBackwardFilter(x, random([1, 4, 3, 3], 'float32', 1), [4, 3, -3, 3])).toThrow(
      'conv2dBackwardFilter: filterShape must hold non-negative integers, got [4,3,-3,3]',
    )
    // options are read strictly, and every argument is checked before it is used
    expect(() => conv2d(x, w, { strides: 2 } as never)).toThrow(
      'conv2d: unknown option strides, expected one of stride, padding, dilation, groups; did you mean stride?',
    )
    expect(() => conv2d(x, w, { groups: 0 })).toThrow('conv2d: groups must be a positive integer, got 0')
    expect(() => conv2d(x, w, { padding: 'full' as never })).toThrow(
      `conv2d: padding must be 'same', 'valid', a non-negative integer, [ph, pw] or [top, bottom, left, right], got "full"`,
    )
    expect(() => conv2d(x, {} as never)).toThrow('conv2d: filter must be a Tensor, got {}')
    expect(() => conv2dBackwardInput(undefined as never, w, [1, 3, 5, 5])).toThrow(
      'conv2dBackwardInput: dy must be a Tensor, got undefined',
    )
    expect(() => conv2dBackwardInput(x, w, 'x' as never)).toThrow(
      'conv2dBackwardInput: inputShape must hold non-negative integers, got "x"',
    )
    expect(() => conv2dBackwardFilter(x, x, [4, 3, 3, 3], { dilations: 1 } as never)).toThrow(
      'conv2dBackwardFilter: unknown option dilations, expected one of stride, padding, dilation, groups; did you mean dilation?',
    )
  })
})
