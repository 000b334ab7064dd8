import { broadcastTo, matmul, reshape, toVar, type Input, type Var } from '@gd/autograd'
import { Tensor } from '@gd/tensor'
import { fail, oneOf, readOptions, withDefault, type Check } from '@gd/check'
import { stateless, type Layer } from './layer.js'

/** Options of {@link upsample2d}, named as PyTorch's `nn.Upsample` arguments. */
export interface Upsample2dOptions {
  /** The integer factor by which height and width grow, one number or `[sh, sw]`. Default 2. */
  scale?: number | readonly [number, number]
  /** `'nearest'` repeats each pixel; `'bilinear'` interpolates between the four nearest. Default `'nearest'`. */
  mode?: 'nearest' | 'bilinear'
  /**
   * Bilinear only: place the corner pixels of input and output on each other
   * (source = i·(in − 1)/(out − 1)) instead of sampling at half-pixel centres
   * (source = (i + ½)/scale − ½, clamped at 0). Default false. As PyTorch, it must be left out with
   * `'nearest'`, where it means nothing.
   */
  alignCorners?: boolean
}

const FN = 'upsample2d'

const scaleCheck: Check<[number, number]> = (fn, key, value) => {
  const p: readonly unknown[] = typeof value === 'number' ? [value, value] : Array.isArray(value) ? value : []
  if (p.length !== 2 || !p.every((v) => Number.isSafeInteger(v) && (v as number) >= 1)) {
    fail(fn, key, 'a positive integer or a pair of them', value)
  }
  return [p[0] as number, p[1] as number]
}

/** alignCorners: a boolean, and given only with mode 'bilinear' (read just before it). */
const alignCheck: Check<boolean> = (fn, key, value, read) => {
  if (value === undefined) return false
  if (read!.mode !== 'bilinear') fail(fn, key, 'left out with mode "nearest"', value)
  if (typeof value !== 'boolean') fail(fn, key, 'a boolean', value)
  return value
}

const spec = {
  scale: withDefault(scaleCheck, [2, 2] as [number, number]),
  mode: withDefault(oneOf(['nearest', 'bilinear'] as const), 'nearest'),
  alignCorners: alignCheck,
}

/**
 * The [out, size] matrix A of 1-D linear interpolation, out = size·scale, so that A·v upsamples v:
 * row i holds 1 − λ at i0 and λ at i1 (one entry of 1 when they meet at the edge), for the source
 * position s of output i (half-pixel centres s = max((i + ½)/scale − ½, 0), or s = i·(size − 1)/(out − 1)
 * with aligned corners), i0 = ⌊s⌋, i1 = min(i0 + 1, size − 1), λ = s − i0.
 */
function interpolation(size: number, scale: number, alignCorners: boolean, dtype: 'float32' | 'float64'): Tensor {
  const out = size * scale
  const a = dtype === 'float64' ? new Float64Array(out * size) : new Float32Array(out * size)
  const step = out > 1 ? (size - 1) / (out - 1) : 0
  for (let i = 0; i < out; i++) {
    const s = alignCorners ? i * step : Math.max((i + 0.5) / scale - 0.5, 0)
    const i0 = Math.min(Math.floor(s), size - 1)
    const i1 = Math.min(i0 + 1, size - 1)
    const lambda = s - i0
    a[i * size + i0] = a[i * size + i0]! + (1 - lambda)
    a[i * size + i1] = a[i * size + i1]! + lambda
  }
  return new Tensor(a, [out, size], dtype)
}

/**
 * Upsampling of NCHW images by an integer factor, with PyTorch's `nn.Upsample(scale_factor, mode,
 * align_corners)` semantics; no parameters. `[batch, C, H, W]` becomes `[batch, C, H·sh, W·sw]`:
 * - `'nearest'`: output pixel (i, j) copies input pixel (⌊i/sh⌋, ⌊j/sw⌋), computed as a reshape and a
 *   broadcast, so its gradient sums each sh×sw block;
 * - `'bilinear'`: separable linear interpolation, `Y = A_H · X · A_Wᵀ` per image and channel, where A_H
 *   and A_W are the small interpolation matrices of height and width (half-pixel centres unless
 *   `alignCorners`), applied with two matmuls; linear in x, so every order of derivative is exact.
 *
 * A generator can upsample with it and then convolve, the alternative to {@link convTranspose2d} that
 * avoids checkerboard artifacts.
 *
 * @throws Error for a scale that is not a positive integer or a pair of them, an unknown mode,
 * `alignCorners` with mode `'nearest'`, and (when applied) an input that is not a float NCHW tensor.
 * @example
 * ```ts
 * import { upsample2d } from '@gd/nn'
 * import { tensor } from '@gd/tensor'
 * const x = tensor([[[[1, 2], [3, 4]]]])
 * upsample2d().apply({}, x).toArray() // [[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]
 * upsample2d({ mode: 'bilinear' }).apply({}, x).toArray()[0][0][0] // [1, 1.25, 1.75, 2]
 * ```
 */
export function upsample2d(options?: Upsample2dOptions): Layer<Record<string, never>> {
  const { scale, mode, alignCorners } = readOptions(FN, options, spec)
  const [sh, sw] = scale
  /** Interpolation matrices by size and dtype, made once per layer on first use. */
  const matrices = new Map<string, Tensor>()
  const matrix = (size: number, s: number, dtype: 'float32' | 'float64'): Tensor => {
    const key = `${size},${s},${dtype}`
    let m = matrices.get(key)
    if (m === undefined) matrices.set(key, (m = interpolation(size, s, alignCorners, dtype)))
    return m
  }
  const corners = mode === 'bilinear' && alignCorners ? ', alignCorners' : ''
  return stateless(`${FN}(×${sh === sw ? sh : `${sh}×${sw}`}, ${mode}${corners})`, (x: Input): Var => {
    const xv = toVar(FN, x)
    const dtype = xv.dtype
    if ((dtype !== 'float32' && dtype !== 'float64') || xv.rank !== 4) {
      fail(FN, 'x', 'a float32 or float64 tensor of shape [batch, channels, height, width]', x)
    }
    const [n, c, h, w] = xv.shape as [number, number, number, number]
    if (mode === 'nearest') {
      const wide = broadcastTo(reshape(xv, [n, c, h, 1, w, 1]), [n, c, h, sh, w, sw])
      return reshape(wide, [n, c, h * sh, w * sw])
    }
    // along the width: [n, c, h, w]·A_Wᵀ; then along the height: A_H·[n, c, h, w·sw] for each image
    const across = matmul(xv, matrix(w, sw, dtype), { transposeB: true })
    return matmul(matrix(h, sh, dtype), across)
  })
}
