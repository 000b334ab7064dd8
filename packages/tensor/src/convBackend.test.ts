import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './pool.js'
import { conv2d, conv2dBackwardFilter, conv2dBackwardInput } from './conv2d.js'
import { gemm } from './kernels/gemm/reference.js'
import { convBackwardFilter, convBackwardInput, convForward, type Conv2dShape } from './kernels/conv/reference.js'
import { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward } from './kernels/pool/reference.js'
import { initWasm, resetKernels, useKernels, useWasm } from './seam.js'
import { sizeOf } from './shape.js'
import { Tensor } from './tensor.js'
import { window2d } from './window2d.js'

// Which Wasm conv/pool kernels the seam calls: the loaders hand it kernels that log their names.
const { calls } = vi.hoisted(() => ({ calls: [] as string[] }))
vi.mock('./kernels/conv/wasm.js', async (importOriginal) => {
  const mod = await importOriginal<typeof import('./kernels/conv/wasm.js')>()
  type K = NonNullable<ReturnType<typeof mod.loadWasmConvSync>>
  const logged = (k: K | null): K | null =>
    k &&
    (Object.fromEntries(
      Object.entries(k).map(([name, fn]) => [
        name,
        (...args: unknown[]) => (calls.push(name), (fn as (...a: unknown[]) => void)(...args)),
      ]),
    ) as unknown as K)
  return {
    ...mod,
    loadWasmConvSync: () => logged(mod.loadWasmConvSync()),
    loadWasmConv: async () => logged(await mod.loadWasmConv()),
  }
})

beforeEach(() => {
  calls.length = 0
})
afterEach(() => resetKernels())

function random<D extends 'float32' | 'float64'>(shape: number[], dtype: D, seed: number): Tensor<D> {
  const n = sizeOf(shape)
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n)
  for (let i = 0; i < n; i++) data[i] = Math.sin(seed * 12.9898 + i * 78.233) * 0.9
  return new Tensor(data as Tensor<D>['storage'], shape, dtype)
}

// 2 · 4 · 8 · 8 · 3 · 3 · 3 = 13,824 multiply-adds: past wasmConvPays' 256
const xShape = [2, 3, 10, 10]
const wShape = [4, 3, 3, 3]
const shape: Conv2dShape = {
  batch: 2,
  channels: 3,
  outChannels: 4,
  groups: 1,
  window: window2d('conv2d', [10, 10], [3, 3]),
}
const x = random(xShape, 'float32', 1)
const w = random(wShape, 'float32', 2)
const dy = random([2, 4, 8, 8], 'float32', 3)

/** The three convolutions through the ops. */
function convs(): Float32Array[] {
  return [conv2d(x, w).data, conv2dBackwardInput(dy, w, xShape).data, conv2dBackwardFilter(x, dy, wShape).data]
}

/** The same through the JavaScript reference kernels. */
function jsConvs(): Float32Array[] {
  const out = [new Float32Array(dy.size), new Float32Array(x.size), new Float32Array(w.size)]
  convForward(x.data, w.data, shape, out[0]!)
  convBackwardInput(dy.data, w.data, shape, out[1]!)
  convBackwardFilter(x.data, dy.data, shape, out[2]!)
  return out
}

// 2 planes of 16 × 16 in 2 × 2 windows: 2 · 64 · 4 = 512 taps, wasmPoolPays' threshold
const px = random([1, 2, 16, 16], 'float32', 4)
const pdy = random([1, 2, 8, 8], 'float32', 5)
const pool = { kernelSize: 2 }
const pg = window2d('maxPool2d', [16, 16], [2, 2], { stride: 2 })

function pools(): Float32Array[] {
  return [
    maxPool2d(px, pool).data,
    maxPool2dBackward(pdy, px, pool).data,
    avgPool2d(px, pool).data,
    avgPool2dBackward(pdy, px.shape, pool).data,
  ]
}

function jsPools(): Float32Array[] {
  const out = [new Float32Array(128), new Float32Array(512), new Float32Array(128), new Float32Array(512)]
  maxPoolForward(px.data, 2, pg, out[0]!)
  maxPoolBackward(pdy.data, px.data, 2, pg, out[1]!)
  avgPoolForward(px.data, 2, pg, out[2]!)
  avgPoolBackward(pdy.data, 2, pg, out[3]!)
  return out
}

describe('conv and pooling backends', () => {
  it('send float32 work that pays to Wasm: convolutions within float32 rounding, pooling bit for bit', () => {
    const got = convs()
    expect(calls).toEqual(['convForward', 'convBackwardInput', 'convBackwardFilter'])
    const want = jsConvs()
    got.forEach((g, i) => {
      // sums of at most 2 · 8 · 8 = 128 products of numbers below 0.9 in float32
      for (let j = 0; j < g.length; j++) expect(Math.abs(g[j]! - want[i]![j]!)).toBeLessThan(1e-4)
    })
    calls.length = 0
    expect(pools()).toEqual(jsPools())
    expect(calls).toEqual(['maxPool2d', 'maxPool2dBackward', 'avgPool2d', 'avgPool2dBackward'])
  })

  it('useWasm(false) runs the JavaScript kernels, exactly, and its return value restores', () => {
    const restore = useWasm(false)
    expect(convs()).toEqual(jsConvs())
    expect(pools()).toEqual(jsPools())
    expect(calls).toEqual([])
    restore()
    convs()
    expect(calls).toHaveLength(3)
  })

  it('keep float64 and small work on JavaScript', () => {
    const x64 = random(xShape, 'float64', 1)
    conv2d(x64, random(wShape, 'float64', 2))
    maxPool2d(random([1, 2, 16, 16], 'float64', 4), pool)
    // 1 · 1 · 4 · 4 · 3 · 3 = 144 multiply-adds
    conv2d(random([1, 1, 6, 6], 'float32', 1), random([1, 1, 3, 3], 'float32', 2))
    // one plane: 256 taps
    avgPool2d(random([1, 1, 16, 16], 'float32', 4), pool)
    expect(calls).toEqual([])
  })

  it('run a convolution as im2col + gemm + col2im through the table when one of those is replaced', () => {
    let products = 0
    useKernels({ gemm: (...args) => (products++, gemm(...args)) })
    expect(convs()).toEqual(jsConvs())
    expect(products).toBe(3 * 2) // one product per sample, in each of the three ops
    expect(calls).toEqual([])
    pools()
    expect(calls).toHaveLength(4) // pooling does not depend on the gemm
  })

  it('keep the fused Wasm convolution when the gemm in use declares defaultEquivalent (as the threaded one does)', () => {
    let products = 0
    const same = Object.assign((...args: Parameters<typeof gemm>) => (products++, gemm(...args)), {
      defaultEquivalent: true,
    })
    useKernels({ gemm: same })
    convs()
    expect(products).toBe(0)
    expect(calls).toEqual(['convForward', 'convBackwardInput', 'convBackwardFilter'])
  })

  it('load with the first float32 convolution or pooling (or initWasm), never with a matrix product', async () => {
    vi.resetModules() // fresh module state: nothing loaded yet
    const { wasmState } = await import('./kernels/registry.js')
    const fresh = { ...(await import('./matmul.js')), ...(await import('./pool.js')) }
    const a = random([32, 32], 'float32', 6)
    fresh.matmul(a, a) // 32³ multiply-adds: the Wasm gemm, not the conv module
    expect(wasmState.conv).toBeUndefined()
    fresh.maxPool2d(random([1, 1, 4, 4], 'float64', 7), pool) // float64: nothing to load
    expect(wasmState.conv).toBeUndefined()
    fresh.maxPool2d(px, pool)
    expect(wasmState.conv).not.toBeUndefined()
  })

  it('initWasm loads the module', async () => {
    expect(await initWasm()).toBe('wasm')
    convs()
    expect(calls).toHaveLength(3)
  })
})
