import { normal, prngKey, randint } from '@gd/tensor'

/** Reproducible standard-normal float32 inputs, shared by every contender of a workload. */
export function randomData(seed: number, shape: readonly number[], std = 1): Float32Array {
  return Float32Array.from(normal(prngKey(seed), shape, { std }).data)
}

/** Reproducible class labels in [0, classes). */
export function randomLabels(seed: number, n: number, classes: number): Int32Array {
  return Int32Array.from(randint(prngKey(seed), [n], 0, classes).data)
}

/** Σ i·xᵢ over the elements (weighted, so a transposed or shuffled result does not pass). */
export function checksum(x: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += ((i % 7) + 1) * x[i]!
  return s
}
