import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { tensor, zeros } from '@gd/tensor'
import { afterAll, describe, expect, it } from 'vitest'
import { saveSafetensors } from './index.js'
import { loadSafetensorsFile, saveSafetensorsFile } from './node.js'

const dir = mkdtempSync(join(tmpdir(), 'gd-io-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('@gd/io/node', () => {
  it('writes a file saveSafetensors would, and reads it back by path or file: URL', async () => {
    const path = join(dir, 'w.safetensors')
    const tree = { layers: [{ w: tensor([[1, 2]]) }] }
    await saveSafetensorsFile(path, tree, { metadata: { step: '100' } })
    expect(
      Buffer.from(readFileSync(path)).equals(Buffer.from(saveSafetensors(tree, { metadata: { step: '100' } }))),
    ).toBe(true)
    const { tree: back, metadata } = await loadSafetensorsFile(path)
    expect((back as any).layers[0].w.toArray()).toEqual([[1, 2]])
    expect(metadata).toEqual({ step: '100' })
    const viaUrl = await loadSafetensorsFile(pathToFileURL(path), { like: { layers: [{ w: zeros([1, 2]) }] } })
    expect(viaUrl.tree.layers[0]!.w.toArray()).toEqual([[1, 2]])
  })

  it('checks the header before reading the data: a file claiming 4 GB of tensors fails at once', async () => {
    const path = join(dir, 'hostile.safetensors')
    const header = new TextEncoder().encode('{"w":{"dtype":"F32","shape":[1000000000],"data_offsets":[0,4000000000]}}')
    const bytes = new Uint8Array(8 + header.length + 4)
    new DataView(bytes.buffer).setUint32(0, header.length, true)
    bytes.set(header, 8)
    writeFileSync(path, bytes)
    await expect(loadSafetensorsFile(path)).rejects.toThrow(
      'loadSafetensorsFile: tensor "w" has data_offsets [0,4000000000], past the end of the 4 data bytes (truncated?)',
    )
    writeFileSync(path, new Uint8Array(3))
    await expect(loadSafetensorsFile(path)).rejects.toThrow(
      'loadSafetensorsFile: the file is 3 bytes, too short for the 8-byte header length (truncated, or not safetensors)',
    )
  })

  it('names the path it cannot read or write, and rejects bad arguments', async () => {
    const missing = join(dir, 'missing.safetensors')
    await expect(loadSafetensorsFile(missing)).rejects.toThrow(
      `loadSafetensorsFile: cannot read ${JSON.stringify(missing)}: ENOENT`,
    )
    await expect(saveSafetensorsFile(join(dir, 'no', 'such', 'dir.safetensors'), { w: tensor([1]) })).rejects.toThrow(
      'saveSafetensorsFile: cannot write',
    )
    await expect(loadSafetensorsFile('' as never)).rejects.toThrow(
      'loadSafetensorsFile: path must be a file path (a non-empty string or a file: URL), got ""',
    )
    await expect(saveSafetensorsFile(join(dir, 'x.safetensors'), { w: 3 } as never)).rejects.toThrow(
      'saveSafetensorsFile: tree at "w" must be a tensor, a plain object or an array, got 3',
    )
    await expect(loadSafetensorsFile(join(dir, 'w.safetensors'), { flatt: true } as never)).rejects.toThrow(
      'loadSafetensorsFile: unknown option flatt, expected one of like, flat; did you mean flat?',
    )
  })
})
