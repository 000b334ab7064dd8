import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadSafetensors, saveSafetensors } from './index.js'

// Written by Python's safetensors 0.8.0 (interop/make_fixture.py): the reference writer's bytes.
const reference = new Uint8Array(readFileSync(new URL('./fixtures/reference.safetensors', import.meta.url)))

describe('the reference file (written by Python safetensors)', () => {
  it('loads with every value, dtype and the metadata', () => {
    const { tree, metadata, dtypes } = loadSafetensors(reference)
    const t = tree as any
    expect(metadata).toEqual({ format: 'pt' })
    expect(t.layers[0].w.dtype).toBe('float32')
    expect(Array.from(t.layers[0].w.data)).toEqual([1, -2, 3.5, 0.25, -0, Math.fround(1e-8)])
    expect(Object.is(t.layers[0].w.data[4], -0)).toBe(true)
    expect(t.layers[0].b.toArray()).toEqual([0.5, -0.5, 0])
    expect(t.layers[1].scale.dtype).toBe('float64')
    expect(t.layers[1].scale.shape).toEqual([])
    expect(t.layers[1].scale.item()).toBe(3.141592653589793)
    expect(t.counts.toArray()).toEqual([-1, 0, 7, 2147483647])
    // I64 loads as int32 (every value fits)
    expect(t.steps.dtype).toBe('int32')
    expect(t.steps.toArray()).toEqual([-5, 2147483647, -2147483648])
    expect(t.pixels.dtype).toBe('int32')
    expect(t.pixels.toArray()).toEqual([
      [0, 255],
      [128, 7],
    ])
    expect(t.mask.dtype).toBe('bool')
    expect(t.mask.toArray()).toEqual([true, false, true])
    // F16 loads as float32, exactly: 6e-8 rounds to the subnormal 1 · 2^-24 in float16
    expect(t.half.dtype).toBe('float32')
    expect(t.half.toArray()).toEqual([1, -0.5, 65504, 2 ** -24])
    expect(t.empty.shape).toEqual([0, 2])
    expect(dtypes).toEqual({
      counts: 'I32',
      empty: 'F32',
      half: 'F16',
      'layers.0.b': 'F32',
      'layers.0.w': 'F32',
      'layers.1.scale': 'F64',
      mask: 'BOOL',
      pixels: 'U8',
      steps: 'I64',
    })
  })

  it('is written back byte for byte by saveSafetensors, given the dtypes the load reported', () => {
    const { tree, metadata, dtypes } = loadSafetensors(reference)
    const again = saveSafetensors(tree, { metadata, dtypes })
    expect(again.length).toBe(reference.length)
    expect(Buffer.from(again).equals(Buffer.from(reference))).toBe(true)
  })
})
