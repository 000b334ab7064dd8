/** The nonlinearities {@link calculateGain} knows. */
export type Nonlinearity = 'linear' | 'identity' | 'conv' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu'

/**
 * The recommended gain for a nonlinearity: the factor by which to scale a unit-variance
 * initialization so activations keep their scale through the layer (PyTorch's values).
 *
 * | nonlinearity | gain |
 * | --- | --- |
 * | linear, identity, conv, sigmoid | 1 |
 * | tanh | 5/3 |
 * | relu | √2 (ReLU zeroes half the signal, so the variance needs doubling) |
 * | leakyRelu | √(2 / (1 + negativeSlope²)), negativeSlope 0.01 by default |
 * | selu | 3/4 (PyTorch's choice; self-normalizing nets usually use `lecunNormal` instead) |
 *
 * @throws Error for an unknown nonlinearity, a negativeSlope given for another nonlinearity,
 *   or a non-finite slope.
 * @example
 * ```ts
 * import { calculateGain } from '@gd/init'
 * calculateGain('relu') // 1.4142135623730951
 * calculateGain('leakyRelu', { negativeSlope: 0.2 }) // 1.3867504905630728
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, options: { negativeSlope?: number } = {}): number {
  const { negativeSlope } = options
  if (negativeSlope !== undefined && nonlinearity !== 'leakyRelu') {
    throw new Error(`calculateGain: negativeSlope only applies to leakyRelu, got ${String(nonlinearity)}`)
  }
  switch (nonlinearity) {
    case 'linear':
    case 'identity':
    case 'conv':
    case 'sigmoid':
      return 1
    case 'tanh':
      return 5 / 3
    case 'relu':
      return Math.SQRT2
    case 'leakyRelu': {
      const slope = negativeSlope ?? 0.01
      if (!Number.isFinite(slope)) {
        throw new Error(`calculateGain: negativeSlope must be a finite number, got ${slope}`)
      }
      return Math.sqrt(2 / (1 + slope * slope))
    }
    case 'selu':
      return 3 / 4
    default:
      throw new Error(
        `calculateGain: unknown nonlinearity ${JSON.stringify(nonlinearity)}; expected one of ` +
          'linear, identity, conv, sigmoid, tanh, relu, leakyRelu, selu',
      )
  }
}
