import { describe, expect, it } from 'vitest'
import { flip, normal, prngKey, reshape, slice, transpose } from '../../index.js'
import { Tensor } from '../../tensor.js'
import { initWasm, useWasm } from '../../seam.js'
import { rowsState } from '../registry.js'
import { toWasmMemory } from '../../wasmMemory.js'
import { wasmGelu } from './fused.js'

await initWasm()
wasmGelu(new Tensor(new Float32Array(64), [64], 'float32')) // loads the fused rows module

/** The elements of a view read one by one through its strides: the reference for every gather. */
function readStrided(t: Tensor): number[] {
  const src = t.storage as Float32Array
  const out: number[] = []
  const index = new Array<number>(t.rank).fill(0)
  for (let k = 0; k < t.size; k++) {
    let at = t.offset
    for (let d = 0; d < t.rank; d++) at += index[d]! * t.strides[d]!
    out.push(src[at]!)
    for (let d = t.rank - 1; d >= 0; d--) {
      if (++index[d]! < t.shape[d]!) break
      index[d] = 0
    }
  }
  return out
}

/**
 * Normal float32 values of `shape` placed in the kernels' memory (an arena array, freed by the collector):
 * placed explicitly, so the test holds with scopes on or off (`GD_SCOPES=0`).
 */
const placed = (shape: number[], seed: number): Tensor => toWasmMemory(normal(prngKey(seed), shape))

describe('the fused rows module gather (strided views made contiguous in the memory)', () => {
  const views: [string, (x: Tensor) => Tensor][] = [
    ['attention heads joined: [32, 4, 16, 16] transposed to [32, 16, 4, 16]', (x) => transpose(x, [0, 2, 1, 3])],
    ['a 2-D transpose', (x) => transpose(reshape(x, [512, 64]))],
    ['heads split the other way', (x) => transpose(reshape(x, [32, 16, 4, 16]), [0, 2, 1, 3])],
    ['a flipped axis (negative strides)', (x) => flip(x, [1, 3])],
    ['rows of 13 (not a multiple of 4) from a slice', (x) => slice(x, [0, 0, 0, 1], [32, 4, 16, 14])],
    ['every other row of a transpose, with a stride in the last axis', (x) => transpose(x, [0, 1, 3, 2])],
  ]
  for (const [name, view] of views)
    it(`${name}: exactly the elements read through the strides`, () => {
      const v = view(placed([32, 4, 16, 16], 3))
      expect(v.isContiguous).toBe(false)
      const out = placed([v.size], 4).data as Float32Array // an arena array to write into
      const taken = rowsState.kernels!.gather(v.storage as Float32Array, v.offset, v.shape, v.strides, out)
      const want = readStrided(v)
      expect([...v.data]).toEqual(want)
      expect(taken ? [...out] : null).toEqual(want)
    })

  it('leaves arrays outside the memory, rank 5, small views and Wasm off to the JavaScript loop', () => {
    const k = rowsState.kernels!
    const js = new Float32Array(4096)
    expect(k.gather(js, 0, [64, 64], [1, 64], new Float32Array(4096))).toBe(false)
    const x = placed([4096], 5).data as Float32Array
    const out = placed([4096], 6).data as Float32Array
    expect(k.gather(x, 0, [2, 2, 2, 2, 256], [2048, 1024, 512, 256, 1], out)).toBe(false) // rank 5
    expect(k.gather(x, 0, [8, 16], [1, 8], out.subarray(0, 128))).toBe(false) // under ROWS_MIN
    expect(k.gather(x, 0, [64, 64], [1, 64], out)).toBe(true)
    const restore = useWasm(false)
    try {
      const v = transpose(reshape(placed([4096], 7), [64, 64]))
      expect([...v.data]).toEqual(readStrided(v))
    } finally {
      restore()
    }
  })
})
