import { fail, func, positive, readOptions, withDefault } from '@gd/check'
import { Tensor } from '@gd/tensor'
import { formatList } from '@gd/tensor/internal'

/** Options for {@link numericalGradient}. */
export interface NumericalGradientOptions {
  /** Half-width of the central difference; `1e-6` unless said otherwise. */
  eps?: number
}

/**
 * Estimates the gradient of a scalar function by central differences, in float64:
 *
 * ∂f/∂xᵢ ≈ (f(x + ε eᵢ) − f(x − ε eᵢ)) / 2ε
 *
 * The reference that analytical gradients are checked against. Costs two calls of `f` per element,
 * so use it on small inputs.
 *
 * @throws Error when `x` is not float64 or `f` does not return a finite scalar.
 * @example
 * ```ts
 * import { numericalGradient } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * const x = tensor([1, 2], { dtype: 'float64' })
 * const g = numericalGradient((t) => t.data[0]! ** 2 + 3 * t.data[1]!, x)
 * // g.data ≈ [2, 3]
 * ```
 */
export function numericalGradient(
  f: (x: Tensor<'float64'>) => number,
  x: Tensor,
  options: NumericalGradientOptions = {},
): Tensor<'float64'> {
  func('numericalGradient', 'f', f)
  if (!(x instanceof Tensor)) fail('numericalGradient', 'x', 'a float64 Tensor', x)
  if (x.dtype !== 'float64') {
    throw new Error(`numericalGradient: x must be float64 for accurate differences, got ${x.dtype}`)
  }
  const { eps } = readOptions('numericalGradient', options, { eps: withDefault(positive, 1e-6) })
  const base = Float64Array.from(x.data as Float64Array)
  const grad = new Float64Array(base.length)
  const at = (values: Float64Array): number => {
    const y = f(new Tensor(values, x.shape, 'float64'))
    if (typeof y !== 'number' || !Number.isFinite(y)) {
      throw new Error(`numericalGradient: f must return a finite number at shape ${formatList(x.shape)}, got ${y}`)
    }
    return y
  }
  for (let i = 0; i < base.length; i++) {
    const plus = Float64Array.from(base)
    const minus = Float64Array.from(base)
    plus[i]! += eps
    minus[i]! -= eps
    grad[i] = (at(plus) - at(minus)) / (2 * eps)
  }
  return new Tensor(grad, x.shape, 'float64')
}
