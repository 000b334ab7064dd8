import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { window2d, type Window2d } from '../../window2d.js'
import { convBackwardFilter, convBackwardInput, convForward, type Conv2dShape } from './reference.js'
import { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward } from '../pool/reference.js'
import { CHUNK, loadWasmConv, loadWasmConvSync } from './wasm.js'
import { sharedArena } from '../runtime/arena.js'
import { traffic } from '../runtime/memory.js'

afterEach(() => vi.restoreAllMocks())

/** The engine's WebAssembly object (the package's types leave it out; see ../gemm/wasm.ts). */
const wasmApi = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly

const wasm = loadWasmConvSync()!

function filled(n: number, seed: number): Float32Array {
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = Math.sin(seed * 7.1 + i * 1.3)
  return out
}

/** Values with many ties, signed zeros and an occasional NaN, for pooling's tie and NaN rules. */
function tied(n: number, seed: number, nan: boolean): Float32Array {
  const pool = [0, -0, 1, 1, -1, 2.5, -Infinity, 3]
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = pool[Math.abs(Math.floor(Math.sin(seed + i * 2.3) * 1000)) % pool.length]!
  if (nan && n > 2) out[Math.floor(n / 3)] = NaN
  return out
}

const abs = (a: Float32Array): Float32Array => a.map(Math.abs)

/**
 * Expects `got` (float32 sums) to match `want` (float64 sums rounded once) within the float32
 * error bound of a sum of `terms` products: |error| ≤ terms · 2⁻²³ · Σ|products| (`absSum`, the
 * same kernel run on |a| and |b|), plus the one rounding of `want`.
 */
function expectClose(got: Float32Array, want: Float32Array, absSum: Float32Array, terms: number): void {
  for (let i = 0; i < want.length; i++) {
    const tol = (terms + 1) * 2 ** -23 * absSum[i]! + 1e-30
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) {
      expect.fail(`entry ${i}: wasm ${got[i]} vs js ${want[i]} (tolerance ${tol})`)
    }
  }
}

/** A convolution's shape: groups, per-group channels, plane, kernel, stride, dilation, padding. */
const convShape = fc
  .record({
    batch: fc.integer({ min: 1, max: 3 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cg: fc.integer({ min: 1, max: 3 }),
    og: fc.integer({ min: 1, max: 5 }),
    h: fc.integer({ min: 1, max: 13 }),
    w: fc.integer({ min: 1, max: 13 }),
    kh: fc.integer({ min: 1, max: 4 }),
    kw: fc.integer({ min: 1, max: 4 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    dh: fc.integer({ min: 1, max: 3 }),
    dw: fc.integer({ min: 1, max: 3 }),
    pad: fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3), fc.nat(3)),
  })
  .filter(
    (r) => r.h + r.pad[0] + r.pad[1] >= (r.kh - 1) * r.dh + 1 && r.w + r.pad[2] + r.pad[3] >= (r.kw - 1) * r.dw + 1,
  )
  .map((r): Conv2dShape => ({
    batch: r.batch,
    channels: r.groups * r.cg,
    outChannels: r.groups * r.og,
    groups: r.groups,
    window: window2d('conv2d', [r.h, r.w], [r.kh, r.kw], {
      stride: [r.sh, r.sw],
      dilation: [r.dh, r.dw],
      padding: r.pad,
    }),
  }))

function sizes(s: Conv2dShape) {
  const g = s.window
  const depth = (s.channels / s.groups) * g.kernelH * g.kernelW
  return {
    x: s.batch * s.channels * g.height * g.width,
    w: s.outChannels * depth,
    y: s.batch * s.outChannels * g.outH * g.outW,
    depth,
    outPlane: g.outH * g.outW,
  }
}

describe('wasm conv2d', () => {
  it('runs here (Node 20 has SIMD128)', async () => {
    expect(wasm).not.toBeNull()
    expect(await loadWasmConv()).not.toBeNull()
  })

  it('computes a worked example: a 3×3 plane by a 2×2 box filter is [[12, 16], [24, 28]]', () => {
    const s: Conv2dShape = {
      batch: 1,
      channels: 1,
      outChannels: 1,
      groups: 1,
      window: window2d('conv2d', [3, 3], [2, 2]),
    }
    const y = new Float32Array(4).fill(99) // overwritten, not added to
    wasm.convForward(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), new Float32Array([1, 1, 1, 1]), s, y)
    expect([...y]).toEqual([12, 16, 24, 28]) // 1+2+4+5, 2+3+5+6, 4+5+7+8, 5+6+8+9
    const dx = new Float32Array(9).fill(99)
    wasm.convBackwardInput(new Float32Array([1, 1, 1, 1]), new Float32Array([1, 1, 1, 1]), s, dx)
    expect([...dx]).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]) // how many windows see each pixel
    const dw = new Float32Array(4).fill(99)
    wasm.convBackwardFilter(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), new Float32Array([1, 1, 1, 1]), s, dw)
    expect([...dw]).toEqual([12, 16, 24, 28])
  })

  it('forward and both gradients agree with the JavaScript kernels on random shapes', () => {
    fc.assert(
      fc.property(convShape, fc.integer({ min: 1, max: 1000 }), (s, seed) => {
        const n = sizes(s)
        const x = filled(n.x, seed)
        const w = filled(n.w, seed + 0.5)
        const dy = filled(n.y, seed + 0.25)
        const run = (kernel: typeof convForward, a: Float32Array, b: Float32Array, len: number): Float32Array => {
          const out = filled(len, 3) // garbage: every kernel overwrites
          kernel(a, b, s, out)
          return out
        }
        const g = s.window
        // forward: depth products per output; input gradient: up to outChannels/groups · taps; filter: batch · outH · outW
        const checks = [
          { js: convForward, wasm: wasm.convForward, a: x, b: w, len: n.y, terms: n.depth },
          {
            js: convBackwardInput,
            wasm: wasm.convBackwardInput,
            a: dy,
            b: w,
            len: n.x,
            terms: s.outChannels * g.kernelH * g.kernelW,
          },
          { js: convBackwardFilter, wasm: wasm.convBackwardFilter, a: x, b: dy, len: n.w, terms: s.batch * n.outPlane },
        ]
        for (const c of checks) {
          const want = run(c.js, c.a, c.b, c.len)
          const absSum = run(c.js, abs(c.a), abs(c.b), c.len)
          expectClose(run(c.wasm, c.a, c.b, c.len), want, absSum, c.terms)
        }
      }),
      { numRuns: 150 },
    )
  })

  it('streams a batch larger than one chunk, and 1×1 convolutions skip im2col', () => {
    // 9 samples of 2 × 120 × 120 (28,800 floats each in, 14,400 out): 6 samples per chunk of 2¹⁸ floats
    const cases: Conv2dShape[] = [
      {
        batch: 9,
        channels: 2,
        outChannels: 1,
        groups: 1,
        window: window2d('conv2d', [120, 120], [3, 3], { padding: 'same' }),
      },
      { batch: 9, channels: 4, outChannels: 3, groups: 1, window: window2d('conv2d', [60, 60], [1, 1]) },
    ]
    expect(9 * (28_800 + 14_400)).toBeGreaterThan(CHUNK)
    for (const s of cases) {
      const n = sizes(s)
      const x = filled(n.x, 1)
      const w = filled(n.w, 2)
      const dy = filled(n.y, 3)
      for (const [js, kernel, a, b, len, terms] of [
        [convForward, wasm.convForward, x, w, n.y, n.depth],
        [convBackwardInput, wasm.convBackwardInput, dy, w, n.x, s.outChannels * 9],
        [convBackwardFilter, wasm.convBackwardFilter, x, dy, n.w, s.batch * n.outPlane],
      ] as const) {
        const want = new Float32Array(len)
        js(a, b, s, want)
        const absSum = new Float32Array(len)
        js(abs(a), abs(b), s, absSum)
        const got = new Float32Array(len)
        kernel(a, b, s, got)
        expectClose(got, want, absSum, terms)
      }
    }
  })

  it('rejects operands that are not Float32Array', () => {
    const s: Conv2dShape = {
      batch: 1,
      channels: 1,
      outChannels: 1,
      groups: 1,
      window: window2d('conv2d', [2, 2], [1, 1]),
    }
    expect(() => wasm.convForward(new Float64Array(4), new Float32Array(1), s, new Float32Array(4))).toThrow(
      'wasm convForward: operands must be Float32Array, got Float64Array, Float32Array, Float32Array',
    )
  })

  it('is null where the engine has no Wasm SIMD', async () => {
    vi.spyOn(wasmApi, 'validate').mockReturnValue(false)
    expect(loadWasmConvSync()).toBeNull()
    expect(await loadWasmConv()).toBeNull()
  })
})

/** A pooling window: kernel, stride, padding smaller than the kernel; dilation only where asked. */
function poolWindow(dilation: boolean) {
  return fc
    .record({
      h: fc.integer({ min: 1, max: 11 }),
      w: fc.integer({ min: 1, max: 11 }),
      kh: fc.integer({ min: 1, max: 4 }),
      kw: fc.integer({ min: 1, max: 4 }),
      sh: fc.integer({ min: 1, max: 4 }),
      sw: fc.integer({ min: 1, max: 4 }),
      dh: dilation ? fc.integer({ min: 1, max: 2 }) : fc.constant(1),
      dw: dilation ? fc.integer({ min: 1, max: 2 }) : fc.constant(1),
      pad: fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3), fc.nat(3)),
    })
    .map((r) => ({ ...r, pad: [r.pad[0] % r.kh, r.pad[1] % r.kh, r.pad[2] % r.kw, r.pad[3] % r.kw] as const }))
    .filter(
      (r) => r.h + r.pad[0] + r.pad[1] >= (r.kh - 1) * r.dh + 1 && r.w + r.pad[2] + r.pad[3] >= (r.kw - 1) * r.dw + 1,
    )
    .map((r): Window2d =>
      window2d('pool', [r.h, r.w], [r.kh, r.kw], { stride: [r.sh, r.sw], dilation: [r.dh, r.dw], padding: r.pad }),
    )
}

describe('wasm pooling', () => {
  it('is bit-identical to the JavaScript kernels, ties, signed zeros and NaN included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        poolWindow(true),
        fc.integer({ min: 0, max: 100 }),
        fc.boolean(),
        (planes, g, seed, nan) => {
          const inSize = planes * g.height * g.width
          const outSize = planes * g.outH * g.outW
          const x = tied(inSize, seed, nan)
          const dy = filled(outSize, seed)
          const dx0 = filled(inSize, seed + 1) // backward adds into whatever dx holds
          const pair = (fill: (out: Float32Array) => void, len: number): Float32Array => {
            const out = len === inSize ? dx0.slice() : filled(len, 9)
            fill(out)
            return out
          }
          expect(pair((y) => wasm.maxPool2d(x, planes, g, y), outSize)).toEqual(
            pair((y) => maxPoolForward(x, planes, g, y), outSize),
          )
          expect(pair((d) => wasm.maxPool2dBackward(dy, x, planes, g, d), inSize)).toEqual(
            pair((d) => maxPoolBackward(dy, x, planes, g, d), inSize),
          )
        },
      ),
      { numRuns: 200 },
    )
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        poolWindow(false),
        fc.integer({ min: 0, max: 100 }),
        (planes, g, seed) => {
          const inSize = planes * g.height * g.width
          const outSize = planes * g.outH * g.outW
          const x = filled(inSize, seed)
          const dy = filled(outSize, seed + 0.5)
          const dx0 = filled(inSize, seed + 1)
          const y1 = new Float32Array(outSize)
          const y2 = new Float32Array(outSize)
          wasm.avgPool2d(x, planes, g, y1)
          avgPoolForward(x, planes, g, y2)
          expect(y1).toEqual(y2)
          const d1 = dx0.slice()
          const d2 = dx0.slice()
          wasm.avgPool2dBackward(dy, planes, g, d1)
          avgPoolBackward(dy, planes, g, d2)
          expect(d1).toEqual(d2)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('takes the 2 × 2, stride 2 fast paths bit for bit too, odd sides included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 0, max: 100 }),
        fc.boolean(),
        (planes, h, w, seed, nan) => {
          const g = window2d('maxPool2d', [h, w], [2, 2], { stride: 2 })
          const x = tied(planes * h * w, seed, nan)
          const dy = filled(planes * g.outH * g.outW, seed)
          const y1 = new Float32Array(dy.length)
          const y2 = new Float32Array(dy.length)
          wasm.maxPool2d(x, planes, g, y1)
          maxPoolForward(x, planes, g, y2)
          expect(y1).toEqual(y2)
          // the average's fast path too: sums from +0 in float64, so four -0 taps give +0 as in JavaScript
          wasm.avgPool2d(x, planes, g, y1)
          avgPoolForward(x, planes, g, y2)
          expect(y1).toEqual(y2)
          const d1 = filled(x.length, seed + 1)
          const d2 = d1.slice()
          wasm.maxPool2dBackward(dy, x, planes, g, d1)
          maxPoolBackward(dy, x, planes, g, d2)
          expect(d1).toEqual(d2)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('computes worked examples and streams planes past one chunk', () => {
    const g = window2d('maxPool2d', [2, 2], [2, 2], { stride: 2 })
    const y = new Float32Array(1)
    wasm.maxPool2d(new Float32Array([1, 5, 3, 2]), 1, g, y)
    expect(y[0]).toBe(5)
    const dx = new Float32Array([1, 1, 1, 1])
    wasm.maxPool2dBackward(new Float32Array([7]), new Float32Array([1, 5, 3, 2]), 1, g, dx)
    expect([...dx]).toEqual([1, 8, 1, 1]) // the 7 goes to the 5, added to what was there
    wasm.avgPool2d(new Float32Array([1, 5, 3, 3]), 1, g, y)
    expect(y[0]).toBe(3) // (1 + 5 + 3 + 3) / 4
    // 300 planes of 30 × 30 = 270,000 floats in: two chunks
    const big = window2d('maxPool2d', [30, 30], [3, 3], { stride: 2, padding: 1 })
    const x = filled(300 * 900, 4)
    const want = new Float32Array(300 * big.outH * big.outW)
    const got = new Float32Array(want.length)
    maxPoolForward(x, 300, big, want)
    wasm.maxPool2d(x, 300, big, got)
    expect(got).toEqual(want)
  })
})

describe('wasm conv and pooling kernels on arena arrays', () => {
  const arena = sharedArena()!
  /** An arena copy of `x`. */
  const inArena = (x: Float32Array) => {
    const y = arena.alloc(x.length)!
    y.set(x)
    return y
  }
  const s: Conv2dShape = {
    batch: 3,
    channels: 2,
    outChannels: 4,
    groups: 1,
    window: window2d('conv2d', [9, 9], [3, 3], { padding: 'same' }),
  }
  const [xLen, wLen, yLen] = [3 * 2 * 81, 4 * 2 * 9, 3 * 4 * 81]

  it('read operands and write results where they lie, copying nothing, with the results of the copying path bit for bit', () => {
    const [x, w, dy] = [filled(xLen, 1), filled(wLen, 2), filled(yLen, 3)]
    const want = { y: new Float32Array(yLen), dx: new Float32Array(xLen), dw: new Float32Array(wLen) }
    wasm.convForward(x, w, s, want.y)
    wasm.convBackwardInput(dy, w, s, want.dx)
    wasm.convBackwardFilter(x, dy, s, want.dw)
    const [xa, wa, dya] = [inArena(x), inArena(w), inArena(dy)]
    const got = { y: arena.alloc(yLen)!, dx: arena.alloc(xLen)!, dw: arena.alloc(wLen)! }
    const before = traffic.bytes
    wasm.convForward(xa, wa, s, got.y)
    wasm.convBackwardInput(dya, wa, s, got.dx)
    wasm.convBackwardFilter(xa, dya, s, got.dw)
    expect(traffic.bytes).toBe(before)
    expect([...got.y]).toEqual([...want.y])
    expect([...got.dx]).toEqual([...want.dx])
    expect([...got.dw]).toEqual([...want.dw])
  })

  it('pooling reads and writes them where they lie, and copies only the operands outside the memory', () => {
    const g = window2d('maxPool2d', [8, 8], [2, 2], { stride: [2, 2] })
    const planes = 12
    const x = tied(planes * 64, 4, false)
    const dy = filled(planes * 16, 5)
    const want = { y: new Float32Array(planes * 16), dx: new Float32Array(planes * 64) }
    maxPoolForward(x, planes, g, want.y)
    maxPoolBackward(dy, x, planes, g, want.dx)
    const [xa, dya] = [inArena(x), inArena(dy)]
    const got = { y: arena.alloc(planes * 16)!, dx: arena.alloc(planes * 64)! }
    let before = traffic.bytes
    wasm.maxPool2d(xa, planes, g, got.y)
    wasm.maxPool2dBackward(dya, xa, planes, g, got.dx)
    expect(traffic.bytes).toBe(before)
    expect([...got.y]).toEqual([...want.y])
    expect([...got.dx]).toEqual([...want.dx])
    // y outside the memory: only its planes · 16 floats are copied (out)
    const y = new Float32Array(planes * 16)
    before = traffic.bytes
    wasm.avgPool2d(xa, planes, g, y)
    expect(traffic.bytes - before).toBe(planes * 16 * 4)
    const avg = new Float32Array(planes * 16)
    avgPoolForward(x, planes, g, avg)
    expect([...y]).toEqual([...avg])
  })
})
