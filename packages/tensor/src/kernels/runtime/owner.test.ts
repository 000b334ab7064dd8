// allocateUnfilled and its users: results written over pooled blocks that hold stale values (NaN here)
// must equal, bit for bit, what the zero-filled path gives. Its users, each pinned below:
// - matmul's products on the Wasm gemm in overwrite mode (folded, batched, broadcast, transposed, vectors);
// - the elementwise drivers mapUnary and mapBinary (float32 results of the unary and binary ops: contiguous,
//   strided, broadcast, scalar operands, lengths off the Wasm loops' 4-float vectors and past their slots);
// - concat (stack through it) and gather, which copy every slice of their result;
// - the contiguous copy of a strided view (`data`, reshape of a view: gatherStrided), JavaScript and Wasm;
// - the row broadcasts of the binary ops on the Wasm row kernel (a bias add: rows/broadcast.ts), which write every row;
// - conv2d and both its gradients (JavaScript and Wasm, grouped, strided, padded, a batch past one Wasm chunk);
// - maxPool2d and avgPool2d (JavaScript and Wasm, the 2 × 2 stride 2 fast paths with odd sides, padding).
import { beforeAll, describe, expect, it } from 'vitest'
import { allocate } from '../../dtype.js'
import * as T from '../../index.js'
import { matmul, type MatmulOptions } from '../../matmul.js'
import { initWasm, kernels, useKernels } from '../../seam.js'
import { Tensor } from '../../tensor.js'
import { existingArena } from './arena.js'
import { broadcastRows } from '../rows/broadcast.js'
import { loadWasmRowsSync } from '../rows/wasm.js'
import { BINARY } from '../elementwise/ops.generated.js'
import { allocateUnfilled } from './owner.js'
import { useScopes, withScope } from './scope.js'
import { overPoison } from '../../../test/poisonedPool.js'

beforeAll(async () => {
  await initWasm()
  useScopes(true)
})

/** A float32 tensor of `shape` filled from a seeded sine (distinct values in [-1, 1]). */
function filled(shape: number[], seed: number): Tensor<'float32'> {
  const n = shape.reduce((a, b) => a * b, 1)
  const data = new Float32Array(n)
  for (let i = 0; i < n; i++) data[i] = Math.sin(seed * 7.1 + i * 1.3)
  return new Tensor(data, shape, 'float32')
}

/** The bits of a float32 array, so that −0 and +0 (and NaN payloads) count as different. */
const bits = (x: Float32Array): number[] => [...new Uint32Array(x.buffer, x.byteOffset, x.length)]

describe('allocateUnfilled', () => {
  it('outside a scope gives a fresh zeroed Float32Array', () => {
    expect(allocateUnfilled(3)).toEqual(new Float32Array(3))
  })

  it('inside a scope hands out a pooled block as it is, where allocate zero-fills it', () => {
    const unfilled = overPoison(100, () => new Tensor(allocateUnfilled(100), [100], 'float32'))
    expect(unfilled.reused).toBe(true)
    expect(unfilled.bits.every((b) => b === 0x7fc00000)).toBe(true) // the NaNs left in the block
    const zeroed = overPoison(100, () => new Tensor(allocate('float32', 100), [100], 'float32'))
    expect(zeroed.reused).toBe(true)
    expect(zeroed.bits).toEqual(new Array(100).fill(0))
  })

  it('checks its size', () => {
    expect(() => allocateUnfilled(-1)).toThrow('allocateUnfilled: size must be an integer in [0, 2147483647], got -1')
    expect(() => allocateUnfilled(1.5)).toThrow('allocateUnfilled: size must be an integer in [0, 2147483647], got 1.5')
  })
})

describe('matmul over a poisoned pool (the Wasm gemm overwrites its result)', () => {
  // [a shape, b shape, options]: k past the 256-deep panel and below it, m and n off the 4 × 8 tile,
  // batches folded into one product and not, vectors, an empty inner dimension, a product too small for Wasm
  const cases: [number[], number[], MatmulOptions][] = [
    [[37, 300], [300, 29], {}],
    [[300, 37], [300, 29], { transposeA: true }],
    [[37, 70], [29, 70], { transposeB: true }],
    [[70, 37], [29, 70], { transposeA: true, transposeB: true }],
    [[3, 5, 17], [17, 9], {}],
    [[3, 5, 17], [3, 17, 9], {}],
    [[2, 1, 5, 17], [3, 17, 9], {}],
    [[17], [17, 40], {}],
    [[40, 17], [17], {}],
    [[40, 0], [0, 40], {}],
    [[8, 1], [1, 8], {}],
    [[128, 128], [128, 10], {}],
  ]
  for (const [sa, sb, options] of cases) {
    it(`${JSON.stringify(sa)} x ${JSON.stringify(sb)} ${JSON.stringify(options)} equals the zero-filled path bit for bit`, () => {
      const a = filled(sa, 1)
      const b = filled(sb, 2)
      const base = kernels.gemm
      // a replaced gemm (here the default behind a wrapper) takes the zero-filled, accumulating path
      const restore = useKernels({ gemm: (...args) => base(...args) })
      let want: { bits: number[]; reused: boolean }
      try {
        want = overPoison(matmul(a, b, options).size, () => matmul(a, b, options))
      } finally {
        restore()
      }
      const got = overPoison(want.bits.length, () => matmul(a, b, options))
      expect(got.bits).toEqual(want.bits)
      if (got.bits.length >= 64) expect(got.reused).toBe(true) // the result really lies over a NaN block
    })
  }

  it('gives +0 where every product is −0, as the zero-filled path does', () => {
    // A = −1 everywhere, B = +0 everywhere: each term is −0, and +0 + (−0) = +0
    const a = new Tensor(new Float32Array(40 * 30).fill(-1), [40, 30], 'float32')
    const b = new Tensor(new Float32Array(30 * 20), [30, 20], 'float32')
    const got = overPoison(800, () => matmul(a, b))
    expect(got.reused).toBe(true)
    expect(got.bits).toEqual(new Array(800).fill(0))
  })

  it('runs in the arena (the result is a scope block)', () => {
    withScope(
      'arena',
      () => {
        const c = matmul(filled([37, 300], 1), filled([300, 29], 2))
        expect(existingArena()!.holds(c.storage as Float32Array)).toBe(true)
      },
      () => null,
    )
  })
})

describe('the elementwise drivers over a poisoned pool (mapUnary and mapBinary write every element)', () => {
  /** The bits of `make()` outside any scope (a fresh zeroed array) against those it gives over NaN blocks. */
  function check(make: () => Tensor): void {
    const want = bits(make().data as Float32Array)
    const got = overPoison(want.length, make)
    expect(got.reused).toBe(true)
    expect(got.bits).toEqual(want)
  }
  const x = (shape: number[], seed: number) => filled(shape, seed)
  // 64 elements (the Wasm loops' minimum), 1001 (a tail off the 4-float vectors), 40001 (past the 16384-float slots)
  const lengths = [64, 1001, 40001]
  const unary: [string, (t: Tensor) => Tensor][] = [
    ['neg', T.neg],
    ['exp', T.exp],
    ['log', (t) => T.log(T.add(T.abs(t), 1))],
    ['sqrt', (t) => T.sqrt(T.abs(t))],
    ['tanh', T.tanh],
    ['sigmoid', T.sigmoid],
    ['relu', T.relu],
    ['square', T.square],
    ['abs (no loop)', T.abs],
    ['clip (no loop)', (t) => T.clip(t, -0.5, 0.5)],
  ]
  for (const [name, op] of unary) {
    it(`${name}: contiguous at ${lengths.join(', ')} elements, and transposed views (one block, and three)`, () => {
      for (const n of lengths) check(() => op(x([n], 3)))
      check(() => op(T.transpose(x([37, 61], 4))))
      check(() => op(T.transpose(x([200, 201], 4)))) // 40200 elements: blocks of 16384, 11908 and 11908
    })
  }
  const binary: [string, (a: Tensor, b: Tensor) => Tensor][] = [
    ['add', T.add],
    ['sub', T.sub],
    ['mul', T.mul],
    ['div', T.div],
    ['reluGrad', T.reluGrad],
    ['maximum (no loop)', T.maximum],
  ]
  for (const [name, op] of binary) {
    it(`${name}: full operands, a scalar, column and row broadcasts, transposed views`, () => {
      for (const n of lengths) check(() => op(x([n], 5), x([n], 6)))
      check(() => op(x([1001], 5), x([], 6)))
      check(() => op(x([], 5), x([1001], 6)))
      check(() => op(x([128, 10], 7), x([128, 1], 8))) // rows of 10: shorter than the loops' 16
      check(() => op(x([40, 50], 7), x([40, 1], 8)))
      check(() => op(x([100, 33], 7), x([33], 8)))
      check(() => op(T.transpose(x([37, 61], 9)), x([61, 37], 10)))
      check(() => op(T.transpose(x([37, 61], 9)), T.transpose(x([37, 61], 10))))
    })
  }
})

describe('concat, stack and gather over a poisoned pool (each copies every slice of its result)', () => {
  function check(make: () => Tensor): void {
    const want = bits(make().data as Float32Array)
    const got = overPoison(want.length, make)
    expect(got.reused).toBe(true)
    expect(got.bits).toEqual(want)
  }
  const int = (values: number[]) => T.tensor(values, { dtype: 'int32' })

  it('concat along each axis, parts of different widths, a transposed part, float32 from int32 parts', () => {
    check(() => T.concat([filled([5, 7, 3], 1), filled([5, 7, 3], 2)], 0))
    check(() => T.concat([filled([5, 2, 3], 1), filled([5, 9, 3], 2), filled([5, 1, 3], 3)], 1))
    check(() => T.concat([filled([5, 7, 1], 1), filled([5, 7, 2], 2), T.transpose(filled([3, 7, 5], 3))], 2))
    check(() => T.concat([filled([40, 3], 1), T.cast(T.ones([40, 2], { dtype: 'int32' }), 'float32')], 1))
  })

  it('stack along each axis', () => {
    for (const axis of [0, 1, 2]) check(() => T.stack([filled([6, 11], 1), filled([6, 11], 2)], axis))
  })

  it('gather along each axis, repeated indices included', () => {
    check(() => T.gather(filled([10, 8], 1), int([3, 3, 0, 9, 5, 1, 2, 7, 4]), 0))
    check(() => T.gather(filled([6, 10, 4], 1), int([9, 0, 0, 4]), 1))
    check(() => T.gather(filled([8, 4, 5], 1), int([4, 1, 2, 0]), 2))
  })
})

describe("a strided view's data over a poisoned pool (the copy writes every element)", () => {
  function check(make: () => Float32Array): void {
    const want = bits(make())
    const got = overPoison(want.length, () => new Tensor(make(), [want.length], 'float32'))
    expect(got.reused).toBe(true)
    expect(got.bits).toEqual(want)
  }
  const inArena = (t: Tensor): Tensor => T.mul(t, 1) // (inside the scope: a block of the arena)

  it('transposed and head-split views, on the heap (the JavaScript loop) and in the arena (the Wasm gather)', () => {
    loadWasmRowsSync() // installs the rows module's gather for arena views
    for (const place of [(t: Tensor) => t, inArena]) {
      check(() => T.transpose(place(filled([24, 17], 1))).data as Float32Array)
      check(() => T.transpose(place(filled([4, 16, 4, 16], 2)), [0, 2, 1, 3]).data as Float32Array)
      check(() => T.transpose(place(filled([3, 1, 5, 7], 3)), [3, 2, 1, 0]).data as Float32Array)
      check(() => T.slice(place(filled([12, 30], 4)), [0, 1], [12, 29]).data as Float32Array)
    }
  })
})

describe('the row broadcasts over a poisoned pool (the Wasm row kernel writes every row of the result)', () => {
  /** full op row (row op full when `swap`), one float32 rounding per element: the JavaScript loops' arithmetic. */
  function reference(op: string, full: Float32Array, row: Float32Array, swap: boolean): number[] {
    const f = (a: number, b: number) => (op === 'add' ? a + b : op === 'sub' ? a - b : op === 'mul' ? a * b : a / b)
    const n = row.length
    return bits(Float32Array.from(full, (x, i) => (swap ? f(row[i % n]!, x) : f(x, row[i % n]!))))
  }
  const ops: [string, number, (a: Tensor, b: Tensor) => Tensor][] = [
    ['add', BINARY.add, T.add],
    ['sub', BINARY.sub, T.sub],
    ['mul', BINARY.mul, T.mul],
    ['div', BINARY.div, T.div],
  ]
  // 3300 floats in rows of 33 (a tail off the 4-float vectors); [4, 25, 40] under a [1, 1, 40] row;
  // 60000 floats in rows of 200 (streamed CHUNK / 200 rows at a time when the input is not in the memory)
  const cases: [number[], number[]][] = [
    [[100, 33], [33]],
    [
      [4, 25, 40],
      [1, 1, 40],
    ],
    [[300, 200], [200]],
  ]
  for (const [name, code, op] of ops) {
    it(`${name}: x op row and row op x, inputs on the heap and in the arena, equal the loop bit for bit`, () => {
      expect(broadcastRows(code, filled([100, 33], 1), filled([33], 2))).not.toBeNull() // the Wasm path takes these
      for (const [xs, rs] of cases) {
        const x = filled(xs, 3)
        const row = filled(rs, 4)
        const [xd, rd] = [x.data as Float32Array, row.data as Float32Array]
        for (const swap of [false, true]) {
          const make = () => (swap ? op(row, x) : op(x, row))
          const want = reference(name, xd, rd, swap)
          expect(bits(make().data as Float32Array)).toEqual(want)
          const got = overPoison(want.length, make)
          expect(got.reused).toBe(true)
          expect(got.bits).toEqual(want)
          // the full operand made in the scope too, so it lies in the arena (read where it lies)
          const inArena = overPoison(want.length, () => {
            const xa = T.mul(x, 1)
            return swap ? op(row, xa) : op(xa, row)
          })
          expect(inArena.bits).toEqual(want)
        }
      }
    })
  }
})

describe('conv2d and its gradients over a poisoned pool (their kernels overwrite the output)', () => {
  function check(make: () => Tensor): void {
    const want = bits(make().data as Float32Array)
    const got = overPoison(want.length, make)
    expect(got.reused).toBe(want.length >= 64) // below ARENA_MIN floats: a fresh JavaScript array
    expect(got.bits).toEqual(want)
  }
  // [x shape, filter shape, options]: Wasm-sized, grouped and strided, padded with dilation, a batch of 9
  // samples of 2 × 120 × 120 (past one Wasm chunk of 2¹⁸ floats), and 81 multiply-adds (under CONV_MIN, 256:
  // the JavaScript loops) into 81 outputs (arena blocks)
  const cases: [number[], number[], T.Conv2dOptions][] = [
    [[2, 3, 12, 12], [4, 3, 3, 3], {}],
    [[2, 4, 11, 13], [6, 2, 3, 2], { groups: 2, stride: [2, 1] }],
    [[1, 2, 9, 9], [3, 2, 3, 3], { padding: 'same', dilation: 2 }],
    [[9, 2, 120, 120], [1, 2, 3, 3], { padding: 'same' }],
    [[1, 1, 9, 9], [1, 1, 1, 1], {}],
  ]
  for (const [xs, ws, options] of cases) {
    it(`${JSON.stringify(xs)} * ${JSON.stringify(ws)} ${JSON.stringify(options)}: forward, input and filter gradients`, () => {
      const x = filled(xs, 1)
      const w = filled(ws, 2)
      const dy = filled(T.conv2d(x, w, options).shape as number[], 3)
      check(() => T.conv2d(x, w, options))
      check(() => T.conv2dBackwardInput(dy, w, xs, options))
      check(() => T.conv2dBackwardFilter(x, dy, ws, options))
    })
  }
})

describe('maxPool2d and avgPool2d over a poisoned pool (their forward kernels write every output)', () => {
  const options: T.Pool2dOptions[] = [
    { kernelSize: 2 },
    { kernelSize: 3, stride: 2, padding: 1 },
    { kernelSize: [2, 3], stride: [1, 2] },
  ]
  // [2, 3, 15, 17]: the Wasm kernels, odd sides; [1, 1, 16, 16] with kernel 2: 64 outputs from 256 taps,
  // under POOL_MIN (512): the JavaScript loops
  for (const shape of [
    [2, 3, 15, 17],
    [1, 1, 16, 16],
  ]) {
    it(`${JSON.stringify(shape)} with ${options.map((o) => JSON.stringify(o)).join(', ')}`, () => {
      for (const o of options) {
        for (const pool of [T.maxPool2d, T.avgPool2d]) {
          const make = () => pool(filled(shape, 1), o)
          const want = bits(make().data as Float32Array)
          const got = overPoison(want.length, make)
          expect(got.reused).toBe(want.length >= 64)
          expect(got.bits).toEqual(want)
        }
      }
    })
  }
})
