import { apply, matmul, toVar, type Input, type PrimitiveSpec, type Var } from '@gd/autograd'
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

type Floats = Float32Array | Float64Array

/** A zero-filled array of `x`'s float dtype. */
const floats = (dtype: 'float32' | 'float64', size: number): Floats => (dtype === 'float64' ? new Float64Array(size) : new Float32Array(size))

/** Nearest upsampling: every pixel of a float NCHW tensor copied into its sh×sw block. */
function repeatPixels(x: Tensor, sh: number, sw: number): Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number]
  const src = x.data as Floats
  const outW = w * sw
  const out = floats(x.dtype as 'float32' | 'float64', n * c * h * sh * outW)
  let o = 0
  for (let row = 0; row < n * c * h; row++) {
    const start = o
    for (let j = row * w, end = j + w; j < end; j++) {
      const v = src[j]!
      for (let q = 0; q < sw; q++) out[o++] = v
    }
    // the other sh − 1 rows of the block repeat the first
    for (let r = 1; r < sh; r++, o += outW) out.copyWithin(o, start, start + outW)
  }
  return new Tensor(out, [n, c, h * sh, outW], x.dtype)
}

/** The adjoint of {@link repeatPixels}: the sum of each sh×sw block (accumulated in float64). */
function blockSums(g: Tensor, sh: number, sw: number): Tensor {
  const [n, c, outH, outW] = g.shape as [number, number, number, number]
  const [h, w] = [outH / sh, outW / sw]
  const src = g.data as Floats
  const out = floats(g.dtype as 'float32' | 'float64', n * c * h * w)
  const sums = new Float64Array(w)
  for (let row = 0; row < n * c * h; row++) {
    sums.fill(0)
    let i = row * sh * outW
    for (let r = 0; r < sh; r++) {
      for (let j = 0; j < w; j++) {
        let s = 0
        for (let q = 0; q < sw; q++) s += src[i++]!
        sums[j] = sums[j]! + s
      }
    }
    out.set(sums, row * w)
  }
  return new Tensor(out, [n, c, h, w], g.dtype)
}

/**
 * Upsampling of NCHW images by an integer factor, with PyTorch's `nn.Upsample(scale_factor, mode,
 * align_corners)` semantics; no parameters. `[batch, C, H, W]` becomes `[batch, C, H·sh, W·sw]`:
 * - `'nearest'`: output pixel (i, j) copies input pixel (⌊i/sh⌋, ⌊j/sw⌋); its gradient sums each
 *   sh×sw block (and that gradient's gradient copies again);
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
  // nearest: a copy loop and its adjoint, the block sums, each the other's gradient (both linear, so
  // every order of derivative is exact); the composite reshape → broadcastTo → reshape gives the same
  // numbers at a few times the cost (its strided copy and its axis sums are generic loops)
  const repeat: PrimitiveSpec = { name: FN, forward: (t) => repeatPixels(t, sh, sw), backward: (g) => [apply(sum, [g])] }
  const sum: PrimitiveSpec = { name: `${FN} gradient`, forward: (t) => blockSums(t, sh, sw), backward: (g) => [apply(repeat, [g])] }
  const corners = mode === 'bilinear' && alignCorners ? ', alignCorners' : ''
  return stateless(`${FN}(×${sh === sw ? sh : `${sh}×${sw}`}, ${mode}${corners})`, (x: Input): Var => {
    const xv = toVar(FN, x)
    const dtype = xv.dtype
    if ((dtype !== 'float32' && dtype !== 'float64') || xv.rank !== 4) {
      fail(FN, 'x', 'a float32 or float64 tensor of shape [batch, channels, height, width]', x)
    }
    if (mode === 'nearest') return apply(repeat, [xv])
    const [h, w] = xv.shape.slice(2) as [number, number]
    // along the width: [n, c, h, w]·A_Wᵀ; then along the height: A_H·[n, c, h, w·sw] for each image
    const across = matmul(xv, matrix(w, sw, dtype), { transposeB: true })
    return matmul(matrix(h, sh, dtype), across)
  })
}
