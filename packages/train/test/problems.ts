// Small seeded problems shared by the tests of this package.
import * as AG from '@gd/autograd'
import { linear } from '@gd/nn'
import { normal, prngKey, splitKey, Tensor } from '@gd/tensor'
import type { Dataset } from '../src/dataset.js'

/**
 * Two features, a label that is 1 where 2·x₀ − 3·x₁ + 0.5 > 0 (flipped for a few points near the
 * boundary by small noise), so logistic regression can reach a low but non-zero loss.
 */
export function logisticData(seed: number, n: number): Dataset {
  const [kx, kn] = splitKey(prngKey(seed))
  const x = normal(kx, [n, 2])
  const noise = normal(kn, [n]).data
  const y = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const z = 2 * x.data[2 * i]! - 3 * x.data[2 * i + 1]! + 0.5 + 0.3 * noise[i]!
    y[i] = z > 0 ? 1 : 0
  }
  return { x, y: new Tensor(y, [n, 1], 'float32') }
}

/** Binary cross-entropy from logits: mean(softplus(z) − y·z), stable for any z. */
export const logisticLoss = (z: AG.Var, y: Tensor): AG.Var => AG.mean(AG.sub(AG.softplus(z), AG.mul(y, z)))

/** Mean squared error. */
export const mseLoss = (p: AG.Var, y: Tensor): AG.Var => AG.mean(AG.square(AG.sub(p, y)))

/** The logistic-regression model: one linear unit on two features. */
export const logisticModel = linear(2, 1)
