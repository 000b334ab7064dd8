import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { product, rowMajorProduct, type Layout } from '../test/operands.js'
import { overPoison } from '../test/poisonedPool.js'
import { gemm as jsGemm } from './kernels/gemm/reference.js'
import { loadWasmGemmSync, type WasmGemmKernel } from './kernels/gemm/wasm.js'
import { matmul, type MatmulOptions } from './matmul.js'
import { conv2d } from './conv2d.js'
import { ones } from './creation.js'
import { normal } from './random.js'
import { prngKey } from './rng.js'
import { initWasm, kernelBackend, useKernels } from './seam.js'
import { Tensor } from './tensor.js'
import { terminateThreads, threadedGemm, type ThreadedGemm, type ThreadOptions } from './threads.js'
import {
  EXPLORE,
  EXPLORE_MAX,
  SPLIT_MARGIN,
  liveThreads,
  newPace,
  post,
  recordPace,
  splitNext,
  steal,
  takenChunks,
  type GrowableShared,
  type Pace,
} from './kernels/runtime/threadPool.js'
import { CONTROL, CONTROL_SLOTS } from './kernels/runtime/threadWorker.js'

afterEach(() => vi.unstubAllGlobals())
afterAll(() => terminateThreads())

const oneThread = loadWasmGemmSync()!
const here = dirname(fileURLToPath(import.meta.url))

describe('threadedGemm', () => {
  it('starts 2 threads by default in Node, and 3 when asked', async () => {
    expect((await threadedGemm()).threads).toBe(2)
    expect((await threadedGemm({ threads: 3 })).threads).toBe(3)
    expect((await threadedGemm({ threads: 1 })).threads).toBe(1)
  })

  it('equals the one-thread Wasm gemm bit for bit on random shapes, layouts, offsets and ldc', async () => {
    // minMultiplyAdds 0: every float32 product that the one-thread path sends to Wasm is split
    const kernels = [
      await threadedGemm({ threads: 2, minMultiplyAdds: 0 }),
      await threadedGemm({ threads: 3, minMultiplyAdds: 0 }),
    ]
    fc.assert(
      fc.property(
        // odd sizes and 1 included; m and n cross the 4-row and 8-column tiles the bands are cut in
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 90 }),
        fc.constantFrom<Layout>('row', 'col', 'gapped', 'reversed'),
        fc.constantFrom<Layout>('row', 'col', 'gapped', 'reversed'),
        fc.nat(3),
        fc.nat(3),
        fc.integer({ min: 0, max: 1 }),
        (m, n, k, la, lb, pad, cPad, which) => {
          const { run } = product(m, n, k, la, lb, pad, cPad)
          // tiny products (m·n·k < 512) run on JavaScript in the default kernel and in the threaded one
          expect(run(kernels[which]!)).toEqual(run(m * n * k < 512 ? jsGemm : oneThread))
        },
      ),
      { numRuns: 80 },
    )
  })

  it('splits a large product (300 × 517 × 263) and matches one thread bit for bit', async () => {
    const gemm = await threadedGemm({ threads: 2 })
    const [m, n, k] = [300, 517, 263] // 40.8 M multiply-adds, above the 2²⁴ default
    expect(rowMajorProduct(gemm, m, n, k, 1)).toEqual(rowMajorProduct(oneThread, m, n, k, 1))
  })

  it("splits the MLP's products bit for bit, with the band's operand packed (B's columns, a transposed A's rows)", async () => {
    const gemm = await threadedGemm({ threads: 2, minMultiplyAdds: 0 })
    // 128×784·784×256 is cut by columns: the worker gets half of B's columns as 784 runs of 128 floats;
    // 784×128ᵀ·128×256 (x transposed, as for dW1) is cut by rows: half of Aᵀ's rows, 128 runs of 392 floats
    for (const [m, n, k, la] of [
      [128, 256, 784, 'row'],
      [784, 256, 128, 'col'],
    ] as const) {
      const { run } = product(m, n, k, la, 'row', 1, 2)
      expect(run(gemm)).toEqual(run(oneThread))
    }
  })

  it('runs float64 products on the JavaScript kernel, like the default', async () => {
    const gemm = await threadedGemm({ minMultiplyAdds: 0 })
    expect(rowMajorProduct(gemm, 20, 40, 30, 3, 'float64')).toEqual(rowMajorProduct(jsGemm, 20, 40, 30, 3, 'float64'))
  })

  it('drives matmul through useKernels with the same result as the default kernel', async () => {
    const x = normal(prngKey(1), [64, 96])
    const w = normal(prngKey(2), [96, 48])
    const want = matmul(x, w).data
    const restore = useKernels({ gemm: await threadedGemm({ minMultiplyAdds: 0 }) })
    try {
      expect(matmul(x, w).data).toEqual(want)
      expect(matmul(ones([3, 1]), ones([1, 2])).data).toEqual(new Float32Array([1, 1, 1, 1, 1, 1]))
    } finally {
      restore()
    }
  })

  it('leaves convolutions on their fused Wasm kernels, with the same results as the default', async () => {
    const x = normal(prngKey(3), [2, 3, 12, 12])
    const w = normal(prngKey(4), [4, 3, 3, 3])
    const want = conv2d(x, w).data
    const restore = useKernels({ gemm: await threadedGemm({ minMultiplyAdds: 0 }) })
    try {
      expect(conv2d(x, w).data).toEqual(want)
      expect(kernelBackend()).toBe('wasm')
    } finally {
      restore()
    }
  })

  it('falls back to one thread silently where there is no SharedArrayBuffer', async () => {
    vi.stubGlobal('SharedArrayBuffer', undefined)
    const gemm = await threadedGemm({ threads: 2, minMultiplyAdds: 0 })
    vi.unstubAllGlobals()
    expect(gemm.threads).toBe(1)
    expect(rowMajorProduct(gemm, 12, 9, 10, 5)).toEqual(rowMajorProduct(oneThread, 12, 9, 10, 5))
  })

  it('keeps working on one thread after terminateThreads', async () => {
    const gemm = await threadedGemm({ threads: 2, minMultiplyAdds: 0 })
    await terminateThreads()
    expect(gemm.threads).toBe(1)
    expect(rowMajorProduct(gemm, 40, 20, 30, 7)).toEqual(rowMajorProduct(oneThread, 40, 20, 30, 7))
  })

  it('does not keep a Node process alive (workers are unref’ed)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-threads-'))
    try {
      const script = join(dir, 'exit.mts')
      writeFileSync(
        script,
        `import { threadedGemm } from ${JSON.stringify(join(here, 'threads.ts'))}\n` +
          `const gemm = await threadedGemm({ threads: 2, minMultiplyAdds: 0 })\n` +
          `const c = new Float32Array(64 * 64)\n` +
          `gemm(64, 64, 64, new Float32Array(4096).fill(1), 0, 64, 1, new Float32Array(4096).fill(1), 0, 64, 1, c, 0, 64)\n` +
          `console.log(gemm.threads, c[0])\n`,
      )
      // no terminateThreads() in the script: it must still end by itself
      const out = execFileSync(process.execPath, ['--conditions=@gd/source', '--import', 'tsx', script], {
        cwd: here,
        timeout: 30_000,
        encoding: 'utf8',
      })
      expect(out.trim()).toBe('2 64')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it.each<[unknown, string]>([
    [{ threads: 0 }, 'threadedGemm: threads must be an integer in [1, 64], got 0'],
    [{ threads: 2.5 }, 'threadedGemm: threads must be an integer in [1, 64], got 2.5'],
    [{ threads: 65 }, 'threadedGemm: threads must be an integer in [1, 64], got 65'],
    [{ threads: '2' }, 'threadedGemm: threads must be an integer in [1, 64], got "2"'],
    [{ minMultiplyAdds: -1 }, 'threadedGemm: minMultiplyAdds must be >= 0, got -1'],
    [{ minMultiplyAdds: Number.NaN }, 'threadedGemm: minMultiplyAdds must be >= 0, got NaN'],
    [
      { thread: 2 },
      'threadedGemm: unknown option thread, expected one of threads, minMultiplyAdds, adaptive; did you mean threads?',
    ],
    [{ adaptive: 1 }, 'threadedGemm: adaptive must be a boolean, got 1'],
    [4, 'threadedGemm: options must be a plain object, got 4'],
  ])('rejects %j', async (options, message) => {
    await expect(threadedGemm(options as ThreadOptions)).rejects.toThrow(message)
  })

  it('takes null as no options', async () => {
    expect((await threadedGemm(null as unknown as ThreadOptions)).threads).toBe(2)
  })
})

describe('threadedGemm with a lost worker', () => {
  const lost =
    'threadedGemm: a worker thread stopped answering (it died, was terminated or hangs); the product was not made and C is unchanged; this kernel runs on one thread from now on'
  const [m, n, k] = [64, 48, 40]
  const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i))
  const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i))
  const c0 = Float32Array.from({ length: m * n }, (_, i) => i % 7)
  const multiply = (gemm: typeof oneThread, c: Float32Array) => gemm(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 0, n)

  /** A 2-thread kernel splitting every product (not adaptive: every call posts to the worker), and its one worker. */
  async function pair() {
    const before = new Set(liveThreads)
    const gemm = await threadedGemm({ threads: 2, minMultiplyAdds: 0, adaptive: false })
    const [worker] = [...liveThreads].filter((t) => !before.has(t))
    return { gemm, worker: worker! }
  }

  /** Throws `lost` within 1.5 s, C unchanged; then one thread, bit-identical to the one-thread gemm. */
  function expectLostThenRecovered(gemm: Awaited<ReturnType<typeof threadedGemm>>) {
    const c = c0.slice()
    const start = Date.now()
    expect(() => multiply(gemm, c)).toThrow(lost)
    expect(Date.now() - start).toBeLessThan(1500)
    expect(c).toEqual(c0)
    expect(gemm.threads).toBe(1)
    const want = c0.slice()
    multiply(oneThread, want)
    multiply(gemm, c)
    expect(c).toEqual(want)
    expect(rowMajorProduct(gemm, 300, 517, 263, 1)).toEqual(rowMajorProduct(oneThread, 300, 517, 263, 1))
  }

  it('fails within about a second when its worker was terminated unseen (before or while it takes the job)', async () => {
    const { gemm, worker } = await pair()
    expect(rowMajorProduct(gemm, m, n, k, 2)).toEqual(rowMajorProduct(oneThread, m, n, k, 2))
    // no await: the exit event cannot be seen before the product, which posts to a dying worker
    worker.terminate()
    expectLostThenRecovered(gemm)
  })

  it('fails within about a second when its worker never takes up the job (hangs), then recovers', async () => {
    const { gemm, worker } = await pair()
    // a negative job number ends the worker's loop: it takes up no job again
    Atomics.store(worker.control, 0, -1)
    Atomics.notify(worker.control, 0)
    await new Promise((resolve) => setTimeout(resolve, 100))
    // its thread then exits; forgetting that stands for a worker that hangs, alive but deaf
    worker.dead = false
    expectLostThenRecovered(gemm)
  })

  it('drops a worker whose exit was seen before a product quietly, bit-identical to one thread', async () => {
    const { gemm, worker } = await pair()
    worker.terminate()
    await new Promise((resolve) => setTimeout(resolve, 300)) // the exit event arrives
    expect(worker.dead).toBe(true)
    expect(rowMajorProduct(gemm, m, n, k, 4)).toEqual(rowMajorProduct(oneThread, m, n, k, 4))
    expect(gemm.threads).toBe(1)
  })

  it('after terminateThreads between products, runs on one thread quietly', async () => {
    const { gemm } = await pair()
    await terminateThreads()
    expect(rowMajorProduct(gemm, m, n, k, 5)).toEqual(rowMajorProduct(oneThread, m, n, k, 5))
  })

  /** In overwrite mode: no throw, C whole (every element written, the padding left), then one thread. */
  function expectFinishedHere(gemm: ThreadedGemm) {
    const start = Date.now()
    // rows 4 floats apart past n, so that a write outside C's block shows as well as a missed one
    expect(overwritten(gemm, m, n, k, 'row', 'row', 0, 4)).toEqual(addedIntoZeros(m, n, k, 'row', 'row', 0, 4))
    expect(Date.now() - start).toBeLessThan(1500)
    expect(gemm.threads).toBe(1)
    expect(overwritten(gemm, m, n, k, 'col', 'row', 1, 0)).toEqual(addedIntoZeros(m, n, k, 'col', 'row', 1, 0))
  }

  it('in overwrite mode makes a terminated worker’s part itself: the product is whole, no throw', async () => {
    const { gemm, worker } = await pair()
    worker.terminate() // unseen: the product posts to a dying worker
    expectFinishedHere(gemm)
  })

  it('in overwrite mode makes a hung worker’s part itself: the product is whole, no throw', async () => {
    const { gemm, worker } = await pair()
    Atomics.store(worker.control, 0, -1)
    Atomics.notify(worker.control, 0)
    await new Promise((resolve) => setTimeout(resolve, 100))
    worker.dead = false // alive but deaf, as above
    expectFinishedHere(gemm)
  })

  it('a new threadedGemm after a loss starts fresh threads', async () => {
    const { gemm, worker } = await pair()
    worker.terminate()
    expect(() => multiply(gemm, c0.slice())).toThrow(lost)
    const again = await threadedGemm({ threads: 2, minMultiplyAdds: 0 })
    expect(again.threads).toBe(2)
    expect(rowMajorProduct(again, m, n, k, 6)).toEqual(rowMajorProduct(oneThread, m, n, k, 6))
  })
})

/** The bits of a float32 array, so that −0 and +0 (and NaN payloads) count as different. */
const bits = (x: Float32Array): number[] => [...new Uint32Array(x.buffer, x.byteOffset, x.length)]

/** The first few indices where two bit arrays differ, and their lengths (a short failure, not a 200,000-line diff). */
function differences(got: number[], want: number[]) {
  const at: number[] = []
  for (let i = 0; i < Math.max(got.length, want.length) && at.length < 5; i++) if (got[i] !== want[i]) at.push(i)
  return { at, lengths: [got.length, want.length] }
}

/**
 * The operands of `product(m, n, k, la, lb, pad, cPad)` (C with `cPad` leading floats and rows `n + cPad`
 * apart) multiplied by `gemm` in overwrite mode into a C filled with NaN, so that an element it missed
 * stays NaN; the bits of the whole array, padding included (which must stay NaN).
 */
function overwritten(
  gemm: WasmGemmKernel,
  m: number,
  n: number,
  k: number,
  la: Layout,
  lb: Layout,
  pad: number,
  cPad: number,
) {
  const { A, B, a, b, ldc } = product(m, n, k, la, lb, pad, cPad)
  const c = new Float32Array(cPad + m * ldc).fill(Number.NaN)
  gemm(m, n, k, a, A.offset, A.rs, A.cs, b, B.offset, B.rs, B.cs, c, cPad, ldc, true)
  return bits(c)
}

/** The same product added into zeros by the one-thread gemm, with NaN in the padding: what overwrite mode must give. */
function addedIntoZeros(m: number, n: number, k: number, la: Layout, lb: Layout, pad: number, cPad: number) {
  const { A, B, a, b, ldc } = product(m, n, k, la, lb, pad, cPad)
  const c = new Float32Array(cPad + m * ldc).fill(Number.NaN)
  for (let i = 0; i < m; i++) c.fill(0, cPad + i * ldc, cPad + i * ldc + n)
  oneThread(m, n, k, a, A.offset, A.rs, A.cs, b, B.offset, B.rs, B.cs, c, cPad, ldc)
  return bits(c)
}

describe("threadedGemm's overwrite entry (matmul's C = A · B)", () => {
  it('hands out the kernel itself from minMultiplyAdds, the one-thread Wasm gemm below, null on the JavaScript kernel', async () => {
    const gemm = await threadedGemm({ threads: 2, minMultiplyAdds: 4096 })
    expect(gemm.overwriting(16, 16, 16)).toBe(gemm) // 4096 multiply-adds: split
    const below = gemm.overwriting(16, 16, 15)! // 3840: one thread, on a kernel with a batched form
    expect(below).not.toBeNull()
    expect(below).not.toBe(gemm)
    expect(gemm.overwriting(8, 8, 8)).toBe(below) // 512 multiply-adds: GEMM_MIN
    expect(gemm.overwriting(8, 8, 7)).toBeNull() // below GEMM_MIN: the JavaScript kernel, which only adds
    expect(gemm.overwriting(600, 600, 0)).toBeNull() // k = 0: nothing for the Wasm gemm to write
    await terminateThreads()
    expect(gemm.overwriting(16, 16, 16)).toBe(below) // one thread from now on
    const alone = await threadedGemm({ threads: 1 })
    expect(alone.overwriting(16, 16, 16)).not.toBeNull()
    expect(alone.overwriting(8, 8, 7)).toBeNull()
  })

  it('writes every element of C with the bits of adding into zeros, split or not, on random shapes and layouts', async () => {
    // minMultiplyAdds 0: every product the entry hands out runs split; C starts as NaN, so a missed element shows
    const kernels = [
      await threadedGemm({ threads: 2, minMultiplyAdds: 0 }),
      await threadedGemm({ threads: 3, minMultiplyAdds: 0 }),
    ]
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 300 }), // past the kernel's 256-deep k panel: later panels add
        fc.constantFrom<Layout>('row', 'col', 'gapped', 'reversed'),
        fc.constantFrom<Layout>('row', 'col', 'gapped', 'reversed'),
        fc.nat(3),
        fc.nat(3),
        fc.integer({ min: 0, max: 1 }),
        (m, n, k, la, lb, pad, cPad, which) => {
          const gemm = kernels[which]!
          const kernel = gemm.overwriting(m, n, k)
          if (m * n * k < 512) {
            expect(kernel).toBeNull()
            return
          }
          expect(kernel).toBe(gemm)
          const want = addedIntoZeros(m, n, k, la, lb, pad, cPad)
          expect(overwritten(kernel!, m, n, k, la, lb, pad, cPad)).toEqual(want)
          expect(overwritten(oneThread, m, n, k, la, lb, pad, cPad)).toEqual(want)
        },
      ),
      { numRuns: 60 },
    )
  })

  it("splits the MLP's products in overwrite mode bit for bit (every product of a 784-256-128-10 step, batch 128)", async () => {
    const gemm = await threadedGemm({ threads: 2, minMultiplyAdds: 0 })
    // forward x·W1, h1·W2, h2·W3; backward dW = hᵀ·dh (A transposed: 'col') and dh = dy·Wᵀ (B transposed)
    const shapes: [number, number, number, Layout, Layout][] = [
      [128, 256, 784, 'row', 'row'],
      [784, 256, 128, 'col', 'row'],
      [128, 128, 256, 'row', 'row'],
      [256, 128, 128, 'col', 'row'],
      [128, 256, 128, 'row', 'col'],
      [128, 10, 128, 'row', 'row'],
      [128, 10, 128, 'col', 'row'],
      [128, 128, 10, 'row', 'col'],
    ]
    for (const [m, n, k, la, lb] of shapes) {
      expect(gemm.overwriting(m, n, k)).toBe(gemm)
      const want = addedIntoZeros(m, n, k, la, lb, 1, 2)
      expect(differences(overwritten(gemm, m, n, k, la, lb, 1, 2), want)).toEqual({
        at: [],
        lengths: [want.length, want.length],
      })
    }
  })

  it('adds into C as before when called without overwrite (the staged C block still travels to the workers)', async () => {
    const gemm = await threadedGemm({ threads: 2, minMultiplyAdds: 0 })
    const { run } = product(128, 256, 784, 'row', 'row', 1, 2)
    expect(run(gemm)).toEqual(run(oneThread))
  })
})

describe('matmul with threadedGemm installed keeps its overwrite mode (results over a NaN-poisoned pool)', () => {
  beforeAll(async () => {
    await initWasm()
  })

  /** A float32 tensor of `shape` filled from a seeded sine (distinct values in [-1, 1]). */
  function filled(shape: number[], seed: number): Tensor<'float32'> {
    const n = shape.reduce((a, b) => a * b, 1)
    return new Tensor(
      Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3)),
      shape,
      'float32',
    )
  }

  /** `gemm` behind a spy on its overwrite entry: what the entry handed matmul, per call. */
  function spied(gemm: ThreadedGemm) {
    const handed: (WasmGemmKernel | null)[] = []
    const spy = Object.assign((...args: Parameters<ThreadedGemm>) => gemm(...args), {
      overwriting: (m: number, n: number, k: number) => {
        const kernel = gemm.overwriting(m, n, k)
        handed.push(kernel)
        return kernel
      },
    })
    return { spy, handed }
  }

  // [a shape, b shape, options, minMultiplyAdds, what the entry hands matmul]: the MLP's first product split
  // at the default 2²⁴ and not from 2²⁵; folded batches; a stack split product by product (min 0) and run in
  // one batched call (default); transposed operands; a narrow product (n = 10); a product too small for Wasm
  const cases: [number[], number[], MatmulOptions, number | undefined, 'split' | 'one' | null][] = [
    [[128, 784], [784, 256], {}, undefined, 'split'],
    [[128, 784], [784, 256], {}, 2 ** 25, 'one'],
    [[128, 784], [128, 256], { transposeA: true }, undefined, 'split'],
    [[2, 64, 96], [96, 48], {}, 0, 'split'],
    [[3, 5, 17], [3, 17, 9], {}, 0, 'split'],
    [[3, 5, 17], [3, 17, 9], {}, undefined, 'one'],
    [[37, 70], [29, 70], { transposeB: true }, 0, 'split'],
    [[128, 128], [128, 10], {}, 0, 'split'],
    [[8, 1], [1, 8], {}, 0, null],
  ]
  for (const [sa, sb, options, min, handed] of cases) {
    it(`${JSON.stringify(sa)} x ${JSON.stringify(sb)} ${JSON.stringify(options)} from ${min ?? 'the default'}: ${handed ?? 'zero-filled'}`, async () => {
      const a = filled(sa, 1)
      const b = filled(sb, 2)
      const want = overPoison(matmul(a, b, options).size, () => matmul(a, b, options))
      const gemm = await threadedGemm(min === undefined ? { threads: 2 } : { threads: 2, minMultiplyAdds: min })
      const { spy, handed: got } = spied(gemm)
      const restore = useKernels({ gemm: spy })
      try {
        const result = overPoison(want.bits.length, () => matmul(a, b, options))
        expect(result.bits).toEqual(want.bits)
        if (result.bits.length >= 64) expect(result.reused).toBe(true) // the result really lies over a NaN block
      } finally {
        restore()
      }
      expect(got.length).toBe(1) // asked once a call, for the whole (folded) product or the stack's shape
      if (handed === 'split') expect(got[0]).toBe(gemm)
      else if (handed === 'one') expect(got[0]).not.toBe(gemm)
      if (handed === null) expect(got[0]).toBeNull()
      else expect(got[0]).not.toBeNull()
    })
  }
})

describe('adaptive splitting (the default): each shape timed split and alone, the faster way kept', () => {
  /** Runs `calls` calls of a shape whose split takes `split` ms and alone `alone` ms: which way each ran. */
  function drive(pace: Pace, calls: number, split: number, alone: number): string {
    let ways = ''
    for (let i = 0; i < calls; i++) {
      const s = splitNext(pace)
      recordPace(pace, s, s ? split : alone)
      ways += s ? 'S' : 'a'
    }
    return ways
  }

  /** The call numbers (counting from `first`) of the calls in `ways` that ran the way `way`. */
  const callsOf = (ways: string, first: number, way: 'S' | 'a') =>
    [...ways].flatMap((w, i) => (w === way ? [first + i] : []))

  it('splits twice, runs alone once, then keeps the faster way, checking the other less and less often', () => {
    // split 0.5 ms, alone 1 ms: after SSa the first check comes 8 calls after call 4; alone is slower by a
    // quarter or more, so the next is 64 calls off (EXPLORE_MAX)
    const clear = newPace()
    const ways = drive(clear, 70, 0.5, 1)
    expect(ways.slice(0, 3)).toBe('SSa')
    expect(callsOf(ways, 1, 'a')).toEqual([3, 12])
    expect([EXPLORE, EXPLORE_MAX, clear.period, clear.split, clear.alone]).toEqual([8, 64, 64, 0.5, 1])
    // split 0.875 ms, alone 1 ms: close, so each check that finds alone still slower doubles the period
    const close = newPace()
    expect(callsOf(drive(close, 70, 0.875, 1), 1, 'a')).toEqual([3, 12, 28, 60])
    expect(close.period).toBe(64)
    // split 0.95 ms, alone 1 ms: not faster by SPLIT_MARGIN (10%), so alone, split checked after 8 and 16 calls
    const within = newPace()
    expect(SPLIT_MARGIN).toBe(1.1)
    expect(callsOf(drive(within, 30, 0.95, 1), 1, 'S')).toEqual([1, 2, 12, 28])
  })

  it('switches after a few slow calls when the other core gets busy, and back at the next check when it is free', () => {
    const pace = newPace()
    drive(pace, 70, 0.875, 1) // calls 1-70: split is faster; the next check is due at call 124
    // the other core gets busy: splitting now takes 2 ms, counted as 1.5 · the estimate, a quarter of the way:
    // 0.875 + (1.3125 − 0.875) / 4 = 0.984375, no longer 10% under alone's 1 ms, so alone runs from call 72
    expect(drive(pace, 3, 2, 1)).toBe('Saa')
    expect(pace.split).toBe(0.984375)
    const busy = drive(pace, 40, 2, 1)
    // the switch brings the next check 8 calls off (79), then 16 (95): split is slower each time, by less
    // than a quarter at the second (1.2458…), so the next is 32 calls off
    expect(callsOf(busy, 74, 'S')).toEqual([79, 95])
    expect([pace.period, pace.due]).toEqual([32, 127])
    // free again (0.875 ms): the check at call 127 comes in under split's estimate, which it replaces: split
    // wins, and alone is checked 8, 16 and 32 calls later
    const free = drive(pace, 70, 0.875, 1)
    expect(callsOf(free, 114, 'a')).toEqual([...Array.from({ length: 13 }, (_, i) => 114 + i), 135, 151, 183])
  })

  it('counts a slow outlier as 1.5 times the estimate at most, and a way’s first times as they are', () => {
    const pace = { ...newPace(), split: 1, splits: 2 }
    recordPace(pace, true, 9) // 1 + (min(9, 1.5) − 1) / 4
    expect(pace.split).toBe(1.125)
    recordPace(pace, false, 3) // alone's first time is its estimate
    expect(pace.alone).toBe(3)
    const fresh = newPace()
    recordPace(fresh, true, 9)
    recordPace(fresh, true, 2) // split's second time replaces its first (a worker's memory grew in the first)
    expect(fresh.split).toBe(2)
  })

  it('gives the one-thread bits whichever way each call runs, adding and overwriting', async () => {
    const gemm = await threadedGemm({ threads: 2, minMultiplyAdds: 0 })
    const [m, n, k] = [96, 40, 70]
    const { run } = product(m, n, k, 'row', 'col', 1, 3)
    const want = run(oneThread)
    const wantOver = addedIntoZeros(m, n, k, 'row', 'col', 1, 3)
    // 2 · EXPLORE calls of one shape: both ways run (twice each at least), in whatever order the timings pick
    for (let i = 0; i < 2 * EXPLORE; i++) {
      expect(run(gemm)).toEqual(want)
      expect(overwritten(gemm, m, n, k, 'row', 'col', 1, 3)).toEqual(wantOver)
    }
  })
})

describe('chunks shared between a worker and the calling thread', () => {
  /** A thread record with no worker behind it: only its control slots are used. */
  const idle = () => ({
    control: new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4)),
    data: new SharedArrayBuffer(0) as GrowableShared,
    job: 0,
    terminate: () => {},
    dead: false,
  })

  it('the calling thread takes chunks from the back, the worker from the front, each chunk once', () => {
    const thread = idle()
    post(thread, 0, [], 32, true, 3, false)
    expect([thread.control[CONTROL.chunk], thread.control[CONTROL.byRows]]).toEqual([32, 1])
    // the worker takes chunk 0 as its loop does: one more in the range's low 16 bits
    const r = Atomics.load(thread.control, CONTROL.range)
    expect(Atomics.compareExchange(thread.control, CONTROL.range, r, r + 1)).toBe(r)
    expect([steal(thread), steal(thread), steal(thread)]).toEqual([2, 1, -1])
    expect(takenChunks(thread)).toBe(1)
    // a new job hands out all its chunks again
    post(thread, 0, [], 8, false, 2, true)
    expect([steal(thread), steal(thread), steal(thread), takenChunks(thread)]).toEqual([1, 0, -1, 0])
  })
})
