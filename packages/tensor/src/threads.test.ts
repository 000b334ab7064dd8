import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { product, rowMajorProduct, type Layout } from '../test/operands.js'
import { gemm as jsGemm } from './kernels/gemm.js'
import { loadWasmGemmSync } from './kernels/wasm/wasmGemm.js'
import { matmul } from './matmul.js'
import { conv2d } from './conv2d.js'
import { ones } from './creation.js'
import { normal } from './random.js'
import { prngKey } from './rng.js'
import { kernelBackend, useKernels } from './seam.js'
import { terminateThreads, threadedGemm, type ThreadOptions } from './threads.js'

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
    const kernels = [await threadedGemm({ threads: 2, minMultiplyAdds: 0 }), await threadedGemm({ threads: 3, minMultiplyAdds: 0 })]
    fc.assert(
      fc.property(
        // odd sizes and 1 included; m and n cross the 4-row and 8-column tiles the bands are cut in
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 90 }),
        fc.constantFrom<Layout>('row', 'col', 'reversed'),
        fc.constantFrom<Layout>('row', 'col', 'reversed'),
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
    const [m, n, k] = [300, 517, 263] // 40.8 M multiply-adds, above the 2²⁵ default
    expect(rowMajorProduct(gemm, m, n, k, 1)).toEqual(rowMajorProduct(oneThread, m, n, k, 1))
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
    [{ threads: 0 }, 'threadedGemm: threads must be an integer from 1 to 64, got 0'],
    [{ threads: 2.5 }, 'threadedGemm: threads must be an integer from 1 to 64, got 2.5'],
    [{ threads: 65 }, 'threadedGemm: threads must be an integer from 1 to 64, got 65'],
    [{ threads: '2' }, 'threadedGemm: threads must be an integer from 1 to 64, got "2"'],
    [{ minMultiplyAdds: -1 }, 'threadedGemm: minMultiplyAdds must be a number >= 0, got -1'],
    [{ minMultiplyAdds: Number.NaN }, 'threadedGemm: minMultiplyAdds must be a number >= 0, got NaN'],
    [{ thread: 2 }, 'threadedGemm: unknown option "thread", expected one of threads, minMultiplyAdds'],
    [null, 'threadedGemm: options must be an object, got null'],
    [4, 'threadedGemm: options must be an object, got number'],
  ])('rejects %j', async (options, message) => {
    await expect(threadedGemm(options as ThreadOptions)).rejects.toThrow(message)
  })
})
