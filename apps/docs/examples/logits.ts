// Binary costs over a range of logits z, each written with @gd/losses and differentiated with
// @gd/autograd: the value and dJ/dz of every loss at every z, in one vectorized call per loss.
import { grad, sigmoid, sum, type Var } from '@gd/autograd'
import { binaryCrossEntropy, mse, sigmoidBinaryCrossEntropy } from '@gd/losses'
import { fullLike, linspace, type FloatDType, type Tensor } from '@gd/tensor'

// #region losses
/** Each cost as a function of the logit z for a target y, elementwise ('none' keeps one value per z). */
export const costs = {
  // Squared error on the sigmoid's output: a Gaussian cost on a unit meant for probabilities.
  'mse(σ(z), y)': (z: Var, y: Tensor) => mse(sigmoid(z), y, { reduction: 'none' }),
  // Cross-entropy from probabilities: σ(z) first, then its logarithm (clamped to [eps, 1 − eps]).
  'binaryCrossEntropy(σ(z), y)': (z: Var, y: Tensor) => binaryCrossEntropy(sigmoid(z), y, { reduction: 'none' }),
  // Cross-entropy from logits: softplus(z) − y·z, never forming σ(z) or its logarithm.
  'sigmoidBinaryCrossEntropy(z, y)': (z: Var, y: Tensor) => sigmoidBinaryCrossEntropy(z, y, { reduction: 'none' }),
}

/** Values and gradients dJ/dz over n logits in [−range, range]. */
export function sweep(target: number, range: number, dtype: FloatDType, n = 401) {
  const z = linspace(-range, range, n, { dtype })
  const y = fullLike(z, target)
  const values: Record<string, number[]> = {}
  const slopes: Record<string, number[]> = {}
  for (const [name, cost] of Object.entries(costs)) {
    let value: Tensor | undefined
    // The sum's gradient is each element's own derivative, since the elements do not interact.
    const dz = grad((zv: Var) => {
      const j = cost(zv, y)
      value = j.value
      return sum(j)
    })(z)
    values[name] = Array.from(value!.data, Number)
    slopes[name] = Array.from(dz.data, Number)
  }
  return { z: Array.from(z.data, Number), values, slopes }
}
// #endregion losses
