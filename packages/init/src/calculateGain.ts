import { readOptions } from '@gd/check'
import { negativeSlope as slopeCheck, nonlinearity as nonlinearityCheck, slopeFits } from './internal/checks.js'

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
 * | selu | 3/4 (PyTorch's choice; self-normalizing nets usually use `lecunNormalInit` instead) |
 *
 * @throws Error for an unknown nonlinearity or option, a negativeSlope given for another
 *   nonlinearity, or a non-finite slope.
 * @example
 * ```ts
 * import { calculateGain } from '@gd/init'
 * calculateGain('relu') // 1.4142135623730951
 * calculateGain('leakyRelu', { negativeSlope: 0.2 }) // 1.3867504905630728
 * ```
 */
export function calculateGain(
  nonlinearity: Nonlinearity,
  options: { negativeSlope?: number | undefined } = {},
): number {
  const nl = nonlinearityCheck('calculateGain', 'nonlinearity', nonlinearity)
  const { negativeSlope } = readOptions('calculateGain', options, { negativeSlope: slopeCheck })
  slopeFits('calculateGain', nl, negativeSlope)
  switch (nl) {
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
      return Math.sqrt(2 / (1 + slope * slope))
    }
    case 'selu':
      return 3 / 4
  }
}
