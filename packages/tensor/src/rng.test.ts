import { describe, expect, it } from 'vitest'
import { checkKey, foldIn, prngKey, randomBits, splitKey, threefry2x32, type PRNGKey } from './rng.js'

const hash = (key: PRNGKey, hi: number, lo: number): [number, number] => {
  const out = new Uint32Array(2)
  threefry2x32(key, hi, lo, out, 0)
  return [out[0]!, out[1]!]
}

describe('threefry2x32', () => {
  it('matches the Random123 known-answer vectors (20 rounds)', () => {
    // From random123/tests/kat_vectors: counter, key -> output.
    expect(hash([0, 0], 0, 0)).toEqual([0x6b200159, 0x99ba4efe])
    expect(hash([0xffffffff, 0xffffffff], 0xffffffff, 0xffffffff)).toEqual([0x1cb996fc, 0xbb002be7])
    expect(hash([0x13198a2e, 0x03707344], 0x243f6a88, 0x85a308d3)).toEqual([0xc4923a9c, 0x483df7a0])
  })

  it("reproduces JAX's documented split of PRNGKey(0) in its original (non-partitionable) layout", () => {
    // JAX's docs print random.split(PRNGKey(0)) as [[4146024105, 967050713], [2718843009, 1272950319]].
    // That layout hashes counters (0, 2) and (1, 3) and interleaves the words.
    const a = hash([0, 0], 0, 2)
    const b = hash([0, 0], 1, 3)
    expect([a[0], b[0]]).toEqual([4146024105, 967050713])
    expect([a[1], b[1]]).toEqual([2718843009, 1272950319])
  })
})

describe('prngKey', () => {
  it('splits the seed into high and low 32-bit words like jax.random.PRNGKey', () => {
    expect(prngKey(0)).toEqual([0, 0])
    expect(prngKey(42)).toEqual([0, 42])
    expect(prngKey(2 ** 32 + 5)).toEqual([1, 5])
    expect(prngKey(-1)).toEqual([0xffffffff, 0xffffffff])
    expect(prngKey(2n ** 64n - 1n)).toEqual([0xffffffff, 0xffffffff])
  })

  it('is plain data that survives a JSON round trip', () => {
    const key = splitKey(prngKey(7))[1]!
    const back = JSON.parse(JSON.stringify(key)) as PRNGKey
    expect(back).toEqual(key)
    expect(splitKey(back)).toEqual(splitKey(key))
  })

  it('rejects seeds that are not 64-bit integers', () => {
    expect(() => prngKey(1.5)).toThrow('prngKey: seed must be a safe integer or a bigint, got 1.5')
    expect(() => prngKey(2 ** 60)).toThrow('prngKey: seed must be a safe integer or a bigint, got 1152921504606847000')
    expect(() => prngKey(2n ** 64n)).toThrow('prngKey: seed must fit in 64 bits, got 18446744073709551616')
  })
})

describe('splitKey and foldIn', () => {
  it('are deterministic and give distinct keys', () => {
    const key = prngKey(123)
    const keys = splitKey(key, 1000)
    expect(splitKey(key, 1000)).toEqual(keys)
    expect(new Set(keys.map((k) => k.join(','))).size).toBe(1000)
    expect(keys).not.toContainEqual(key)
  })

  it('key i of a split is the hash of counter i, the same as foldIn(key, i)', () => {
    const key = prngKey(9)
    const keys = splitKey(key, 5)
    expect(keys[3]).toEqual(hash(key, 0, 3))
    expect(foldIn(key, 3)).toEqual(keys[3])
    // A prefix of a longer split is the shorter split.
    expect(splitKey(key, 2)).toEqual(keys.slice(0, 2))
    expect(foldIn(key, 2 ** 32 + 1)).toEqual(hash(key, 1, 1))
  })

  it("has golden values, the same as JAX's (catches a change of algorithm)", () => {
    // splitKey(prngKey(0))[0] is threefry of counter 0 under key [0, 0]: the first KAT vector.
    expect(splitKey(prngKey(0))).toEqual([[0x6b200159, 0x99ba4efe], hash([0, 0], 0, 1)])
    // jax.random.split(jax.random.key(0), 3) under JAX's default partitionable Threefry.
    expect(splitKey(prngKey(0), 3)).toEqual([
      [1797259609, 2579123966],
      [928981903, 3453687069],
      [4146024105, 2718843009],
    ])
    expect(splitKey(prngKey(42))).toEqual([
      [1832780943, 270669613],
      [64467757, 2916123636],
    ])
  })

  it('rejects bad keys and counts', () => {
    expect(() => splitKey([1, 2, 3] as never)).toThrow(
      'splitKey: key must be a pair of uint32 (from prngKey or splitKey), got [1,2,3]',
    )
    expect(() => splitKey([-1, 0])).toThrow(
      'splitKey: key must be a pair of uint32 (from prngKey or splitKey), got [-1,0]',
    )
    expect(() => splitKey(42 as never)).toThrow(
      'splitKey: key must be a pair of uint32 (from prngKey or splitKey), got 42',
    )
    expect(() => splitKey(prngKey(0), 1.5)).toThrow('splitKey: num must be a non-negative integer, got 1.5')
    expect(() => foldIn(prngKey(0), -1)).toThrow('foldIn: data must be a non-negative safe integer, got -1')
    expect(() => checkKey('dropout', [0, 2 ** 32])).toThrow(
      'dropout: key must be a pair of uint32 (from prngKey or splitKey), got [0,4294967296]',
    )
    expect(() => randomBits(prngKey(0), -2)).toThrow('randomBits: n must be a non-negative integer, got -2')
    expect(() => randomBits(prngKey(0), 2 ** 31)).toThrow(
      'randomBits: shape [2147483648] has 2147483648 elements, more than the limit of 2147483647',
    )
    const out = new Uint32Array(2)
    expect(() => threefry2x32([0, 0], -1, 0, out, 0)).toThrow(
      'threefry2x32: counterHi must be an integer in [0, 4294967295], got -1',
    )
    expect(() => threefry2x32([0, 0], 0, 0, out, 1)).toThrow('threefry2x32: at must be an integer in [0, 0], got 1')
    expect(() => threefry2x32([0, 0], 0, 0, [0, 0] as never, 0)).toThrow(
      'threefry2x32: out must be a Uint32Array, got [0,0]',
    )
    expect(() => prngKey(Symbol('s') as never)).toThrow(
      'prngKey: seed must be a safe integer or a bigint, got a symbol',
    )
  })
})

describe('randomBits', () => {
  it('gives element i the hash of counter i, with balanced bits', () => {
    const key = prngKey(5)
    const { hi, lo } = randomBits(key, 20000)
    expect([hi[17], lo[17]]).toEqual(hash(key, 0, 17))
    // Each of the 64 bit positions is set in about half of 20000 draws: the count is
    // Binomial(20000, 1/2) with sd 70.7, so 5 sd is ±354.
    for (let b = 0; b < 32; b++) {
      let ones = 0
      let onesLo = 0
      for (let i = 0; i < hi.length; i++) {
        ones += (hi[i]! >>> b) & 1
        onesLo += (lo[i]! >>> b) & 1
      }
      expect(Math.abs(ones - 10000)).toBeLessThan(354)
      expect(Math.abs(onesLo - 10000)).toBeLessThan(354)
    }
  })
})
