import { apply, toVar, type Input, type PrimitiveSpec, type Var } from '@gd/autograd'
import { checkShape } from '@gd/tensor/internal'
import { fail, oneOf, readOptions, withDefault, type Check } from '@gd/check'
import {
  blockSums,
  interpolate,
  interpolateAdjoint,
  linearTaps,
  repeatPixels,
  type Taps,
} from './internal/interpolate.js'
import { described } from './internal/described.js'
import type { Layer } from './layer.js'

/**
 * Options of {@link upsample2d}, named as PyTorch's `nn.Upsample` arguments.
 * @example
 * ```ts
 * import { upsample2d, type Upsample2dOptions } from '@gd/nn'
 * const smooth: Upsample2dOptions = { scale: [2, 3], mode: 'bilinear', alignCorners: true }
 * upsample2d(smooth).name // 'upsample2d(×2×3, bilinear, alignCorners)'
 * ```
 */
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

// calls annotated pure, so a program that imports other layers drops this module whole
const spec = {
  scale: /* @__PURE__ */ withDefault(scaleCheck, [2, 2] as [number, number]),
  mode: /* @__PURE__ */ withDefault(/* @__PURE__ */ oneOf(['nearest', 'bilinear'] as const), 'nearest'),
  alignCorners: alignCheck,
}

/**
 * Upsampling of NCHW images by an integer factor, with PyTorch's `nn.Upsample(scale_factor, mode,
 * align_corners)` semantics; no parameters. `[batch, C, H, W]` becomes `[batch, C, H·sh, W·sw]`:
 * - `'nearest'`: output pixel (i, j) copies input pixel (⌊i/sh⌋, ⌊j/sw⌋); its gradient sums each
 *   sh×sw block (and that gradient's gradient copies again);
 * - `'bilinear'`: linear interpolation along the width, then along the height (half-pixel centres
 *   unless `alignCorners`), each output from its two nearest sources; its gradient sends each
 *   cotangent back to those sources with the same weights.
 *
 * Both modes are linear in x, each op paired with its adjoint as its gradient, so every order of
 * derivative is exact.
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
 * upsample2d({ mode: 'bilinear' }).apply({}, x).toArray()
 * // [[[[1, 1.25, 1.75, 2], [1.5, 1.75, 2.25, 2.5], [2.5, 2.75, 3.25, 3.5], [3, 3.25, 3.75, 4]]]]
 * ```
 */
export function upsample2d(options?: Upsample2dOptions): Layer<Record<string, never>> {
  const { scale, mode, alignCorners } = readOptions(FN, options, spec)
  const [sh, sw] = scale
  // each mode is a linear loop whose gradient is its adjoint loop, and the adjoint's gradient the
  // loop again. nearest's composite form (reshape → broadcastTo → reshape) gives the same numbers at
  // about three times the cost (a generic strided copy, and axis sums for the gradient); bilinear's
  // (two matmuls with interpolation matrices) costs O(size) per output instead of O(1)
  const repeat: PrimitiveSpec = {
    name: FN,
    forward: (t) => repeatPixels(t, sh, sw),
    backward: (g) => [apply(sums, [g])],
  }
  const sums: PrimitiveSpec = {
    name: `${FN} gradient`,
    forward: (t) => blockSums(t, sh, sw),
    backward: (g) => [apply(repeat, [g])],
  }
  const lerp = (x: Var, axis: 2 | 3, taps: Taps): Var =>
    apply({ name: FN, forward: (t) => interpolate(t, axis, taps), backward: (g) => [lerpAdjoint(g, axis, taps)] }, [x])
  const lerpAdjoint = (g: Var, axis: 2 | 3, taps: Taps): Var =>
    apply(
      {
        name: `${FN} gradient`,
        forward: (t) => interpolateAdjoint(t, axis, taps),
        backward: (g2) => [lerp(g2, axis, taps)],
      },
      [g],
    )
  /** Interpolation taps by axis and size, made once per layer and size. */
  const cache = new Map<string, Taps>()
  const taps = (axis: 2 | 3, size: number): Taps => {
    const key = `${axis},${size}`
    let t = cache.get(key)
    if (t === undefined) cache.set(key, (t = linearTaps(size, axis === 2 ? sh : sw, alignCorners)))
    return t
  }
  const corners = mode === 'bilinear' && alignCorners ? ', alignCorners' : ''
  return described(
    `${FN}(×${sh === sw ? sh : `${sh}×${sw}`}, ${mode}${corners})`,
    { kind: FN, scale, mode, alignCorners },
    (x: Input): Var => {
      const xv = toVar(FN, x)
      const dtype = xv.dtype
      if ((dtype !== 'float32' && dtype !== 'float64') || xv.rank !== 4) {
        fail(FN, 'x', 'a float32 or float64 tensor of shape [batch, channels, height, width]', x)
      }
      const [n, c, h, w] = xv.shape as [number, number, number, number]
      checkShape(FN, [n, c, h * sh, w * sw], 'output shape')
      if (mode === 'nearest') return apply(repeat, [xv])
      return lerp(lerp(xv, 3, taps(3, w)), 2, taps(2, h))
    },
  )
}
