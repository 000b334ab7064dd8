import { positive, readOptions, withDefault } from '@gd/check'
import { Tensor, normal } from '@gd/tensor'
import { allocate, formatList, sizeOf } from '@gd/tensor/internal'
import type { InitDType, InitOptions, KeyOrSeed } from './initializer.js'
import { resolveKey } from './internal/key.js'
import { floatDtype, shape as shapeCheck } from './internal/checks.js'

/** Options of {@link orthogonalInit}. */
export interface OrthogonalInitOptions<D extends InitDType = 'float32'> extends InitOptions<D> {
  /** Multiplier of the orthogonal matrix, > 0; 1 by default. */
  gain?: number | undefined
}

/**
 * A (semi-)orthogonal matrix times `gain`, drawn uniformly (from the Haar measure): the Q of the
 * QR decomposition of a Gaussian matrix, each column's sign flipped so R has a positive
 * diagonal (without the flip Q is not uniform).
 *
 * The shape is viewed as a matrix `[shape[0], product of the rest]` (dense `[in, out]`; conv
 * `[outChannels, inChannels·k…]`, as PyTorch). Its rows are orthonormal when there are no more
 * rows than columns (W Wᵀ = gain² I), else its columns are (Wᵀ W = gain² I). Orthogonal maps
 * keep norms, so deep linear and recurrent nets neither shrink nor blow up the signal.
 *
 * The QR runs in float64 (Householder reflections) whatever the dtype.
 *
 * @see Saxe, McClelland, Ganguli, "Exact solutions to the nonlinear dynamics of learning in deep
 *   linear neural networks" (ICLR 2014).
 * @throws Error for a bad key, dtype, gain or option, or a shape of rank < 2.
 * @example
 * ```ts
 * import { orthogonalInit } from '@gd/init'
 * const q = orthogonalInit(0, [64, 64]) // qᵀq = I to float32 precision
 * ```
 */
export function orthogonalInit<D extends InitDType = 'float32'>(
  key: KeyOrSeed,
  shape: readonly number[],
  options: OrthogonalInitOptions<D> = {},
): Tensor<D> {
  const k = resolveKey('orthogonalInit', key)
  const s = shapeCheck('orthogonalInit', 'shape', shape)
  const { dtype, gain } = readOptions('orthogonalInit', options, {
    dtype: floatDtype,
    gain: withDefault(positive, 1),
  }) as {
    dtype: D
    gain: number
  }
  if (s.length < 2) {
    throw new Error(`orthogonalInit: shape must have rank >= 2 (a matrix or a conv kernel), got ${formatList(s)}`)
  }
  const rows = s[0]!
  const size = sizeOf(s)
  const cols = rows === 0 ? 0 : size / rows
  const out = allocate(dtype, size)
  if (size === 0) return new Tensor(out, s, dtype)
  // Factor the tall orientation (m >= n): the Gaussian matrix or its transpose.
  const wide = rows < cols
  const m = wide ? cols : rows
  const n = wide ? rows : cols
  const q = orthonormalColumns(normal(k, [m, n], { dtype: 'float64' }).data, m, n)
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[i * cols + j] = gain * (wide ? q[j * n + i]! : q[i * n + j]!)
  }
  return new Tensor(out, s, dtype)
}

/**
 * The m×n matrix Q (row-major, m >= n) of A = QR with R's diagonal positive, by Householder
 * reflections. `a` is not modified.
 */
function orthonormalColumns(a: Float64Array, m: number, n: number): Float64Array {
  const r = Float64Array.from(a)
  const vs: Float64Array[] = []
  const betas: number[] = []
  const signs: number[] = []
  for (let k = 0; k < n; k++) {
    let norm = 0
    for (let i = k; i < m; i++) norm += r[i * n + k]! ** 2
    norm = Math.sqrt(norm)
    const alpha = r[k * n + k]! >= 0 ? -norm : norm // R[k][k] after the reflection
    const v = new Float64Array(m - k)
    for (let i = k; i < m; i++) v[i - k] = r[i * n + k]!
    v[0] = v[0]! - alpha
    let vv = 0
    for (let i = 0; i < v.length; i++) vv += v[i]! ** 2
    const beta = vv === 0 ? 0 : 2 / vv
    for (let j = k; j < n; j++) {
      let dot = 0
      for (let i = k; i < m; i++) dot += v[i - k]! * r[i * n + j]!
      dot *= beta
      for (let i = k; i < m; i++) r[i * n + j] = r[i * n + j]! - dot * v[i - k]!
    }
    vs.push(v)
    betas.push(beta)
    signs.push(alpha < 0 ? -1 : 1)
  }
  // Q = H_0 H_1 … H_{n-1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n)
  for (let i = 0; i < n; i++) q[i * n + i] = 1
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!
    const beta = betas[k]!
    for (let j = 0; j < n; j++) {
      let dot = 0
      for (let i = k; i < m; i++) dot += v[i - k]! * q[i * n + j]!
      dot *= beta
      for (let i = k; i < m; i++) q[i * n + j] = q[i * n + j]! - dot * v[i - k]!
    }
  }
  // Flip column j by the sign of R[j][j], making R's diagonal positive and Q Haar-distributed.
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] = q[i * n + j]! * signs[j]!
  return q
}
