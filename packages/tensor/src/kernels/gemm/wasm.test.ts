import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { filled, product, type Layout } from '../../../test/operands.js'
import { gemm as jsGemm } from './reference.js'
import { bestGemmWasm, gemmWasmBytes, loadWasmGemm, loadWasmGemmSync, madeHere, wasmSimdSupported } from './wasm.js'
import { sharedArena } from '../runtime/arena.js'
import { traffic } from '../runtime/memory.js'
import { wasmState } from '../registry.js'
import { overwritingGemm } from './overwrite.js'

afterEach(() => vi.restoreAllMocks())

/** The engine's WebAssembly object (the package's types leave it out; see wasm.ts). */
const wasmApi = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly

const wasmGemm = loadWasmGemmSync()!

const layouts: Layout[] = ['row', 'col', 'gapped', 'broadcast', 'reversed']

describe('wasm gemm', () => {
  it('runs here (Node 20 has SIMD128) and validates its own bytes', () => {
    expect(wasmGemm).not.toBeNull()
    expect(wasmSimdSupported(gemmWasmBytes())).toBe(true)
    expect(wasmSimdSupported(new Uint8Array([0, 1, 2, 3]))).toBe(false)
  })

  it('accumulates into C: [[1,2],[3,4]]·[[5,6],[7,8]] + 1 = [[20,23],[44,51]]', () => {
    const c = new Float32Array([1, 1, 1, 1])
    wasmGemm(2, 2, 2, new Float32Array([1, 2, 3, 4]), 0, 2, 1, new Float32Array([5, 6, 7, 8]), 0, 2, 1, c, 0, 2)
    expect([...c]).toEqual([20, 23, 44, 51])
  })

  it('equals the JavaScript gemm for any shapes, layouts, offsets and ldc, across block edges', () => {
    fc.assert(
      fc.property(
        // m crosses MR = 4 and MC = 192, n crosses NR = 8, k crosses KC = 256
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom(...layouts),
        fc.constantFrom(...layouts),
        fc.nat(5),
        fc.nat(3),
        (m, n, k, la, lb, pad, cPad) => {
          const { A, B, a, b, ldc, c0, run } = product(m, n, k, la, lb, pad, cPad)
          const want = run(jsGemm)
          const got = run(wasmGemm)
          for (let i = 0; i < cPad; i++) expect(got[i]).toBe(c0[i]) // before cOffset: untouched
          for (let i = 0; i < m; i++) {
            let magnitude = Math.abs(c0[cPad + i * ldc]!)
            for (let j = 0; j < ldc; j++) {
              const o = cPad + i * ldc + j
              if (j >= n) {
                expect(got[o]).toBe(c0[o]) // padding columns of C: untouched
                continue
              }
              magnitude = Math.abs(c0[o]!)
              for (let p = 0; p < k; p++) {
                magnitude += Math.abs(a[A.offset + i * A.rs + p * A.cs]! * b[B.offset + p * B.rs + j * B.cs]!)
              }
              // Each result is within (k + 1)·u·(|c| + Σ|a·b|) of the exact sum, u = 2⁻²⁴ (recursive
              // summation in float32 for Wasm; float64 then one rounding for JavaScript), so the two
              // differ by at most twice that. For k = 300 and |a|,|b| ≤ 1 this is about 5e-3 at worst.
              const tolerance = 2 * (k + 2) * 2 ** -24 * magnitude
              expect(Math.abs(got[o]! - want[o]!)).toBeLessThanOrEqual(tolerance)
            }
          }
        },
      ),
      { numRuns: 60 },
    )
  })

  it('covers a product wider than one column block (n = 1030 > NC = 1024)', () => {
    const m = 5
    const n = 1030
    const k = 3
    const a = filled(m * k, 1)
    const b = filled(k * n, 2)
    const want = new Float32Array(m * n)
    const got = new Float32Array(m * n)
    jsGemm(m, n, k, a, 0, k, 1, b, 0, n, 1, want, 0, n)
    wasmGemm(m, n, k, a, 0, k, 1, b, 0, n, 1, got, 0, n)
    // three products of terms in [-1, 1]: a float32 rounding of each of 4 steps, 4·2⁻²⁴·3 < 1e-6
    for (let i = 0; i < m * n; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-6)
  })

  it('grows the shared memory’s staging area for big operands and stays correct after', () => {
    const n = 600 // 3 × 600² floats = 4.3 MB, past the staging room the memory starts with
    const a = filled(n * n, 3)
    const eye = new Float32Array(n * n)
    for (let i = 0; i < n; i++) eye[i * n + i] = 1
    const c = new Float32Array(n * n)
    wasmGemm(n, n, n, a, 0, n, 1, eye, 0, n, 1, c, 0, n)
    expect(c).toEqual(a) // A · I = A exactly: each sum has one nonzero term
  })

  it('does nothing for an empty dimension and rejects float64 operands', () => {
    const c = new Float32Array([5])
    wasmGemm(1, 1, 0, new Float32Array(0), 0, 0, 1, new Float32Array(0), 0, 1, 0, c, 0, 1)
    expect(c[0]).toBe(5)
    expect(() => wasmGemm(1, 1, 1, new Float64Array(1), 0, 1, 1, new Float32Array(1), 0, 1, 1, c, 0, 1)).toThrow(
      'wasmGemm: operands must be Float32Array, got Float64Array, Float32Array, Float32Array',
    )
  })

  it('is not loaded when the engine cannot validate SIMD', async () => {
    vi.spyOn(wasmApi, 'validate').mockReturnValue(false)
    expect(loadWasmGemmSync()).toBeNull()
    expect(await loadWasmGemm()).toBeNull()
  })

  it('loads asynchronously too, with the same results', async () => {
    const asyncGemm = (await loadWasmGemm())!
    const a = filled(9 * 7, 1)
    const b = filled(7 * 11, 2)
    const c1 = new Float32Array(99)
    const c2 = new Float32Array(99)
    wasmGemm(9, 11, 7, a, 0, 7, 1, b, 0, 11, 1, c1, 0, 11)
    asyncGemm(9, 11, 7, a, 0, 7, 1, b, 0, 11, 1, c2, 0, 11)
    expect(c2).toEqual(c1)
  })

  it('uses the relaxed-SIMD build where the engine has it, with results in the same bound', () => {
    // Node 20 validates relaxed SIMD only behind a flag: here the plain build runs...
    expect(bestGemmWasm()?.relaxed).toBe(false)
    expect(wasmSimdSupported(gemmWasmBytes(true))).toBe(false)
    // ...so run a product in a child Node with the flag on (tsx loads this TypeScript source there)
    const [m, n, k] = [37, 41, 29]
    const probe = `
      const w = await import(${JSON.stringify(join(import.meta.dirname, 'wasm.ts'))})
      const fill = (len, seed) => Float32Array.from({ length: len }, (_, i) => Math.sin(seed * 7.1 + i * 1.3))
      const c = new Float32Array(${m * n})
      w.loadWasmGemmSync()(${m}, ${n}, ${k}, fill(${m * k}, 1), 0, ${k}, 1, fill(${k * n}, 2), 0, 1, ${k}, c, 0, ${n})
      console.log(JSON.stringify({ relaxed: w.bestGemmWasm()?.relaxed, c: [...c] }))`
    const out = execFileSync(
      process.execPath,
      ['--experimental-wasm-relaxed-simd', '--import', 'tsx', '--input-type=module', '-e', probe],
      { cwd: import.meta.dirname, stdio: 'pipe', encoding: 'utf8' },
    )
    const result = JSON.parse(out) as { relaxed: boolean; c: number[] }
    expect(result.relaxed).toBe(true)
    const want = new Float32Array(m * n)
    jsGemm(m, n, k, filled(m * k, 1), 0, k, 1, filled(k * n, 2), 0, 1, k, want, 0, n)
    // |a|, |b| ≤ 1: the error bound of the property test above, 2 (k + 2) u Σ|a b| ≤ 2·31·2⁻²⁴·29 ≈ 1.1e-4
    for (let i = 0; i < m * n; i++) expect(Math.abs(result.c[i]! - want[i]!)).toBeLessThan(1.1e-4)
  }, 60_000)
})

/**
 * The plain build's arithmetic in JavaScript, which its results must equal bit for bit: for each output, the
 * shared dimension in panels of KC = 256, each summed from +0 in float32 in order (the product rounded, then
 * the sum), and each panel's sum added to C (to +0 instead of C's old value in overwrite mode).
 */
function float32Gemm(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  A: { offset: number; rs: number; cs: number },
  b: Float32Array,
  B: { offset: number; rs: number; cs: number },
  c: Float32Array,
  cOffset: number,
  ldc: number,
  overwrite: boolean,
): void {
  const f = Math.fround
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = overwrite ? 0 : c[cOffset + i * ldc + j]!
      for (let pc = 0; pc < k; pc += 256) {
        let sum = 0
        for (let p = pc; p < Math.min(k, pc + 256); p++) {
          sum = f(sum + f(a[A.offset + i * A.rs + p * A.cs]! * b[B.offset + p * B.rs + j * B.cs]!))
        }
        acc = f(acc + sum)
      }
      c[cOffset + i * ldc + j] = acc
    }
  }
}

describe('wasm gemm, bit for bit', () => {
  it('sums each output in its own order whatever the shape: narrow products run as Cᵀ = Bᵀ·Aᵀ with the same bits', () => {
    // 128 × 10 (the MLP's last layer and its weight gradient: transposed), 128 × 1 (matrix · vector: transposed),
    // 1 × 128 and 10 × 128 (already wide), k = 10 and k = 300 (two k-panels), and random shapes
    const shapes = fc.oneof(
      fc.constantFrom([128, 10, 128], [128, 1, 64], [1, 128, 64], [10, 128, 128], [128, 128, 10], [20, 13, 300]),
      fc.tuple(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 280 })),
    )
    fc.assert(
      fc.property(
        shapes,
        fc.constantFrom(...layouts),
        fc.constantFrom(...layouts),
        fc.nat(3),
        fc.boolean(),
        ([m, n, k], la, lb, cPad, overwrite) => {
          const { A, B, a, b, ldc, c0 } = product(m!, n!, k!, la, lb, 1, cPad)
          const want = c0.slice()
          float32Gemm(m!, n!, k!, a, A, b, B, want, cPad, ldc, overwrite)
          const got = c0.slice()
          wasmGemm(m!, n!, k!, a, A.offset, A.rs, A.cs, b, B.offset, B.rs, B.cs, got, cPad, ldc, overwrite)
          expect(bits(got)).toEqual(bits(want)) // padding columns and the floats before cOffset included
        },
      ),
      { numRuns: 60 },
    )
  })

  it('packs A splatted for products with n ≥ 128 and k ≥ 64 (the plain build), with the same bits across its edges', () => {
    // 50 × 130 × 300: rows cross the splatted block of MC / 4 = 48 and MR = 4, columns cross NR = 8, two k-panels;
    // 129 × 200 × 64: three row blocks, the depth at the threshold; 128 × 128 × 256: whole tiles, one panel
    fc.assert(
      fc.property(
        fc.constantFrom([50, 130, 300], [129, 200, 64], [128, 128, 256]),
        fc.constantFrom(...layouts),
        fc.constantFrom(...layouts),
        fc.boolean(),
        ([m, n, k], la, lb, overwrite) => {
          const { A, B, a, b, ldc, c0 } = product(m!, n!, k!, la, lb, 1, 2)
          const want = c0.slice()
          float32Gemm(m!, n!, k!, a, A, b, B, want, 2, ldc, overwrite)
          const got = c0.slice()
          wasmGemm(m!, n!, k!, a, A.offset, A.rs, A.cs, b, B.offset, B.rs, B.cs, got, 2, ldc, overwrite)
          expect(bits(got)).toEqual(bits(want))
        },
      ),
      { numRuns: 16 },
    )
  })
})

describe('wasm gemm on arena arrays', () => {
  it('reads A and B and accumulates into C where they lie in the shared memory, copying nothing', () => {
    const arena = sharedArena()!
    const [m, n, k] = [19, 23, 17]
    // A transposed (column strides) and B with a gap between rows, both views into larger arena blocks
    const a = arena.alloc(m * k + 5)!
    const b = arena.alloc(k * (n + 3) + 2)!
    const c = arena.alloc(m * n + 8)!
    for (let i = 0; i < a.length; i++) a[i] = ((i * 7) % 11) - 5
    for (let i = 0; i < b.length; i++) b[i] = ((i * 5) % 13) - 6
    c.fill(0.5)
    const want = new Float32Array(c.length).fill(0.5)
    jsGemm(m, n, k, a, 5, 1, m, b, 2, n + 3, 1, want, 3, n)
    const before = traffic.bytes
    wasmGemm(m, n, k, a, 5, 1, m, b, 2, n + 3, 1, c, 3, n)
    expect(traffic.bytes).toBe(before) // nothing copied in or out
    // small integers: every partial sum is exact in float32, so the two kernels agree bit for bit
    expect([...c]).toEqual([...want])
    expect([c[0], c[1], c[2], c[3 + m * n]]).toEqual([0.5, 0.5, 0.5, 0.5]) // untouched around the block
  })

  it('runs a stack of products in one call (outer × inner, a stride 0 repeating B), as one call per product', () => {
    const arena = sharedArena()!
    const batch = madeHere.get(wasmGemm)!
    const [m, n, k, outer, inner] = [5, 9, 7, 3, 2]
    const a = arena.alloc(2 + outer * inner * m * k)!
    const b = arena.alloc(k * n)!
    a.set(filled(a.length, 1))
    b.set(filled(b.length, 2))
    // A's matrices row-major from offset 2 (inner 35 floats apart, outer 70); B shared; C with rows 10 apart
    const ldc = n + 1
    const got = arena.alloc(outer * inner * m * ldc)!.fill(NaN)
    expect(
      batch(
        outer,
        inner,
        m,
        n,
        k,
        a,
        2,
        k,
        1,
        inner * m * k,
        m * k,
        b,
        0,
        n,
        1,
        0,
        0,
        got,
        0,
        ldc,
        inner * m * ldc,
        m * ldc,
        true,
      ),
    ).toBe(true)
    const want = new Float32Array(got.length).fill(NaN)
    for (let t = 0; t < outer * inner; t++) {
      wasmGemm(m, n, k, a, 2 + t * m * k, k, 1, b, 0, n, 1, want, t * m * ldc, ldc, true)
    }
    expect(bits(got)).toEqual(bits(want)) // the padding column of every row left as it was (NaN) in both
    // an operand on the JavaScript heap: declined, nothing written
    const heap = new Float32Array(k * n)
    const c = arena.alloc(m * n)!.fill(3)
    expect(batch(1, 1, m, n, k, a, 0, k, 1, 0, 0, heap, 0, n, 1, 0, 0, c, 0, n, 0, 0, true)).toBe(false)
    expect(batch(1, 1, m, n, 0, a, 0, k, 1, 0, 0, b, 0, n, 1, 0, 0, c, 0, n, 0, 0, true)).toBe(false) // k = 0
    expect([...c]).toEqual(new Array(m * n).fill(3))
  })

  it('copies only the operands that are not in the memory (here B and C: k·n + 2·m·n floats)', () => {
    const [m, n, k] = [8, 8, 16]
    const a = sharedArena()!
      .alloc(m * k)!
      .fill(1)
    const b = new Float32Array(k * n).fill(2)
    const c = new Float32Array(m * n)
    const before = traffic.bytes
    wasmGemm(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 0, n)
    expect(traffic.bytes - before).toBe((k * n + 2 * m * n) * 4)
    expect([...c]).toEqual(new Array(m * n).fill(32)) // 16 · 1 · 2
  })
})

/** The bits of a float32 array, so that −0 and +0 (and NaN payloads) count as different. */
const bits = (x: Float32Array): number[] => [...new Uint32Array(x.buffer, x.byteOffset, x.length)]

describe('wasm gemm in overwrite mode (C = A · B, C never read)', () => {
  it('gives the bits of C += A · B into a zero-filled C, over a C full of NaN, staged or in the arena', () => {
    const arena = sharedArena()!
    fc.assert(
      fc.property(
        // m crosses MR = 4 and MC = 192, n crosses NR = 8, k crosses KC = 256 (and stays below it)
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom(...layouts),
        fc.constantFrom(...layouts),
        fc.nat(3),
        fc.boolean(),
        (m, n, k, la, lb, cPad, inArena) => {
          const { A, B, a, b, ldc } = product(m, n, k, la, lb, 2, cPad)
          const size = cPad + m * ldc
          const want = new Float32Array(size) // zero-filled, accumulated into
          wasmGemm(m, n, k, a, A.offset, A.rs, A.cs, b, B.offset, B.rs, B.cs, want, cPad, ldc)
          const got = inArena ? arena.alloc(size)! : new Float32Array(size)
          got.fill(NaN)
          wasmGemm(m, n, k, a, A.offset, A.rs, A.cs, b, B.offset, B.rs, B.cs, got, cPad, ldc, true)
          for (let i = 0; i < m; i++) {
            const row = cPad + i * ldc
            expect(bits(got.subarray(row, row + n))).toEqual(bits(want.subarray(row, row + n)))
            // the cPad floats before the row (before cOffset, or the previous row's padding columns): untouched
            for (let o = row - cPad; o < row; o++) expect(got[o]).toBeNaN()
          }
          for (let o = cPad + (m - 1) * ldc + n; o < size; o++) expect(got[o]).toBeNaN() // the last row's padding
        },
      ),
      { numRuns: 80 },
    )
  })

  it('turns a −0 sum into +0 as the zero-filled C does, and carries NaN and ±Infinity through', () => {
    const [m, n, k] = [5, 9, 3]
    // row 0: −1 · +0 terms (each −0); row 1: a NaN; row 2: +Infinity · 1; rows 3, 4: ordinary values
    const a = new Float32Array([-1, -1, -1, NaN, 1, 1, Infinity, 0.5, 0.5, 1, 2, 3, -4, 5, -6])
    const b = new Float32Array(k * n)
    for (let j = 1; j < n; j++) b[j] = b[n + j] = b[2 * n + j] = j // column 0 stays +0
    const want = new Float32Array(m * n)
    wasmGemm(m, n, k, a, 0, k, 1, b, 0, n, 1, want, 0, n)
    const got = new Float32Array(m * n).fill(-0)
    wasmGemm(m, n, k, a, 0, k, 1, b, 0, n, 1, got, 0, n, true)
    expect(bits(got)).toEqual(bits(want))
    expect(Object.is(got[0], 0)).toBe(true) // (−1)(+0) · 3 summed: +0, not −0
    expect(got[n]).toBeNaN()
    expect(got[2 * n + 1]).toBe(Infinity)
    expect(got[3 * n + 2]).toBe(12) // (1 + 2 + 3) · 2
  })

  it('writes zeros for an empty sum (k = 0) and nothing for an empty m or n', () => {
    const c = new Float32Array(3 * 5).fill(NaN)
    wasmGemm(2, 3, 0, new Float32Array(0), 0, 0, 1, new Float32Array(0), 0, 3, 1, c, 1, 5, true)
    // rows at 1 and 6 (ldc 5), three columns each: zeros; everything else untouched
    expect([...c].map((x) => (Number.isNaN(x) ? 'x' : x)).join(' ')).toBe('x 0 0 0 x x 0 0 0 x x x x x x')
    const d = new Float32Array([7])
    wasmGemm(0, 1, 4, new Float32Array(4), 0, 4, 1, new Float32Array(4), 0, 1, 1, d, 0, 1, true)
    expect(d[0]).toBe(7)
  })

  it('copies a staged C out but not in: A, B and C once each', () => {
    const [m, n, k] = [8, 8, 16]
    const a = new Float32Array(m * k).fill(1)
    const b = new Float32Array(k * n).fill(2)
    const c = new Float32Array(m * n).fill(NaN)
    const before = traffic.bytes
    wasmGemm(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 0, n, true)
    expect(traffic.bytes - before).toBe((m * k + k * n + m * n) * 4)
    expect([...c]).toEqual(new Array(m * n).fill(32)) // 16 · 1 · 2
  })

  it('is handed out by overwritingGemm only when the default dispatcher would run the product on it', () => {
    const saved = { gemm: wasmState.gemm, allowed: wasmState.allowed }
    try {
      wasmState.gemm = wasmGemm
      expect(overwritingGemm(8, 8, 8)).toBe(wasmGemm) // 512 multiply-adds: GEMM_MIN
      expect(overwritingGemm(8, 8, 7)).toBeNull() // below GEMM_MIN: the JavaScript kernel runs
      expect(overwritingGemm(600, 600, 0)).toBeNull()
      wasmState.allowed = false
      expect(overwritingGemm(64, 64, 64)).toBeNull()
      wasmState.allowed = true
      wasmState.gemm = (...args) => wasmGemm(...args) // a kernel this module did not make
      expect(overwritingGemm(64, 64, 64)).toBeNull()
      wasmState.gemm = undefined // not loaded yet
      expect(overwritingGemm(64, 64, 64)).toBeNull()
    } finally {
      Object.assign(wasmState, saved)
    }
  })
})
