/**
 * Discrete draws from a {@link PRNGKey}: bernoulli, randint, permutation and shuffle. All exact
 * integer arithmetic, so identical on every machine and engine.
 * @module
 */
import { axis as axisCheck, oneOf, optional, readOptions, within, withDefault, type Check } from '@gd/check'
import { tensorArg } from './internal/args.js'
import { drawn } from './internal/drawn.js'
import type { DType, Storage } from './dtype.js'
import { checkKey, randomBits, type PRNGKey } from './rng.js'
import { threefry } from './internal/threefry.js'
import { checkShape, sizeOf } from './shape.js'
import { forReplay, type Tensor } from './tensor.js'

const TWO32 = 4294967296
const TWO31 = 2147483648

/** Options of {@link bernoulli}. */
export interface BernoulliOptions<D extends DType = 'float32'> {
  /** Probability of a 1, in [0, 1]; 0.5 by default. */
  p?: number
  /** `float32` (default), `float64`, `int32` or `bool`. */
  dtype?: D
}

/**
 * Independent coin flips: 1 with probability `p`, else 0. Element `i` is 1 when the 32-bit word
 * `hi ^ lo` of its bits is below `p · 2³²`, so the probability is `p` to within 2⁻³² and `p = 0`
 * and `p = 1` are exact. The float32 default makes dropout masks ready to multiply.
 *
 * @throws Error for a bad key, shape or dtype, or `p` outside [0, 1].
 * @example
 * ```ts
 * import { bernoulli, prngKey } from '@gd/tensor'
 * const keep = bernoulli(prngKey(0), [4, 4], { p: 0.9 }) // float32 zeros and ones
 * ```
 */
export function bernoulli<D extends DType = 'float32'>(
  key: PRNGKey,
  shape: readonly number[],
  options: BernoulliOptions<D> = {},
): Tensor<D> {
  checkKey('bernoulli', key)
  const s = checkShape('bernoulli', shape)
  const { p, dtype } = readOptions('bernoulli', options, {
    p: withDefault(within({ min: 0, max: 1 }), 0.5),
    dtype: withDefault(oneOf(['float32', 'float64', 'int32', 'bool']), 'float32') as Check<D>,
  })
  // element i is 1 when its word w = hi ^ lo is below p · 2³², i.e. below t = ⌈p · 2³²⌉ (w is an integer): then
  // (w − t) / 2³² + 1 lies in [0, 1) and truncates to 0, so the element is 1 − 0; otherwise it lies in [1, 2) and the
  // element is 1 − 1. Exact in float64, and without a branch, which random bits would mispredict (at p = 1/2, half
  // the time: the loop over 131,072 words measured 0.59 ms with the branch, 0.25 without)
  const t = Math.ceil(p * TWO32)
  return drawn(key, s, dtype, (k, out) => {
    const { hi, lo } = randomBits(k, out.length)
    for (let i = 0; i < out.length; i++) out[i] = 1 - (((((hi[i]! ^ lo[i]!) >>> 0) - t) / TWO32 + 1) | 0)
  })
}

/**
 * Uniform integers in [low, high), without modulo bias. Each element tries the two 32-bit words
 * of its bits in turn, rejecting words at or above the largest multiple of `high - low` below
 * 2³²; in the rare case both are rejected it draws again from a key derived for that round
 * (from counters at the top of the 64-bit range, which no draw reaches).
 *
 * The result is int32 by default; float64 holds every value exactly, float32 rounds values
 * beyond ±2²⁴.
 *
 * @param low inclusive, an integer >= -2³¹.
 * @param high exclusive, an integer <= 2³¹, greater than `low`.
 * @throws Error for a bad key, shape or dtype, non-integer bounds, bounds outside int32, or
 *   `low >= high`.
 * @example
 * ```ts
 * import { prngKey, randint } from '@gd/tensor'
 * randint(prngKey(0), [5], 0, 10).toArray() // [9, 3, 5, 3, 1] (int32)
 * ```
 */
export function randint<D extends 'int32' | 'float32' | 'float64' = 'int32'>(
  key: PRNGKey,
  shape: readonly number[],
  low: number,
  high: number,
  options: { dtype?: D } = {},
): Tensor<D> {
  checkKey('randint', key)
  const s = checkShape('randint', shape)
  bound('randint', 'low', low)
  bound('randint', 'high', high)
  const dtype = intDtype<D>('randint', options)
  if (!(low < high)) throw new Error(`randint: low must be < high, got ${low} and ${high}`)
  const span = high - low
  const limit = TWO32 - (TWO32 % span)
  return drawn(key, s, dtype, (k, out) => {
    const n = out.length
    const { hi, lo } = randomBits(k, n)
    const words = new Uint32Array(2)
    const retryKeys: PRNGKey[] = []
    for (let i = 0; i < n; i++) {
      let w = hi[i]!
      if (w >= limit) w = lo[i]!
      for (let round = 0; w >= limit; round++) {
        retryKeys[round] ??= retryKey(k, round)
        threefry(retryKeys[round]!, Math.floor(i / TWO32), i >>> 0, words, 0)
        w = words[0]! < limit ? words[0]! : words[1]!
      }
      out[i] = low + (w % span)
    }
  })
}

/**
 * A random permutation of `0, 1, …, n - 1` (int32 by default): a Fisher–Yates shuffle whose
 * swap positions are unbiased bounded integers drawn from the key's word stream
 * (`threefry(key, [0, c])` for c = 0, 1, …). Every one of the n! orders is equally likely,
 * up to the generator.
 *
 * @throws Error for a bad key or dtype, or an `n` that is not an integer in [0, 2³²].
 * @example
 * ```ts
 * import { permutation, prngKey } from '@gd/tensor'
 * permutation(prngKey(0), 5).toArray() // [0, 3, 1, 2, 4]
 * ```
 */
export function permutation<D extends 'int32' | 'float32' | 'float64' = 'int32'>(
  key: PRNGKey,
  n: number,
  options: { dtype?: D } = {},
): Tensor<D> {
  checkKey('permutation', key)
  checkShape('permutation', [within({ min: 0, max: TWO32, integer: true })('permutation', 'n', n)], 'shape')
  const dtype = intDtype<D>('permutation', options)
  return drawn(key, [n], dtype, (k, out) => out.set(shuffledIndices(k, n)))
}

/**
 * `x` with its slices along `axis` (0 by default) put in a random order: the order of
 * `permutation(key, x.shape[axis])`. Works for every dtype; `x` itself is not changed.
 *
 * @throws Error for a bad key, a scalar `x`, or an axis out of range.
 * @example
 * ```ts
 * import { prngKey, shuffle, tensor } from '@gd/tensor'
 * shuffle(prngKey(0), tensor([[1, 2], [3, 4], [5, 6]])).toArray() // [[5, 6], [1, 2], [3, 4]]
 * ```
 */
export function shuffle<D extends DType>(key: PRNGKey, x: Tensor<D>, options: { axis?: number } = {}): Tensor<D> {
  checkKey('shuffle', key)
  tensorArg('shuffle', 'x', x)
  if (x.rank === 0) throw new Error('shuffle: cannot shuffle a scalar (rank 0), got shape []')
  const axis = readOptions('shuffle', options, { axis: optional(axisCheck(x.rank)) }).axis ?? 0
  const len = x.shape[axis]!
  const outer = sizeOf(x.shape.slice(0, axis))
  const inner = sizeOf(x.shape.slice(axis + 1))
  const xs = forReplay(x)
  const draw = (k: PRNGKey, out: Storage): void => {
    const order = shuffledIndices(k, len)
    const src = xs.data
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < len; i++) {
        const from = (o * len + order[i]!) * inner
        out.set(src.subarray(from, from + inner), (o * len + i) * inner)
      }
    }
  }
  return drawn(key, x.shape, x.dtype, draw, true)
}

/** Fisher–Yates over 0..n-1 with words from the key's stream. */
function shuffledIndices(key: PRNGKey, n: number): Uint32Array {
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  const words = new Uint32Array(2)
  let counter = 0
  let next = 2
  const word = (): number => {
    if (next === 2) {
      threefry(key, Math.floor(counter / TWO32), counter >>> 0, words, 0)
      counter++
      next = 0
    }
    return words[next++]!
  }
  for (let i = n - 1; i > 0; i--) {
    const span = i + 1
    const limit = TWO32 - (TWO32 % span)
    let w = word()
    while (w >= limit) w = word()
    const j = w % span
    const t = order[i]!
    order[i] = order[j]!
    order[j] = t
  }
  return order
}

/** The key for re-draw round `round` of a draw from `key`: counters counted down from 2⁶⁴ - 1. */
function retryKey(key: PRNGKey, round: number): PRNGKey {
  const out = new Uint32Array(2)
  threefry(key, 0xffffffff, (0xffffffff - round) >>> 0, out, 0)
  return [out[0]!, out[1]!]
}

/** An integer bound of {@link randint}: in [-2³¹, 2³¹]. */
const bound: Check<number> = (fn, key, value) => within({ min: -TWO31, max: TWO31, integer: true })(fn, key, value)

/** Reads the options of randint and permutation: `dtype`, int32 by default. */
function intDtype<D>(op: string, options: unknown): D {
  return readOptions(op, options, { dtype: withDefault(oneOf(['int32', 'float32', 'float64']), 'int32') }).dtype as D
}
