/**
 * Draws of classes from a {@link PRNGKey}: {@link categorical} from unnormalized log-probabilities
 * (JAX's `jax.random.categorical`) and {@link multinomial} from non-negative weights, with or
 * without replacement (PyTorch's `torch.multinomial`). Pure: the same key gives the same draw.
 * @module
 */
import {
  axis as axisCheck,
  boolean,
  complaint,
  mustBe,
  optional,
  positiveInteger,
  readOptions,
  shape as shapeCheck,
  withDefault,
} from '@gd/check'
import { tensorArg } from './internal/args.js'
import { checkDtype } from './creation.js'
import { checkKey, randomBits, type PRNGKey } from './rng.js'
import { checkShape, formatList, sizeOf } from './shape.js'
import { drawn } from './internal/drawn.js'
import { forReplay, type Tensor } from './tensor.js'

const TWO52 = 4503599627370496

/** A number in the open interval (0, 1) from the 52 top bits of `hi:lo`: `(m + 1/2) / 2⁵²`. */
function openUnit(hi: number, lo: number): number {
  return (hi * 1048576 + (lo >>> 12) + 0.5) / TWO52
}

/** Row-major multi-index of flat position `flat` in `shape`, for messages. */
function at(flat: number, shape: readonly number[]): string {
  const idx = new Array<number>(shape.length)
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!
    flat = Math.floor(flat / shape[d]!)
  }
  return idx.join(',')
}

/** The first index j with `cum[base + j] > t` (cum non-decreasing over j in [0, k)), or -1. */
function firstAbove(cum: Float64Array, base: number, k: number, t: number): number {
  let lo = 0
  let hi = k
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (cum[base + mid]! > t) hi = mid
    else lo = mid + 1
  }
  return lo < k ? lo : -1
}

/**
 * Inverse-CDF draw of row `r` of `cum` (cumulative weights, `k` per row) with uniform `u` in (0, 1).
 * The class found has a positive weight: the cumulative sum rises strictly there. Rounding that
 * puts `u · total` at the total falls back to the last class with a positive weight.
 */
function drawRow(cum: Float64Array, r: number, k: number, u: number): number {
  const base = r * k
  const total = cum[base + k - 1]!
  const j = firstAbove(cum, base, k, u * total)
  if (j >= 0) return j
  let last = k - 1
  while (last > 0 && cum[base + last]! === cum[base + last - 1]!) last--
  return last
}

/**
 * Writes into `order` the indices of the `m` smallest of `keys[0..k)`, smallest first (ties by
 * index). A few: kept sorted by insertion in one pass; many: a full sort.
 */
function smallest(keys: Float64Array, k: number, m: number, order: number[]): void {
  order.length = 0
  if (m * 8 > k) {
    for (let j = 0; j < k; j++) order.push(j)
    order.sort((a, b) => keys[a]! - keys[b]! || a - b)
    order.length = m
    return
  }
  for (let j = 0; j < k; j++) {
    const v = keys[j]!
    if (order.length === m && !(v < keys[order[m - 1]!]!)) continue
    let at = order.length === m ? m - 1 : order.length
    while (at > 0 && v < keys[order[at - 1]!]!) {
      order[at] = order[at - 1]!
      at--
    }
    order[at] = j
  }
}

/** Options of {@link categorical}. */
export interface CategoricalOptions {
  /** The axis of `logits` that holds the classes; −1 (the last) by default. */
  axis?: number
  /**
   * The shape of the result. It must end in sizes that the batch shape (logits' shape without
   * `axis`) broadcasts to, as in JAX: `[n, ...batch]` draws n classes per row. The batch shape by
   * default (one draw per row).
   */
  shape?: readonly number[]
}

/**
 * Draws int32 class indices from unnormalized log-probabilities (JAX's `jax.random.categorical`):
 * class j of a row is drawn with probability `exp(logits[j]) / Σ exp(logits)`. Rows (the positions
 * of the other axes) are independent; the result has the batch shape, or `options.shape`.
 *
 * Computed by inverse CDF in float64: each row's `exp(logits - max)` is summed once, and each
 * draw reads one uniform from the key (element i of the result from the key's bits at i) and
 * finds its class by binary search. A logit of −Infinity has probability 0 and is never drawn.
 * For a temperature τ, pass `logits / τ`.
 *
 * @throws Error for a bad key, non-float logits, a bad axis or shape, an axis of size 0, a NaN or
 *   +Infinity logit (naming the first), or a row whose logits are all −Infinity.
 * @example
 * ```ts
 * import { categorical, prngKey, tensor } from '@gd/tensor'
 * const logits = tensor([[0, 0, -Infinity], [-Infinity, 5, 0]])
 * categorical(prngKey(0), logits).shape // [2]: class 0 or 1 for the first row, almost surely 1 for the second
 * categorical(prngKey(1), logits, { shape: [10, 2] }).shape // [10, 2]: ten draws per row
 * ```
 */
export function categorical(key: PRNGKey, logits: Tensor, options: CategoricalOptions = {}): Tensor<'int32'> {
  const fn = 'categorical'
  checkKey(fn, key)
  tensorArg(fn, 'logits', logits)
  checkDtype(fn, logits, ['float32', 'float64'], 'logits')
  if (logits.rank === 0) throw mustBe(fn, 'logits', 'a Tensor of rank >= 1', logits)
  const o = readOptions(fn, options, { axis: optional(axisCheck(logits.rank)), shape: optional(shapeCheck) })
  const ax = o.axis ?? logits.rank - 1
  const k = logits.shape[ax]!
  if (k === 0) throw mustBe(fn, 'logits', `a Tensor with classes on axis ${ax}`, logits)
  const batch = logits.shape.filter((_, d) => d !== ax)
  const shape = checkShape(fn, o.shape ?? batch)
  const lead = shape.length - batch.length
  if (lead < 0 || batch.some((d, i) => d !== 1 && d !== shape[lead + i])) {
    throw complaint(fn, 'shape', `must end in sizes that the batch shape ${formatList(batch)} broadcasts to`, o.shape)
  }
  const rows = sizeOf(batch)
  const inner = sizeOf(logits.shape.slice(ax + 1))
  const n = sizeOf(shape)
  // result element i reads batch row `row(i)`: its trailing indices, with broadcast axes at 0
  const bStrides = batch.map((_, d) => sizeOf(batch.slice(d + 1)))
  const x = forReplay(logits)
  const draw = (key: PRNGKey, out: Int32Array): void => {
    // classes made the last axis, then each row's cumulative exp(logits - max) in float64
    const src = x.data
    const cum = new Float64Array(rows * k)
    for (let r = 0; r < rows; r++) {
      const base = (r - (r % inner)) * k + (r % inner)
      let max = -Infinity
      for (let j = 0; j < k; j++) {
        const v = src[base + j * inner]!
        if (!(v < Infinity))
          throw mustBe(fn, `logits[${at(base + j * inner, logits.shape)}]`, 'a finite number or -Infinity', v)
        if (v > max) max = v
      }
      if (max === -Infinity) {
        const row = batch.length ? ` of row [${at(r, batch)}]` : ''
        throw new Error(`${fn}: every logit${row} is -Infinity, so no class can be drawn`)
      }
      let total = 0
      for (let j = 0; j < k; j++) {
        total += Math.exp(src[base + j * inner]! - max)
        cum[r * k + j] = total
      }
    }
    const { hi, lo } = randomBits(key, n)
    for (let i = 0; i < n; i++) {
      let r = 0
      let rest = i
      for (let d = shape.length - 1; d >= lead; d--) {
        const size = shape[d]!
        const b = d - lead
        if (batch[b] !== 1) r += (rest % size) * bStrides[b]!
        rest = Math.floor(rest / size)
      }
      out[i] = drawRow(cum, r, k, openUnit(hi[i]!, lo[i]!))
    }
  }
  return drawn(key, shape, 'int32', draw, true)
}

/** Options of {@link multinomial}. */
export interface MultinomialOptions {
  /** Draw with replacement (each draw independent); false by default. */
  replacement?: boolean
}

/**
 * Draws `numSamples` int32 class indices per row of non-negative weights (PyTorch's
 * `torch.multinomial`): `probs` is one row `[k]` (result `[numSamples]`) or a batch `[b, k]` (result
 * `[b, numSamples]`, rows independent). Weights need not sum to 1; class j is drawn with
 * probability `probs[j] / Σ probs`, and a zero weight is never drawn.
 *
 * With replacement the draws are independent (inverse CDF, one uniform each). Without replacement
 * (the default) each draw picks among the classes not yet drawn, in proportion to their weights;
 * this is computed at once by giving each class with weight w > 0 an exponential key `E / w` and
 * taking the `numSamples` smallest in order (the draws come out in the order they were drawn), so
 * `numSamples` may not exceed the number of non-zero weights of any row.
 *
 * @throws Error for a bad key, a probs that is not a float tensor of rank 1 or 2, a weight that is
 *   negative, NaN or infinite (naming the first), a row without a positive weight, a bad
 *   numSamples, or too few non-zero weights for sampling without replacement.
 * @example
 * ```ts
 * import { multinomial, prngKey, tensor } from '@gd/tensor'
 * multinomial(prngKey(0), tensor([0.5, 0, 2, 1]), 3).shape // [3]: 0, 2 and 3 in some order, never 1
 * multinomial(prngKey(0), tensor([[1, 1], [0, 3]]), 4, { replacement: true }).shape // [2, 4]
 * ```
 */
export function multinomial(
  key: PRNGKey,
  probs: Tensor,
  numSamples: number,
  options: MultinomialOptions = {},
): Tensor<'int32'> {
  const fn = 'multinomial'
  checkKey(fn, key)
  tensorArg(fn, 'probs', probs)
  checkDtype(fn, probs, ['float32', 'float64'], 'probs')
  if (probs.rank !== 1 && probs.rank !== 2) throw mustBe(fn, 'probs', 'a Tensor of rank 1 or 2', probs)
  positiveInteger(fn, 'numSamples', numSamples)
  const { replacement } = readOptions(fn, options, { replacement: withDefault(boolean, false) })
  const k = probs.shape[probs.rank - 1]!
  const rows = probs.rank === 2 ? probs.shape[0]! : 1
  const shape = checkShape(fn, probs.rank === 2 ? [rows, numSamples] : [numSamples], 'result shape')
  const ps = forReplay(probs)
  const draw = (key: PRNGKey, out: Int32Array): void => {
    const w = ps.data
    const cum = new Float64Array(rows * k)
    for (let r = 0; r < rows; r++) {
      let total = 0
      let positive = 0
      for (let j = 0; j < k; j++) {
        const v = w[r * k + j]!
        if (!(v >= 0 && v < Infinity))
          throw mustBe(fn, `probs[${at(r * k + j, probs.shape)}]`, 'a non-negative finite weight', v)
        if (v > 0) positive++
        total += v
        cum[r * k + j] = total
      }
      const row = probs.rank === 2 ? `probs[${r}]` : 'probs'
      if (positive === 0)
        throw complaint(fn, row, 'must hold a positive weight', Array.from(w.subarray(r * k, r * k + k)))
      if (!replacement && numSamples > positive) {
        throw mustBe(
          fn,
          'numSamples',
          `at most ${positive} (the non-zero weights of ${row}) without replacement`,
          numSamples,
        )
      }
    }
    if (replacement) {
      const { hi, lo } = randomBits(key, rows * numSamples)
      for (let i = 0; i < out.length; i++)
        out[i] = drawRow(cum, Math.floor(i / numSamples), k, openUnit(hi[i]!, lo[i]!))
    } else raceRows(key, w, rows, k, numSamples, out)
  }
  return drawn(key, shape, 'int32', draw, true)
}

/**
 * Draws without replacement, one exponential race per row: class j's key is E_j / w_j with E_j = -log(u_j)
 * exponential; weights are divided by the row's largest first, and a row where a key still overflows (weights
 * 1e307 apart) is redone in log space, log E_j - log w_j, so no two keys tie at Infinity. Row r's `numSamples`
 * smallest keys, smallest first, are its draws.
 */
function raceRows(
  key: PRNGKey,
  w: ArrayLike<number>,
  rows: number,
  k: number,
  numSamples: number,
  out: Int32Array,
): void {
  const { hi, lo } = randomBits(key, rows * k)
  const keys = new Float64Array(k)
  const order: number[] = []
  for (let r = 0; r < rows; r++) {
    const base = r * k
    let max = 0
    for (let j = 0; j < k; j++) if (w[base + j]! > max) max = w[base + j]!
    let overflow = false
    for (let j = 0; j < k; j++) {
      const v = w[base + j]!
      keys[j] = v === 0 ? Infinity : -Math.log(openUnit(hi[base + j]!, lo[base + j]!)) / (v / max)
      overflow ||= v !== 0 && keys[j] === Infinity
    }
    if (overflow) {
      for (let j = 0; j < k; j++) {
        const v = w[base + j]!
        keys[j] = v === 0 ? Infinity : Math.log(-Math.log(openUnit(hi[base + j]!, lo[base + j]!))) - Math.log(v)
      }
    }
    smallest(keys, k, numSamples, order)
    for (let s = 0; s < numSamples; s++) out[r * numSamples + s] = order[s]!
  }
}
