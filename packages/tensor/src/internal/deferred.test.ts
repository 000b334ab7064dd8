import fc from 'fast-check'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import {
  add,
  div,
  exp,
  log,
  mul,
  neg,
  relu,
  reluGrad,
  reshape,
  sigmoid,
  sqrt,
  square,
  sub,
  tanh,
  tensor,
  Tensor,
  transpose,
} from '../index.js'
import { initWasm, useWasm } from '../seam.js'
import { MAX_CHAIN } from './deferred.js'
import { FUSE_MIN } from './deferredLeaves.js'
import { beforeInPlaceWrite } from './beforeInPlaceWrite.js'
import { sharedMemory, traffic } from '../kernels/runtime/memory.js'
import { useScopes, withScope } from '../kernels/runtime/scope.js'
import { fusedKernels } from '../kernels/registry.js'
import { CHUNK } from '../kernels/elementwise/wasm.js'

beforeAll(async () => {
  await initWasm()
})

/** Whether `t` is a deferred result whose values are not computed yet. */
const deferred = (t: Tensor): boolean => t.__pending() !== null

/** A user's own array wrapped without a copy: ops on it run now (they never defer over an array @gd does not own). */
const wrap = (values: Tensor['storage'], shape: readonly number[] = [values.length]): Tensor =>
  new Tensor(values as Float32Array, shape, 'float32')

/** n values spread over [-4, 4) and a few special ones, from a seed. */
function values(n: number, seed: number): Float32Array {
  const v = new Float32Array(n)
  let s = seed >>> 0 || 1
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    v[i] = (s / 2 ** 32) * 8 - 4
  }
  v[0] = 0
  v[1] = -0
  v[2] = NaN
  v[3] = Infinity
  v[4] = -90 // exp's subnormal range
  return v
}

/** Bit-for-bit equality of two float32 arrays (NaN equals NaN, +0 differs from −0). */
function sameBits(a: ArrayBufferView & { length: number }, b: ArrayBufferView & { length: number }): boolean {
  if (a.length !== b.length) return false
  const x = new Int32Array(a.buffer, a.byteOffset, a.length)
  const y = new Int32Array(b.buffer, b.byteOffset, b.length)
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false
  return true
}

const unaries = { neg, square, sqrt, exp, log, tanh, sigmoid, relu } as const
const binaries = { add, sub, mul, div, reluGrad } as const

/** One op of a random chain: a unary op, or a binary op with the running value on either side of a leaf or a scalar. */
type Step =
  | { kind: 'unary'; op: keyof typeof unaries }
  | { kind: 'binary'; op: keyof typeof binaries; other: 'x' | 'y' | number; right: boolean }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('unary' as const),
    op: fc.constantFrom(...(Object.keys(unaries) as (keyof typeof unaries)[])),
  }),
  fc.record({
    kind: fc.constant('binary' as const),
    op: fc.constantFrom(...(Object.keys(binaries) as (keyof typeof binaries)[])),
    other: fc.oneof(fc.constantFrom('x' as const, 'y' as const), fc.float({ min: -3, max: 3, noNaN: true })),
    right: fc.boolean(),
  }),
)

/** Runs `steps` from `x`, reading operands from `leaves`; `fresh` makes each intermediate what the next op reads. */
function runChain(
  steps: readonly Step[],
  x: Tensor,
  leaves: { x: Tensor; y: Tensor },
  fresh: (t: Tensor) => Tensor,
): Tensor {
  let v = x
  for (const s of steps) {
    if (s.kind === 'unary') v = fresh(unaries[s.op](v))
    else {
      const other = typeof s.other === 'number' ? s.other : leaves[s.other]
      v = fresh(s.right ? binaries[s.op](other, v) : binaries[s.op](v, other))
    }
  }
  return v
}

describe('deferred elementwise chains', () => {
  it('give the eager path bits on random chains (unary, binary with a leaf or a scalar on either side, x used twice)', () => {
    // n crosses CHUNK blocks and ends in a part of a 4-float vector
    const n = 4 * CHUNK + 7
    const xs = values(n, 1)
    const ys = values(n, 2)
    const X = tensor(xs)
    const Y = tensor(ys)
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        const lazy = runChain(steps, X, { x: X, y: Y }, (t) => t)
        expect(deferred(lazy)).toBe(true)
        // eager: every input a user's array, so each op runs when called
        const eager = runChain(steps, wrap(xs.slice()), { x: wrap(xs.slice()), y: wrap(ys.slice()) }, (t) => {
          expect(deferred(t)).toBe(false)
          return wrap(t.data.slice(), t.shape)
        })
        expect(sameBits(lazy.data, eager.data)).toBe(true)
      }),
      { numRuns: 60 },
    )
  })

  it('computes on the first read, into one array of the JavaScript heap that later reads return', () => {
    const X = tensor(values(FUSE_MIN, 3))
    const y = relu(mul(sigmoid(exp(tanh(add(mul(X, 0.5), 0.25)))), X))
    expect(deferred(y)).toBe(true)
    const first = y.storage
    expect(deferred(y)).toBe(false)
    expect(y.storage).toBe(first)
    expect(first.buffer).not.toBe(sharedMemory()!.memory.buffer)
    expect(y.shape).toEqual([FUSE_MIN])
    expect(y.dtype).toBe('float32')
    // x = 0.5: relu(sigmoid(exp(tanh(0.5))) · 0.5) = 0.5 / (1 + e^(−e^0.462117)) = 0.4214…
    const x = tensor(new Float32Array(FUSE_MIN).fill(0.5))
    const z = relu(mul(sigmoid(exp(tanh(add(mul(x, 0.5), 0.25)))), x))
    expect(z.data[FUSE_MIN - 1]).toBeCloseTo(0.5 / (1 + Math.exp(-Math.exp(Math.tanh(0.5)))), 6)
  })

  it('copies each block of the input and of each array operand in once and the result out once', () => {
    const n = FUSE_MIN
    const X = tensor(values(n, 15))
    const y = relu(mul(sigmoid(exp(tanh(add(mul(X, 0.5), 0.25)))), X))
    const before = traffic.bytes
    void y.data
    // X in, X again as mul's operand, y out: 3 · 4n bytes (eagerly: 7 ops, each in and out, and X once more: 15 · 4n)
    expect(traffic.bytes - before).toBe(3 * 4 * n)
  })

  it('leaves ops under FUSE_MIN elements, on other dtypes, and with Wasm off eager', () => {
    const small = tensor(values(FUSE_MIN - 1, 4))
    expect(deferred(exp(small))).toBe(false)
    expect(deferred(add(small, small))).toBe(false)
    const f64 = tensor(new Float64Array(FUSE_MIN))
    expect(deferred(exp(f64))).toBe(false)
    const big = tensor(values(FUSE_MIN, 4))
    expect(deferred(exp(big))).toBe(true)
    useWasm(false)
    try {
      expect(deferred(exp(big))).toBe(false)
    } finally {
      useWasm(true)
    }
  })

  it('never defers over a user array (written later) or a strided view, and the result keeps its values', () => {
    const mine = values(FUSE_MIN, 5)
    const t = wrap(mine)
    const y = exp(t)
    expect(deferred(y)).toBe(false)
    const before = y.data.slice()
    mine.fill(7)
    expect(sameBits(y.data, before)).toBe(true)
    const m = reshape(tensor(values(FUSE_MIN, 6)), [256, 256])
    expect(deferred(exp(transpose(m)))).toBe(false)
    expect(deferred(exp(m))).toBe(true)
    // a contiguous view at an offset of an array @gd allocated: read from there
    const two = values(2 * FUSE_MIN, 16)
    const second = new Tensor(tensor(two).storage, [FUSE_MIN], 'float32', [1], FUSE_MIN)
    const y2 = add(exp(second), second)
    expect(deferred(y2)).toBe(true)
    const e2 = exp(wrap(two.slice(FUSE_MIN))).data
    expect(sameBits(y2.data, add(wrap(e2.slice()), wrap(two.slice(FUSE_MIN))).data)).toBe(true)
  })

  it('caps a chain at MAX_CHAIN ops: a loop computes its input every MAX_CHAIN steps, with the eager bits', () => {
    const xs = values(FUSE_MIN + 3, 7)
    let y: Tensor = tensor(xs)
    let e = wrap(xs.slice())
    for (let i = 0; i < 5 * MAX_CHAIN + 3; i++) {
      const before = y
      y = mul(y, 0.99)
      expect(deferred(y)).toBe(true)
      // the op that starts a new chain has computed its input
      if (i % MAX_CHAIN === 0 && i > 0) expect(deferred(before)).toBe(false)
      e = wrap(mul(e, 0.99).data.slice())
    }
    expect(sameBits(y.data, e.data)).toBe(true)
  })

  it('reads an intermediate and the end of one chain, in either order, with the eager bits', () => {
    const xs = values(FUSE_MIN, 8)
    const X = tensor(xs)
    const a = exp(X)
    const b = tanh(a)
    // two deferred operands: a (the other) is computed when c is made, and c continues b's chain, which
    // then starts from a's computed values
    const c = mul(b, a)
    expect(deferred(a)).toBe(false)
    expect(deferred(b)).toBe(true)
    const d = sigmoid(b)
    const ea = exp(wrap(xs.slice()))
    const eb = tanh(wrap(ea.data.slice()))
    expect(sameBits(d.data, sigmoid(wrap(eb.data.slice())).data)).toBe(true)
    expect(sameBits(b.data, eb.data)).toBe(true)
    expect(sameBits(c.data, mul(wrap(eb.data.slice()), wrap(ea.data.slice())).data)).toBe(true)
    // mul(y, y) of one deferred y; add of two deferred operands
    const y = sqrt(X)
    const yy = mul(y, y)
    const p = add(neg(X), square(X))
    const ey = sqrt(wrap(xs.slice())).data.slice()
    expect(sameBits(yy.data, mul(wrap(ey), wrap(ey.slice())).data)).toBe(true)
    const en = neg(wrap(xs.slice())).data.slice()
    const es = square(wrap(xs.slice())).data.slice()
    expect(sameBits(p.data, add(wrap(en), wrap(es)).data)).toBe(true)
  })

  it('keeps the values a chain captured when an in-place write (an optimizer step) comes before its read', () => {
    const ws = values(FUSE_MIN, 9)
    const w = tensor(ws)
    const y = exp(w)
    const e = exp(wrap(ws.slice())).data.slice()
    beforeInPlaceWrite(w)
    w.storage.fill(0)
    expect(sameBits(y.data, e)).toBe(true)
    // a chain made from a deferred result that was computed, then written in place
    const u = tensor(ws)
    const a = exp(u)
    const b = tanh(a)
    void a.data
    beforeInPlaceWrite(a)
    a.storage.fill(1)
    expect(sameBits(b.data, tanh(wrap(e.slice())).data)).toBe(true)
    // a later chain reads the new values
    expect(exp(a).data[0]).toBeCloseTo(Math.E, 5)
  })

  it('keeps the values a chain captured when a fused optimizer kernel writes the array it read', () => {
    const ws = values(FUSE_MIN, 15)
    const w = tensor(ws)
    const y = exp(w)
    const e = exp(wrap(ws.slice())).data.slice()
    const n = FUSE_MIN
    const [g, m, v] = [new Float32Array(n).fill(1), new Float32Array(n), new Float32Array(n)]
    // an extension's own step, straight into the parameter's storage: Adam's first step moves it by −1e-3
    expect(fusedKernels()!.adam(g, m, v, w.storage as Float32Array, true, -1e-3, 0.9, 0.999, 10, 1000, 1e-8, 0)).toBe(
      true,
    )
    expect(w.data[0]).toBeCloseTo(ws[0]! - 1e-3, 6)
    expect(sameBits(y.data, e)).toBe(true)
  })

  it('computes a deferred result read inside a scope into an array of the collector, readable after it closes', () => {
    const restore = useScopes(true) // whatever GD_SCOPES says (the CI's scopes-off step)
    onTestFinished(restore)
    const X = tensor(values(FUSE_MIN, 10))
    const y = exp(X)
    let inside: Tensor | undefined
    withScope(
      'step',
      () => {
        // a result made inside the scope is eager, in the arena
        inside = exp(X)
        expect(deferred(inside)).toBe(false)
        expect(inside.storage.buffer).toBe(sharedMemory()!.memory.buffer)
        return sub(y, 1).size
      },
      () => null,
    )
    expect(y.storage.buffer).not.toBe(sharedMemory()!.memory.buffer)
    expect(y.data[10]).toBeCloseTo(Math.exp(X.data[10]!), 0)
    expect(() => inside!.data).toThrow('step: this tensor was an intermediate of step and was released')
  })

  it('throws argument, shape and released errors when called, as the eager path does', () => {
    const restore = useScopes(true)
    onTestFinished(restore)
    const X = tensor(values(FUSE_MIN, 11))
    const y = exp(X)
    expect(() => add(y, tensor([1, 2, 3]))).toThrow(`add: cannot broadcast shapes [${FUSE_MIN}] and [3]`)
    expect(deferred(y)).toBe(true)
    let leaked: Tensor | undefined
    withScope(
      'step',
      () => {
        leaked = exp(X)
      },
      () => null,
    )
    const message =
      'step: this tensor was an intermediate of step and was released when it returned; return it from the function to keep it'
    expect(() => exp(leaked!)).toThrow(message)
    expect(() => add(leaked!, 1)).toThrow(message)
    expect(() => mul(y, leaked!)).toThrow(message)
    expect(() => sub(2, leaked!)).toThrow(message)
    expect(deferred(y)).toBe(true)
  })

  it('runs ops on a tensor of an older copy of @gd/tensor (branded, without __pending) at once', () => {
    const s = values(FUSE_MIN, 14)
    const fields = { dtype: 'float32', shape: [FUSE_MIN], strides: [1], offset: 0, size: FUSE_MIN, rank: 1 }
    const old = { __gdTensor: true, ...fields, isContiguous: true, storage: s, data: s } as unknown as Tensor
    const e = exp(wrap(s.slice())).data
    expect(sameBits(exp(old).data, e)).toBe(true)
    const X = tensor(s)
    expect(sameBits(add(exp(X), old).data, add(wrap(e.slice()), wrap(s.slice())).data)).toBe(true)
    expect(sameBits(mul(old, exp(X)).data, mul(wrap(s.slice()), wrap(e.slice())).data)).toBe(true)
  })

  it('shows its values to deep equality and to a read of its fields, computed then', () => {
    const X = tensor(values(FUSE_MIN, 13))
    const a = exp(X)
    const b = exp(X)
    const c = exp(neg(X))
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
    const d = sqrt(X)
    expect(deferred(d)).toBe(true)
    expect((d as unknown as { _storage: Float32Array })._storage).toBe(d.storage)
    expect(deferred(d)).toBe(false)
    expect(Object.keys(d)).toEqual(Object.keys(X))
  })

  it('shows computed values through views, printing and toArray', () => {
    const X = tensor(values(2 * FUSE_MIN, 12))
    const y = reshape(neg(X), [2, FUSE_MIN])
    expect(transpose(y).shape).toEqual([FUSE_MIN, 2])
    expect(transpose(y).data[1]).toBe(-X.data[FUSE_MIN]!)
    const z = neg(X)
    expect(String(z).startsWith(`Tensor(float32, [${2 * FUSE_MIN}]) [0, 0, NaN, ...`)).toBe(true)
    const a = neg(X)
    expect((a.toArray() as number[])[4]).toBe(90)
  })
})
