/**
 * Counter-based random keys: Threefry-2x32 (20 rounds), split and fold-in, in the style of JAX.
 *
 * A key is plain data, two unsigned 32-bit integers. Every random function is a pure function of
 * (key, shape, options), so the same key gives the same bits on every run and machine. To draw
 * again, derive new keys with {@link splitKey} or {@link foldIn}; never use one key twice.
 *
 * Layout of the counter space (the same as JAX's `jax_threefry_partitionable` mode):
 * element `i` of a draw hashes the 64-bit counter `i` as `(hi, lo)` words, so
 * `splitKey(key, n)[i]` and `foldIn(key, i)` are both `threefry2x32(key, [0, i])`, so keys
 * split here equal `jax.random.split` of the same raw uint32 key data. Counters near
 * 2^64 are reserved for internal re-draws (rejection sampling), which no real tensor can reach.
 *
 * @see Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as 1, 2, 3" (SC 2011).
 * @module
 */

/**
 * A random key: two unsigned 32-bit integers. Plain data, so it survives
 * `JSON.parse(JSON.stringify(key))` and can be saved in a training checkpoint.
 */
export type PRNGKey = readonly [number, number]

import { fail, within, type Check } from '@gd/check'
import { checkShape } from './shape.js'
import { threefry } from './internal/threefry.js'
import { traceKey, tracing } from './internal/trace.js'
import { elementwiseKernels } from './kernels/registry.js'

const TWO32 = 4294967296

/**
 * Threefry-2x32 with 20 rounds: a keyed bijection of 64 bits, used as the generator's hash.
 * Writes the two output words into `out[at]` and `out[at + 1]`.
 *
 * Checked against the Random123 known-answer vectors, e.g. key `[0, 0]` and counter `[0, 0]`
 * give `[0x6b200159, 0x99ba4efe]`.
 *
 * @example
 * ```ts
 * import { threefry2x32 } from '@gd/tensor/internal'
 * const out = new Uint32Array(2)
 * threefry2x32([0, 0], 0, 0, out, 0)
 * out // Uint32Array [0x6b200159, 0x99ba4efe]
 * ```
 */
export function threefry2x32(key: PRNGKey, counterHi: number, counterLo: number, out: Uint32Array, at: number): void {
  const fn = 'threefry2x32'
  checkKey(fn, key)
  uint32(fn, 'counterHi', counterHi)
  uint32(fn, 'counterLo', counterLo)
  if (!(out instanceof Uint32Array)) fail(fn, 'out', 'a Uint32Array', out)
  within({ min: 0, max: out.length - 2, integer: true })(fn, 'at', at)
  threefry(key, counterHi, counterLo, out, at)
}

const uint32: Check<number> = (fn, key, value) => within({ min: 0, max: TWO32 - 1, integer: true })(fn, key, value)

/**
 * Makes a key from an integer seed (a safe integer or a bigint; negative seeds are taken in 64-bit
 * two's complement). The key is `[seed >> 32, seed & 0xffffffff]`, as `jax.random.PRNGKey(seed)`.
 *
 * @throws Error when the seed is not an integer in the signed/unsigned 64-bit range.
 * @example
 * ```ts
 * import { prngKey, splitKey, uniform } from '@gd/tensor'
 * const key = prngKey(42) // [0, 42]
 * const [k1, k2] = splitKey(key)
 * uniform(k1, [2, 3]).shape // [2, 3]
 * ```
 */
export function prngKey(seed: number | bigint): PRNGKey {
  let s: bigint
  if (typeof seed === 'bigint') s = seed
  else if (typeof seed === 'number' && Number.isSafeInteger(seed)) s = BigInt(seed)
  else fail('prngKey', 'seed', 'a safe integer or a bigint', seed)
  if (s < -(1n << 63n) || s >= 1n << 64n) {
    throw new Error(`prngKey: seed must fit in 64 bits, got ${s}`)
  }
  const u = BigInt.asUintN(64, s)
  return madeKey(Number(u >> 32n), Number(u & 0xffffffffn))
}

/** The keys {@link prngKey}, {@link splitKey} and {@link foldIn} made (see {@link isMadeKey}). */
const made = /* @__PURE__ */ new WeakSet<object>()

function madeKey(hi: number, lo: number): PRNGKey {
  const key = Object.freeze([hi, lo] as const)
  made.add(key)
  return key
}

/**
 * Whether `x` is a key that {@link prngKey}, {@link splitKey} or {@link foldIn} made (not a pair written by hand or
 * parsed from JSON): a compiled training step takes such a key as a random key, whose values each step may change,
 * and any other pair of numbers as two numbers (see `compile` in @gd/train's trainStep).
 * @example
 * ```ts
 * import { prngKey } from '@gd/tensor'
 * import { isMadeKey } from '@gd/tensor/internal'
 * isMadeKey(prngKey(3)) // true
 * isMadeKey([0, 3]) // false
 * ```
 */
export function isMadeKey(x: unknown): x is PRNGKey {
  return typeof x === 'object' && x !== null && made.has(x)
}

/**
 * Checks that `key` is a key (two integers in [0, 2^32)) and returns it, for use at the top of
 * every function that takes one.
 *
 * @throws Error `op: key must be a pair of uint32 (from prngKey or splitKey), got ...`.
 * @example
 * ```ts
 * import { checkKey } from '@gd/tensor/internal'
 * checkKey('dropout', [0, 7]) // [0, 7]
 * checkKey('dropout', 7 as never) // throws 'dropout: key must be a pair of uint32 (from prngKey or splitKey), got 7'
 * ```
 */
export function checkKey(op: string, key: PRNGKey): PRNGKey {
  if (traceKey(key) !== undefined) return key // a recorded step's stand-in (internal/record.ts)
  const ok =
    Array.isArray(key) &&
    key.length === 2 &&
    key.every((w) => typeof w === 'number' && Number.isInteger(w) && w >= 0 && w < TWO32)
  if (!ok) fail(op, 'key', 'a pair of uint32 (from prngKey or splitKey)', key)
  return key
}

/**
 * What {@link splitKey} returns for `num` = `N`: a tuple of `N` keys when `N` is a literal from 0 to 16, so
 * `const [a, b, c] = splitKey(key, 3)` gives three keys even under `noUncheckedIndexedAccess`; otherwise an array.
 *
 * @example
 * ```ts
 * import { prngKey, splitKey, type PRNGKeys } from '@gd/tensor'
 * const keys: PRNGKeys<3> = splitKey(prngKey(0), 3)
 * keys.length // 3
 * ```
 */
export type PRNGKeys<N extends number> = N extends KeyCount ? KeyTuple<N, []> : PRNGKey[]

type KeyCount = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16
type KeyTuple<N extends number, Keys extends PRNGKey[]> = Keys['length'] extends N
  ? Keys
  : KeyTuple<N, [...Keys, PRNGKey]>

/**
 * Splits a key into `num` new, independent keys (2 by default). Use one for the draw at hand and
 * keep another to split again; never reuse the parent.
 *
 * Key `i` is `threefry2x32(key, [0, i])`, the same as {@link foldIn}`(key, i)`.
 *
 * @throws Error for a bad key or a `num` that is not a non-negative integer.
 * @example
 * ```ts
 * import { normal, prngKey, splitKey } from '@gd/tensor'
 * const [dataKey, noiseKey, dropoutKey] = splitKey(prngKey(0), 3) // typed as three keys
 * const noise = normal(noiseKey, [4])
 * ```
 */
export function splitKey<N extends number = 2>(key: PRNGKey, num?: N): PRNGKeys<N>
export function splitKey(key: PRNGKey, num = 2): PRNGKey[] {
  checkKey('splitKey', key)
  if (!Number.isSafeInteger(num) || num < 0) fail('splitKey', 'num', 'a non-negative integer', num)
  checkShape('splitKey', [num], 'shape')
  const keys: PRNGKey[] = []
  for (let i = 0; i < num; i++) keys.push(derived(key, i))
  return keys
}

/** `threefry2x32(key, [hi(data), lo(data)])` as a key; for a recorded step's stand-in, a stand-in computed at each replay. */
function derived(key: PRNGKey, data: number): PRNGKey {
  const hi = Math.floor(data / TWO32)
  const lo = data >>> 0
  const slot = traceKey(key)
  if (slot !== undefined) return tracing.trace!.deriveKey(slot, (k, out) => threefry(k, hi, lo, out, 0))
  const out = new Uint32Array(2)
  threefry(key, hi, lo, out, 0)
  return madeKey(out[0]!, out[1]!)
}

/**
 * Derives a new key from `key` and an integer `data` (a step number, a layer index...), so a
 * loop can make per-step keys without threading splits: `foldIn(key, step)`.
 * Equal to `splitKey(key, n)[data]` for any `n > data`.
 *
 * @throws Error for a bad key or a `data` that is not a non-negative safe integer.
 * @example
 * ```ts
 * import { foldIn, prngKey, uniform } from '@gd/tensor'
 * const base = prngKey(1)
 * const stepKey = foldIn(base, 17)
 * uniform(stepKey, [3]).size // 3
 * ```
 */
export function foldIn(key: PRNGKey, data: number): PRNGKey {
  checkKey('foldIn', key)
  if (!Number.isSafeInteger(data) || data < 0) fail('foldIn', 'data', 'a non-negative safe integer', data)
  return derived(key, data)
}

/**
 * The raw bits of a draw of `n` elements: element `i` gets the 64 bits
 * `threefry2x32(key, [hi(i), lo(i)])` as `hi[i]`, `lo[i]`. Internal building block of the
 * distributions; exported for ops (such as dropout) that want bits without a distribution.
 *
 * @throws Error for a bad key or an `n` that is not a non-negative integer.
 * @example
 * ```ts
 * import { prngKey } from '@gd/tensor'
 * import { randomBits } from '@gd/tensor/internal'
 * randomBits(prngKey(0), 4).hi.length // 4
 * ```
 */
export function randomBits(key: PRNGKey, n: number): { hi: Uint32Array; lo: Uint32Array } {
  checkKey('randomBits', key)
  if (!Number.isSafeInteger(n) || n < 0) fail('randomBits', 'n', 'a non-negative integer', n)
  checkShape('randomBits', [n], 'shape')
  const hi = new Uint32Array(n)
  const lo = new Uint32Array(n)
  if (elementwiseKernels()?.randomBits(key[0], key[1], hi, lo)) return { hi, lo }
  const out = new Uint32Array(2)
  for (let i = 0; i < n; i++) {
    threefry(key, i < TWO32 ? 0 : Math.floor(i / TWO32), i >>> 0, out, 0)
    hi[i] = out[0]!
    lo[i] = out[1]!
  }
  return { hi, lo }
}
