import { numpy as np } from '@jax-js/jax'

/** Adam's hyperparameters, the same for every library (PyTorch's defaults, η = 1e-3). */
export const ADAM = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 }

/** The bias corrections 1/(1 − β₁ᵗ) and 1/(1 − β₂ᵗ) of step t (1-based). */
export function adamCorrections(t: number): [number, number] {
  return [1 / (1 - ADAM.beta1 ** t), 1 / (1 - ADAM.beta2 ** t)]
}

/**
 * One Adam step on a leaf, written with jax-js ops for use inside `jit`: consumes p, g, m, v, and
 * takes a reference of c1, c2 (the caller disposes those once). Returns [p', m', v'].
 */
export function jaxAdamLeaf(p: np.Array, g: np.Array, m: np.Array, v: np.Array, c1: np.Array, c2: np.Array): [np.Array, np.Array, np.Array] {
  const { learningRate, beta1, beta2, eps } = ADAM
  const m2 = m.mul(beta1).add(g.ref.mul(1 - beta1))
  const v2 = v.mul(beta2).add(g.ref.mul(g).mul(1 - beta2))
  const update = m2.ref.mul(c1.ref).div(np.sqrt(v2.ref.mul(c2.ref)).add(eps))
  return [p.sub(update.mul(learningRate)), m2, v2]
}
