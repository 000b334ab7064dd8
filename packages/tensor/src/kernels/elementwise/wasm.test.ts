import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { add, div, exp, log, mul, neg, relu, sigmoid, sqrt, square, sub, tanh, tensor } from '../../index.js'
import { initWasm, useWasm } from '../../seam.js'
import { BINARY, REDUCE, UNARY } from './ops.generated.js'
import { CHUNK, loadWasmElementwise, loadWasmElementwiseSync } from './wasm.js'
import { sharedArena } from '../runtime/arena.js'
import { traffic } from '../runtime/memory.js'
import { threefry } from '../../internal/threefry.js'

const wasm = loadWasmElementwiseSync()!

/** Distance in float32 units in the last place (both finite, same sign or around zero). */
function ulps(a: number, b: number): number {
  const bits = new Int32Array(new Float32Array([a, b]).buffer)
  const key = (i: number) => (bits[i]! < 0 ? -0x80000000 - bits[i]! : bits[i]!)
  return Math.abs(key(0) - key(1))
}

/** The JavaScript meaning of each unary op, rounded to float32 as the JavaScript loops store it. */
const reference: Record<keyof typeof UNARY, (x: number) => number> = {
  neg: (x) => -x,
  square: (x) => x * x,
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  relu: (x) => (x > 0 ? x : x === x ? 0 : x),
}
const exact = new Set(['neg', 'square', 'sqrt', 'relu'])
/**
 * The largest distance in float32 ulps from the JavaScript loops, measured over every float32 (NaN,
 * infinities, zeros and subnormal results of exp and sigmoid are equal instead).
 */
const bound: Record<string, number> = { exp: 1, log: 3, tanh: 2, sigmoid: 2 }

/** Inputs around every branch: specials, zeros, subnormals, the tanh and exp cut-offs, wide range. */
const specials = [
  NaN,
  Infinity,
  -Infinity,
  0,
  -0,
  1e-45,
  -1e-45,
  1e-40,
  1.17549435e-38,
  1e-30,
  0.4999,
  0.5,
  0.5001,
  -0.5,
  1,
  -1,
  2,
  10,
  -10,
  44,
  -44,
  87.3,
  -87.3,
  88.7,
  88.8,
  -103,
  -104,
  1e30,
  -1e30,
  3.4e38,
]
const floats = fc.oneof(
  fc.constantFrom(...specials),
  fc.float({ noDefaultInfinity: false }),
  fc.float({ min: -20, max: 20, noNaN: true }),
  fc.float({ min: -1, max: 1, noNaN: true }),
)

function expectAgrees(op: string, x: number, got: number, want: number): void {
  const w = Math.fround(want)
  if (Number.isNaN(w)) return expect(got, `${op}(${x})`).toBeNaN()
  if (exact.has(op) || !Number.isFinite(w))
    return expect(Object.is(got, w) || got === w, `${op}(${x}) = ${got}, want ${w}`).toBe(true)
  // below the smallest normal float32 (subnormal results) exp and sigmoid equal the JavaScript loop
  if (Math.abs(w) < 1.17549435e-38) return expect(Object.is(got, w), `${op}(${x}) = ${got}, want ${w}`).toBe(true)
  expect(ulps(got, w), `${op}(${x}) = ${got}, want ${w}`).toBeLessThanOrEqual(bound[op]!)
}

/** Every float32 from `from` up to, not including, `to` (both of one sign, from nearer zero). */
function everyFloat(from: number, to: number): Float32Array {
  const [a, b] = new Int32Array(new Float32Array([from, to]).buffer)
  const out = new Int32Array(Math.abs(b! - a!))
  for (let i = 0, step = Math.sign(b! - a!); i < out.length; i++) out[i] = a! + step * i
  return new Float32Array(out.buffer)
}

/** The largest ulp distance of y from the loop's `op` on x (where that is finite), in one pass over the bits. */
function worstUlps(op: keyof typeof reference, x: Float32Array, y: Float32Array): number {
  const got = new Int32Array(y.buffer, y.byteOffset, y.length)
  const want = new Float32Array(1)
  const wantBits = new Int32Array(want.buffer)
  const key = (b: number) => (b < 0 ? -0x80000000 - b : b)
  let worst = 0
  for (let i = 0; i < x.length; i++) {
    want[0] = reference[op](x[i]!)
    if (want[0] === Infinity) expect(y[i]).toBe(Infinity)
    else worst = Math.max(worst, Math.abs(key(wantBits[0]!) - key(got[i]!)))
  }
  return worst
}

/** `run()` with the Wasm kernels off (the JavaScript loops), then on again. */
function withoutWasm<T>(run: () => T): T {
  const restore = useWasm(false)
  try {
    return run()
  } finally {
    restore()
  }
}
describe('wasm elementwise kernels', () => {
  it('load here, synchronously and asynchronously', async () => {
    expect(wasm).not.toBeNull()
    expect(await loadWasmElementwise()).not.toBeNull()
  })

  for (const op of Object.keys(UNARY) as (keyof typeof UNARY)[]) {
    it(`${op}: ${exact.has(op) ? 'equals' : `is within ${bound[op]} ulps of`} the JavaScript loop, specials included`, () => {
      fc.assert(
        fc.property(fc.array(floats, { minLength: 64, maxLength: 300 }), (values) => {
          const x = Float32Array.from(values)
          const y = new Float32Array(x.length)
          expect(wasm.unary(UNARY[op], x, y)).toBe(true)
          x.forEach((xi, i) => expectAgrees(op, xi, y[i]!, reference[op](xi)))
        }),
        { numRuns: 60 },
      )
    })
  }

  // where each op's error peaks (found by a run over every float32; the loop is float64 then rounded)
  for (const [op, from, to] of [
    ['exp', 1, 2],
    ['exp', 87, 88.8], // past 87.34 the careful path, past 88.72 +∞
    ['tanh', 2, 4],
    ['sigmoid', -(2 ** -12), -(2 ** -11)],
    ['log', 1, 2],
  ] as const) {
    it(`${op} reaches its bound of ${bound[op]} ulps on every float32 in [${from}, ${to}) and no more`, () => {
      const x = everyFloat(from, to)
      const y = new Float32Array(x.length)
      expect(wasm.unary(UNARY[op], x, y)).toBe(true)
      expect(worstUlps(op, x, y)).toBe(bound[op])
    })
  }

  it('exp, sigmoid and log: a lane out of the fast range leaves its neighbours bit for bit as they were', () => {
    const x = Float32Array.from({ length: 256 }, (_, i) => Math.abs(Math.sin(i)) * 20 + 0.01)
    const odd = [100, -100, NaN, Infinity, -Infinity, 88, -88, 0, -0, -1, 1e-40]
    for (const op of ['exp', 'sigmoid', 'log'] as const) {
      const plain = new Float32Array(x.length)
      expect(wasm.unary(UNARY[op], x, plain)).toBe(true)
      const mixed = x.slice()
      odd.forEach((v, k) => (mixed[k * 9] = v))
      const y = new Float32Array(x.length)
      expect(wasm.unary(UNARY[op], mixed, y)).toBe(true)
      mixed.forEach((v, i) =>
        i % 9 === 0 && i / 9 < odd.length
          ? expectAgrees(op, v, y[i]!, reference[op](v))
          : expect(Object.is(y[i], plain[i]), `${op} at ${i}`).toBe(true),
      )
    }
  })

  it('exp and sigmoid equal the JavaScript loop bit for bit on every float32 in [-104, -87.3365) (subnormal results)', () => {
    // every float32 from -104 up to the last one whose exp is below the smallest normal, 1.18e-38
    const start = new Int32Array(new Float32Array([-104]).buffer)[0]!
    const stop = new Int32Array(new Float32Array([-87.33654]).buffer)[0]!
    const x = new Float32Array(new Int32Array(Array.from({ length: start - stop }, (_, i) => start - i)).buffer)
    const y = new Float32Array(x.length)
    for (const op of ['exp', 'sigmoid'] as const) {
      expect(wasm.unary(UNARY[op], x, y)).toBe(true)
      let differ = 0
      for (let i = 0; i < x.length; i++) if (!Object.is(y[i], Math.fround(reference[op](x[i]!)))) differ++
      expect(differ, op).toBe(0)
    }
    expect(x.length).toBeGreaterThan(2_000_000)
  })

  it('log(sigmoid(-90)) is -90 on 64 elements (Wasm) as on 63 (JavaScript), and tanh keeps -0', async () => {
    expect(await initWasm()).toBe('wasm')
    for (const n of [63, 64]) {
      const got = log(sigmoid(tensor(new Float32Array(n).fill(-90)))).data
      // sigmoid(-90) = e⁻⁹⁰ ≈ 8.19e-40, a subnormal float32 whose log rounds to -90.00000762939453
      expect(got[0], `n = ${n}`).toBe(Math.fround(Math.log(Math.fround(Math.exp(-90)))))
      expect(got[0]).toBeCloseTo(-90, 4)
      expect(Object.is(tanh(tensor(new Float32Array(n).fill(-0))).data[0], -0), `n = ${n}`).toBe(true)
    }
  })

  it('agrees with the JavaScript path on extreme values: NaN where it gives NaN, the same zeros, signs and infinities', async () => {
    expect(await initWasm()).toBe('wasm')
    // every pair of extremes, through the tensor ops with Wasm on (64+ elements) and off
    const extremes = [
      NaN,
      Infinity,
      -Infinity,
      0,
      -0,
      1e-45,
      -1e-45,
      1e-40,
      -1e-40,
      1.1754942e-38,
      1.17549435e-38,
      -1.17549435e-38,
      1e-30,
      1e-7,
      -1e-7,
      0.5,
      -0.5,
      9,
      -9,
      15.6,
      -15.6,
      20,
      -20,
      44,
      -44,
      87.33,
      -87.34,
      88.72,
      88.73,
      -90,
      -103.97,
      -104,
      1e30,
      -1e30,
      3.4028235e38,
      -3.4028235e38,
    ]
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...extremes), { minLength: 64, maxLength: 200 }),
        fc.array(fc.constantFrom(...extremes), { minLength: 200, maxLength: 200 }),
        (xs, zs) => {
          const x = tensor(Float32Array.from(xs))
          const z = tensor(Float32Array.from(zs.slice(0, xs.length)))
          const run = () =>
            [
              neg(x),
              square(x),
              sqrt(x),
              relu(x),
              add(x, z),
              sub(x, z),
              mul(x, z),
              div(x, z),
              exp(x),
              log(x),
              tanh(x),
              sigmoid(x),
            ].map((t) => t.data)
          const on = run()
          const off = withoutWasm(run)
          const names = ['neg', 'square', 'sqrt', 'relu', 'add', 'sub', 'mul', 'div', 'exp', 'log', 'tanh', 'sigmoid']
          on.forEach((d, k) =>
            d.forEach((v, i) => {
              const want = off[k]![i]!
              const where = `${names[k]} at ${xs[i]}, ${zs[i]}: ${v} vs ${want}`
              if (Number.isNaN(want)) return expect(v, where).toBeNaN()
              if (k < 8 || want === 0 || !Number.isFinite(want) || Math.abs(want) < 1.17549435e-38)
                return expect(Object.is(v, want), where).toBe(true)
              expect(ulps(v, want), where).toBeLessThanOrEqual(bound[names[k]!]!)
            }),
          )
        },
      ),
      { numRuns: 40 },
    )
  })

  it('streams arrays longer than a chunk', () => {
    const n = 2 * CHUNK + 5
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 30)
    const y = new Float32Array(n)
    expect(wasm.unary(UNARY.exp, x, y)).toBe(true)
    x.forEach((xi, i) => expectAgrees('exp', xi, y[i]!, Math.exp(xi)))
  })

  it('binary ops equal the JavaScript loops exactly: both full, scalar left, scalar right, with offsets', () => {
    const ops = {
      add: (a: number, b: number) => a + b,
      sub: (a: number, b: number) => a - b,
      mul: (a: number, b: number) => a * b,
      div: (a: number, b: number) => a / b,
      reluGrad: (a: number, b: number) => (b > 0 ? a : 0),
    }
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(ops) as (keyof typeof ops)[])),
        fc.integer({ min: 64, max: 300 }),
        fc.constantFrom([1, 1], [0, 1], [1, 0]),
        fc.integer({ min: 0, max: 5 }),
        (op, n, [sa, sb], offset) => {
          const A = Float32Array.from({ length: n + offset }, (_, i) => Math.fround(Math.sin(i + 1) * 3))
          const B = Float32Array.from({ length: n + offset }, (_, i) =>
            Math.fround(Math.cos(i * 2) * 2 + (i % 7 === 0 ? 0 : 0.1)),
          )
          const out = new Float32Array(n)
          expect(wasm.binary(BINARY[op], out, A, offset, sa!, B, offset, sb!, n)).toBe(true)
          for (let i = 0; i < n; i++) {
            const want = Math.fround(ops[op](A[offset + i * sa!]!, B[offset + i * sb!]!))
            expect(Object.is(out[i], want) || (op !== 'reluGrad' && out[i] === want), `${op} at ${i}`).toBe(true)
          }
        },
      ),
      { numRuns: 80 },
    )
  })

  it('chain gives the bits of its steps run one by one through unary and binary, over blocks and a ragged end', () => {
    const n = 2 * CHUNK + 7
    const x = Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i) * 4))
    const w = Float32Array.from({ length: n }, (_, i) => Math.fround(Math.cos(i) * 2))
    // y = relu(w · exp(0.5 − tanh(x))) / 3, with the running value on the left and on the right of binary steps
    const steps = [
      { code: UNARY.tanh, binary: false, operand: null, scalar: 0, right: false },
      { code: BINARY.sub, binary: true, operand: null, scalar: 0.5, right: true },
      { code: UNARY.exp, binary: false, operand: null, scalar: 0, right: false },
      { code: BINARY.mul, binary: true, operand: w, scalar: 0, right: true },
      { code: UNARY.relu, binary: false, operand: null, scalar: 0, right: false },
      { code: BINARY.div, binary: true, operand: null, scalar: 3, right: false },
    ]
    const out = new Float32Array(n)
    wasm.chain(x, steps, out)
    const t = new Float32Array(n)
    const u = new Float32Array(n)
    const half = new Float32Array([0.5])
    const three = new Float32Array([3])
    wasm.unary(UNARY.tanh, x, t)
    wasm.binary(BINARY.sub, u, half, 0, 0, t, 0, 1, n)
    wasm.unary(UNARY.exp, u, t)
    wasm.binary(BINARY.mul, u, w, 0, 1, t, 0, 1, n)
    wasm.unary(UNARY.relu, u, t)
    wasm.binary(BINARY.div, u, t, 0, 1, three, 0, 0, n)
    expect(new Int32Array(out.buffer)).toEqual(new Int32Array(u.buffer))
  })

  it('reduces rows: sums within float32 rounding of the exact sum, max and min exactly (NaN wins), across chunks', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(256, 257, 1023, 4099, CHUNK, CHUNK + 5, 2 * CHUNK + 1),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        (length, rows, start, nan) => {
          const x = Float32Array.from({ length: start + rows * length }, (_, i) =>
            Math.fround(Math.sin(i * 0.37) * 100),
          )
          if (nan) x[start + length + 7] = Number.NaN // in the second row, when there is one
          for (const [op, code] of [
            ['sum', REDUCE.sum],
            ['max', REDUCE.max],
            ['min', REDUCE.min],
          ] as const) {
            const out = new Float32Array(rows)
            if (rows * length < 1024) {
              expect(wasm.reduceRows(code, x, start, rows, length, out, 1)).toBe(false)
              continue
            }
            expect(wasm.reduceRows(code, x, start, rows, length, out, op === 'sum' ? 2 : 1)).toBe(true)
            for (let r = 0; r < rows; r++) {
              const row = Array.from(x.subarray(start + r * length, start + (r + 1) * length))
              if (op === 'sum') {
                const exact = row.reduce((a, b) => a + b, 0) / 2
                const scale = row.reduce((a, b) => a + Math.abs(b), 0)
                if (Number.isNaN(exact)) expect(out[r]).toBeNaN()
                else expect(Math.abs(out[r]! - exact)).toBeLessThanOrEqual(2 ** -24 * Math.abs(exact) + 1e-12 * scale)
              } else {
                const want = row.some(Number.isNaN) ? Number.NaN : op === 'max' ? Math.max(...row) : Math.min(...row)
                expect(out[r]).toBe(Math.fround(want))
              }
            }
          }
        },
      ),
      { numRuns: 40 },
    )
  })

  it('max and min of zeros keep the first zero of the row, +0 or -0, as the JavaScript loop does', () => {
    const x = new Float32Array(3 * 1024).fill(-1)
    x[3] = -0 // row 0: -0 first, then +0
    x[9] = 0
    x[1024 + 2] = 0 // row 1: +0 first, then -0
    x[1024 + 700] = -0
    x.fill(0, 2048) // row 2: all +0
    const out = new Float32Array(3)
    expect(wasm.reduceRows(REDUCE.max, x, 0, 3, 1024, out, 1)).toBe(true)
    expect([Object.is(out[0], -0), Object.is(out[1], 0), Object.is(out[2], 0)]).toEqual([true, true, true])
    const y = x.map((v) => -v) // the same with signs flipped, for min
    expect(wasm.reduceRows(REDUCE.min, y, 0, 3, 1024, out, 1)).toBe(true)
    expect([Object.is(out[0], 0), Object.is(out[1], -0), Object.is(out[2], -0)]).toEqual([true, true, true])
  })

  it('sums columns exactly as a float64 loop over the rows does, also past a block of CHUNK columns', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.constantFrom(1, 3, 4, 17, 64, CHUNK + 3),
        fc.integer({ min: 0, max: 2 }),
        (rows, count, start) => {
          const x = Float32Array.from({ length: start + rows * count }, (_, i) =>
            Math.fround(Math.cos(i * 0.61) * 10 ** (i % 5)),
          )
          const out = new Float32Array(count)
          const ran = wasm.sumColumns(x, start, rows, count, out, 3)
          expect(ran).toBe(rows * count >= 256)
          if (!ran) return
          const acc = new Float64Array(count)
          for (let r = 0; r < rows; r++) for (let j = 0; j < count; j++) acc[j] = acc[j]! + x[start + r * count + j]!
          expect(Array.from(out)).toEqual(Array.from(acc, (a) => Math.fround(a / 3)))
        },
      ),
      { numRuns: 30 },
    )
  })

  it('declines, touching nothing, for float64, int32, short arrays and two scalars', () => {
    const y = new Float32Array(100)
    expect(wasm.unary(UNARY.exp, new Float64Array(100), y)).toBe(false)
    expect(wasm.unary(UNARY.neg, new Int32Array(100), new Int32Array(100))).toBe(false)
    expect(wasm.unary(UNARY.exp, new Float32Array(63), new Float32Array(63))).toBe(false)
    expect(wasm.binary(BINARY.add, y, new Float32Array(1), 0, 0, new Float32Array(1), 0, 0, 100)).toBe(false)
    // in place, or overlapping: exp reads x again after writing y
    expect(wasm.unary(UNARY.exp, y, y)).toBe(false)
    const both = new Float32Array(200)
    expect(wasm.unary(UNARY.exp, both.subarray(0, 100), both.subarray(99, 199))).toBe(false)
    expect(y.every((v) => v === 0)).toBe(true)
  })

  it('the tensor ops give the same results with Wasm on and off (exact ops bit for bit)', async () => {
    await initWasm()
    const x = tensor(Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 4))
    const z = tensor(Float32Array.from({ length: 1000 }, (_, i) => Math.cos(i) + 2))
    const run = () =>
      [
        neg(x),
        square(x),
        sqrt(z),
        relu(x),
        add(x, z),
        sub(x, 1),
        mul(2, z),
        div(x, z),
        exp(x),
        log(z),
        tanh(x),
        sigmoid(x),
      ].map((t) => t.data)
    const on = run()
    const off = withoutWasm(run)
    on.slice(0, 8).forEach((d, k) => expect(d, `op ${k}`).toEqual(off[k]))
    const inexact = ['exp', 'log', 'tanh', 'sigmoid']
    on.slice(8).forEach((d, k) =>
      d.forEach((v, i) => expect(ulps(v, off[k + 8]![i]!)).toBeLessThanOrEqual(bound[inexact[k]!]!)),
    )
  })
})

describe('wasm elementwise kernels on arena arrays', () => {
  const arena = sharedArena()!
  /** An arena block of n + 8 floats filled with `fill`, and its first n as the operand (the 8 after it are sentinels). */
  const block = (n: number, fill: (i: number) => number) => {
    const whole = arena.alloc(n + 8)!
    for (let i = 0; i < whole.length; i++) whole[i] = fill(i)
    return { whole, x: whole.subarray(0, n) }
  }

  it('unary and binary read and write them where they lie up to their last whole vector, and never write past n', () => {
    const n = 4099 // not a multiple of 4: the last 3 floats of each operand go through the slots
    const x = block(n, (i) => i - 2000)
    const y = block(n, () => 7)
    const before = traffic.bytes
    expect(wasm.unary(UNARY.relu, x.x, y.x)).toBe(true)
    expect(wasm.binary(BINARY.mul, y.x, y.x, 0, 1, x.x, 0, 1, n)).toBe(true)
    // only the 3-float tails are copied: relu reads x's and writes y's, mul reads y's and x's and writes y's
    expect(traffic.bytes - before).toBe((2 + 3) * 3 * 4)
    // y = relu(x) · x = x² where x > 0, else 0 (x is an integer below 2100: exact)
    // (+ 0 turns relu(x) · x = 0 · negative = −0 into +0 for the comparison)
    for (const i of [0, 1999, 2000, 2001, 4095, 4096, 4098]) expect(y.x[i]! + 0).toBe(i > 2000 ? (i - 2000) ** 2 : 0)
    expect([...y.whole.subarray(n)]).toEqual(new Array(8).fill(7)) // the floats after y are untouched
  })

  it('reduceRows and sumColumns read them where they lie', () => {
    const rows = 4
    const length = 3001
    const x = block(rows * length, (i) => (i % 5) - 2)
    const sums = new Float32Array(rows)
    const columns = new Float32Array(length)
    const before = traffic.bytes
    expect(wasm.reduceRows(REDUCE.sum, x.x, 0, rows, length, sums, 1)).toBe(true)
    expect(wasm.sumColumns(x.x, 0, rows, length, columns, 2)).toBe(true)
    expect(traffic.bytes).toBe(before)
    // row r holds (i mod 5) − 2 for i from r·3001 on: 600 whole cycles of five (sum 0), then the value
    // at i = r·3001 + 3000 (3000, 6001, 9002, 12003: residues 0, 1, 2, 3)
    expect([...sums]).toEqual([-2, -1, 0, 1])
    expect(columns[0]).toBe([0, 3001, 6002, 9003].reduce((s, i) => s + (i % 5) - 2, 0) / 2)
  })

  it('reduceRows sums a row longer than a slot in the same parts where it lies as streamed (same bits)', () => {
    // ±1e30 at the ends cancel; the 100 ones between survive or not depending on which part they are summed in
    const length = 2 * CHUNK + 5001
    const ends = (i: number) => (i === 0 ? 1e30 : i === 2 * CHUNK ? -1e30 : i >= CHUNK && i < CHUNK + 100 ? 1 : 0)
    const x = block(2 * length, (i) => ends(i % length))
    const copy = Float32Array.from(x.x)
    const here = new Float32Array(2)
    const streamed = new Float32Array(2)
    expect(wasm.reduceRows(REDUCE.sum, x.x, 0, 2, length, here, 1)).toBe(true)
    expect(wasm.reduceRows(REDUCE.sum, copy, 0, 2, length, streamed, 1)).toBe(true)
    expect([...here]).toEqual([...streamed])
    expect([...here]).toEqual([0, 0]) // 1e30 + 100 = 1e30 in float64, as the streamed parts give
  })
})

describe('wasm Threefry bits', () => {
  /** The JavaScript function's bits of elements 0 … n − 1. */
  function loop(k0: number, k1: number, n: number): [number[], number[]] {
    const out = new Uint32Array(2)
    const [hi, lo] = [[] as number[], [] as number[]]
    for (let i = 0; i < n; i++) {
      threefry([k0, k1], 0, i, out, 0)
      hi.push(out[0]!)
      lo.push(out[1]!)
    }
    return [hi, lo]
  }

  it("gives the JavaScript function's bits for any key, across chunks and off the vectors", () => {
    const uint32 = fc.integer({ min: 0, max: 0xffffffff })
    fc.assert(
      fc.property(
        uint32,
        uint32,
        fc.constantFrom(64, 65, 99, 1001, CHUNK - 1, CHUNK, CHUNK + 3, 2 * CHUNK + 1),
        (k0, k1, n) => {
          const [hi, lo] = [new Uint32Array(n), new Uint32Array(n)]
          expect(wasm.randomBits(k0, k1, hi, lo)).toBe(true)
          expect([[...hi], [...lo]]).toEqual(loop(k0, k1, n))
        },
      ),
      { numRuns: 24 },
    )
    // the Random123 known answer: key [0, 0], counter [0, 0]
    const [hi, lo] = [new Uint32Array(64), new Uint32Array(64)]
    wasm.randomBits(0, 0, hi, lo)
    expect([hi[0], lo[0]]).toEqual([0x6b200159, 0x99ba4efe])
  })

  it('declines short or mismatched arrays, writing nothing', () => {
    const [hi, lo] = [new Uint32Array(63), new Uint32Array(63)]
    expect(wasm.randomBits(1, 2, hi, lo)).toBe(false)
    expect(wasm.randomBits(1, 2, new Uint32Array(100), new Uint32Array(99))).toBe(false)
    expect(hi.every((x) => x === 0)).toBe(true)
  })
})
