import { describe, expect, it } from 'vitest'
import { Tensor, tensor } from '@gd/tensor'
import { adam, deserializeState, serializeState } from './index.js'

const awkward = {
  count: 3,
  flags: [true, false],
  name: 'x',
  none: null,
  special: [NaN, Infinity, -Infinity, -0, 1.5],
  f32: Float32Array.from([1.1, -0, NaN, 3e38]),
  f64: Float64Array.from([Math.PI, -1e-300]),
  i32: Int32Array.from([-7, 2 ** 31 - 1]),
  u8: Uint8Array.from([0, 1, 255]),
  nested: { t: new Tensor(Float64Array.from([1, 2, 3, 4]), [2, 2], 'float64') },
}

const bitsOf = (a: ArrayBufferView) => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))

describe('serializeState / deserializeState', () => {
  for (const format of ['json', 'binary'] as const) {
    it(`round-trips every bit through ${format}`, () => {
      const saved = format === 'json' ? serializeState(awkward) : serializeState(awkward, { format: 'binary' })
      const back = deserializeState<typeof awkward>(saved)
      expect(back.count).toBe(3)
      expect(back.flags).toEqual([true, false])
      expect(back.name).toBe('x')
      expect(back.none).toBeNull()
      expect(back.special.map((x) => (Object.is(x, -0) ? '-0' : String(x)))).toEqual(['NaN', 'Infinity', '-Infinity', '-0', '1.5'])
      expect(back.f32).toBeInstanceOf(Float32Array)
      expect(bitsOf(back.f32)).toEqual(bitsOf(awkward.f32))
      expect(bitsOf(back.f64)).toEqual(bitsOf(awkward.f64))
      expect(Array.from(back.i32)).toEqual([-7, 2 ** 31 - 1])
      expect(Array.from(back.u8)).toEqual([0, 1, 255])
      expect(back.nested.t).toBeInstanceOf(Tensor)
      expect(back.nested.t.shape).toEqual([2, 2])
      expect(back.nested.t.toArray()).toEqual([[1, 2], [3, 4]])
      // restored buffers are fresh, not views into the saved form
      back.f64[0] = 0
      expect(awkward.f64[0]).toBe(Math.PI)
    })
  }

  it('JSON survives a text round trip and typed arrays are base64 of their bytes', () => {
    const text = serializeState({ a: Float32Array.from([1]) })
    // 1.0f = 00 00 80 3f → "AACAPw=="
    expect(JSON.parse(text)).toEqual({ a: { $typed: { dtype: 'float32', base64: 'AACAPw==' } } })
  })

  it('binary is compact: a million float32 moments cost 4 MB plus a small header', () => {
    const state = adam().init({ w: new Tensor(new Float32Array(1_000_000), [1_000_000], 'float32') })
    const bytes = serializeState(state, { format: 'binary' })
    expect(bytes.byteLength).toBeGreaterThan(8_000_000)
    expect(bytes.byteLength).toBeLessThan(8_000_000 + 1024)
  })

  it('rejects what is not plain data, and foreign input', () => {
    expect(() => serializeState({ f: () => 1 })).toThrow('serializeState: unsupported value at .f, got function')
    expect(() => serializeState({ u: undefined })).toThrow('serializeState: unsupported value at .u, got undefined')
    expect(() => serializeState({ $x: 1 })).toThrow('serializeState: keys may not start with $, got $x at the root')
    expect(() => serializeState(1, { format: 'xml' as never })).toThrow(`serializeState: format must be 'json' or 'binary', got "xml"`)
    expect(() => deserializeState(new ArrayBuffer(4))).toThrow('deserializeState: not a @gd binary state (bad magic), got 4 bytes')
    expect(() => deserializeState(3 as never)).toThrow('deserializeState: expected a JSON string or an ArrayBuffer, got number')
    const good = serializeState({ a: new Float64Array(4) }, { format: 'binary' })
    expect(() => deserializeState(good.slice(0, good.byteLength - 8))).toThrow('deserializeState: binary state is truncated')
    expect(() => deserializeState('{"a":{"$typed":{"dtype":"float32","base64":"A*=="}}}')).toThrow(
      'deserializeState: invalid base64 character, got "*"',
    )
  })

  it('restores a live optimizer state that keeps training', () => {
    const opt = adam({ learningRate: 0.1 })
    const params = { w: tensor([1, 2]) }
    const s = deserializeState(serializeState(opt.init(params)))
    expect(() => opt.update({ w: tensor([1, 1]) }, s as never, params)).not.toThrow()
  })
})
