import { blockUntilReady, numpy as np, tree } from '@jax-js/jax'

/** Adam's hyperparameters, the same for every library (PyTorch's defaults, η = 1e-3). */
export const ADAM = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 }

/** The bias corrections 1/(1 − β₁ᵗ) and 1/(1 − β₂ᵗ) of step t (1-based). */
export function adamCorrections(t: number): [number, number] {
  return [1 / (1 - ADAM.beta1 ** t), 1 / (1 - ADAM.beta2 ** t)]
}

/**
 * One Adam step on a leaf, written with jax-js ops for use inside `jit`: consumes p, g, m, v, and
 * takes a reference of c1, c2 (the caller disposes those once). Returns [p', m', v']. With a
 * `weightDecay` λ above 0 it is AdamW's step, p' = p − η(m̂/(√v̂ + ε) + λp), as @gd's `adamw`.
 */
export function jaxAdamLeaf(
  p: np.Array,
  g: np.Array,
  m: np.Array,
  v: np.Array,
  c1: np.Array,
  c2: np.Array,
  weightDecay = 0,
): [np.Array, np.Array, np.Array] {
  const { learningRate, beta1, beta2, eps } = ADAM
  const m2 = m.mul(beta1).add(g.ref.mul(1 - beta1))
  const v2 = v.mul(beta2).add(g.ref.mul(g).mul(1 - beta2))
  const adam = m2.ref.mul(c1.ref).div(np.sqrt(v2.ref.mul(c2.ref)).add(eps))
  const update = weightDecay > 0 ? adam.add(p.ref.mul(weightDecay)) : adam
  return [p.sub(update.mul(learningRate)), m2, v2]
}

/** A jitted training step: (params, m, v, x, y, c1, c2) → [params', m', v', loss], consuming its arguments. */
export type JaxAdamStep<P> = ((
  p: P,
  m: P,
  v: P,
  x: np.Array,
  y: np.Array,
  c1: np.Array,
  c2: np.Array,
) => [P, P, P, np.Array]) & { dispose(): void }

/**
 * The timed part of a jax-js training-step contender: runs `trainStep` with Adam's bias corrections
 * of the step count, keeps the new parameters and moments, and frees everything on dispose.
 */
export function jaxAdamRunner<P>(
  trainStep: JaxAdamStep<P>,
  start: { params: P; m: P; v: P },
  X: np.Array,
  Y: np.Array,
) {
  let { params, m, v } = start
  let t = 0
  const run = async () => {
    const [c1, c2] = adamCorrections(++t)
    const out = trainStep(params, m, v, X.ref, Y.ref, np.array(c1), np.array(c2))
    ;[params, m, v] = [out[0], out[1], out[2]]
    await blockUntilReady(out)
    return out[3]
  }
  return {
    step: async () => (await run()).dispose(),
    check: async () => (await (await run()).data())[0]!,
    dispose: () => {
      tree.dispose([params, m, v, X, Y] as never)
      trainStep.dispose()
    },
  }
}
