import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as api from '@gd/io'
import * as node from '@gd/io/node'
import { ones, tensor, zeros } from '@gd/tensor'
// @gd/io does not list @gd/testing; its tests reach it by its entry, as @gd/schedules' do.
import { fuzzSuite } from '../../testing/src/index.js'
import { afterAll } from 'vitest'

const tree = () => ({ layers: [{ w: tensor([[1, 2]]), b: tensor([0.5]) }], n: tensor([3, 4], { dtype: 'int32' }) })
const like = () => ({ layers: [{ w: zeros([1, 2]), b: zeros([1]) }], n: zeros([2], { dtype: 'int32' }) })
const bytes = () => api.saveSafetensors(tree(), { metadata: { epoch: '3' } })
const model = () => ({ params: [{ w: tensor([[1, 2]]) }, { gamma: ones([2]) }], state: [{}, { mean: zeros([2]) }] })
const dir = mkdtempSync(join(tmpdir(), 'gd-io-fuzz-'))
const file = join(dir, 'tree.safetensors')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// every export clean: no crash, no silent acceptance, no failing call that changes its inputs
fuzzSuite('@gd/io', api, {
  saveSafetensors: [
    { args: () => [tree(), { metadata: { epoch: '3' }, dtypes: { n: 'I64' } }], options: [1] },
    { args: () => [[tensor([1, 2], { dtype: 'float64' }), { m: tensor([true], { dtype: 'bool' }) }]] },
  ],
  loadSafetensors: [
    { args: () => [bytes(), { like: like() }], options: [1] },
    { args: () => [bytes(), { flat: true }], options: [1] },
    { args: () => [bytes().buffer] },
  ],
  loadSafetensorsBlob: { args: () => [new Blob([bytes()]), { like: like() }], options: [1] },
  saveModel: { args: () => [model(), { metadata: { step: '1' } }], options: [1] },
  loadModel: { args: () => [api.saveModel(model()), model()] },
})

fuzzSuite('@gd/io/node', node, {
  saveSafetensorsFile: {
    args: () => [file, tree(), { metadata: { epoch: '3' } }],
    options: [2],
    keep: { 0: 'any string is a path; a bad one is a clear write error' },
  },
  loadSafetensorsFile: {
    args: () => [file, { like: like() }],
    options: [1],
    keep: { 0: 'any string is a path; a missing file is a clear read error' },
    call: async (path: string, options: unknown) => {
      await node.saveSafetensorsFile(file, tree())
      return node.loadSafetensorsFile(path, options as never)
    },
  },
})
