import { describe, expect, it } from 'vitest'
import { add, div, mul, reshape, sub, tensor, toWasmMemory, transpose } from '../../index.js'
import { Tensor } from '../../tensor.js'
import { initWasm, useWasm } from '../../seam.js'
import { BINARY } from '../elementwise/ops.generated.js'
import { traffic } from '../runtime/memory.js'
import { broadcastRows } from './broadcast.js'

await initWasm()

/** Floats from a seeded xorshift32, with a few specials mixed in. */
function floats(seed: number, n: number): Float32Array {
  let s = seed
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-40, 3e38]
  return Float32Array.from({ length: n }, (_, i) => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return i % 37 === 5 ? specials[i % specials.length]! : ((s >>> 0) / 4294967296 - 0.5) * 200
  })
}
const f32 = (x: Float32Array, shape: number[]) => new Tensor(x, shape, 'float32')
const bits = (t: Tensor) => [...new Uint32Array(Float32Array.from(t.data as Float32Array).buffer)]

/** The op with the Wasm kernels off: the JavaScript loops of the strided path. */
function withoutWasm<T>(run: () => T): T {
  const restore = useWasm(false)
  try {
    return run()
  } finally {
    restore()
  }
}

describe('row-broadcast binary ops (a bias add)', () => {
  const ops = { add, sub, mul, div }
  for (const [full, row] of [
    [[64, 7], [7]],
    [
      [2, 32, 64],
      [1, 64],
    ],
    [[512, 64], [64]],
    [
      [32, 16, 64],
      [16, 64],
    ],
    [
      [4, 16, 1, 8],
      [1, 16, 1, 8],
    ],
  ] as [number[], number[]][])
    for (const [name, op] of Object.entries(ops))
      it(`${name}: [${full}] with [${row}], either order, equals the JavaScript loop bit for bit`, () => {
        const x = f32(
          floats(
            full.length * 100 + full[1]!,
            full.reduce((p, d) => p * d, 1),
          ),
          [...full],
        )
        const b = f32(
          floats(
            row.length + 7,
            row.reduce((p, d) => p * d, 1),
          ),
          [...row],
        )
        for (const [l, r] of [
          [x, b],
          [b, x],
        ] as const) {
          const want = withoutWasm(() => op(l, r))
          const got = op(l, r)
          expect(got.shape).toEqual(want.shape)
          // NaNs compared as NaN (their payload is the engine's)
          const g = bits(got)
          bits(want).forEach((w, i) => {
            if (Number.isNaN((want.data as Float32Array)[i])) expect((got.data as Float32Array)[i]).toBeNaN()
            else expect(g[i]).toBe(w)
          })
        }
      })

  it('takes a row broadcast in one call, reading arena operands in place', () => {
    // rows of 128: an arena array has at least OPTIM_MIN (96) floats
    const x = toWasmMemory(reshape(tensor(Array.from({ length: 512 }, (_, i) => i)), [4, 128]))
    const b = toWasmMemory(tensor(Array.from({ length: 128 }, (_, i) => -i)))
    const before = traffic.bytes
    const y = broadcastRows(BINARY.add, x, b)!
    // neither operand copied in; the result copied out unless it was born in the memory too
    expect(traffic.bytes - before).toBe(y.data.buffer === x.data.buffer ? 0 : 512 * 4)
    expect([...y.data.subarray(128, 132)]).toEqual([128, 128, 128, 128]) // row 1: (128 + j) + (−j)
  })

  it('leaves other shapes, views, small calls and float64 to the binary ops own loops (null)', () => {
    const x = f32(new Float32Array(512), [8, 64])
    expect(broadcastRows(BINARY.add, x, f32(new Float32Array(8), [8, 1]))).toBeNull() // a column, not a row
    expect(broadcastRows(BINARY.add, x, f32(new Float32Array(512), [8, 64]))).toBeNull() // no broadcast
    expect(
      broadcastRows(BINARY.add, transpose(f32(new Float32Array(512), [64, 8])), f32(new Float32Array(64), [64])),
    ).toBeNull()
    expect(broadcastRows(BINARY.add, f32(new Float32Array(128), [2, 64]), f32(new Float32Array(64), [64]))).toBeNull() // under ROWS_MIN
    expect(
      broadcastRows(
        BINARY.add,
        tensor(new Float64Array(512), { dtype: 'float64', shape: [8, 64] }),
        tensor(new Float64Array(64), { dtype: 'float64' }),
      ),
    ).toBeNull()
    expect(broadcastRows(BINARY.add, x, f32(new Float32Array(1), [1]))).toBeNull() // a scalar
    // trailing blocks: a [16, 64] table over [32, 16, 64] is one; [16, 1] or [2, 64] over it are not
    const batch = f32(new Float32Array(32 * 16 * 64), [32, 16, 64])
    expect(broadcastRows(BINARY.add, batch, f32(new Float32Array(1024), [16, 64]))?.shape).toEqual([32, 16, 64])
    expect(broadcastRows(BINARY.add, batch, f32(new Float32Array(16), [16, 1]))).toBeNull()
    expect(broadcastRows(BINARY.add, batch, f32(new Float32Array(128), [2, 64]))).toBeNull()
    expect(broadcastRows(BINARY.add, batch, f32(new Float32Array(1024), [16, 1, 64]))).toBeNull() // it would grow
    // a row longer than the kernel's slots goes to the strided path
    expect(
      broadcastRows(BINARY.add, f32(new Float32Array(2 * 16400), [2, 16400]), f32(new Float32Array(16400), [16400])),
    ).toBeNull()
  })
})
