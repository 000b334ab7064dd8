import { describe, expect, it } from 'vitest'
import { ones, tensor, toWasmMemory } from '../../index.js'
import { Tensor } from '../../tensor.js'
import { initWasm, useWasm } from '../../seam.js'
import {
  wasmGelu,
  wasmGeluGrad,
  wasmGruCell,
  wasmGruCellGrad,
  wasmLstmCell,
  wasmLstmCellGrad,
  wasmNormRows,
  wasmNormRowsGrad,
  wasmSoftmaxRows,
  wasmSoftmaxRowsGrad,
} from './fused.js'
import { traffic } from '../runtime/memory.js'
import { existingArena } from '../runtime/arena.js'
import { useScopes, withScope } from '../runtime/scope.js'
import { allocate } from '../../dtype.js'

await initWasm()

/** Distance in float32 units in the last place (both finite, or both the same infinity). */
function ulps(a: number, b: number): number {
  const bits = new Int32Array(new Float32Array([a, b]).buffer)
  const key = (i: number) => (bits[i]! < 0 ? -0x80000000 - bits[i]! : bits[i]!)
  return Math.abs(key(0) - key(1))
}

const f32 = (x: ArrayLike<number>, shape: number[] = [x.length]): Tensor =>
  new Tensor(Float32Array.from(x), shape, 'float32')
const out = (t: Tensor | null): Float32Array => {
  expect(t).not.toBeNull()
  return t!.data as Float32Array
}

/** Float32s from `lo` to `hi`: `count` evenly spaced, rounded to float32. */
const grid = (lo: number, hi: number, count = 200001): Float32Array =>
  Float32Array.from({ length: count }, (_, i) => lo + ((hi - lo) * i) / (count - 1))

/** The largest ulp distance of `got` from `want(i)` (float64, rounded to float32). */
function maxUlps(got: Float32Array, want: (i: number) => number): number {
  let worst = 0
  got.forEach((g, i) => (worst = Math.max(worst, ulps(g, Math.fround(want(i))))))
  return worst
}

/** A seeded uniform generator (xorshift32) in [lo, hi). */
function uniform(seed: number, lo: number, hi: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return lo + ((s >>> 0) / 4294967296) * (hi - lo)
  }
}

const C = 0.7978845608028654
const A = 0.044715
/** GELU in float64 as x·σ(2u), u = c(x + a·x³): no cancellation for negative x. */
const gelu64 = (x: number): number => x / (1 + Math.exp(-2 * C * (x + A * x * x * x)))
/** gelu′ in float64: σ + 2x·σ(1 − σ)·c(1 + 3a·x²), σ = σ(2u), σ(1 − σ) = e/(1 + e)² with e = e^{−2|u|}. */
function geluSlope64(x: number): number {
  const u = C * (x + A * x * x * x)
  const e = Math.exp(-2 * Math.abs(u))
  const sigma = u >= 0 ? 1 / (1 + e) : e / (1 + e)
  return sigma + 2 * x * (e / ((1 + e) * (1 + e))) * C * (1 + 3 * A * x * x)
}

/** Every float32 from `lo` up to `hi` (both finite, lo < hi), in order. */
function everyFloat(lo: number, hi: number): Float32Array {
  const key = (x: number) => {
    const b = new Int32Array(new Float32Array([x]).buffer)[0]!
    return b < 0 ? -0x80000000 - b : b
  }
  const first = key(lo)
  const bits = Int32Array.from({ length: key(hi) - first + 1 }, (_, i) => {
    const k = first + i
    return k < 0 ? -0x80000000 - k : k
  })
  return new Float32Array(bits.buffer)
}

describe('wasmGelu and wasmGeluGrad', () => {
  // Measured over every float32 in [−10, 12] (scanned offline, about 135 million inputs above |x| = 1/16,
  // and every one from 1e-6 to 1/16 of either sign): GELU within 3 ulps of float64 (at x = −5.97 and
  // −2.98), its gradient within 9 (x = −1.60 and −3.37, where its two terms partly cancel) and within
  // 9e-8·|g| absolute around x = −0.75, where gelu′ crosses 0. The kernels compute u, and the reduction
  // of e^{−2|u|} to 2ⁿ·2^r, in float64; the JavaScript float32 loop (1 + tanh u, tanh within 4 ulps of 1)
  // was off by ~800 ulps at x = −3 and gave 0 below x = −7.4. The tests below check every float32 around
  // each maximum, evenly spaced inputs over the whole range and random ones.
  const ranges: [number, number][] = [
    [-10, -3],
    [-3, -1],
    [-1, 12],
  ]
  for (const [lo, hi] of ranges)
    it(`GELU is within 3 ulps of float64 on [${lo}, ${hi}]`, () => {
      const x = grid(lo, hi)
      expect(maxUlps(out(wasmGelu(f32(x))), (i) => gelu64(x[i]!))).toBeLessThanOrEqual(3)
    })

  it('GELU is within 3 ulps of float64 on every float32 in [−6, −5.9] and [−3, −2.9] (its maxima)', () => {
    for (const [lo, hi] of [
      [-6, -5.9],
      [-3, -2.9],
    ] as const) {
      const x = everyFloat(lo, hi)
      expect(maxUlps(out(wasmGelu(f32(x))), (i) => gelu64(x[i]!))).toBe(3)
    }
  })

  it('GELU is within 3 ulps of float64 on 10⁶ random inputs in [−10, 12]', () => {
    const next = uniform(18, -10, 12)
    const x = Float32Array.from({ length: 1e6 }, next)
    expect(maxUlps(out(wasmGelu(f32(x))), (i) => gelu64(x[i]!))).toBeLessThanOrEqual(3)
  })

  /** The largest ulp distance of g·gelu′(x) from float64, and the largest absolute error/g where gelu′ crosses 0. */
  function slopeErrors(x: Float32Array, g: Float32Array): [number, number] {
    const dx = out(wasmGeluGrad(f32(g), f32(x)))
    let worst = 0
    let absolute = 0
    dx.forEach((d, i) => {
      const want = g[i]! * geluSlope64(x[i]!)
      // around x = −0.7518 gelu′ is 0: its two terms (about ±0.25 there) cancel, so the error is absolute
      if (x[i]! > -1.5 && x[i]! < 0 && Math.abs(want) < 0.25 * g[i]!)
        absolute = Math.max(absolute, Math.abs(d - want) / g[i]!)
      else worst = Math.max(worst, ulps(d, Math.fround(want)))
    })
    return [worst, absolute]
  }

  for (const [lo, hi] of ranges)
    it(`its gradient is within 9 ulps of float64 on [${lo}, ${hi}] (absolute 9e-8 where gelu′ crosses 0)`, () => {
      const x = grid(lo, hi)
      const [worst, absolute] = slopeErrors(
        x,
        Float32Array.from(x, (_, i) => 1 + (i % 3)),
      ) // cotangents 1, 2, 3
      expect(worst).toBeLessThanOrEqual(9)
      expect(absolute).toBeLessThan(9e-8)
    })

  it('its gradient is within 9 ulps on every float32 in [−1.65, −1.55] and [−3.4, −3.35], 9e-8 in [−1.4, −1.38]', () => {
    for (const [lo, hi] of [
      [-1.65, -1.55],
      [-3.4, -3.35],
    ] as const) {
      const x = everyFloat(lo, hi)
      expect(slopeErrors(x, new Float32Array(x.length).fill(1))[0]).toBe(9)
    }
    const x = everyFloat(-1.4, -1.38) // the largest absolute error, 8.51e-8 at x = −1.3892
    const [, absolute] = slopeErrors(x, new Float32Array(x.length).fill(1))
    expect(absolute).toBeGreaterThan(8e-8)
    expect(absolute).toBeLessThan(9e-8)
  })

  it('its gradient is within 9 ulps on 10⁶ random inputs in [−10, 12]', () => {
    const next = uniform(81, -10, 12)
    const x = Float32Array.from({ length: 1e6 }, next)
    const [worst, absolute] = slopeErrors(
      x,
      Float32Array.from(x, (_, i) => 1 + (i % 3)),
    )
    expect(worst).toBeLessThanOrEqual(9)
    expect(absolute).toBeLessThan(9e-8)
  })

  it('gives every element the same bits whatever the length (four vectors a step, then one, then single floats)', () => {
    const next = uniform(7, -8, 8)
    const x = Float32Array.from({ length: 4096 + 29 }, next)
    const g = Float32Array.from({ length: x.length }, next)
    const y = out(wasmGelu(f32(x)))
    const d = out(wasmGeluGrad(f32(g), f32(x)))
    for (const n of [64, 65, 67, 68, 71, 76, 80, 83, 127, 4096 + 29]) {
      expect(out(wasmGelu(f32(x.subarray(0, n))))).toEqual(y.subarray(0, n))
      expect(out(wasmGeluGrad(f32(g.subarray(0, n)), f32(x.subarray(0, n))))).toEqual(d.subarray(0, n))
    }
  })

  it('below −10.0 gives results under 3e-36 (2^t past ±127 is 0 or ∞, which flushes them to ±0)', () => {
    const x = grid(-20, -10)
    const y = out(wasmGelu(f32(x)))
    const d = out(wasmGeluGrad(f32(new Float32Array(x.length).fill(1)), f32(x)))
    let worst = 0
    x.forEach((v, i) => (worst = Math.max(worst, Math.abs(y[i]! - gelu64(v)), Math.abs(d[i]! - geluSlope64(v)))))
    expect(worst).toBeLessThan(3e-36)
  })

  it('keeps ±0, gives x for large x, and NaN for NaN and −∞ (as the JavaScript loops)', () => {
    const specials = [0, -0, Infinity, -Infinity, NaN, 1e30, -1e30, 3.4e38, -3.4e38, 1e-45, -1e-45]
    const x = [...specials, ...new Array(64 - specials.length).fill(1)]
    const y = out(wasmGelu(f32(x)))
    expect([...y.slice(0, specials.length)]).toEqual(
      [0, -0, Infinity, NaN, NaN, 1e30, -0, Math.fround(3.4e38), -0, 0, -0].map(Math.fround),
    )
    expect(Object.is(y[1], -0)).toBe(true)
    // gelu′: ½ at ±0, 1 for large x, 0 for large negative x; NaN for ±∞ and NaN (the loops' ∞·0)
    const d = out(wasmGeluGrad(f32(new Float32Array(64).fill(1)), f32(x)))
    expect([...d.slice(0, specials.length)]).toEqual([0.5, 0.5, NaN, NaN, NaN, 1, 0, 1, 0, 0.5, 0.5])
  })

  it('leaves small calls, float64 and Wasm-off calls to the JavaScript loop (null)', () => {
    expect(wasmGelu(f32(new Float32Array(63)))).toBeNull() // under ELEMENTWISE_MIN
    expect(wasmGelu(tensor(new Float64Array(100), { dtype: 'float64' }))).toBeNull()
    expect(wasmGeluGrad(f32(new Float32Array(100)), tensor(new Float64Array(100), { dtype: 'float64' }))).toBeNull()
    const restore = useWasm(false)
    try {
      expect(wasmGelu(f32(new Float32Array(100)))).toBeNull()
    } finally {
      restore()
    }
  })
})

/** P = masked softmax(scale·s) in float64, as nn's JavaScript loop. */
function softmax64(
  s: Float32Array,
  [batch, heads, time]: number[],
  scale: number,
  causal: boolean,
  mask: Uint8Array | null,
) {
  const p = new Float64Array(s.length)
  for (let b = 0; b < batch!; b++)
    for (let h = 0; h < heads!; h++)
      for (let i = 0; i < time!; i++) {
        const o = ((b * heads! + h) * time! + i) * time!
        const end = causal ? i + 1 : time!
        const ok = (j: number) => j < end && (mask === null || mask[b * time! + j] === 1)
        let max = -Infinity
        let allowed = 0
        for (let j = 0; j < time!; j++)
          if (ok(j)) (allowed++, (max = s[o + j]! > max || s[o + j] !== s[o + j] ? s[o + j]! : max))
        if (allowed === 0) continue
        if (max === -Infinity) max = NaN
        let total = 0
        for (let j = 0; j < time!; j++) if (ok(j)) total += p[o + j] = Math.exp((s[o + j]! - max) * scale)
        for (let j = 0; j < end; j++) p[o + j]! /= total
      }
  return p
}

describe('wasmSoftmaxRows and wasmSoftmaxRowsGrad', () => {
  // time 16 (whole vectors), 7 and 5 (a scalar tail), 1
  for (const [batch, heads, time] of [
    [2, 4, 16],
    [3, 2, 7],
    [4, 4, 5],
    [16, 16, 1],
  ] as const)
    for (const causal of [false, true])
      for (const masked of [false, true])
        it(`[${batch}, ${heads}, ${time}, ${time}]${causal ? ' causal' : ''}${masked ? ' masked' : ''}: within 4 ulps of float64, masked keys exactly 0`, () => {
          const rand = uniform(batch * 1000 + time * 10 + (causal ? 1 : 0) + (masked ? 2 : 0), -30, 30)
          const s = Float32Array.from({ length: batch * heads * time * time }, rand)
          // batch 0 masks every key (its rows stay 0); the others mask about a third of them
          const mask = masked
            ? Uint8Array.from({ length: batch * time }, (_, k) => (k < time ? 0 : rand() > -10 ? 1 : 0))
            : null
          const scale = 0.35
          const want = softmax64(s, [batch, heads, time], scale, causal, mask)
          const p = out(wasmSoftmaxRows(f32(s, [batch, heads, time, time]), scale, causal, mask))
          p.forEach((v, i) => {
            if (want[i] === 0) expect(Object.is(v, 0), `p[${i}] = ${v}`).toBe(true)
            // an exp under the smallest normal float32 is 0 here (the loop keeps its subnormal)
            else if (want[i]! < 1.2e-38) expect(v).toBeLessThan(1.2e-38)
            // exp within 3 ulps (its exponent reduced in float64), then the float32 sum, its reciprocal and the product
            else {
              const o = i - (i % time)
              let max = -Infinity
              for (let j = 0; j < time; j++) if (want[o + j]! > 0) max = Math.max(max, s[o + j]!)
              const bound = 4
              expect(ulps(v, Math.fround(want[i]!)), `p[${i}] = ${v}, want ${want[i]}`).toBeLessThanOrEqual(bound)
            }
          })
          // the gradient: ds = scale·P⊙(g − ⟨g, P⟩) in float64, rounded once (the dot's order differs)
          const g = Float32Array.from(p, () => rand())
          const ds = out(
            wasmSoftmaxRowsGrad(f32(g, [batch, heads, time, time]), f32(p, [batch, heads, time, time]), scale),
          )
          for (let o = 0; o < p.length; o += time) {
            let dot = 0
            for (let j = 0; j < time; j++) dot += g[o + j]! * p[o + j]!
            let size = 0
            for (let j = 0; j < time; j++) size = Math.max(size, Math.abs(g[o + j]!) + Math.abs(dot))
            for (let j = 0; j < time; j++) {
              const w = scale * p[o + j]! * (g[o + j]! - dot)
              // the dot's rounding (1e-16 relative to the terms) is all that differs
              expect(Math.abs(ds[o + j]! - w)).toBeLessThanOrEqual(
                Math.abs(w) * 2 ** -24 + scale * p[o + j]! * size * 1e-15,
              )
            }
          }
        })

  it('gives NaN rows for a NaN among the allowed scores or all of them −∞, and −∞ scores exactly 0', () => {
    const time = 16
    const s = new Float32Array(4 * time * time)
    s[0] = NaN // row 0 (not causal): NaN everywhere
    for (let j = 0; j < time; j++) s[time + j] = -Infinity // row 1: all −∞, NaN
    s[2 * time + 3] = -Infinity // row 2: key 3 exactly 0, the others 1/15
    const p = out(wasmSoftmaxRows(f32(s, [1, 4, time, time]), 1, false, null))
    expect([...p.subarray(0, 2 * time)].every(Number.isNaN)).toBe(true)
    expect(Object.is(p[2 * time + 3], 0)).toBe(true)
    expect(p[2 * time]).toBeCloseTo(1 / 15, 7)
  })

  it('reads and writes arena operands in place (no copies)', () => {
    const s = toWasmMemory(f32(new Float32Array(2 * 4 * 16 * 16).fill(1), [2, 4, 16, 16]))
    const before = traffic.bytes
    const p = wasmSoftmaxRows(s, 1, true, null)!
    // s is not copied in; p is copied out unless it was born in the memory too
    expect(traffic.bytes - before).toBe(p.data.buffer === s.data.buffer ? 0 : 2 * 4 * 16 * 16 * 4)
    expect(p.data[16]).toBe(0.5) // query 1 sees keys 0 and 1
  })

  it('leaves small calls and float64 to the JavaScript loop (null)', () => {
    expect(wasmSoftmaxRows(f32(new Float32Array(225), [1, 1, 15, 15]), 1, false, null)).toBeNull() // under ROWS_MIN
    expect(wasmSoftmaxRows(new Tensor(new Float64Array(256), [1, 1, 16, 16], 'float64'), 1, false, null)).toBeNull()
  })
})

/** x̂ and dx of nn's row normalization in float64 (the JavaScript loop's formulas). */
function norm64(x: Float32Array, g: Float32Array, n: number, eps: number, center: boolean) {
  const y = new Float64Array(x.length)
  const dx = new Float64Array(x.length)
  for (let o = 0; o < x.length; o += n) {
    let mu = 0
    if (center) {
      for (let j = 0; j < n; j++) mu += x[o + j]!
      mu /= n
    }
    let ss = 0
    for (let j = 0; j < n; j++) ss += (x[o + j]! - mu) ** 2
    const r = 1 / Math.sqrt(ss / n + eps)
    let sg = 0
    let sgx = 0
    for (let j = 0; j < n; j++) {
      y[o + j] = (x[o + j]! - mu) * r
      sg += g[o + j]!
      sgx += g[o + j]! * (x[o + j]! - mu)
    }
    const a = center ? sg / n : 0
    const b = (sgx * r) / n
    for (let j = 0; j < n; j++) dx[o + j] = r * (g[o + j]! - a - (x[o + j]! - mu) * r * b)
  }
  return { y, dx }
}

describe('wasmNormRows and wasmNormRowsGrad', () => {
  for (const n of [64, 7, 1, 300])
    for (const center of [true, false])
      it(`rows of ${n}${center ? ', centered' : ''}: x̂ and dx equal the float64 loop rounded once, within 1 ulp`, () => {
        const rand = uniform(n * 2 + (center ? 1 : 0), -3, 5)
        const size = n * Math.max(4, Math.ceil(512 / n))
        const x = Float32Array.from({ length: size }, rand)
        const g = Float32Array.from({ length: size }, rand)
        const want = norm64(x, g, n, 1e-5, center)
        const y = out(wasmNormRows(f32(x), n, 1e-5, center))
        const dx = out(wasmNormRowsGrad(f32(g), f32(x), n, 1e-5, center))
        // 1 ulp: the sums' order differs from the loop's (float64, 1e-16 relative), so a result near a
        // rounding midpoint of float32 may round the other way; a result that cancels to near 0 (a row of
        // one element, RMS norm's dx) is compared in absolute terms
        y.forEach((v, i) =>
          expect(ulps(v, Math.fround(want.y[i]!)) <= 1 || Math.abs(v - want.y[i]!) < 1e-12).toBe(true),
        )
        dx.forEach((v, i) =>
          expect(ulps(v, Math.fround(want.dx[i]!)) <= 1 || Math.abs(v - want.dx[i]!) < 1e-12).toBe(true),
        )
      })

  it('reads arena operands in place and leaves small calls and float64 to the JavaScript loop', () => {
    const x = toWasmMemory(
      f32(
        Float32Array.from({ length: 512 }, (_, i) => i % 5),
        [8, 64],
      ),
    )
    const before = traffic.bytes
    const y = wasmNormRows(x, 64, 1e-5, true)!
    expect(traffic.bytes - before).toBe(y.data.buffer === x.data.buffer ? 0 : 512 * 4) // only y may come out
    expect(wasmNormRows(f32(new Float32Array(255)), 5, 1e-5, true)).toBeNull()
    expect(wasmNormRows(tensor(new Float64Array(512), { dtype: 'float64' }), 64, 1e-5, true)).toBeNull()
  })
})

describe('wasmGruCell and wasmGruCellGrad', () => {
  const sigma = (v: number) => 1 / (1 + Math.exp(-v))
  it('σ is within 3 ulps and tanh within 2 of float64 on 2¹⁸ evenly spaced float32 in [−20, 20]', () => {
    // with q = 0, r = σ(p_r) and n = tanh(p_n) exactly of the float32 inputs (the maxima over 2²⁰ inputs:
    // σ 3 ulps at x = −4.85, tanh 2 at x = −0.86; before, with e^x in float32, 4 and 3)
    const [batch, hidden] = [256, 1024]
    const x = grid(-20, 20, batch * hidden)
    const p = new Float32Array(batch * 3 * hidden)
    for (let b = 0; b < batch; b++)
      for (let j = 0; j < hidden; j++) {
        p[b * 3 * hidden + j] = x[b * hidden + j]!
        p[b * 3 * hidden + 2 * hidden + j] = x[b * hidden + j]!
      }
    const zeros = new Float32Array(p.length)
    const acts = wasmGruCell(
      f32(p, [batch, 3 * hidden]),
      f32(zeros, [batch, 3 * hidden]),
      f32(new Float32Array(batch * hidden), [batch, hidden]),
    )![1].data
    let r = 0
    let n = 0
    for (let i = 0; i < x.length; i++) {
      const o = Math.floor(i / hidden) * 3 * hidden + (i % hidden)
      r = Math.max(r, ulps(acts[o]!, Math.fround(sigma(x[i]!))))
      n = Math.max(n, ulps(acts[o + 2 * hidden]!, Math.fround(Math.tanh(x[i]!))))
    }
    expect(r).toBeLessThanOrEqual(3)
    expect(n).toBeLessThanOrEqual(2)
  })

  for (const [batch, hidden] of [
    [32, 128],
    [32, 4],
    [8, 12],
  ] as const)
    it(`[${batch}, ${hidden}]: gates and h′ within 4 + |argument| ulps of float64, the backward rule bit for bit`, () => {
      const rand = uniform(batch * 7 + hidden, -6, 6)
      const W = 3 * hidden
      const p = Float32Array.from({ length: batch * W }, rand)
      const q = Float32Array.from({ length: batch * W }, rand)
      const h = Float32Array.from({ length: batch * hidden }, () => rand() / 6)
      const [out, gates] = wasmGruCell(f32(p, [batch, W]), f32(q, [batch, W]), f32(h, [batch, hidden]))!
      const y = out.data as Float32Array
      const acts = gates.data as Float32Array
      expect(gates.shape).toEqual([batch, W])
      // the float32 rounding of σ's argument a (the JavaScript loop adds in float64) is amplified by up to
      // |a|, so r and z are counted in ulps of the value plus |a|; n = tanh(p_n + r·q_n) takes r rounded to
      // float32 (the loop its float64 value), an error of |r·q_n|·2⁻²⁴ in a sum that may cancel, so n and
      // h′ = n + z(h − n) are counted in ulps of the largest term
      let worst = 0
      const check = (got: number, want: number, arg: number, scale = Math.abs(want)) => {
        const ulp = 2 ** (Math.floor(Math.log2(Math.max(scale, 2 ** -126))) - 23)
        worst = Math.max(worst, Math.abs(got - want) / ulp - Math.abs(arg))
      }
      for (let b = 0; b < batch; b++)
        for (let j = 0; j < hidden; j++) {
          const o = b * W + j
          const r = sigma(p[o]! + q[o]!)
          const z = sigma(p[o + hidden]! + q[o + hidden]!)
          const n = Math.tanh(p[o + 2 * hidden]! + r * q[o + 2 * hidden]!)
          const an = p[o + 2 * hidden]! + r * q[o + 2 * hidden]!
          check(acts[o]!, r, p[o]! + q[o]!)
          check(acts[o + hidden]!, z, p[o + hidden]! + q[o + hidden]!)
          const terms = Math.max(Math.abs(n), Math.abs(p[o + 2 * hidden]!), Math.abs(r * q[o + 2 * hidden]!))
          check(acts[o + 2 * hidden]!, n, 0, terms)
          const hn = z * (h[b * hidden + j]! - n)
          check(y[b * hidden + j]!, n + hn, 0, Math.max(terms, Math.abs(hn)))
        }
      expect(worst).toBeLessThanOrEqual(4)
      // the backward rule from these acts: the JavaScript loop's float64 arithmetic, rounded once
      const g = Float32Array.from({ length: batch * hidden }, rand)
      const [dp, dq, dh] = wasmGruCellGrad(f32(g, [batch, hidden]), f32(q, [batch, W]), f32(h, [batch, hidden]), gates)!
      const want = {
        dp: new Float32Array(batch * W),
        dq: new Float32Array(batch * W),
        dh: new Float32Array(batch * hidden),
      }
      for (let b = 0; b < batch; b++)
        for (let j = 0; j < hidden; j++) {
          const o = b * W + j
          const k = b * hidden + j
          const [r, z, n] = [acts[o]!, acts[o + hidden]!, acts[o + 2 * hidden]!]
          const dn = g[k]! * (1 - z) * (1 - n * n)
          const dr = dn * q[o + 2 * hidden]! * r * (1 - r)
          const dz = g[k]! * (h[k]! - n) * z * (1 - z)
          want.dp[o] = want.dq[o] = dr
          want.dp[o + hidden] = want.dq[o + hidden] = dz
          want.dp[o + 2 * hidden] = dn
          want.dq[o + 2 * hidden] = dn * r
          want.dh[k] = g[k]! * z
        }
      expect([...dp.data]).toEqual([...want.dp])
      expect([...dq.data]).toEqual([...want.dq])
      expect([...dh.data]).toEqual([...want.dh])
    })

  it('leaves hidden sizes that are not a multiple of 4, small calls and float64 to the JavaScript loop (null)', () => {
    expect(
      wasmGruCell(
        f32(new Float32Array(8 * 30), [8, 30]),
        f32(new Float32Array(8 * 30), [8, 30]),
        f32(new Float32Array(80), [8, 10]),
      ),
    ).toBeNull()
    expect(
      wasmGruCell(
        f32(new Float32Array(24), [2, 12]),
        f32(new Float32Array(24), [2, 12]),
        f32(new Float32Array(8), [2, 4]),
      ),
    ).toBeNull()
    const d = (shape: number[]) => new Tensor(new Float64Array(shape[0]! * shape[1]!), shape, 'float64')
    expect(wasmGruCell(d([32, 96]), d([32, 96]), d([32, 32]))).toBeNull()
  })
})

describe('wasmLstmCell and wasmLstmCellGrad', () => {
  const sigma = (v: number) => 1 / (1 + Math.exp(-v))
  for (const [batch, hidden] of [
    [32, 128],
    [8, 12],
  ] as const)
    it(`[${batch}, ${hidden}]: gates within 4 + |a| ulps, c′ and h′ within 4 ulps of their terms, the backward rule bit for bit`, () => {
      const rand = uniform(batch * 11 + hidden, -6, 6)
      const W = 4 * hidden
      const n = batch * hidden
      const a = Float32Array.from({ length: batch * W }, rand)
      const c = Float32Array.from({ length: n }, () => rand() / 3)
      const [out, kept] = wasmLstmCell(f32(a, [batch, W]), f32(c, [batch, hidden]))!
      const y = out.data as Float32Array
      const acts = kept.data as Float32Array
      expect(kept.shape).toEqual([5 * n])
      // σ and tanh of a float32 argument a: the error grows with |a| (see the GRU test); c′ = f·c + i·g and
      // h′ = o·tanh(c′) use the float32 gates (the loop its float64 ones), so they count in ulps of their terms
      let worst = 0
      const check = (got: number, want: number, arg: number, scale = Math.abs(want)) => {
        const ulp = 2 ** (Math.floor(Math.log2(Math.max(scale, 2 ** -126))) - 23)
        worst = Math.max(worst, Math.abs(got - want) / ulp - Math.abs(arg))
      }
      for (let b = 0; b < batch; b++)
        for (let j = 0; j < hidden; j++) {
          const o = b * W + j
          const k = b * hidden + j
          const [i, f, g, og] = [
            sigma(a[o]!),
            sigma(a[o + hidden]!),
            Math.tanh(a[o + 2 * hidden]!),
            sigma(a[o + 3 * hidden]!),
          ]
          check(acts[o]!, i, a[o]!)
          check(acts[o + hidden]!, f, a[o + hidden]!)
          check(acts[o + 2 * hidden]!, g, a[o + 2 * hidden]!)
          check(acts[o + 3 * hidden]!, og, a[o + 3 * hidden]!)
          const c2 = f * c[k]! + i * g
          const terms = Math.max(Math.abs(c2), Math.abs(f * c[k]!), Math.abs(i * g))
          check(y[n + k]!, c2, 0, terms)
          check(acts[4 * n + k]!, Math.tanh(c2), 0, terms)
          check(y[k]!, og * Math.tanh(c2), 0, terms)
        }
      expect(worst).toBeLessThanOrEqual(4)
      // the backward rule from these activations: the JavaScript loop's float64 arithmetic, rounded once
      const G = Float32Array.from({ length: 2 * n }, rand)
      const [da, dc] = wasmLstmCellGrad(f32(G, [2, batch, hidden]), f32(c, [batch, hidden]), kept)!
      const want = { da: new Float32Array(batch * W), dc: new Float32Array(n) }
      for (let b = 0; b < batch; b++)
        for (let j = 0; j < hidden; j++) {
          const o = b * W + j
          const k = b * hidden + j
          const [i, f, gg, out, tc] = [
            acts[o]!,
            acts[o + hidden]!,
            acts[o + 2 * hidden]!,
            acts[o + 3 * hidden]!,
            acts[4 * n + k]!,
          ]
          const gh = G[k]!
          const d = G[n + k]! + gh * out * (1 - tc * tc)
          want.da[o] = d * gg * i * (1 - i)
          want.da[o + hidden] = d * c[k]! * f * (1 - f)
          want.da[o + 2 * hidden] = d * i * (1 - gg * gg)
          want.da[o + 3 * hidden] = gh * tc * out * (1 - out)
          want.dc[k] = d * f
        }
      expect([...da.data]).toEqual([...want.da])
      expect([...dc.data]).toEqual([...want.dc])
    })
})

describe('argument checks', () => {
  const x = f32(new Float32Array(256), [1, 1, 16, 16])
  it('name the function and the argument', () => {
    expect(() => wasmGelu([1, 2] as never)).toThrow('wasmGelu: x must be a Tensor, got [1,2]')
    expect(() => wasmGeluGrad(x, ones([3]))).toThrow('wasmGeluGrad: x must be a tensor of shape [1,1,16,16], got')
    expect(() => wasmSoftmaxRows(ones([2, 3]), 1, false, null)).toThrow(
      'wasmSoftmaxRows: s must be a tensor of shape [batch, heads, time, time], got',
    )
    expect(() => wasmSoftmaxRows(x, NaN, false, null)).toThrow(
      'wasmSoftmaxRows: scale must be a finite number, got NaN',
    )
    expect(() => wasmSoftmaxRows(x, 1, 1 as never, null)).toThrow('wasmSoftmaxRows: causal must be a boolean, got 1')
    expect(() => wasmSoftmaxRows(x, 1, false, new Uint8Array(3))).toThrow(
      'wasmSoftmaxRows: mask must be null or a Uint8Array of 16 bytes, got',
    )
    expect(() => wasmSoftmaxRowsGrad(x, tensor(1), 1)).toThrow(
      'wasmSoftmaxRowsGrad: p must be a tensor of shape [1,1,16,16], got',
    )
    expect(() => wasmNormRows(x, 3, 1e-5, true)).toThrow(
      'wasmNormRows: n must be a positive integer dividing the 256 elements of x, got 3',
    )
    expect(() => wasmNormRows(x, 16, -1, true)).toThrow('wasmNormRows: eps must be a finite number ≥ 0, got -1')
    expect(() => wasmGruCell(ones([2, 9]), ones([2, 9]), ones([2, 4]))).toThrow(
      'wasmGruCell: p must be a tensor of shape [2,12], got',
    )
    expect(() => wasmGruCellGrad(ones([2, 4]), ones([2, 12]), ones([2, 4]), new Float32Array(24) as never)).toThrow(
      'wasmGruCellGrad: acts must be a Tensor, got',
    )
    expect(() => wasmGruCellGrad(ones([2, 4]), ones([2, 12]), ones([2, 4]), ones([24]))).toThrow(
      'wasmGruCellGrad: acts must be a tensor of shape [2,12], got',
    )
    expect(() => wasmLstmCell(ones([2, 9]), ones([2, 4]))).toThrow(
      'wasmLstmCell: a must be a tensor of shape [2,16], got',
    )
    expect(() => wasmLstmCellGrad(ones([2, 4]), ones([2, 4]), ones([40]))).toThrow(
      'wasmLstmCellGrad: g must be a tensor of shape [2,2,4], got',
    )
    expect(() => wasmLstmCellGrad(ones([2, 2, 4]), ones([2, 4]), new Float32Array(40) as never)).toThrow(
      'wasmLstmCellGrad: acts must be a Tensor, got',
    )
    expect(() => wasmLstmCellGrad(ones([2, 2, 4]), ones([2, 4]), ones([8, 5]))).toThrow(
      'wasmLstmCellGrad: acts must be a tensor of shape [40], got',
    )
    expect(() => wasmNormRowsGrad(x, x, 16, 1e-5, 'yes' as never)).toThrow(
      'wasmNormRowsGrad: center must be a boolean, got "yes"',
    )
  })
})

describe('the fused kernels over a poisoned pool (each writes every element of its results)', () => {
  /** The bits of a float32 array, so that −0 and +0 (and NaN payloads) count as different. */
  const bits = (x: Tensor): number[] => [...new Uint32Array(Float32Array.from(x.data as Float32Array).buffer)]
  const seeded = (shape: number[], seed: number): Tensor =>
    f32(
      Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) * 3),
      shape,
    )
  const [batch, hidden] = [8, 12]
  const steps = (): Tensor[] => {
    const [p, q, h] = [seeded([batch, 3 * hidden], 1), seeded([batch, 3 * hidden], 2), seeded([batch, hidden], 3)]
    const [hNext, gates] = wasmGruCell(p, q, h)!
    const gru = wasmGruCellGrad(seeded([batch, hidden], 4), q, h, gates)!
    const [a, c] = [seeded([batch, 4 * hidden], 5), seeded([batch, hidden], 6)]
    const [pair, kept] = wasmLstmCell(a, c)!
    const lstm = wasmLstmCellGrad(seeded([2, batch, hidden], 7), c, kept)!
    // GELU over 335 floats (a scalar tail); attention weights [3, 2, 7, 7], causal, batch 0 masking every key
    // (its rows all 0) and rows of 7 (a tail); norm rows of 7 floats, 37 rows (the last odd)
    const x = seeded([5, 67], 8)
    const geluRows = [wasmGelu(x)!, wasmGeluGrad(seeded([5, 67], 9), x)!]
    const mask = Uint8Array.from({ length: 21 }, (_, k) => (k < 7 ? 0 : k % 5 === 0 ? 0 : 1))
    const weights = wasmSoftmaxRows(seeded([3, 2, 7, 7], 10), 0.5, true, mask)!
    const softmaxRows = [weights, wasmSoftmaxRowsGrad(seeded([3, 2, 7, 7], 11), weights, 0.5)!]
    const z = seeded([37, 7], 12)
    const normRows = [wasmNormRows(z, 7, 1e-5, true)!, wasmNormRowsGrad(seeded([37, 7], 13), z, 7, 1e-5, false)!]
    return [hNext, gates, ...gru, pair, kept, ...lstm, ...geluRows, ...softmaxRows, ...normRows]
  }

  it('GELU, attention weights, norm rows, GRU and LSTM steps and their gradients give the bits of zero-filled results', () => {
    const restore = useScopes(true)
    try {
      // outside a scope every result is a fresh zeroed array
      const want = steps().map(bits)
      // a first scope releases three NaN-filled blocks of each result's size into the pool
      const sizes = [...new Set(steps().map((t) => t.size))]
      const poisoned = new Set<number>()
      withScope(
        'poison',
        () => {
          for (const size of sizes)
            for (let i = 0; i < 3; i++) {
              const block = allocate('float32', size).fill(NaN)
              if (existingArena()!.holds(block)) poisoned.add(block.byteOffset)
            }
        },
        () => null,
      )
      const [got, reused] = withScope(
        'use',
        () => {
          const results = steps()
          const over = results.filter((t) => poisoned.has((t.storage as Float32Array).byteOffset)).length
          return [results.map(bits), over] as const
        },
        () => null,
      )
      expect(got).toEqual(want)
      expect(reused).toBe(want.length) // every result lay over a NaN block
    } finally {
      restore()
    }
  })
})
