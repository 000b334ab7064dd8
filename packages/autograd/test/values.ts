import * as T from '@gd/tensor'

/**
 * Seeded values in [-1, 1) of a shape and dtype, from a small linear congruential generator: the same numbers on
 * every run, so tests can pin bits.
 */
export function seededValues(shape: number[], dtype: 'float32' | 'float64', seed: number): T.Tensor {
  let s = seed
  const n = shape.reduce((a, b) => a * b, 1)
  const data = Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return (s / 2147483648) * 2 - 1
  })
  return T.reshape(T.tensor(data, { dtype }), shape)
}
