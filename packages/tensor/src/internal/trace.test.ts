import { beforeAll, describe, expect, it } from 'vitest'
import * as T from '../index.js'
import { Tensor } from '../tensor.js'
import { outsideScopes, withScope } from '../kernels/runtime/scope.js'
import { recordTrace } from './record.js'
import { isTracing, kernel, TraceRefused } from './trace.js'
import { isMadeKey } from '../rng.js'

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

  it('hands out results that the next replay releases', () => {
    const x = ramp(4, [4])
    const r = recordTrace(
      () => T.exp(x),
      [x.storage],
      (y) => [y],
    )
    const [first] = r.results()
    expect(first!.toArray()).toEqual(r.outputs[0]!.toArray())
    expect(first!.storage).toBe(r.outputs[0]!.storage)
    r.replay()
    expect(() => first!.data).toThrow(
      'compile: this tensor was a result of a compiled step, and a later step wrote its values again; copy what you ' +
        'keep past the step (tensor(t.data.slice(), { shape: t.shape }))',
    )
    expect(r.results()[0]!.toArray()).toEqual(T.exp(x).toArray())
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

  it('draws random ops anew at each replay from the keys bindKey gives, and keys made inside as constants', () => {
    const x = ramp(12, [3, 4])
    const draws = (key: T.PRNGKey): Tensor[] => {
      const [a, b, c] = T.splitKey(key, 3)
      const fixed = T.normal(T.prngKey(5), [3, 4]) // not an argument: the same at every replay
      return [
        T.mul(x, T.bernoulli(T.foldIn(a, 7), [3, 4], { p: 0.4 })),
        T.add(T.uniform(b, [3, 4], { low: -1, high: 2 }), T.truncatedNormal(c, [3, 4], { dtype: 'float32' })),
        T.add(fixed, T.normal(key, [3, 4])),
        T.randint(key, [5], -3, 9),
        T.permutation(c, 6),
        T.shuffle(b, x, { axis: 1 }),
        // the class draws read their logits and weights at each replay too
        T.categorical(T.foldIn(b, 2), T.mul(x, 3), { shape: [5, 3] }),
        T.categorical(a, T.transpose(T.mul(x, 2))), // over a view
        T.multinomial(c, T.exp(T.mul(x, 2)), 3),
        T.multinomial(a, T.exp(x), 6, { replacement: true }),
      ]
    }
    const keys = T.splitKey(T.prngKey(11), 4)
    const r = recordTrace(
      ([k]) => draws(k!),
      [x.storage],
      (y) => y,
      [keys[0]!],
    )
    expect(r.outputs.map((t) => t.toArray())).toEqual(draws(keys[0]!).map((t) => t.toArray()))
    for (const key of keys.slice(1)) {
      x.storage.reverse()
      r.bindKey(0, key)
      r.replay()
      expect(r.outputs.map((t) => t.toArray())).toEqual(draws(key).map((t) => t.toArray()))
    }
    expect(() => r.bindKey(1, keys[0]!)).toThrow('bindKey: i must be an integer in [0, 0], got 1')
    expect(() => r.bindKey(0, [1, -1])).toThrow(
      'bindKey: key must be a pair of uint32 (from prngKey or splitKey), got [1,-1]',
    )
  })

  it('refuses JavaScript reading the numbers of a key argument or of one derived from it', () => {
    const message =
      /^JavaScript read the numbers of a random key the step takes as an argument \(or derives from one\), which each step gives anew; hand it only to @gd\/tensor's random functions, splitKey and foldIn \(at .*trace\.test\.ts/
    const record = (f: (key: T.PRNGKey) => unknown) =>
      refused(() =>
        recordTrace(
          ([k]) => f(k!),
          [],
          () => [],
          [T.prngKey(1)],
        ),
      )
    expect(record((k) => T.full([2], k[0]))).toMatch(message)
    expect(record((k) => T.full([2], T.splitKey(k)[1]![1]))).toMatch(message)
    expect(record((k) => T.tensor([...T.foldIn(k, 3)]))).toMatch(message)
    // the stand-ins are keys to every check, and their length may be read
    let kept: T.PRNGKey | undefined
    recordTrace(
      ([k]) => {
        kept = k
        return k!.length
      },
      [],
      () => [],
      [T.prngKey(2)],
    )
    expect([...kept!]).toEqual([0, 2]) // after the recording, the values it had
  })

  it('checks the logits and weights of class draws at each replay, with the ops’ own messages', () => {
    const x = T.tensor([0, 1, 2, 3], { shape: [2, 2] })
    const r = recordTrace(
      ([k]) => [T.categorical(k!, x), T.multinomial(k!, T.abs(x), 1)],
      [x.storage],
      (y) => y,
      [T.prngKey(1)],
    )
    x.storage.set([-Infinity, -Infinity, 2, 3])
    expect(() => r.replay()).toThrow('categorical: every logit of row [0] is -Infinity, so no class can be drawn')
    x.storage.set([1, NaN, 2, 3])
    expect(() => r.replay()).toThrow('categorical: logits[0,1] must be a finite number or -Infinity, got NaN')
    x.storage.set([1, 0, 0, 0])
    expect(() => r.replay()).toThrow('multinomial: probs[1] must hold a positive weight, got [0,0]')
    x.storage.set([1, 0, 0, 2])
    r.bindKey(0, T.prngKey(4))
    r.replay()
    expect(r.outputs.map((t) => t.toArray())).toEqual([T.categorical(T.prngKey(4), x).toArray(), [[0], [1]]])
  })

  it('tells the keys prngKey, splitKey and foldIn made from pairs written by hand', () => {
    const key = T.prngKey(3)
    expect(isMadeKey(key)).toBe(true)
    expect(isMadeKey(T.splitKey(key)[1])).toBe(true)
    expect(isMadeKey(T.foldIn(key, 2))).toBe(true)
    expect(isMadeKey([0, 3])).toBe(false)
    expect(isMadeKey(JSON.parse(JSON.stringify(key)))).toBe(false)
    expect(isMadeKey(null)).toBe(false)
  })
})
