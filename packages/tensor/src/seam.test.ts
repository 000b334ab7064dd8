import { afterEach, describe, expect, it } from 'vitest'
import { gemm } from './kernels/gemm.js'
import { matmul } from './matmul.js'
import { kernels, resetKernels, useKernels, type Kernels } from './seam.js'
import { tensor } from './tensor.js'

afterEach(() => resetKernels())

describe('kernel seam', () => {
  it('starts with the JavaScript kernels', () => {
    expect(kernels.gemm).toBe(gemm)
    expect(Object.keys(kernels).sort()).toEqual(
      ['avgPool2d', 'avgPool2dBackward', 'col2im', 'gemm', 'im2col', 'maxPool2d', 'maxPool2dBackward'],
    )
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
    resetKernels()
    expect(kernels.gemm).toBe(gemm)
    expect(matmul(tensor([[2]]), tensor([[3]])).item()).toBe(6)
  })

  it('rejects unknown names and non-functions, changing nothing', () => {
    expect(() => useKernels({ gemv: () => {} } as unknown as Partial<Kernels>)).toThrow(
      'useKernels: unknown kernel "gemv", expected one of gemm, im2col, col2im, maxPool2d, maxPool2dBackward, avgPool2d, avgPool2dBackward',
    )
    expect(() => useKernels({ gemm: 3 } as unknown as Partial<Kernels>)).toThrow(
      'useKernels: kernel "gemm" must be a function, got number',
    )
    expect(kernels.gemm).toBe(gemm)
  })
})
