import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { ravel, tensorArb, unravel } from '../test/reference.js'
import * as T from './index.js'
import { axes, boolean, optional, readOptions, withDefault } from '@gd/check'
import { formatList } from './shape.js'

type Ref = (values: number[]) => number
const sumRef: Ref = (v) => v.reduce((a, b) => a + b, 0)
const refs: [string, (x: T.Tensor, o: T.ReduceOptions) => T.Tensor, Ref][] = [
  ['sum', T.sum, sumRef],
  ['prod', T.prod, (v) => v.reduce((a, b) => a * b, 1)],
  ['mean', T.mean, (v) => sumRef(v) / v.length],
  ['max', T.max, (v) => Math.max(...v)],
  ['min', T.min, (v) => Math.min(...v)],
  ['variance', T.variance, (v) => sumRef(v.map((x) => (x - sumRef(v) / v.length) ** 2)) / v.length],
  ['std', T.std, (v) => Math.sqrt(sumRef(v.map((x) => (x - sumRef(v) / v.length) ** 2)) / v.length)],
  ['logSumExp', T.logSumExp, (v) => Math.log(sumRef(v.map(Math.exp)))],
  ['norm', T.norm, (v) => Math.sqrt(sumRef(v.map((x) => x * x)))],
]

/** Reduces by brute force: group input elements by their output multi-index. */
function naiveReduce(x: T.Tensor, axes: number[], keepdims: boolean, ref: Ref): { shape: number[]; values: number[] } {
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
  const groups = new Map<number, number[]>()
  const data = x.data
  for (let i = 0; i < x.size; i++) {
    const idx = unravel(i, x.shape).map((v, d) => (axes.includes(d) ? 0 : v))
    const key = ravel(idx, keptShape)
    groups.set(key, [...(groups.get(key) ?? []), data[i]!])
  }
  const count = keptShape.reduce((a, b) => a * b, 1)
  const values = Array.from({ length: count }, (_, k) => ref(groups.get(k) ?? []))
  return { shape: keepdims ? keptShape : x.shape.filter((_, i) => !axes.includes(i)), values }
}

const withAxes = tensorArb(4, 4).chain((x) =>
  fc.tuple(fc.constant(x), fc.subarray(x.shape.map((_, i) => i)), fc.boolean()),
)

describe('reductions', () => {
  it.each(refs)('%s over random axes matches a brute-force reduction', (_name, op, ref) => {
    fc.assert(
      fc.property(withAxes, ([x, axes, keepdims]) => {
        const options = { axis: axes.length === 0 ? undefined : axes, keepdims }
        const out = op(x, axes.length === 0 ? { keepdims } : { axis: axes, keepdims })
        const expected = naiveReduce(x, axes.length === 0 ? x.shape.map((_, i) => i) : axes, keepdims, ref)
        expect(out.shape, JSON.stringify(options)).toEqual(expected.shape)
        const got = [...out.data]
        // float64 sums in a different order differ in the last bits only.
        expected.values.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 8))
      }),
      { numRuns: 50 },
    )
  })

  it('sum and mean of a contiguous tensor around adjacent kept axes (summed in place) equal the strided path bit for bit', () => {
    fc.assert(
      // a ≥ 2: a single row of the wide tensor would slice to a contiguous view
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 40 }),
        (a, b, c) => {
          const wide = T.tensor(
            Float32Array.from({ length: a * b * (c + 1) }, (_, i) => Math.fround(Math.sin(i * 1.7) * 100)),
            { shape: [a, b, c + 1] },
          )
          const strided = T.slice(wide, [0, 0, 0], [a, b, c]) // not contiguous: the transposing path
          const dense = T.tensor(strided.data, { shape: [a, b, c] })
          expect(strided.isContiguous).toBe(false)
          for (const axis of [[0], [0, 1], [0, 2], [1, 2], [2]]) {
            expect(T.sum(dense, { axis }).data).toEqual(T.sum(strided, { axis }).data)
            expect(T.mean(dense, { axis, keepdims: true }).data).toEqual(T.mean(strided, { axis, keepdims: true }).data)
          }
        },
      ),
      { numRuns: 40 },
    )
  })

  it('sums an NCHW batch over batch, height and width in place, each channel exactly as a sequential float64 sum', () => {
    // the bias gradient of a convolution; 7 channels: four summed together, then three one by one
    for (const dtype of ['float32', 'float64'] as const) {
      const [n, c, hw] = [5, 7, 3 * 4]
      const x = T.tensor(
        Float64Array.from({ length: n * c * hw }, (_, i) => Math.sin(i * 0.37) * 1e3 + 1 / (i + 1)),
        { shape: [n, c, 3, 4], dtype },
      )
      const data = x.data
      const expected = Array.from({ length: c }, (_, j) => {
        let s = 0 // batch, then height and width, in order: the order of the strided path
        for (let a = 0; a < n; a++) for (let i = 0; i < hw; i++) s += data[(a * c + j) * hw + i]!
        return s
      })
      const round = dtype === 'float32' ? Math.fround : (v: number) => v
      expect(Array.from(T.sum(x, { axis: [0, 2, 3] }).data)).toEqual(expected.map(round))
      expect(Array.from(T.mean(x, { axis: [0, 2, 3] }).data)).toEqual(expected.map((v) => round(v / (n * hw))))
    }
  })

  it('sums strided slabs over leading axes where they lie: each column exactly a sequential float64 sum', async () => {
    await T.initWasm()
    // a slice of columns (each row a slab), a slice of channels of NCHW and a broadcast (slab step 0);
    // 300 rows used to go through a transposed copy and the Wasm row sums (four lanes, other bits)
    const wide = T.tensor(
      Float32Array.from({ length: 300 * 150 }, (_, i) => Math.fround(Math.sin(i * 0.37) * 100 + 1 / (i + 1))),
      { shape: [300, 150] },
    )
    const nchw = T.reshape(wide, [30, 10, 15, 10])
    const cases: [T.Tensor, number[]][] = [
      [T.slice(wide, [0, 50], [300, 50]), [0]],
      [T.slice(nchw, [0, 3, 0, 0], [30, 4, 15, 10]), [0, 2, 3]],
      [T.broadcastTo(T.slice(wide, [7, 0], [1, 150]), [300, 150]), [0]],
    ]
    for (const [x, axis] of cases) {
      expect(x.isContiguous).toBe(false)
      const dense = x.data
      const kept = x.shape[1]!
      const inner = x.size / x.shape[0]! / kept
      const expected = Array.from({ length: kept }, (_, j) => {
        let s = 0
        for (let a = 0; a < x.shape[0]!; a++) for (let i = 0; i < inner; i++) s += dense[(a * kept + j) * inner + i]!
        return s
      })
      const data = vi.spyOn(T.Tensor.prototype, 'data', 'get')
      const [sum, mean] = [T.sum(x, { axis }), T.mean(x, { axis })]
      expect(data).not.toHaveBeenCalled()
      data.mockRestore()
      expect(Array.from(sum.data)).toEqual(expected.map(Math.fround))
      expect(Array.from(mean.data)).toEqual(expected.map((v) => Math.fround(v / (x.size / kept))))
    }
  })

  it('reduces trailing axes of a strided view row by row where the rows lie, with the bits of its contiguous copy', async () => {
    await T.initWasm()
    const ops: [string, (t: T.Tensor, o: T.ReduceOptions) => T.Tensor][] = [
      ['sum', T.sum],
      ['mean', T.mean],
      ['max', T.max],
      ['min', T.min],
      ['logSumExp', T.logSumExp],
    ]
    // rows of 50 (JavaScript blocks), 1200 (the Wasm kernel, a row at a time) and 300 (the Wasm kernel
    // only for all rows at once: read through a copy, as before)
    for (const [length, copies] of [
      [50, false],
      [1200, false],
      [300, true],
    ] as const) {
      const wide = T.tensor(
        Float32Array.from({ length: 6 * 2 * length }, (_, i) => Math.fround(Math.sin(i * 0.61) * 20)),
        { shape: [6, 2 * length] },
      )
      const views = [
        T.slice(wide, [0, length], [6, length]), // a slice of columns
        T.transpose(T.reshape(wide, [3, 2, 2, length]), [1, 0, 2, 3]), // rows of a head view
      ]
      for (const wasm of [true, false]) {
        const restore = T.useWasm(wasm)
        try {
          for (const v of views) {
            const axis = v.rank === 2 ? [1] : [2, 3]
            const dense = T.tensor(Float32Array.from(v.data), { shape: v.shape })
            for (const [name, op] of ops) {
              const data = vi.spyOn(T.Tensor.prototype, 'data', 'get')
              const got = op(v, { axis, keepdims: true })
              expect(data.mock.calls.length > 0, `${name} ${length} copies`).toBe(
                copies && wasm && name !== 'logSumExp',
              )
              data.mockRestore()
              expect(Array.from(got.data), `${name} ${length} wasm ${wasm}`).toEqual(
                Array.from(op(dense, { axis, keepdims: true }).data),
              )
            }
          }
        } finally {
          restore()
        }
      }
    }
  })

  it('reduces any strided view over any axes to the bits of its contiguous copy', () => {
    const ops = [T.sum, T.mean, T.max, T.min, T.prod, T.logSumExp, T.variance, T.norm, T.argmax]
    fc.assert(
      fc.property(
        tensorArb(4, 5).chain((x) =>
          fc.tuple(
            fc.constant(x),
            fc.shuffledSubarray(
              x.shape.map((_, i) => i),
              { minLength: x.rank, maxLength: x.rank },
            ),
            fc.array(fc.nat(), { minLength: x.rank, maxLength: x.rank }),
            fc.subarray(x.shape.map((_, i) => i)),
          ),
        ),
        ([x, perm, cuts, axes]) => {
          // a transpose, then a slice off the start of each axis longer than 2
          const t = T.transpose(x, perm)
          const begin = t.shape.map((d, i) => (d > 2 ? cuts[i]! % 2 : 0))
          const v = T.slice(
            t,
            begin,
            t.shape.map((d, i) => d - begin[i]!),
          )
          if (v.size === 0) return
          const dense = T.tensor(Float64Array.from(v.data), { shape: v.shape, dtype: 'float64' })
          for (const op of ops) {
            const options = op === T.argmax ? (axes.length > 0 ? { axis: axes[0]! } : {}) : { axis: axes }
            const a = (op as (t: T.Tensor, o: object) => T.Tensor)(v, options)
            const b = (op as (t: T.Tensor, o: object) => T.Tensor)(dense, options)
            expect(Array.from(a.data), op.name).toEqual(Array.from(b.data))
          }
        },
      ),
      { numRuns: 150 },
    )
  })

  it('float32 sum, mean, max and min on the Wasm loops agree with the JavaScript ones (sums within float32 rounding)', async () => {
    await T.initWasm()
    const x = T.tensor(
      Float32Array.from({ length: 6 * 700 }, (_, i) => Math.fround(Math.sin(i * 1.3) * 50)),
      { shape: [6, 700] },
    )
    const cases: [string, (t: T.Tensor) => T.Tensor][] = [
      ['sum rows', (t) => T.sum(t, { axis: 1 })],
      ['mean all', (t) => T.mean(t)],
      ['sum columns', (t) => T.sum(t, { axis: 0 })],
      ['max rows', (t) => T.max(t, { axis: 1 })],
      ['min all', (t) => T.min(t)],
    ]
    for (const [name, f] of cases) {
      const wasm = Array.from(f(x).data)
      const restore = T.useWasm(false)
      const js = Array.from(f(x).data)
      restore()
      wasm.forEach((v, i) => expect(Math.abs(v - js[i]!), name).toBeLessThanOrEqual(2 ** -23 * Math.abs(js[i]!)))
      if (name !== 'sum rows' && name !== 'mean all') expect(wasm, name).toEqual(js) // exact: columns keep the order, max/min have none
    }
  })

  it('takes negative axes, and sums bool masks as counts', () => {
    const x = T.tensor([
      [1, 2],
      [3, 4],
    ])
    expect(T.sum(x, { axis: -1 }).toArray()).toEqual([3, 7])
    expect(T.sum(T.tensor([true, true, false])).toArray()).toBe(2)
    expect(T.sum(T.tensor([true])).dtype).toBe('int32')
    expect(T.mean(T.tensor([1, 2], { dtype: 'int32' })).dtype).toBe('float32')
  })

  it('keeps logSumExp finite where the naive formula overflows', () => {
    // log(e^1000 + e^1000) = 1000 + log 2
    expect(T.logSumExp(T.tensor([1000, 1000], { dtype: 'float64' })).item()).toBeCloseTo(1000 + Math.LN2, 10)
    expect(T.logSumExp(T.tensor([-Infinity, -Infinity])).item()).toBe(-Infinity)
    // Reductions propagate NaN rather than hiding it.
    expect(T.max(T.tensor([1, NaN, 3])).item()).toBeNaN()
  })

  it('computes variance with a correction, and the 1, 2 and ∞ norms', () => {
    // mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5; /4 = 1.25; /3 = 1.666…
    const x = T.tensor([1, 2, 3, 4], { dtype: 'float64' })
    expect(T.variance(x).item()).toBe(1.25)
    expect(T.variance(x, { correction: 1 }).item()).toBeCloseTo(5 / 3, 12)
    expect(T.norm(T.tensor([3, -4]), { ord: 1 }).item()).toBe(7)
    expect(T.norm(T.tensor([3, -4]), { ord: Infinity }).item()).toBe(4)
    // No overflow in the 2-norm of huge values: √2 · 1e200.
    expect(T.norm(T.tensor([1e200, 1e200], { dtype: 'float64' })).item()).toBeCloseTo(Math.SQRT2 * 1e200, -188)
  })

  it('argmax/argmin take the first of ties, along an axis or flattened', () => {
    const x = T.tensor([
      [1, 9, 9],
      [7, 2, 7],
    ])
    expect(T.argmax(x, { axis: 1 }).toArray()).toEqual([1, 0])
    expect(T.argmax(x, { axis: 0 }).toArray()).toEqual([1, 0, 0])
    expect(T.argmax(x).item()).toBe(1)
    expect(T.argmin(x, { axis: 1, keepdims: true }).toArray()).toEqual([[0], [1]])
    expect(T.argmax(x).dtype).toBe('int32')
    expect(T.argmax(T.tensor([1, NaN, 5])).item()).toBe(1)
  })

  it('names the op and the problem on bad input', () => {
    const x = T.zeros([2, 3])
    expect(() => T.sum(x, { axis: 2 })).toThrow('sum: axis must be an integer in [-2, 2) for a tensor of rank 2, got 2')
    expect(() => T.mean(x, { axis: [0, -2] })).toThrow('mean: axis must not repeat an axis, got [0,-2]')
    expect(() => T.max(T.zeros([0]))).toThrow('max: cannot reduce an empty axis of shape [0]')
    expect(() => T.argmax(T.zeros([0]))).toThrow('argmax: cannot search an empty tensor of shape [0]')
    expect(() => T.norm(x, { ord: 3 as never })).toThrow('norm: ord must be 1, 2 or Infinity, got 3')
    expect(() => T.variance(x, { correction: -1 })).toThrow(
      'variance: correction must be a non-negative finite number, got -1',
    )
    // options are read strictly: a misspelt name no longer reduces over everything
    expect(() => T.sum(x, { axes: 1 } as never)).toThrow(
      'sum: unknown option axes, expected one of axis, keepdims; did you mean axis?',
    )
    expect(() => T.mean(x, { keepDims: true } as never)).toThrow(
      'mean: unknown option keepDims, expected one of axis, keepdims; did you mean keepdims?',
    )
    expect(() => T.argmax(x, { axis: [0] } as never)).toThrow(
      'argmax: axis must be an integer in [-2, 2) for a tensor of rank 2, got [0]',
    )
    expect(() => T.std(x, { correction: 1, ddof: 1 } as never)).toThrow(
      'std: unknown option ddof, expected one of axis, keepdims, correction',
    )
    expect(() => T.norm(x, { p: 2 } as never)).toThrow('norm: unknown option p, expected one of axis, keepdims, ord')
    expect(() => T.sum(x, 1 as never)).toThrow('sum: options must be a plain object, got 1')
    expect(() => T.max(x, { keepdims: 'yes' } as never)).toThrow('max: keepdims must be a boolean, got "yes"')
    expect(() => T.sum(undefined as never)).toThrow('sum: x must be a Tensor, got undefined')
    expect(T.sum(x, null as never).item()).toBe(T.sum(x).item()) // null options are no options
  })

  it('reads axis and keepdims exactly as the shared readOptions does (the plain-loop reader and its fallback)', () => {
    // every reduction without options of its own reads valid options with plain loops and sends anything
    // else to readOptions: the result's shape, or the error, must be what readOptions alone gives
    const junk = fc.constantFrom<unknown>(1.5, '0', null, NaN, -Infinity, 2 ** 53, true, {}, [0])
    const oneAxis = fc.oneof(fc.integer({ min: -4, max: 3 }), junk)
    const option = fc.record(
      {
        axis: fc.oneof(oneAxis, fc.array(oneAxis, { maxLength: 4 })),
        keepdims: fc.oneof(fc.boolean(), junk),
        axes: fc.constant(0),
      },
      { requiredKeys: [] },
    )
    const x = T.zeros([2, 1, 3])
    fc.assert(
      fc.property(option, fc.constantFrom('sum', 'mean', 'max', 'min', 'prod', 'logSumExp'), (o, op) => {
        const spec = { axis: optional(axes(3)), keepdims: withDefault(boolean, false) }
        let expected: string
        try {
          const r = readOptions(op, o, spec)
          const reduced = r.axis ?? [0, 1, 2]
          expected = formatList(x.shape.flatMap((d, i) => (!reduced.includes(i) ? [d] : r.keepdims ? [1] : [])))
        } catch (e) {
          expected = (e as Error).message
        }
        const f = (T as unknown as Record<string, (x: T.Tensor, o: unknown) => T.Tensor>)[op]!
        let got: string
        try {
          got = formatList(f(x, o).shape)
        } catch (e) {
          got = (e as Error).message
        }
        expect(got).toBe(expected)
      }),
      { numRuns: 400 },
    )
    // a null-prototype options object is a plain object too; a class instance is not
    expect(T.sum(x, Object.assign(Object.create(null), { axis: -1 })).shape).toEqual([2, 1])
    expect(() => T.sum(x, new Map() as never)).toThrow('sum: options must be a plain object, got')
  })
})
