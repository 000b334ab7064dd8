import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as main from './index.js'
import * as internal from './internal.js'
import * as threads from './threads.js'

// index.ts and internal.ts list their exports by name, so a new export of a module must be placed on purpose:
// in the user API (index.ts), in @gd/tensor/internal, or below as a helper the modules share among themselves.
const shared: Record<string, string> = {
  asTensor: 'elementwise.ts: numbers as scalar tensors, for the binary ops, where and clip',
  broadcastStrides: 'elementwise.ts: strides of a broadcast view, for broadcastTo',
  expandTo: 'elementwise.ts: storage broadcast to a shape, for where',
  mapBinary: 'elementwise.ts: the binary op driver',
  mapUnary: 'elementwise.ts: the unary op driver',
  resultType: 'elementwise.ts: the dtype promotion of two operands, weak numbers included',
  deferredTensor: 'tensor.ts: a tensor whose values are computed on first read, for deferred.ts',
  stridedCopy:
    'tensor.ts: the row-major copy of a strided view as a kernel call a trace keeps, for reshape and contiguous',
  rowMajor: 'shape.ts: stridesOf without its check, for the Tensor constructor',
  axesQuickly: 'shape.ts: valid axes read with plain loops, for normalizeAxes and the reductions',
  quantile: 'normalQuantile.ts: normalQuantile without its check, for the samplers in random.ts',
}

const modules = readdirSync(new URL('.', import.meta.url)).filter(
  (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !['index.ts', 'internal.ts', 'threads.ts'].includes(f),
)

describe('the public faces', () => {
  it('place every runtime export of every module: main entry, ./internal, ./threads or shared helper', async () => {
    const unplaced: string[] = []
    for (const file of modules) {
      const mod = (await import(`./${file.replace(/\.ts$/, '.js')}`)) as Record<string, unknown>
      for (const name of Object.keys(mod)) {
        if (!(name in main) && !(name in internal) && !(name in threads) && !(name in shared)) {
          unplaced.push(`${file}: ${name}`)
        }
      }
    }
    expect(unplaced).toEqual([])
  })

  it('keep the main entry and ./internal apart', () => {
    expect(Object.keys(internal).filter((name) => name in main)).toEqual([])
    expect(Object.keys(main)).toHaveLength(119)
    expect(Object.keys(internal).sort()).toEqual([
      'TraceRefused',
      'allocate',
      'beforeInPlaceWrite',
      'broadcastShapes',
      'checkDtype',
      'checkFloatPair',
      'checkKey',
      'checkShape',
      'closeScope',
      'forReplay',
      'formatList',
      'isFloat',
      'isMadeKey',
      'isTracing',
      'kernel',
      'kernelReading',
      'matmulFlags',
      'normalCdf',
      'normalPdf',
      'normalQuantile',
      'normalizeAxes',
      'normalizeAxis',
      'openScope',
      'outsideScopes',
      'permutationOf',
      'randomBits',
      'readSize2d',
      'recordTrace',
      'releaseOwned',
      'sameShape',
      'scopeBlockOf',
      'scopesOn',
      'sizeOf',
      'stridesOf',
      'tensorsIn',
      'threefry2x32',
      'traceConstant',
      'typeName',
      'useScopes',
      'wasmGelu',
      'wasmGeluGrad',
      'wasmGruCell',
      'wasmGruCellGrad',
      'wasmLstmCell',
      'wasmLstmCellGrad',
      'wasmNormRows',
      'wasmNormRowsGrad',
      'wasmSoftmaxRows',
      'wasmSoftmaxRowsGrad',
      'window2d',
      'withScope',
    ])
  })
})
