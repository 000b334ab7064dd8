import { exp, log, mul, sub, sum, where, type Input, type Var } from '@gd/autograd'
import * as T from '@gd/tensor'
import { boolean, readOptions, withDefault, type Spec } from '@gd/check'
import { atLeastZero, everyValue, lossSpec } from './internal/checks.js'
import { pair, reduceLoss, type LossOptions } from './reduction.js'

/** Options of {@link klDivergence}. */
export interface KlDivergenceOptions extends LossOptions {
  /** Predictions are log-probabilities log q (default true, as PyTorch's `kl_div` and Optax), else probabilities q. */
  logInput?: boolean
  /** Targets are log-probabilities log p (default false), else probabilities p. */
  logTarget?: boolean
}

/**
 * The Kullback–Leibler divergence KL(p ‖ q) of the predicted distribution q from the target p,
 * over the last axis:
 *
 *   ℓ = Σ_c p_c · (log p_c − log q_c)
 *
 * with 0 · log 0 taken as 0 (also in the gradients). `'none'` gives one value per distribution
 * (shape [...]) and `'mean'` averages them, which is PyTorch's `reduction='batchmean'`, the true
 * KL per sample (PyTorch's own `'mean'` divides by the element count instead).
 *
 * @throws Error when the shapes differ, predictions have no class axis, a probability is negative,
 *   or for bad options.
 * @example
 * ```ts
 * import { klDivergence } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * // p = [½, ½], q = [¼, ¾]: ½ log 2 + ½ log(2/3) = 0.1438…
 * klDivergence(tensor([[0.25, 0.75]]), tensor([[0.5, 0.5]]), { logInput: false }).item() // 0.1438…
 * ```
 */
export function klDivergence(predictions: Input, targets: Input, options: KlDivergenceOptions = {}): Var {
  const fn = 'klDivergence'
  const { logInput, logTarget, ...reduce } = readOptions(fn, options, {
    ...lossSpec,
    logInput: withDefault(boolean, true),
    logTarget: withDefault(boolean, false),
  } satisfies Spec<KlDivergenceOptions>)
  const [q, t] = pair(fn, predictions, targets)
  if (q.rank === 0) throw new Error('klDivergence: predictions need a class axis, got shape []')
  // probabilities are ≥ 0 (log-probabilities may be anything up to 0, −∞ included)
  if (!logInput) everyValue(fn, 'predictions', q, atLeastZero, '>= 0 (probabilities, as logInput is false)')
  if (!logTarget) everyValue(fn, 'targets', t, atLeastZero, '>= 0 (probabilities, as logTarget is false)')
  // Where p = 0 the term is 0 (0 · log 0 = 0), in the value and in every gradient: the safe-where
  // pattern puts harmless stand-ins (log p = 0, q = 1) under each log there, so no 0/0 or 0·∞ is
  // ever formed, then masks the term. p = 0 is a log-target of −∞.
  const zero = T.equal(t.value, logTarget ? -Infinity : 0)
  const p = logTarget ? exp(t) : t
  const logP = logTarget ? where(zero, 0, t) : log(where(zero, 1, t))
  const logQ = logInput ? q : log(where(zero, 1, q))
  const terms = mul(p, where(zero, 0, sub(logP, logQ)))
  return reduceLoss(fn, sum(terms, { axis: -1 }), reduce)
}
