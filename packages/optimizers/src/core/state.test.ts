import { describe, expect, it } from 'vitest'
import { Tensor, tensor } from '@gd/tensor'
import { adam, deserializeState, serializeState, sgd } from '../index.js'

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
      expect(back.special.map((x) => (Object.is(x, -0) ? '-0' : String(x)))).toEqual([
        'NaN',
        'Infinity',
        '-Infinity',
        '-0',
        '1.5',
      ])
      expect(back.f32).toBeInstanceOf(Float32Array)
      expect(bitsOf(back.f32)).toEqual(bitsOf(awkward.f32))
      expect(bitsOf(back.f64)).toEqual(bitsOf(awkward.f64))
      expect(Array.from(back.i32)).toEqual([-7, 2 ** 31 - 1])
      expect(Array.from(back.u8)).toEqual([0, 1, 255])
      expect(back.nested.t).toBeInstanceOf(Tensor)
      expect(back.nested.t.shape).toEqual([2, 2])
      expect(back.nested.t.toArray()).toEqual([
        [1, 2],
        [3, 4],
      ])
      // restored buffers are fresh, not views into the saved form
      back.f64[0] = 0
      expect(awkward.f64[0]).toBe(Math.PI)
    })
  }

  it('JSON survives a text round trip and typed arrays are base64 of their bytes', () => {
    const text = serializeState({ a: Float32Array.from([1]) })
    // 1.0f = 00 00 80 3f → "AACAPw=="
    expect(JSON.parse(text).state).toEqual({ a: { $typed: { dtype: 'float32', base64: 'AACAPw==' } } })
    expect(JSON.parse(text)).toMatchObject({ $gdState: 2, structure: '{a:float32[1]}' })
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
    expect(() => serializeState(1, { format: 'xml' as never })).toThrow(
      'serializeState: format must be "json" or "binary", got "xml"',
    )
    expect(() => serializeState(1, { fromat: 'json' } as never)).toThrow(
      'serializeState: unknown option fromat, expected one of format; did you mean format?',
    )
    expect(() => deserializeState(new ArrayBuffer(4))).toThrow(
      'deserializeState: not a @gd binary state (bad magic), got 4 bytes',
    )
    expect(() => deserializeState(3 as never)).toThrow(
      'deserializeState: saved must be a JSON string or an ArrayBuffer, got 3',
    )
    expect(() => deserializeState('3')).toThrow('deserializeState: not a @gd optimizer state, got 3')
    const good = serializeState({ a: new Float64Array(4) }, { format: 'binary' })
    expect(() => deserializeState(good.slice(0, good.byteLength - 8))).toThrow(
      'deserializeState: binary state is truncated',
    )
  })

  it('checks the version: old-format input says which version it is', () => {
    // version 1 wrote the bare state (JSON) or 'GDS1' and the skeleton (binary)
    expect(() => deserializeState('{"a":{"$typed":{"dtype":"float32","base64":"AACAPw=="}}}')).toThrow(
      'deserializeState: this is a version 1 JSON state (saved before states carried a version, checksum and structure); version 2 is read, so save it again with this version',
    )
    const v1 = new Uint8Array(16)
    new DataView(v1.buffer).setUint32(0, 0x31534447, true)
    expect(() => deserializeState(v1.buffer)).toThrow('deserializeState: this is a version 1 binary state')
    expect(() => deserializeState('{"$gdState":3,"structure":"","checksum":"","state":1}')).toThrow(
      'deserializeState: this is a version 3 state; version 2 is read',
    )
  })

  it('checks the checksum: any changed base64 character or byte is an error, never a silent load', () => {
    const opt = adam()
    const state = opt.init({ w: tensor([1, 2, 3]) })
    const text = serializeState(state)
    const at = text.indexOf('"base64":"') + 12
    for (const i of [at, at + 3]) {
      const c = text[i] === 'A' ? 'B' : 'A'
      expect(() => deserializeState(text.slice(0, i) + c + text.slice(i + 1))).toThrow(
        /^deserializeState: checksum mismatch \(saved [0-9a-f]{8}, computed [0-9a-f]{8}\): the saved state is damaged$/,
      )
    }
    expect(() => deserializeState(text.replace('"count":0', '"count":1'))).toThrow(
      'deserializeState: checksum mismatch',
    )
    expect(() => deserializeState(text.slice(0, -5))).toThrow(
      'deserializeState: the saved JSON text is not valid JSON (damaged or truncated)',
    )
    // every single flipped bit of a binary state, header and padding included, is an error
    const bytes = new Uint8Array(serializeState(state, { format: 'binary' }))
    for (let i = 0; i < bytes.length; i++) {
      for (const bit of [1, 128]) {
        const damaged = bytes.slice()
        damaged[i] = damaged[i]! ^ bit
        expect(() => deserializeState(damaged.buffer)).toThrow(/^deserializeState: /)
      }
    }
    // key order may change in transit (a checkpoint re-embeds the parsed object): still valid
    const reordered = JSON.parse(text) as Record<string, unknown>
    const back = deserializeState(
      JSON.stringify({
        state: reordered['state'],
        checksum: reordered['checksum'],
        structure: reordered['structure'],
        $gdState: 2,
      }),
    )
    expect(serializeState(back)).toBe(text)
  })

  it('checks the structure against an expected state, naming the first difference', () => {
    const opt = adam()
    const big = serializeState(opt.init({ layers: [{ w: tensor([1, 2, 3, 4, 5, 6, 7, 8]) }] }))
    const small = opt.init({ layers: [{ w: tensor([1, 2, 3, 4]) }] })
    expect(() => deserializeState(big, { like: small })).toThrow(
      'deserializeState: the saved state does not match the expected one: at [0].mu[0] the saved state has float32[8], expected float32[4]',
    )
    const other = sgd({ momentum: 0.9 }).init({ w: tensor([1]) })
    expect(() => deserializeState(big, { like: other })).toThrow(
      'deserializeState: the saved state does not match the expected one: at [0] the saved state has an object with keys count, mu, nu, paths, expected an object with keys count, trace, paths',
    )
    expect(
      deserializeState(big, { like: opt.init({ layers: [{ w: tensor([0, 0, 0, 0, 0, 0, 0, 0]) }] }) }),
    ).toBeDefined()
    expect(() => deserializeState(big, { lik: small } as never)).toThrow(
      'deserializeState: unknown option lik, expected one of like; did you mean like?',
    )
  })

  it('restores a live optimizer state that keeps training', () => {
    const opt = adam({ learningRate: 0.1 })
    const params = { w: tensor([1, 2]) }
    const s = deserializeState(serializeState(opt.init(params)))
    expect(() => opt.update({ w: tensor([1, 1]) }, s as never, params)).not.toThrow()
  })
})
