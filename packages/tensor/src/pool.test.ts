import fc from 'fast-check'
import { describe, expect, it, onTestFinished } from 'vitest'
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward, type Pool2dOptions } from './pool.js'
import { kernels, useKernels, useWasm } from './seam.js'
import { sizeOf } from './shape.js'
import { Tensor, tensor } from './tensor.js'
import { window2d, type Padding2d } from './window2d.js'

type Float = 'float32' | 'float64'

/** Distinct values (a shuffled multiple of 1/8), so maxima are unique and 0.125 apart. */
function distinct(shape: number[], dtype: Float, seed: number): Tensor<Float> {
  const n = sizeOf(shape)
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n)
  for (let i = 0; i < n; i++) data[i] = ((i * 7919 + seed * 104729) % n) / 8 - n / 16
  return tensor(data, { shape, dtype })
}

interface Case {
  shape: number[]
  options: Pool2dOptions
}

const cases: fc.Arbitrary<Case> = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 7 }),
    w: fc.integer({ min: 1, max: 7 }),
    k: fc.oneof(
      fc.integer({ min: 1, max: 3 }),
      fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    ),
    stride: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    padding: fc.oneof(
      fc.constantFrom<Padding2d>('valid', 'same'),
      fc.integer({ min: 0, max: 1 }),
      fc.tuple(fc.nat(1), fc.nat(1), fc.nat(1), fc.nat(1)),
    ),
  })
  .map((r) => ({
    shape: [r.n, r.c, r.h, r.w],
    options: { kernelSize: r.k, padding: r.padding, ...(r.stride === undefined ? {} : { stride: r.stride }) },
  }))
  .filter((c) => {
    try {
      maxPool2d(tensor(new Float64Array(sizeOf(c.shape)), { shape: c.shape }), c.options)
      return true
    } catch {
      return false
    }
  })

/** Direct loops: for each output pixel, the list of flat input indices its window covers. */
function windows(c: Case): { outShape: number[]; members: number[][] } {
  const [N, C, H, W] = c.shape as [number, number, number, number]
  const k =
    typeof c.options.kernelSize === 'number' ? [c.options.kernelSize, c.options.kernelSize] : c.options.kernelSize
  const g = window2d('ref', [H, W], [k[0]!, k[1]!], {
    stride: c.options.stride ?? [k[0]!, k[1]!],
    padding: c.options.padding ?? 'valid',
  })
  const members: number[][] = []
  for (let plane = 0; plane < N * C; plane++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        const list: number[] = []
        for (let ki = 0; ki < k[0]!; ki++) {
          for (let kj = 0; kj < k[1]!; kj++) {
            const iy = oy * g.strideH - g.padTop + ki
            const ix = ox * g.strideW - g.padLeft + kj
            if (iy >= 0 && iy < H && ix >= 0 && ix < W) list.push((plane * H + iy) * W + ix)
          }
        }
        members.push(list)
      }
    }
  }
  return { outShape: [N, C, g.outH, g.outW], members }
}

function numeric(x: Tensor<Float>, f: (p: Tensor<Float>) => number, h: number): number[] {
  const base = Float64Array.from(x.data)
  return Array.from(base, (v, i) => {
    const plus = Float64Array.from(base)
    const minus = Float64Array.from(base)
    plus[i] = v + h
    minus[i] = v - h
    return (f(tensor(plus, { shape: [...x.shape] })) - f(tensor(minus, { shape: [...x.shape] }))) / (2 * h)
  })
}

describe('pooling', () => {
  it('worked examples: 2×2 windows over [[1,2,5,6],[3,4,7,8]]', () => {
    const x = tensor([
      [
        [
          [1, 2, 5, 6],
          [3, 4, 7, 8],
        ],
      ],
    ])
    expect(maxPool2d(x, { kernelSize: 2 }).toArray()).toEqual([[[[4, 8]]]])
    expect(avgPool2d(x, { kernelSize: 2 }).toArray()).toEqual([[[[2.5, 6.5]]]]) // (1+2+3+4)/4, (5+6+7+8)/4
    // padding 1 with kernel 2, stride 2: the first window holds only x[0,0] = 1, so its mean is 1
    expect(avgPool2d(x, { kernelSize: 2, padding: 1 }).toArray()).toEqual([
      [
        [
          [1, 3.5, 6],
          [3, 5.5, 8],
        ],
      ],
    ])
  })

  it.each([true, false])('forward and backward match direct loops (float32 and float64; Wasm allowed: %s)', (wasm) => {
    onTestFinished(useWasm(wasm))
    fc.assert(
      fc.property(cases, fc.constantFrom<Float>('float32', 'float64'), fc.nat(50), (c, dtype, seed) => {
        const x = distinct(c.shape, dtype, seed)
        const xd = x.data
        const { outShape, members } = windows(c)
        const dy = distinct(outShape, dtype, seed + 3)
        const maxWant = members.map((m) => Math.max(...m.map((i) => xd[i]!)))
        const avgWant = members.map((m) => m.reduce((s, i) => s + xd[i]!, 0) / m.length)
        const dxMax = new Float64Array(x.size)
        const dxAvg = new Float64Array(x.size)
        members.forEach((m, o) => {
          const arg = m.find((i) => xd[i] === maxWant[o])!
          dxMax[arg] = dxMax[arg]! + dy.data[o]!
          for (const i of m) dxAvg[i] = dxAvg[i]! + dy.data[o]! / m.length
        })
        const tol = dtype === 'float32' ? 1e-6 : 1e-14
        const close = (got: ArrayLike<number>, want: ArrayLike<number>): void => {
          expect(got.length).toBe(want.length)
          for (let i = 0; i < want.length; i++)
            expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!)))
        }
        const yMax = maxPool2d(x, c.options)
        expect(yMax.shape).toEqual(outShape)
        expect(yMax.dtype).toBe(dtype)
        close(yMax.data, maxWant)
        close(avgPool2d(x, c.options).data, avgWant)
        close(maxPool2dBackward(dy, x, c.options).data, dxMax)
        close(avgPool2dBackward(dy, c.shape, c.options).data, dxAvg)
      }),
      { numRuns: 150 },
    )
  })

  it('backward kernels equal central finite differences of the forward (float64)', () => {
    fc.assert(
      fc.property(cases, fc.nat(50), (c, seed) => {
        const x = distinct(c.shape, 'float64', seed)
        const r = distinct(windows(c).outShape, 'float64', seed + 1)
        const dot = (y: Tensor): number => Array.from(y.data).reduce((s, v, i) => s + v * r.data[i]!, 0)
        // maxima are 0.125 apart, so a 1e-4 step never changes which element wins
        const h = 1e-4
        // Both pools are piecewise linear, so central differences have no truncation error: only the rounding of
        // the two sums and of x ± h, a few dozen ulps of Σ|yᵢ·rᵢ| at most, divided by 2h.
        const close = (got: ArrayLike<number>, want: number[], y: Tensor): void => {
          const magnitude = Array.from(y.data).reduce((s, v, i) => s + Math.abs(v * r.data[i]!), 0)
          const bound = 1e-12 + (64 * Number.EPSILON * magnitude) / h
          want.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThan(bound))
        }
        close(
          maxPool2dBackward(r, x, c.options).data,
          numeric(x, (p) => dot(maxPool2d(p, c.options)), h),
          maxPool2d(x, c.options),
        )
        close(
          avgPool2dBackward(r, c.shape, c.options).data,
          numeric(x, (p) => dot(avgPool2d(p, c.options)), h),
          avgPool2d(x, c.options),
        )
      }),
      { numRuns: 40 },
    )
  })

  it("gives a tied window's gradient to its first maximum, and propagates NaN", () => {
    const tie = tensor([
      [
        [
          [3, 3],
          [1, 3],
        ],
      ],
    ])
    expect(maxPool2dBackward(tensor([[[[5]]]]), tie, { kernelSize: 2 }).toArray()).toEqual([
      [
        [
          [5, 0],
          [0, 0],
        ],
      ],
    ])
    const nan = tensor([
      [
        [
          [1, NaN],
          [2, 0],
        ],
      ],
    ])
    expect(maxPool2d(nan, { kernelSize: 2 }).item()).toBeNaN()
    expect(maxPool2dBackward(tensor([[[[1]]]]), nan, { kernelSize: 2 }).toArray()).toEqual([
      [
        [
          [0, 1],
          [0, 0],
        ],
      ],
    ])
  })

  it('goes through the kernel table', () => {
    let calls = 0
    const { avgPool2d: base } = kernels
    const restore = useKernels({ avgPool2d: (...a) => (calls++, base(...a)) })
    try {
      avgPool2d(distinct([1, 1, 2, 2], 'float32', 0), { kernelSize: 2 })
    } finally {
      restore()
    }
    expect(calls).toBe(1)
  })

  it('throws clear errors', () => {
    const x = distinct([1, 1, 4, 4], 'float32', 0)
    expect(() => maxPool2d(distinct([4, 4], 'float32', 0), { kernelSize: 2 })).toThrow(
      'maxPool2d: input must be 4-D [batch, channels, height, width] (NCHW), got shape [4,4]',
    )
    expect(() => maxPool2d(x, {} as Pool2dOptions)).toThrow(
      'maxPool2d: kernelSize must be given (a positive integer or [height, width]), got undefined',
    )
    expect(() => avgPool2d(x, { kernelSize: 0 })).toThrow(
      'avgPool2d: kernelSize must be a positive integer or a pair of them, got 0',
    )
    expect(() => avgPool2d(x, { kernelSize: 2, padding: 2 })).toThrow(
      'avgPool2d: padding [2,2,2,2] must be smaller than the kernel [2,2] on every side',
    )
    expect(() => maxPool2d(tensor([[[[1]]]], { dtype: 'int32' }), { kernelSize: 1 })).toThrow(
      'maxPool2d: dtype must be float32 or float64, got int32',
    )
    expect(() => maxPool2dBackward(distinct([1, 1, 3, 2], 'float32', 0), x, { kernelSize: 2 })).toThrow(
      'maxPool2dBackward: dy has shape [1,1,3,2], expected the forward output shape [1,1,2,2]',
    )
    expect(() => maxPool2dBackward(distinct([1, 1, 2, 2], 'float64', 0), x, { kernelSize: 2 })).toThrow(
      'maxPool2dBackward: dtypes differ: float64 and float32',
    )
    expect(() => avgPool2dBackward(distinct([1, 1, 2, 2], 'float32', 0), [1, 1, 4], { kernelSize: 2 })).toThrow(
      'avgPool2dBackward: input must be 4-D [batch, channels, height, width] (NCHW), got shape [1,1,4]',
    )
    // options are read strictly, and every argument is checked before it is used
    expect(() => maxPool2d(x, { kernelSize: 2, strides: 2 } as never)).toThrow(
      'maxPool2d: unknown option strides, expected one of kernelSize, stride, padding; did you mean stride?',
    )
    expect(() => avgPool2d(x, { kernelSize: 2, dilation: 2 } as never)).toThrow(
      'avgPool2d: unknown option dilation, expected one of kernelSize, stride, padding',
    )
    expect(() => maxPool2d(x, undefined as never)).toThrow(
      'maxPool2d: kernelSize must be given (a positive integer or [height, width]), got undefined',
    )
    expect(() => maxPool2d(undefined as never, { kernelSize: 2 })).toThrow(
      'maxPool2d: x must be a Tensor, got undefined',
    )
    expect(() => avgPool2d(x, 2 as never)).toThrow('avgPool2d: options must be a plain object, got 2')
    expect(() => maxPool2dBackward(x, null as never, { kernelSize: 2 })).toThrow(
      'maxPool2dBackward: x must be a Tensor, got null',
    )
    expect(() => avgPool2dBackward(x, [1, 1, 4, 4.5], { kernelSize: 2 })).toThrow(
      'avgPool2dBackward: inputShape must hold non-negative integers, got [1,1,4,4.5]',
    )
  })
})
