import { logSoftmax, mean, mul, neg, reshape, takeAlongAxis, Var, type Input } from '@gd/autograd'
import { complaint, fail } from '@gd/check'
import { Tensor } from '@gd/tensor'
import { kernelReading, traceConstant } from '@gd/tensor/internal'
import { isNumberList } from './internal/numbers.js'

/** Logits of shape [T, A] with T ≥ 1 steps and A ≥ 1 actions, as a Var or a float Tensor. */
function checkLogits(logits: unknown): readonly number[] {
  if (!(logits instanceof Var) && !(logits instanceof Tensor))
    fail('policyGradientLoss', 'logits', 'a Tensor or a Var of shape [steps, actions]', logits)
  const { shape, dtype } = logits
  if (shape.length !== 2 || shape[0] === 0 || shape[1] === 0)
    throw complaint(
      'policyGradientLoss',
      'logits',
      'must have shape [steps, actions] with at least one of each',
      logits,
    )
  if (dtype !== 'float32' && dtype !== 'float64')
    throw complaint('policyGradientLoss', 'logits', 'must be float32 or float64', logits)
  return shape
}

/**
 * The actions as an int32 [T, 1] tensor of indices in [0, A), from an int32 Tensor (read inside a kernel call, so a
 * compiled step checks them again at each replay) or a list of integers.
 */
function actionIndices(actions: unknown, steps: number, count: number): Tensor {
  const out = new Int32Array(steps)
  if (actions instanceof Tensor) {
    if (actions.dtype !== 'int32' || actions.rank !== 1)
      throw complaint(
        'policyGradientLoss',
        'actions',
        'must be an int32 Tensor of shape [steps] or a list of integers',
        actions,
      )
    checkLength(actions.size, steps, actions)
    kernelReading(out, [actions], (values) => copyActions(values, out, count))
  } else if (isNumberList(actions)) {
    checkLength(actions.length, steps, actions)
    copyActions(actions, out, count)
    traceConstant(out)
  } else {
    return fail('policyGradientLoss', 'actions', 'an int32 Tensor of shape [steps] or a list of integers', actions)
  }
  return new Tensor(out, [steps, 1], 'int32')
}

function checkLength(length: number, steps: number, actions: unknown): void {
  if (length !== steps)
    throw complaint(
      'policyGradientLoss',
      'actions',
      `must hold one action per step (${steps}, the rows of logits)`,
      actions,
    )
}

/** Copies the actions into `out`, each checked to be an integer in [0, count). */
function copyActions(values: ArrayLike<unknown>, out: Int32Array, count: number): void {
  for (let t = 0; t < out.length; t++) {
    const a = values[t]
    if (!Number.isInteger(a) || (a as number) < 0 || (a as number) >= count) {
      throw complaint(
        'policyGradientLoss',
        `actions[${t}]`,
        `must be an integer in [0, ${count}) (logits have ${count} actions)`,
        a,
      )
    }
    out[t] = a as number
  }
}

/** The advantages as a [T] Var or Tensor, or a list of finite numbers made a tensor of `dtype`. */
function advantagesOf(advantages: unknown, steps: number, dtype: 'float32' | 'float64'): Input {
  const expected = `a Tensor or a Var of shape [${steps}], or a list of ${steps} finite numbers`
  if (advantages instanceof Var || advantages instanceof Tensor) {
    if (
      advantages.rank !== 1 ||
      advantages.shape[0] !== steps ||
      advantages.dtype === 'int32' ||
      advantages.dtype === 'bool'
    ) {
      fail('policyGradientLoss', 'advantages', `${expected} (float32 or float64)`, advantages)
    }
    return advantages
  }
  if (!isNumberList(advantages)) fail('policyGradientLoss', 'advantages', expected, advantages)
  const values = advantages as ArrayLike<unknown>
  if (values.length !== steps) fail('policyGradientLoss', 'advantages', expected, advantages)
  const storage = dtype === 'float64' ? new Float64Array(steps) : new Float32Array(steps)
  for (let t = 0; t < steps; t++) {
    const v = values[t]
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw complaint('policyGradientLoss', `advantages[${t}]`, 'must be a finite number', v)
    storage[t] = v
  }
  traceConstant(storage)
  return new Tensor(storage, [steps], dtype)
}

/**
 * The REINFORCE surrogate loss of a batch of T steps with a softmax policy over A discrete actions:
 *
 *   L = −(1/T) Σₜ Âₜ log π(aₜ | sₜ),   log π(· | sₜ) = logSoftmax(logitsₜ),
 *
 * whose gradient with respect to the policy's parameters is minus the policy-gradient estimate
 * (1/T) Σₜ Âₜ ∇ log π(aₜ | sₜ) (Williams 1992; the log-derivative trick). Minimizing it makes actions
 * with a positive advantage more likely and those with a negative one less likely. With respect to
 * the logits of step t the gradient is −(Âₜ / T)(onehot(aₜ) − πₜ). The advantages are treated as
 * given numbers (pass a Tensor, or detach them yourself, unless you mean to differentiate them); the
 * actions are indices and get no gradient.
 *
 * @param logits The policy's logits at each step, shape [T, A] (float32 or float64; a Var when differentiating).
 * @param actions The action taken at each step: an int32 Tensor of shape [T] or a list of T integers in [0, A).
 * @param advantages Âₜ for each step (returns, returns minus a baseline, standardized, …): a Tensor
 *   or Var of shape [T], or a list of T finite numbers.
 * @returns The scalar loss L.
 * @throws Error for logits that are not [T, A] floats, actions that are not T integers in [0, A),
 *   or advantages that are not T numbers.
 * @see https://spinningup.openai.com/en/latest/spinningup/rl_intro3.html
 * @example
 * ```ts
 * import { grad, type Var } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * import { policyGradientLoss } from '@gd/rl'
 * // one step, logits [0, 0]: π = [0.5, 0.5], action 1 with advantage 1, so L = −log 0.5 = 0.693…
 * policyGradientLoss(tensor([[0, 0]]), [1], [1]).item() // 0.6931471824645996
 * // its gradient: −(onehot(1) − π) = [0.5, −0.5]: raising the logit of action 1 lowers L
 * grad((z: Var) => policyGradientLoss(z, [1], [1]))(tensor([[0, 0]])).toArray() // [[0.5, -0.5]]
 * ```
 */
export function policyGradientLoss(
  logits: Input,
  actions: Tensor | ArrayLike<number>,
  advantages: Input | ArrayLike<number>,
): Var {
  const [steps, count] = checkLogits(logits) as [number, number]
  const chosen = actionIndices(actions, steps, count)
  const a = advantagesOf(advantages, steps, (logits as Var | Tensor).dtype as 'float32' | 'float64')
  const logProbs = reshape(takeAlongAxis(logSoftmax(logits), chosen), [steps])
  return neg(mean(mul(logProbs, a)))
}
