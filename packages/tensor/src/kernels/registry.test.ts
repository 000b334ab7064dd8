import { afterEach, describe, expect, it } from 'vitest'
import { window2d } from '../window2d.js'
import { initWasm, useWasm } from '../seam.js'
import type { Conv2dShape } from './conv/reference.js'
import {
  columnsPay,
  convKernels,
  elementwiseKernels,
  elementwisePays,
  fusedKernels,
  fusedPays,
  reducePays,
  rowsPay,
  THREADS_MIN,
  wasmConvPays,
  wasmGemmPays,
  wasmPoolPays,
} from './registry.js'

describe('the kernel registry', () => {
  it('pays from 8³ multiply-adds on (measured crossover, see wasmGemmPays)', () => {
    expect(wasmGemmPays(8, 8, 8)).toBe(true)
    expect(wasmGemmPays(1, 256, 256)).toBe(true)
    expect(wasmGemmPays(7, 8, 8)).toBe(false)
    expect(wasmGemmPays(4, 4, 4)).toBe(false)
  })

  it('pays from 256 multiply-adds on', () => {
    const s = (outChannels: number): Conv2dShape => ({
      batch: 1,
      channels: 1,
      outChannels,
      groups: 1,
      window: window2d('conv2d', [6, 6], [3, 3]),
    })
    // 4 · 4 · 9 = 144 multiply-adds per output channel
    expect(wasmConvPays(s(1))).toBe(false)
    expect(wasmConvPays(s(2))).toBe(true)
  })

  it('pays from 512 window taps on', () => {
    const g = window2d('maxPool2d', [8, 8], [2, 2], { stride: 2 }) // 16 windows of 4 taps a plane
    expect(wasmPoolPays(7, g)).toBe(false)
    expect(wasmPoolPays(8, g)).toBe(true)
  })

  it('sends elementwise ops from 64 elements, fused optimizer updates from 96', () => {
    expect(elementwisePays(63)).toBe(false)
    expect(elementwisePays(64)).toBe(true)
    expect(fusedPays(95)).toBe(false)
    expect(fusedPays(96)).toBe(true)
  })

  it('sends row reductions of rows of 256+ floats and 1,024+ in all, column sums of 256+ floats', () => {
    expect(reducePays(1, 4096)).toBe(true)
    expect(reducePays(4, 256)).toBe(true) // 1,024 in all
    expect(reducePays(3, 256)).toBe(false) // 768 in all
    expect(reducePays(1, 256)).toBe(false) // one short row
    expect(reducePays(100, 255)).toBe(false) // rows too short, however many
    expect(columnsPay(255)).toBe(false)
    expect(columnsPay(256)).toBe(true)
  })

  it('sends fused row ops (softmax, norms, recurrent gates) of 256+ floats in all', () => {
    expect(rowsPay(255)).toBe(false)
    expect(rowsPay(256)).toBe(true)
  })

  it('splits products across threads from 2²⁴ multiply-adds by default', () => {
    expect(THREADS_MIN).toBe(2 ** 24)
  })

  describe('accessors', () => {
    let restore = (): void => {}
    afterEach(() => restore())

    it('give the loaded Wasm kernels while useWasm allows them, and null when it does not', async () => {
      await initWasm()
      expect(elementwiseKernels()).not.toBeNull()
      expect(fusedKernels()).not.toBeNull()
      expect(convKernels()).not.toBeNull()
      restore = useWasm(false)
      expect(elementwiseKernels()).toBeNull()
      expect(fusedKernels()).toBeNull()
      expect(convKernels()).toBeNull()
    })
  })
})
