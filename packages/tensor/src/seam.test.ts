import { afterEach, describe, expect, it, vi } from 'vitest'
import { gemm } from './kernels/gemm/reference.js'
import { loadWasmGemmSync } from './kernels/gemm/wasm.js'
import { matmul } from './matmul.js'
import { initWasm, kernelBackend, kernels, resetKernels, useKernels, useWasm, type Kernels } from './seam.js'
import { Tensor, tensor } from './tensor.js'

afterEach(() => {
  resetKernels()
  vi.restoreAllMocks()
})

const defaultGemm = kernels.gemm

/** The engine's WebAssembly object (the package's types leave it out; see kernels/gemm/wasm.ts). */
const wasmApi = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly

function filled(shape: [number, number], seed: number): Tensor<'float32'> {
  const data = new Float32Array(shape[0] * shape[1])
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(seed * 3.7 + i * 0.9)
  return new Tensor(data, shape, 'float32')
}

/** `A · B` for row-major float32 matrices through one given kernel. */
function productWith(kernel: typeof gemm, a: Tensor<'float32'>, b: Tensor<'float32'>): Float32Array {
  const [m, k] = a.shape as [number, number]
  const n = b.shape[1]!
  const c = new Float32Array(m * n)
  kernel(m, n, k, a.data, 0, k, 1, b.data, 0, n, 1, c, 0, n)
  return c
}

describe('kernel seam', () => {
  it('starts with the automatic gemm, conv and pooling and the JavaScript im2col and col2im', () => {
    expect(kernels.gemm).not.toBe(gemm)
    expect(Object.keys(kernels).sort()).toEqual([
      'avgPool2d',
      'avgPool2dBackward',
      'col2im',
      'convBackwardFilter',
      'convBackwardInput',
      'convForward',
      'gemm',
      'im2col',
      'maxPool2d',
      'maxPool2dBackward',
    ])
  })

  it('swaps one kernel, leaves the others, and the returned function restores it', () => {
    const before = { ...kernels }
    // a stand-in gemm that writes 42 everywhere proves matmul reads the table at call time
    const restore = useKernels({
      gemm: (m, n, _k, _a, _ao, _ars, _acs, _b, _bo, _brs, _bcs, c, co, ldc) => {
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) c[co + i * ldc + j] = 42
      },
    })
    expect(matmul(tensor([[1, 2]]), tensor([[3], [4]])).toArray()).toEqual([[42]])
    expect(kernels.im2col).toBe(before.im2col)
    restore()
    expect({ ...kernels }).toEqual(before)
    expect(matmul(tensor([[1, 2]]), tensor([[3], [4]])).toArray()).toEqual([[11]]) // 1*3 + 2*4
  })

  it('resetKernels puts every default back', () => {
    useKernels({ gemm: () => {}, col2im: () => {} })
    useWasm(false)
    resetKernels()
    expect(kernels.gemm).toBe(defaultGemm)
    expect(kernelBackend()).toBe('wasm')
    expect(matmul(tensor([[2]]), tensor([[3]])).item()).toBe(6)
  })

  it('rejects unknown names and non-functions, changing nothing', () => {
    expect(() => useKernels({ gemv: () => {} } as unknown as Partial<Kernels>)).toThrow(
      'useKernels: unknown kernel "gemv", ' +
        'expected one of gemm, im2col, col2im, maxPool2d, maxPool2dBackward, avgPool2d, avgPool2dBackward, ' +
        'convForward, convBackwardInput, convBackwardFilter',
    )
    expect(() => useKernels({ gemm: 3 } as unknown as Partial<Kernels>)).toThrow(
      'useKernels: kernel "gemm" must be a function, got number',
    )
    expect(kernels.gemm).toBe(defaultGemm)
  })
})

describe('gemm backend selection', () => {
  // 24 × 20 · 20 × 16 = 7680 multiply-adds, past the 8³ crossover; the two kernels differ in the
  // last bits (float32 sums in Wasm, float64 in JavaScript), so equality to one of them is a fingerprint
  const a = filled([24, 20], 1)
  const b = filled([20, 16], 2)
  const viaWasm = productWith(loadWasmGemmSync()!, a, b)
  const viaJs = productWith(gemm, a, b)

  it('sends a large float32 product to Wasm on Node 20 (SIMD128)', () => {
    expect(kernelBackend()).toBe('wasm')
    expect(viaWasm).not.toEqual(viaJs)
    expect(matmul(a, b).data).toEqual(viaWasm)
  })

  it('keeps float64 and small products on the JavaScript kernel', () => {
    const a64 = new Tensor(Float64Array.from(a.data), [24, 20], 'float64')
    const b64 = new Tensor(Float64Array.from(b.data), [20, 16], 'float64')
    const want = new Float64Array(24 * 16)
    gemm(24, 16, 20, a64.data, 0, 20, 1, b64.data, 0, 16, 1, want, 0, 16)
    expect(matmul(a64, b64).data).toEqual(want)
    // 2·2·2 = 8 multiply-adds: [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]]
    expect(
      matmul(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        tensor([
          [5, 6],
          [7, 8],
        ]),
      ).toArray(),
    ).toEqual([
      [19, 22],
      [43, 50],
    ])
  })

  it('useWasm(false) forces the JavaScript kernel, and its return value restores', () => {
    const restore = useWasm(false)
    expect(kernelBackend()).toBe('js')
    expect(matmul(a, b).data).toEqual(viaJs)
    restore()
    expect(kernelBackend()).toBe('wasm')
    expect(matmul(a, b).data).toEqual(viaWasm)
  })

  it('a gemm replaced through useKernels reports the js backend', () => {
    useKernels({ gemm })
    expect(kernelBackend()).toBe('js')
    expect(matmul(a, b).data).toEqual(viaJs)
  })

  it('initWasm resolves to the backend in use', async () => {
    expect(await initWasm()).toBe('wasm')
    useWasm(false)
    expect(await initWasm()).toBe('js')
  })

  it('falls back to JavaScript when the engine has no Wasm SIMD', async () => {
    vi.spyOn(wasmApi, 'validate').mockReturnValue(false)
    vi.resetModules() // fresh module state: nothing loaded yet
    const seam = await import('./seam.js')
    const fresh = await import('./matmul.js')
    expect(seam.kernelBackend()).toBe('js')
    expect(await seam.initWasm()).toBe('js')
    expect(fresh.matmul(a, b).data).toEqual(viaJs)
  })

  it('rejects a non-boolean switch', () => {
    expect(() => useWasm('no' as unknown as boolean)).toThrow('useWasm: enabled must be a boolean, got string')
  })
})
