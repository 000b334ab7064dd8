import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fusedKernels, initWasm, useWasm } from '../../seam.js'
import { attachArena } from '../runtime/arena.js'
import { traffic } from '../runtime/memory.js'
import { CHUNK, loadWasmFused, loadWasmFusedSync } from './wasm.js'

const fused = attachArena(loadWasmFusedSync()!)

function wave(n: number, seed: number, scale = 1, offset = 0): Float32Array {
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = offset + scale * Math.sin(seed * 3.7 + i * 0.61)
  return out
}

/** `x` as it is, or copied into the kernels' memory when bit `bit` of `placed` is set. */
const placer =
  (placed: number, n: number) =>
  (x: Float32Array, bit: number): Float32Array => {
    if (!(placed & bit)) return x
    const y = fused.alloc(n)!
    y.set(x)
    return y
  }

/** float32 agreement: relative 1e-5 (a few float32 roundings) or absolute 1e-6 near zero. */
function expectClose(got: Float32Array, want: ArrayLike<number>): void {
  expect(got.length).toBe(want.length)
  for (let i = 0; i < got.length; i++) {
    const tolerance = 1e-5 * Math.abs(want[i]!) + 1e-6
    if (!(Math.abs(got[i]! - want[i]!) <= tolerance)) {
      expect.fail(`element ${i}: got ${got[i]}, want ${want[i]} (±${tolerance})`)
    }
  }
}

// Lengths around the SIMD width, the pay threshold and the chunk size.
const lengths = fc.oneof(
  fc.integer({ min: 96, max: 300 }),
  fc.constantFrom(96, 97, 99, 100, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 3),
)

describe('wasm fused optimizer kernels', () => {
  it('load here (Node 20 has SIMD128), synchronously and asynchronously', async () => {
    expect(fused).not.toBeNull()
    expect(await loadWasmFused()).not.toBeNull()
  })

  it('adam agrees with the float64 formula, in both modes, on odd and multi-chunk lengths', () => {
    fc.assert(
      fc.property(lengths, fc.boolean(), fc.integer({ min: 1, max: 50 }), (n, accumulate, t) => {
        const [b1, b2, eps, epsRoot, factor] = [0.9, 0.999, 1e-8, 1e-12, -0.01]
        const [c1, c2] = [1 / (1 - b1 ** t), 1 / (1 - b2 ** t)]
        const g = wave(n, 1, 0.1)
        const m = wave(n, 2, 0.05)
        const v = wave(n, 3, 0.01, 0.011)
        const out = wave(n, 4)
        const want = { m: new Float64Array(n), v: new Float64Array(n), out: new Float64Array(n) }
        for (let i = 0; i < n; i++) {
          want.m[i] = b1 * m[i]! + (1 - b1) * g[i]!
          want.v[i] = b2 * v[i]! + (1 - b2) * g[i]! ** 2
          const u = (want.m[i]! * c1) / (Math.sqrt(want.v[i]! * c2 + epsRoot) + eps)
          want.out[i] = accumulate ? out[i]! + factor * u : u
        }
        expect(fused.adam(g, m, v, out, accumulate, factor, b1, b2, c1, c2, eps, epsRoot)).toBe(true)
        expectClose(m, want.m)
        expectClose(v, want.v)
        expectClose(out, want.out)
      }),
      { numRuns: 40 },
    )
  })

  it('adam and rms take 1 − β from float64, not from the float32-rounded β (β₂ = 0.99999, α = 0.99999)', () => {
    // float32(0.99999) = 0.99998998641967773, so 1 − float32(β) is 1.00136e-5: 1.4e-3 too large
    // (against the float64 bias correction c₂). Computed in float64 and then rounded, 1 − β is off by
    // at most 2⁻²⁴ ≈ 6e-8 relative. With m = v = 0 one step gives v = (1 − β₂) g², m = (1 − β₁) g and
    // u = c₁ m / √(c₂ v) = ±1 exactly in float64; a few float32 roundings keep u within 1e-6 of it,
    // while the float32-rounded 1 − β₂ put it 6.8e-4 away (the 7e-4).
    const n = 128
    const [b1, b2, t] = [0.9, 0.99999, 1]
    const [c1, c2] = [1 / (1 - b1 ** t), 1 / (1 - b2 ** t)]
    const g = wave(n, 13, 0.5, 0.7)
    const out = new Float32Array(n)
    expect(fused.adam(g, new Float32Array(n), new Float32Array(n), out, false, 1, b1, b2, c1, c2, 0, 0)).toBe(true)
    for (let i = 0; i < n; i++) expect(Math.abs(out[i]! - Math.sign(g[i]!))).toBeLessThan(1e-6)
    // RMSprop: v = (1 − α) g², u = g / √v = ±1 / √(1 − α)
    const alpha = 0.99999
    const rmsOut = new Float32Array(n)
    expect(fused.rms(g, new Float32Array(n), null, rmsOut, false, 1, alpha, 0)).toBe(true)
    for (let i = 0; i < n; i++) {
      const want = Math.sign(g[i]!) / Math.sqrt(1 - alpha)
      expect(Math.abs(rmsOut[i]! - want) / Math.abs(want)).toBeLessThan(1e-6)
    }
  })

  it('momentum agrees with the formula, plain and Nesterov, first step and dampened', () => {
    fc.assert(
      fc.property(
        lengths,
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom([0, 1], [0.9, 1], [0.9, 0.5]),
        (n, accumulate, nesterov, [keep, take]) => {
          const [mu, factor] = [0.9, -0.1]
          const g = wave(n, 5)
          const b = wave(n, 6, 0.5)
          const out = wave(n, 7)
          const wantB = Float64Array.from(b, (bi, i) => keep! * bi + take! * g[i]!)
          const wantOut = Float64Array.from(out, (o, i) => {
            const u = nesterov ? g[i]! + mu * wantB[i]! : wantB[i]!
            return accumulate ? o + factor * u : u
          })
          expect(fused.momentum(g, b, out, accumulate, factor, keep!, take!, mu, nesterov)).toBe(true)
          expectClose(b, wantB)
          expectClose(out, wantOut)
        },
      ),
      { numRuns: 40 },
    )
  })

  it('rms agrees with the formula, plain and centered', () => {
    fc.assert(
      fc.property(lengths, fc.boolean(), fc.boolean(), (n, accumulate, centered) => {
        const [alpha, eps, factor] = [0.99, 1e-8, -0.01]
        const g = wave(n, 8)
        const v = wave(n, 9, 0.1, 0.2)
        const m = centered ? wave(n, 10, 0.01) : null
        const out = wave(n, 11)
        const wantV = Float64Array.from(v, (vi, i) => alpha * vi + (1 - alpha) * g[i]! ** 2)
        const wantM = m && Float64Array.from(m, (mi, i) => alpha * mi + (1 - alpha) * g[i]!)
        const wantOut = Float64Array.from(out, (o, i) => {
          const ms = wantV[i]! - (wantM ? wantM[i]! ** 2 : 0)
          const u = g[i]! / (Math.sqrt(ms) + eps)
          return accumulate ? o + factor * u : u
        })
        expect(fused.rms(g, v, m, out, accumulate, factor, alpha, eps)).toBe(true)
        expectClose(v, wantV)
        if (m && wantM) expectClose(m, wantM)
        expectClose(out, wantOut)
      }),
      { numRuns: 40 },
    )
  })

  it('writes the update over the gradient itself when out is g (as a chain reuses its own buffers)', () => {
    const n = 1001
    const g = wave(n, 12)
    const want = Float64Array.from(g) // first step: b = g, u = b
    expect(fused.momentum(g, new Float32Array(n), g, false, 1, 0, 1, 0.9, false)).toBe(true)
    expectClose(g, want)
  })

  it('gives the same bits when any operands live in its memory (updated in place) as when all are streamed', () => {
    // Operand i is allocated in the module's memory when bit i of `placed` is set.
    const run = (n: number, placed: number, kernel: 'adam' | 'momentum' | 'rms', accumulate: boolean) => {
      const arrays = [wave(n, 1, 0.1), wave(n, 2, 0.05), wave(n, 3, 0.01, 0.011), wave(n, 4)].map((x, i) => {
        if (!(placed & (1 << i))) return x
        const y = fused.alloc(n)!
        expect(fused.holds(y)).toBe(true)
        y.set(x)
        return y
      })
      const [g, a, b, out] = arrays as [Float32Array, Float32Array, Float32Array, Float32Array]
      if (kernel === 'adam') fused.adam(g, a, b, out, accumulate, -0.01, 0.9, 0.999, 10, 1000, 1e-8, 0)
      else if (kernel === 'momentum') fused.momentum(g, a, out, accumulate, -0.01, 0.9, 1, 0.9, true)
      else fused.rms(g, b, a, out, accumulate, -0.01, 0.9, 1e-8)
      return arrays.map((x) => Array.from(x))
    }
    fc.assert(
      fc.property(
        lengths,
        fc.integer({ min: 1, max: 15 }),
        fc.constantFrom('adam', 'momentum', 'rms'),
        fc.boolean(),
        (n, placed, kernel, accumulate) => {
          expect(run(n, placed, kernel, accumulate)).toEqual(run(n, 0, kernel, accumulate))
        },
      ),
      { numRuns: 30 },
    )
  })

  it('allocates in its memory once an arena is attached, and only arrays long enough to pay for a kernel call', () => {
    const fresh = loadWasmFusedSync()!
    expect(fresh.alloc(4096)).toBeNull()
    expect(attachArena(fresh)).toBe(fresh)
    expect(fresh.alloc(4096)).not.toBeNull()
    expect(fused.alloc(95)).toBeNull()
    const x = fused.alloc(96)!
    expect(x.length).toBe(96)
    expect(fused.holds(x)).toBe(true)
    expect(fused.holds(new Float32Array(96))).toBe(false)
  })

  it('declines, touching nothing, for float64, short or mismatched arrays', () => {
    const n = 200
    const m = new Float32Array(n)
    expect(
      fused.adam(
        new Float64Array(n),
        m,
        new Float32Array(n),
        new Float32Array(n),
        false,
        1,
        0.9,
        0.999,
        10,
        1000,
        1e-8,
        0,
      ),
    ).toBe(false)
    expect(
      fused.adam(
        new Float32Array(95).fill(1),
        new Float32Array(95),
        new Float32Array(95),
        new Float32Array(95),
        false,
        1,
        0.9,
        0.999,
        10,
        1000,
        1e-8,
        0,
      ),
    ).toBe(false)
    expect(
      fused.momentum(
        new Float32Array(n).fill(1),
        new Float32Array(n + 1),
        new Float32Array(n),
        false,
        1,
        0.9,
        1,
        0.9,
        false,
      ),
    ).toBe(false)
    expect(fused.rms(new Float32Array(n).fill(1), m, null, new Float64Array(n), false, 1, 0.9, 1e-8)).toBe(false)
    expect(m.every((x) => x === 0)).toBe(true)
  })

  it('are offered by fusedKernels() once Wasm is loaded, and withheld while useWasm(false)', async () => {
    await initWasm()
    expect(fusedKernels()).not.toBeNull()
    const restore = useWasm(false)
    try {
      expect(fusedKernels()).toBeNull()
    } finally {
      restore()
    }
    expect(fusedKernels()).not.toBeNull()
  })
})

describe('wasm fused optimizer kernels on arena arrays', () => {
  it('update gradients, state and parameters where they lie when all are in the shared memory, copying nothing', () => {
    const n = 3 * CHUNK + 4 // whole vectors (a tail of n mod 4 floats would go through the slots)
    const g = fused.alloc(n)!
    g.set(wave(n, 1))
    const [m, v, p] = [fused.alloc(n)!, fused.alloc(n)!, fused.alloc(n)!]
    const before = traffic.bytes
    expect(fused.adam(g, m, v, p, true, -0.1, 0.9, 0.999, 10, 1000, 0, 0)).toBe(true)
    expect(traffic.bytes).toBe(before)
    // first step from zero state: m = 0.1 g, v = 0.001 g², u = 10 m / √(1000 v) = sign(g), p = −0.1 sign(g)
    for (const i of [0, 1, CHUNK, n - 1]) expect(p[i]).toBeCloseTo(-0.1 * Math.sign(g[i]!), 6)
  })
})

describe('wasm decay kernel (decoupled weight decay, float64 like the JavaScript loop)', () => {
  /** @gd/optimizers' loop: out = g + λ p, or out = out + factor · (g + λ p) with out = p; float64, one rounding. */
  function loop(
    g: Float32Array,
    p: Float32Array,
    out: Float32Array,
    accumulate: boolean,
    factor: number,
    lambda: number,
  ) {
    if (accumulate) for (let i = 0; i < g.length; i++) out[i] = out[i]! + factor * (g[i]! + lambda * p[i]!)
    else for (let i = 0; i < g.length; i++) out[i] = g[i]! + lambda * p[i]!
  }
  const bitsOf = (x: Float32Array) => [...new Uint32Array(x.buffer, x.byteOffset, x.length)]

  it("gives the loop's bits in both modes, streamed or in place, on odd and multi-chunk lengths", () => {
    fc.assert(
      fc.property(
        lengths,
        fc.integer({ min: 0, max: 15 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: -0.1, max: 0, noNaN: true }),
        (n, placed, lambda, factor) => {
          const where = placer(placed, n)
          // a parameter step (out is p) and an update (out a third array)
          const g = where(wave(n, 1, 0.01), 1)
          const p = where(wave(n, 2, 3), 2)
          const want = p.slice()
          loop(g, want, want, true, factor, lambda)
          expect(fused.decay(g, p, p, true, factor, lambda)).toBe(true)
          expect(bitsOf(p)).toEqual(bitsOf(want))
          const out = where(new Float32Array(n), 4)
          const wantOut = new Float32Array(n)
          loop(g, p, wantOut, false, 1, lambda)
          const pBefore = p.slice()
          expect(fused.decay(g, p, out, false, 1, lambda)).toBe(true)
          expect(bitsOf(out)).toEqual(bitsOf(wantOut))
          expect(bitsOf(p)).toEqual(bitsOf(pBefore)) // read, not written
          // over the gradient itself (a chain's own buffer), λ = 0 on a masked leaf included
          const g2 = where(wave(n, 3), 8)
          const wantG = g2.slice()
          loop(wantG, p, wantG, false, 1, lambda)
          expect(fused.decay(g2, p, g2, false, 1, lambda)).toBe(true)
          expect(bitsOf(g2)).toEqual(bitsOf(wantG))
        },
      ),
      { numRuns: 40 },
    )
  })

  it("gives the loop's bits where θ + factor · (g + λθ) cancels to −g / λ (factor = −1 / λ), which shows every rounding", () => {
    for (const lambda of [0.01, 0.1, 0.3, 0.77]) {
      for (const n of [96, 1001, CHUNK + 5]) {
        const g = wave(n, 5, 1e-3)
        const want = wave(n, 6, 2)
        const got = want.slice()
        loop(g, want, want, true, -1 / lambda, lambda)
        expect(fused.decay(g, got, got, true, -1 / lambda, lambda)).toBe(true)
        expect(bitsOf(got)).toEqual(bitsOf(want))
      }
    }
  })

  it("keeps the loop's signed zeros, infinities and overflows (every pair of special values, λ 0 and 0.5)", () => {
    const special = [0, -0, 1, -1, 3e38, -3e38, Infinity, -Infinity, 1e-45, NaN]
    const pairs = special.flatMap((a) => special.map((b) => [a, b]))
    const n = 4 * Math.ceil(pairs.length / 4) + 2 // a tail of 2 off the vectors
    const g = new Float32Array(n)
    const p = new Float32Array(n)
    pairs.forEach(([a, b], i) => ((g[i] = a!), (p[i] = b!)))
    // NaN's sign and payload are the engine's: compared as NaN
    const key = (x: Float32Array) => bitsOf(x).map((b, i) => (Number.isNaN(x[i]) ? 'NaN' : b))
    for (const lambda of [0, 0.5]) {
      for (const accumulate of [false, true]) {
        const want = p.slice()
        const got = p.slice()
        const wantOut = accumulate ? want : new Float32Array(n)
        const gotOut = accumulate ? got : new Float32Array(n)
        loop(g, want, wantOut, accumulate, -2, lambda)
        expect(fused.decay(g, got, gotOut, accumulate, -2, lambda)).toBe(true)
        expect(key(gotOut)).toEqual(key(wantOut))
      }
    }
  })

  it('declines, touching nothing, for float64, short or mismatched arrays', () => {
    const p = new Float32Array(100).fill(1)
    expect(fused.decay(new Float32Array(95), p.subarray(0, 95), p.subarray(0, 95), true, -1, 0.1)).toBe(false)
    expect(fused.decay(new Float64Array(100), p, p, true, -1, 0.1)).toBe(false)
    expect(fused.decay(new Float32Array(100), new Float64Array(100), p, false, 1, 0.1)).toBe(false)
    expect(fused.decay(new Float32Array(100), p, new Float32Array(99), false, 1, 0.1)).toBe(false)
    expect(p.every((x) => x === 1)).toBe(true)
  })

  it('decays arena parameters where they lie, copying nothing', () => {
    const n = 2 * CHUNK + 4
    const [g, p] = [fused.alloc(n)!, fused.alloc(n)!]
    g.set(wave(n, 1))
    p.set(wave(n, 2))
    const want = p.slice()
    loop(g, want, want, true, -1e-3, 0.01)
    const before = traffic.bytes
    expect(fused.decay(g, p, p, true, -1e-3, 0.01)).toBe(true)
    expect(traffic.bytes).toBe(before)
    expect(bitsOf(p)).toEqual(bitsOf(want))
  })
})

describe('wasm scale kernel (float64 like the JavaScript loop)', () => {
  /** @gd/optimizers' `scaleTree` loop: out = factor · g in float64, one rounding. */
  function loop(g: Float32Array, out: Float32Array, factor: number) {
    for (let i = 0; i < g.length; i++) out[i] = factor * g[i]!
  }
  // NaN's sign and payload are the engine's: compared as NaN
  const key = (x: Float32Array) =>
    [...new Uint32Array(x.buffer, x.byteOffset, x.length)].map((b, i) => (Number.isNaN(x[i]) ? 'NaN' : b))

  it("gives the loop's bits, streamed or in place, on odd and multi-chunk lengths, into another array or over g", () => {
    fc.assert(
      fc.property(lengths, fc.integer({ min: 0, max: 3 }), fc.double({ noNaN: true }), (n, placed, factor) => {
        const where = placer(placed, n)
        const g = where(wave(n, 1, 0.01), 1)
        const out = where(new Float32Array(n), 2)
        const want = new Float32Array(n)
        loop(g, want, factor)
        const gBefore = g.slice()
        expect(fused.scale(g, out, factor)).toBe(true)
        expect(key(out)).toEqual(key(want))
        expect(key(g)).toEqual(key(gBefore)) // read, not written
        expect(fused.scale(g, g, factor)).toBe(true)
        expect(key(g)).toEqual(key(want))
      }),
      { numRuns: 40 },
    )
  })

  it("keeps the loop's signed zeros, infinities, subnormals and overflows", () => {
    const special = [0, -0, 1, -1, 3e38, -3e38, Infinity, -Infinity, 1e-45, -1e-45, NaN, 0.1]
    const n = 8 * special.length + 2 // past the length from which the kernel pays, with a tail of 2 off the vectors
    const g = new Float32Array(n).map((_, i) => special[i % special.length]!)
    for (const factor of [0, -0, 1e-3, -2, 1e300, 1e-300, Infinity, NaN, 0.1]) {
      const want = new Float32Array(n)
      const got = new Float32Array(n)
      loop(g, want, factor)
      expect(fused.scale(g, got, factor)).toBe(true)
      expect(key(got)).toEqual(key(want))
    }
  })

  it('declines, touching nothing, for float64, short or mismatched arrays', () => {
    const out = new Float32Array(100).fill(1)
    expect(fused.scale(new Float32Array(95), out.subarray(0, 95), 2)).toBe(false)
    expect(fused.scale(new Float64Array(100), out, 2)).toBe(false)
    expect(fused.scale(new Float32Array(100), new Float32Array(99), 2)).toBe(false)
    expect(out.every((x) => x === 1)).toBe(true)
  })
})
