import { tensor, transpose, zeros, type Tree } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { loadSafetensors, saveSafetensors } from './index.js'

/** The header text of a file (without its padding) and the padded header's length. */
function headerOf(bytes: Uint8Array): { text: string; length: number } {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true)
  return { text: new TextDecoder().decode(bytes.subarray(8, 8 + length)).trimEnd(), length }
}

describe('saveSafetensors', () => {
  it('writes the layout of the specification: u64 length, JSON header padded with spaces to 8 bytes, data back to back', () => {
    const bytes = saveSafetensors({ layers: [{ w: tensor([[1, 2]]), b: tensor([0]) }] }, { metadata: { format: 'pt' } })
    const { text, length } = headerOf(bytes)
    expect(text).toBe(
      '{"__metadata__":{"format":"pt"},"layers.0.b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},' +
        '"layers.0.w":{"dtype":"F32","shape":[1,2],"data_offsets":[4,12]}}',
    )
    // 159 characters of JSON padded to 160 with one space; 8 + 160 + 12 data bytes = 180
    expect(text.length).toBe(159)
    expect(length).toBe(160)
    expect(bytes.length).toBe(180)
    expect(bytes[8 + 159]).toBe(32)
    expect(Array.from(bytes.subarray(4, 8))).toEqual([0, 0, 0, 0])
    expect(Array.from(new Float32Array(bytes.slice(168).buffer))).toEqual([0, 1, 2])
  })

  it('orders tensors as the reference writer: widest dtype first (I64 F64 F32 I32 U8 BOOL), then by name', () => {
    const tree = {
      b: tensor([1], { dtype: 'bool' }),
      z: tensor([1]),
      a: tensor([1]),
      i: tensor([1], { dtype: 'int32' }),
      d: tensor([1], { dtype: 'float64' }),
      l: tensor([1], { dtype: 'int32' }),
      u: tensor([1], { dtype: 'int32' }),
    }
    const { text } = headerOf(saveSafetensors(tree, { dtypes: { l: 'I64', u: 'U8' } }))
    const names = Object.keys(JSON.parse(text))
    expect(names).toEqual(['l', 'd', 'a', 'z', 'i', 'u', 'b'])
  })

  it('sorts names by code point (UTF-8 byte order), not by UTF-16 unit', () => {
    // U+FF5E (one UTF-16 unit, 0xFF5E) comes before U+1F600 (a surrogate pair starting 0xD83D) by code point
    const { text } = headerOf(saveSafetensors({ '😀': tensor([1]), '～': tensor([2]), Z: tensor([3]) }))
    expect(Object.keys(JSON.parse(text))).toEqual(['Z', '～', '😀'])
  })

  it('omits __metadata__ without metadata, writes {} for empty metadata, an empty tree as {}', () => {
    expect(headerOf(saveSafetensors({ w: tensor([1]) })).text).toBe(
      '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
    )
    expect(headerOf(saveSafetensors({ w: tensor([1]) }, { metadata: {} })).text).toBe(
      '{"__metadata__":{},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
    )
    // as Python's save({}): b'\x08\x00\x00\x00\x00\x00\x00\x00{}      '
    expect(Array.from(saveSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32])
  })

  it('writes a transposed (non-contiguous) tensor in row-major order', () => {
    const t = transpose(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    )
    const { tree } = loadSafetensors(saveSafetensors({ t }))
    expect((tree as { t: typeof t }).t.toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ])
  })

  it('takes keys with dots as they are (a flat record gives the same names as the nested tree)', () => {
    const nested = saveSafetensors({ layers: [{ w: tensor([1]) }] })
    const flat = saveSafetensors({ 'layers.0.w': tensor([1]) })
    expect(Buffer.from(flat).equals(Buffer.from(nested))).toBe(true)
  })

  it('rejects what it cannot write, naming the place, before writing anything', () => {
    const t = tensor([1, 2])
    const cases: [unknown, unknown, string][] = [
      [
        t,
        undefined,
        'saveSafetensors: tree must be a plain object or an array of tensors, got a float32 Tensor of shape [2] (put a single tensor in an object: { weight: t })',
      ],
      [
        { a: { b: 3 } },
        undefined,
        'saveSafetensors: tree at "a.b" must be a tensor, a plain object or an array, got 3',
      ],
      [{ 'a.b': t, a: { b: t } }, undefined, 'saveSafetensors: tree gives two tensors the name "a.b"'],
      [
        { __metadata__: t },
        undefined,
        'saveSafetensors: tree has a tensor named __metadata__, a name safetensors reserves',
      ],
      [{ w: t }, { metadata: { epoch: 3 } }, 'saveSafetensors: metadata["epoch"] must be a string, got 3'],
      [{ w: t }, { metadata: 'x' }, 'saveSafetensors: metadata must be a plain object of strings, got "x"'],
      [
        { w: t },
        { metadata: { a: '\uD800' } },
        'saveSafetensors: metadata["a"] must be text without lone surrogates (UTF-8 cannot hold them), got "\\ud800"',
      ],
      [
        { weight: t },
        { dtypes: { wieght: 'F32' } },
        'saveSafetensors: options.dtypes names "wieght", which is no tensor of the tree; did you mean "weight"?',
      ],
      [
        { w: t },
        { dtypes: { w: 'I64' } },
        'saveSafetensors: options.dtypes["w"] is "I64", but a float32 tensor is written as F32, F16, BF16',
      ],
      [{ w: t }, { dtypes: { w: 3 } }, 'saveSafetensors: dtypes must be a plain object of dtype names, got {"w":3}'],
      [
        { w: tensor([1, 300, 2], { dtype: 'int32' }) },
        { dtypes: { w: 'U8' } },
        'saveSafetensors: tensor "w" holds 300 at index 1, which U8 cannot hold (it holds 0 to 255)',
      ],
      [
        { w: t },
        { metadta: {} },
        'saveSafetensors: unknown option metadta, expected one of metadata, dtypes; did you mean metadata?',
      ],
    ]
    for (const [tree, options, message] of cases)
      expect(() => saveSafetensors(tree as Tree, options as never)).toThrow(message)
    const cyclic: Record<string, unknown> = { w: t }
    cyclic.self = cyclic
    expect(() => saveSafetensors(cyclic as Tree)).toThrow('saveSafetensors: tree at "self" contains itself')
    expect(t.toArray()).toEqual([1, 2])
  })
})

describe('round trips, one per dtype', () => {
  const trip = (t: Tree, dtype?: string) => {
    const bytes = saveSafetensors({ t }, dtype === undefined ? undefined : { dtypes: { t: dtype } })
    const loaded = loadSafetensors(bytes)
    return {
      t: (loaded.tree as { t: ReturnType<typeof tensor> }).t,
      dtypes: loaded.dtypes,
      again: saveSafetensors(loaded.tree, { dtypes: loaded.dtypes }),
      bytes,
    }
  }

  it('keeps every bit of float32 and float64 (NaN, ±Infinity, −0, subnormals)', () => {
    const values = [NaN, Infinity, -Infinity, -0, 1e-45, 3.4028234663852886e38, 0.1]
    const f32 = trip(tensor(values))
    expect(f32.t.dtype).toBe('float32')
    expect(new Uint32Array(f32.t.data.slice().buffer)).toEqual(new Uint32Array(tensor(values).data.slice().buffer))
    const f64 = trip(tensor([NaN, -0, 5e-324, Number.MAX_VALUE, 0.1], { dtype: 'float64' }))
    expect(f64.t.dtype).toBe('float64')
    expect(Array.from(f64.t.data)).toEqual([NaN, -0, 5e-324, Number.MAX_VALUE, 0.1])
    expect(Object.is(f64.t.data[1], -0)).toBe(true)
  })

  it('keeps int32 and bool, with their shapes (a scalar and an empty tensor too)', () => {
    const i = trip(
      tensor(
        [
          [-2147483648, 2147483647],
          [0, -1],
        ],
        { dtype: 'int32' },
      ),
    )
    expect(i.t.dtype).toBe('int32')
    expect(i.t.toArray()).toEqual([
      [-2147483648, 2147483647],
      [0, -1],
    ])
    const b = trip(tensor([true, false, true], { dtype: 'bool' }))
    expect(b.t.dtype).toBe('bool')
    expect(b.t.toArray()).toEqual([true, false, true])
    expect(trip(tensor(5)).t.shape).toEqual([])
    expect(trip(zeros([3, 0])).t.shape).toEqual([3, 0])
  })

  it('writes int32 as I64, U8, I8, I16, U16, U32, U64 and reads each back as int32, byte for byte again with the loaded dtypes', () => {
    const cases: [string, number[], number[]][] = [
      // dtype, values, the little-endian bytes of the first value
      ['I64', [-3, 2147483647], [253, 255, 255, 255, 255, 255, 255, 255]],
      ['U64', [3, 2147483647], [3, 0, 0, 0, 0, 0, 0, 0]],
      ['U8', [255, 0], [255]],
      ['I8', [-128, 127], [128]],
      ['I16', [-2, 300], [254, 255]],
      ['U16', [65535, 1], [255, 255]],
      ['U32', [2147483647, 0], [255, 255, 255, 127]],
    ]
    for (const [dtype, values, first] of cases) {
      const r = trip(tensor(values, { dtype: 'int32' }), dtype)
      expect(r.dtypes).toEqual({ t: dtype })
      expect(r.t.dtype).toBe('int32')
      expect(r.t.toArray()).toEqual(values)
      const start = r.bytes.length - values.length * first.length
      expect(Array.from(r.bytes.subarray(start, start + first.length))).toEqual(first)
      expect(Buffer.from(r.again).equals(Buffer.from(r.bytes))).toBe(true)
    }
  })

  it('writes bool as U8 (0 and 1), read back as int32', () => {
    const r = trip(tensor([true, false], { dtype: 'bool' }), 'U8')
    expect(r.t.dtype).toBe('int32')
    expect(r.t.toArray()).toEqual([1, 0])
  })

  it('rounds float32 to F16 and BF16 to nearest, ties to even, and reads them back exactly', () => {
    // F16: 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to even gives 1; 1 + 3·2^-11 gives 1 + 2^-9;
    // 65520 overflows to Infinity (halfway to the next binade); 2^-25 (halfway to the smallest subnormal) ties to 0;
    // 3·2^-26 rounds up to 2^-24; NaN stays NaN
    const half = trip(tensor([1 + 2 ** -11, 1 + 3 * 2 ** -11, 65520, 2 ** -25, 3 * 2 ** -26, -2.5, NaN]), 'F16')
    expect(half.dtypes).toEqual({ t: 'F16' })
    expect(half.t.dtype).toBe('float32')
    expect(Array.from(half.t.data)).toEqual([1, 1 + 2 ** -9, Infinity, 0, 2 ** -24, -2.5, NaN])
    expect(Buffer.from(half.again).equals(Buffer.from(half.bytes))).toBe(true)
    // BF16 keeps 8 bits of mantissa: 1 + 2^-8 ties to 1, 1 + 3·2^-8 to 1 + 2^-6; 3.4e38 rounds to Infinity
    const bf = trip(tensor([1 + 2 ** -8, 1 + 3 * 2 ** -8, -3, 3.4e38, NaN]), 'BF16')
    expect(bf.dtypes).toEqual({ t: 'BF16' })
    expect(Array.from(bf.t.data)).toEqual([1, 1 + 2 ** -6, -3, Infinity, NaN])
    // the BF16 bytes are the top halves of the float32 bits: 1 + 2^-6 is 0x3F820000 → 0x3F82
    const at = bf.bytes.length - 10
    expect(Array.from(bf.bytes.subarray(at + 2, at + 4))).toEqual([0x82, 0x3f])
    expect(Buffer.from(bf.again).equals(Buffer.from(bf.bytes))).toBe(true)
  })

  it('reads F16 subnormals, infinities and NaN exactly', () => {
    // hand-made F16 bits: 0x0001 = 2^-24, 0x03FF = 1023·2^-24, 0x7C00 = Infinity, 0xFC00 = -Infinity, 0x7E00 = NaN, 0x8000 = -0
    const bits = new Uint16Array([0x0001, 0x03ff, 0x7c00, 0xfc00, 0x7e00, 0x8000, 0x3c00])
    const header = new TextEncoder().encode('{"h":{"dtype":"F16","shape":[7],"data_offsets":[0,14]}}')
    const bytes = new Uint8Array(8 + header.length + 14)
    new DataView(bytes.buffer).setUint32(0, header.length, true)
    bytes.set(header, 8)
    bytes.set(new Uint8Array(bits.buffer), 8 + header.length)
    const h = (loadSafetensors(bytes).tree as { h: ReturnType<typeof tensor> }).h
    expect(Array.from(h.data)).toEqual([2 ** -24, 1023 * 2 ** -24, Infinity, -Infinity, NaN, -0, 1])
    expect(Object.is(h.data[5], -0)).toBe(true)
  })
})
