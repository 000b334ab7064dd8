import { tensor, zeros, type Tensor } from '@gd/tensor'
import { describe, expect, it } from 'vitest'
import { loadSafetensors, loadSafetensorsBlob, saveSafetensors } from './index.js'

/** A file from header text (not padded, as a writer may leave it) and data bytes. */
function file(header: string, data: number[] | Uint8Array = []): Uint8Array {
  const text = new TextEncoder().encode(header)
  const out = new Uint8Array(8 + text.length + data.length)
  new DataView(out.buffer).setUint32(0, text.length, true)
  out.set(text, 8)
  out.set(data, 8 + text.length)
  return out
}

const f32 = (name: string, shape: number[], begin: number, end: number, dtype = 'F32') =>
  `"${name}":{"dtype":"${dtype}","shape":${JSON.stringify(shape)},"data_offsets":[${begin},${end}]}`

describe('loadSafetensors: the tree', () => {
  const bytes = saveSafetensors({
    encoder: { layers: [{ w: tensor([[1, 2]]) }, { w: tensor([[3, 4]]) }] },
    head: { b: tensor([5]) },
  })

  it('nests dotted names, making arrays of keys 0..n−1', () => {
    const tree = loadSafetensors(bytes).tree as any
    expect(Array.isArray(tree.encoder.layers)).toBe(true)
    expect(tree.encoder.layers.map((l: { w: Tensor }) => l.w.toArray())).toEqual([[[1, 2]], [[3, 4]]])
    expect(tree.head.b.toArray()).toEqual([5])
  })

  it('keeps an object when the integer keys are not exactly 0..n−1', () => {
    const tree = loadSafetensors(saveSafetensors({ '0.w': tensor([1]), '2.w': tensor([2]) })).tree as any
    expect(Array.isArray(tree)).toBe(false)
    expect(Object.keys(tree)).toEqual(['0', '2'])
  })

  it('gives a flat record by name with { flat: true }', () => {
    const tree = loadSafetensors(bytes, { flat: true }).tree as Record<string, Tensor>
    expect(Object.keys(tree)).toEqual(['encoder.layers.0.w', 'encoder.layers.1.w', 'head.b'])
  })

  it('rebuilds the template of { like }, its empty objects included', () => {
    const like = [{ w: zeros([1, 2]), b: zeros([1]) }, {}, { w: zeros([1]) }]
    const saved = saveSafetensors([{ w: tensor([[1, 2]]), b: tensor([3]) }, {}, { w: tensor([4]) }])
    const { tree } = loadSafetensors(saved, { like })
    expect(tree.length).toBe(3)
    expect(tree[1]).toEqual({})
    expect((tree[0] as { w: Tensor }).w.toArray()).toEqual([[1, 2]])
    expect((tree[2] as { w: Tensor }).w.toArray()).toEqual([4])
  })

  it('lists every difference from { like }: missing, unexpected, shape, dtype', () => {
    const saved = saveSafetensors(
      { w: zeros([3, 2]), b: zeros([2]), extra: zeros([1]), n: tensor([1], { dtype: 'int32' }) },
      { dtypes: { n: 'I64' } },
    )
    const like = {
      w: zeros([2, 2]),
      b: zeros([2], { dtype: 'float64' }),
      gamma: zeros([2]),
      n: tensor([1], { dtype: 'int32' }),
    }
    expect(() => loadSafetensors(saved, { like })).toThrow(
      'loadSafetensors: the file does not match options.like (4 differences): w: shape [3,2] in the file, [2,2] in the template; ' +
        'b: dtype F32 (loads as float32) in the file, float64 in the template; gamma: missing from the file (the template has float32 [2]); ' +
        'extra: in the file (F32 [1]), not in the template',
    )
  })

  it('returns the metadata as an own-keyed record (a key __proto__ stays a key)', () => {
    const { metadata } = loadSafetensors(
      file(`{"__metadata__":{"__proto__":"x","é":"ü"},${f32('w', [1], 0, 4)}}`, [0, 0, 128, 63]),
    )
    expect(Object.keys(metadata)).toEqual(['__proto__', 'é'])
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype)
    expect(metadata['é']).toBe('ü')
  })

  it('reads a Node Buffer, an ArrayBuffer and a Buffer that is a slice of a larger one, copying the data out', () => {
    const inner = saveSafetensors({ w: tensor([1, 2]) })
    const big = Buffer.alloc(inner.length + 5)
    big.set(inner, 3)
    const slice = big.subarray(3, 3 + inner.length)
    const a = (loadSafetensors(slice).tree as { w: Tensor }).w
    expect(a.toArray()).toEqual([1, 2])
    slice.fill(0) // the loaded tensor has its own copy
    expect(a.toArray()).toEqual([1, 2])
    expect((loadSafetensors(inner.slice().buffer).tree as { w: Tensor }).w.toArray()).toEqual([1, 2])
  })

  it('ignores fields of a tensor it does not know, as the reference reader does', () => {
    const bytes = file('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"note":"x"}}', [0, 0, 128, 63])
    expect((loadSafetensors(bytes).tree as { w: Tensor }).w.toArray()).toEqual([1])
  })

  it('reads a header that is not padded and one with a null __metadata__', () => {
    expect(
      (loadSafetensors(file(`{${f32('w', [1], 0, 4)}}`, [0, 0, 128, 63])).tree as { w: Tensor }).w.toArray(),
    ).toEqual([1])
    expect(loadSafetensors(file(`{"__metadata__":null,${f32('w', [1], 0, 4)}}`, [0, 0, 128, 63])).metadata).toEqual({})
  })
})

describe('loadSafetensors: damaged and hostile files fail with a clear error before any tensor is allocated', () => {
  const cases: [string, Uint8Array, string][] = [
    [
      'too short',
      new Uint8Array(5),
      'loadSafetensors: the file is 5 bytes, too short for the 8-byte header length (truncated, or not safetensors)',
    ],
    [
      'header past the end',
      (() => {
        const b = file('{}')
        new DataView(b.buffer).setUint32(0, 4096, true)
        return b
      })(),
      'loadSafetensors: the header length is 4096 bytes, but only 2 bytes follow the length (truncated, or not safetensors)',
    ],
    [
      'huge header length (u64)',
      (() => {
        const b = file('{}')
        new DataView(b.buffer).setUint32(4, 1, true)
        return b
      })(),
      'loadSafetensors: the header length is 4294967298 bytes, more than the 100000000 safetensors allows (damaged, or not safetensors)',
    ],
    [
      'header length 0',
      file(''),
      'loadSafetensors: the header length is 0 bytes, too short for a JSON object (damaged, or not safetensors)',
    ],
    [
      'not UTF-8',
      file('{"\xff"}').map((b, i) => (i === 10 ? 0xff : b)),
      'loadSafetensors: the header is not valid UTF-8 (damaged, or not safetensors)',
    ],
    [
      'not an object',
      file('[1, 2]'),
      'loadSafetensors: the header must be a JSON object starting with "{", got "[1, 2]" (not safetensors)',
    ],
    ['not JSON', file('{"w": {'), 'loadSafetensors: the header is not valid JSON (damaged or truncated)'],
    [
      'a name twice',
      file(`{${f32('w', [1], 0, 4)},${f32('w', [1], 4, 8)}}`, new Array(8).fill(0)),
      'loadSafetensors: the header names "w" twice',
    ],
    [
      'a metadata key twice',
      file('{"__metadata__":{"epoch":"1","epoch":"2"}}'),
      'loadSafetensors: the header names "epoch" twice',
    ],
    [
      'metadata not strings',
      file('{"__metadata__":{"epoch":3}}'),
      'loadSafetensors: __metadata__ must map strings to strings, got 3 for "epoch"',
    ],
    [
      'metadata not an object',
      file('{"__metadata__":"x"}'),
      'loadSafetensors: __metadata__ must map strings to strings, got "x"',
    ],
    [
      'a tensor without a description',
      file('{"w":3}'),
      'loadSafetensors: tensor "w" must be described by { dtype, shape, data_offsets }, got 3',
    ],
    [
      'unknown dtype',
      file(`{${f32('w', [1], 0, 4, 'F12')}}`, [0, 0, 0, 0]),
      'loadSafetensors: tensor "w" has an unknown dtype "F12", expected one of BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64',
    ],
    [
      'unsupported dtype',
      file(`{${f32('w', [1], 0, 1, 'F8_E4M3')}}`, [0]),
      'loadSafetensors: tensor "w" has dtype F8_E4M3, which @gd does not read; it reads BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64',
    ],
    [
      'negative dimension',
      file(`{${f32('w', [-1], 0, 4)}}`, [0, 0, 0, 0]),
      'loadSafetensors: tensor "w" has shape [-1], expected non-negative integers',
    ],
    [
      'offsets backwards',
      file(`{${f32('w', [1], 4, 0)}}`, [0, 0, 0, 0]),
      'loadSafetensors: tensor "w" has data_offsets [4,0], expected [begin, end] with 0 ≤ begin ≤ end',
    ],
    [
      'size mismatch',
      file(`{${f32('w', [2, 3], 0, 20)}}`, new Array(20).fill(0)),
      'loadSafetensors: tensor "w" of dtype F32 and shape [2,3] needs 24 bytes, its data_offsets [0,20] hold 20',
    ],
    [
      'huge shape',
      file(`{${f32('w', [100000, 100000, 100000], 0, 4)}}`, [0, 0, 0, 0]),
      'loadSafetensors: tensor "w" of dtype F32 and shape [100000,100000,100000] needs 4000000000000000 bytes, its data_offsets [0,4] hold 4',
    ],
    [
      'past the end',
      file(`{${f32('w', [1000000000], 0, 4000000000)}}`, [0, 0, 0, 0]),
      'loadSafetensors: tensor "w" has data_offsets [0,4000000000], past the end of the 4 data bytes (truncated?)',
    ],
    [
      'overlap',
      file(`{${f32('a', [2], 0, 8)},${f32('b', [2], 4, 12)}}`, new Array(12).fill(0)),
      'loadSafetensors: tensors "a" [0,8] and "b" [4,12] overlap',
    ],
    [
      'hole',
      file(`{${f32('a', [1], 0, 4)},${f32('b', [1], 8, 12)}}`, new Array(12).fill(0)),
      'loadSafetensors: data bytes 4..8 belong to no tensor (a hole before "b")',
    ],
    [
      'trailing bytes',
      file(`{${f32('a', [1], 0, 4)}}`, new Array(6).fill(0)),
      'loadSafetensors: data bytes 4..6 belong to no tensor (the tensors end at byte 4 of 6)',
    ],
    [
      'int64 outside int32',
      file(`{${f32('n', [2], 0, 16, 'I64')}}`, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]),
      'loadSafetensors: tensor "n" (I64) holds 4294967296 at index 1, outside int32\'s range [-2147483648, 2147483647]; @gd holds integers as int32',
    ],
    [
      'U32 outside int32',
      file(`{${f32('n', [1], 0, 4, 'U32')}}`, [0, 0, 0, 128]),
      'loadSafetensors: tensor "n" (U32) holds 2147483648 at index 0, outside int32\'s range [-2147483648, 2147483647]; @gd holds integers as int32',
    ],
    [
      'a BOOL byte that is not 0 or 1',
      file(`{${f32('m', [3], 0, 3, 'BOOL')}}`, [1, 0, 2]),
      'loadSafetensors: tensor "m" (BOOL) holds byte 2 at index 2, expected 0 or 1',
    ],
    [
      'a name that is also a group',
      file(`{${f32('a', [1], 0, 4)},${f32('a.b', [1], 4, 8)}}`, new Array(8).fill(0)),
      'loadSafetensors: the names "a" and "a.b" cannot both be in a nested tree (one is a tensor, the other inside it); pass { flat: true } or { like }',
    ],
  ]
  for (const [what, bytes, message] of cases) {
    it(what, () => {
      expect(() => loadSafetensors(bytes)).toThrow(message)
    })
  }

  it('loads the names "a" and "a.b" flat', () => {
    const bytes = file(`{${f32('a', [1], 0, 4)},${f32('a.b', [1], 4, 8)}}`, new Array(8).fill(0))
    expect(Object.keys(loadSafetensors(bytes, { flat: true }).tree)).toEqual(['a', 'a.b'])
  })

  it('rejects bad arguments and options with did-you-mean', () => {
    expect(() => loadSafetensors('model.safetensors' as never)).toThrow(
      'loadSafetensors: bytes must be a Uint8Array, Buffer or ArrayBuffer, got "model.safetensors" (for a file path use loadSafetensorsFile from @gd/io/node)',
    )
    expect(() => loadSafetensors(new Blob([]) as never)).toThrow(
      'loadSafetensors: bytes must be a Uint8Array, Buffer or ArrayBuffer, got a Blob (for a Blob or File use loadSafetensorsBlob)',
    )
    expect(() => loadSafetensors(saveSafetensors({}), { lik: {} } as never)).toThrow(
      'loadSafetensors: unknown option lik, expected one of like, flat; did you mean like?',
    )
    expect(() => loadSafetensors(saveSafetensors({}), { like: {}, flat: true })).toThrow(
      "loadSafetensors: options.like and options.flat cannot both be given (like decides the tree's shape)",
    )
    expect(() => loadSafetensors(saveSafetensors({}), { like: { w: 3 } } as never)).toThrow(
      'loadSafetensors: options.like at "w" must be a tensor, a plain object or an array, got 3',
    )
  })
})

describe('loadSafetensorsBlob', () => {
  it('reads a Blob (a File is one) as loadSafetensors reads bytes', async () => {
    const bytes = saveSafetensors({ layers: [{ w: tensor([[1, 2]]) }] }, { metadata: { epoch: '3' } })
    const { tree, metadata, dtypes } = await loadSafetensorsBlob(new Blob([bytes]))
    expect((tree as any).layers[0].w.toArray()).toEqual([[1, 2]])
    expect(metadata).toEqual({ epoch: '3' })
    expect(dtypes).toEqual({ 'layers.0.w': 'F32' })
    const like = { layers: [{ w: zeros([1, 2]) }] }
    expect(
      (await loadSafetensorsBlob(new File([bytes], 'model.safetensors'), { like })).tree.layers[0]!.w.toArray(),
    ).toEqual([[1, 2]])
  })

  it('fails on a damaged Blob, and on what is not a Blob', async () => {
    const b = file('{}')
    new DataView(b.buffer).setUint32(0, 4096, true)
    await expect(loadSafetensorsBlob(new Blob([b]))).rejects.toThrow(
      'loadSafetensorsBlob: the header length is 4096 bytes, but only 2 bytes follow the length (truncated, or not safetensors)',
    )
    await expect(loadSafetensorsBlob(new Uint8Array(8) as never)).rejects.toThrow(
      'loadSafetensorsBlob: blob must be a Blob or File, got an Uint8Array of length 8',
    )
  })
})
