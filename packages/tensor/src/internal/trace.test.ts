import { beforeAll, describe, expect, it } from 'vitest'
import * as T from '../index.js'
import { Tensor } from '../tensor.js'
import { outsideScopes, withScope } from '../kernels/runtime/scope.js'
import { recordTrace } from './record.js'
import { isTracing, kernel, TraceRefused } from './trace.js'

/** The message of what `f` throws, and that it is a TraceRefused. */
function refused(f: () => unknown): string {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(TraceRefused)
    return (e as Error).message
  }
  throw new Error('did not throw')
}

const ramp = (n: number, shape: number[]): Tensor =>
  T.tensor(
    Array.from({ length: n }, (_, i) => Math.sin(i)),
    { shape },
  )

describe('recordTrace', () => {
  beforeAll(() => T.initWasm())

  it('replays the calls on the inputs’ new values, giving what the ops give eagerly, bit for bit', () => {
    const x = ramp(96 * 40, [96, 40])
    const w = ramp(40 * 8, [40, 8])
    const f = () => T.mean(T.relu(T.add(T.matmul(x, T.transpose(T.reshape(w, [8, 40]))), 0.5)), { axis: 0 })
    const first = f().toArray()
    const r = recordTrace(f, [x.storage, w.storage], (y) => [y])
    expect(r.outputs[0]!.toArray()).toEqual(first)
    for (let k = 0; k < 3; k++) {
      x.storage.set(ramp(96 * 40, [96 * 40]).data.map((v) => v * (k + 2)))
      w.storage.reverse()
      r.replay()
      expect(r.outputs[0]!.toArray()).toEqual(f().toArray())
    }
  })

  it('puts constants back at each replay, zero-fills outputs not written whole, and reads caches where they lie', () => {
    const x = ramp(8, [8])
    let cache: Tensor | undefined
    const f = () => {
      cache ??= outsideScopes(() => T.exp(T.arange(8)))
      return T.sum(T.mul(T.add(x, T.full([8], 2)), cache), { axis: 0 })
    }
    const r = recordTrace(f, [x.storage], (y) => [y])
    expect(isTracing()).toBe(false)
    x.storage.fill(1)
    r.replay()
    r.replay()
    expect(r.outputs[0]!.item()).toBe(f().item())
    // the cache was computed outside the trace: kept, and read as it is now
    expect(cache!.toArray()).toEqual(T.exp(T.arange(8)).toArray())
    cache!.storage.fill(1)
    r.replay()
    expect(r.outputs[0]!.item()).toBe(24)
  })

  it('releases every tensor the run made: replays write their arrays again', () => {
    const x = ramp(4, [4])
    let kept: Tensor | undefined
    const r = recordTrace(
      () => {
        kept = T.square(x)
        return T.add(kept, 1)
      },
      [x.storage],
      (y) => [y],
    )
    expect(() => kept!.data).toThrow(
      'compile: this tensor was an intermediate of a compiled step, whose later steps write its values again; run the step without { compile: true } to keep its intermediates',
    )
    expect(r.outputs[0]!.toArray()).toEqual(T.add(T.square(x), 1).toArray())
  })

  it('refuses a result no kept call wrote, a value read in JavaScript, and an operand another scope owns', () => {
    const x = ramp(4, [4])
    expect(
      refused(() =>
        recordTrace(
          () => new Tensor(new Float32Array(4), [4], 'float32'),
          [],
          (y) => [y],
        ),
      ),
    ).toMatch(/^a tensor was computed by an op that cannot be replayed yet \(at .*trace\.test\.ts/)
    expect(
      refused(() =>
        recordTrace(
          () => T.tensor([T.sum(x).item()]),
          [x.storage],
          (y) => [y],
        ),
      ),
    ).toMatch(/^JavaScript read the values of a tensor the step computes \(data, item, toArray or printing\)/)
    withScope(
      'outer',
      () => {
        const owned = T.exp(ramp(128, [128]))
        expect(
          refused(() =>
            recordTrace(
              () => T.add(owned, 1),
              [],
              (y) => [y],
            ),
          ),
        ).toMatch(/^an operand is an intermediate of an enclosing transform, which may release it between replays/)
      },
      () => null,
    )
    expect(
      refused(() =>
        recordTrace(
          () =>
            recordTrace(
              () => x,
              [],
              () => [],
            ),
          [],
          () => [],
        ),
      ),
    ).toBe('a step is already being compiled (compile inside compile)')
    expect(isTracing()).toBe(false)
  })

  it('keeps a kernel call that returns false out of the trace', () => {
    const out = new Float32Array(2)
    expect(kernel(out, () => false, true)).toBe(false)
    const x = ramp(2, [2])
    const r = recordTrace(
      () => {
        kernel(out, () => false, true)
        return T.neg(x)
      },
      [x.storage],
      (y) => [y],
    )
    x.storage.set([3, 4])
    r.replay()
    expect(r.outputs[0]!.toArray()).toEqual([-3, -4])
  })
})
