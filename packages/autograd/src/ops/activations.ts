import { axis as axisOf, finite } from '@gd/check'
import * as T from '@gd/tensor'
import { X } from '../internal/args.js'
import { withDomain } from '../internal/domain.js'
import { apply, primitive } from '../primitive.js'
import { toVar, type Input, type Var } from '../variable.js'
import { add, div, exp, expm1, mul, sub, where } from './arithmetic.js'
import { sum } from './broadcast.js'
import { fusedGelu } from './gelu.js'
import { logSumExp } from './reduce.js'
import { minimum } from './select.js'

/**
 * The identity: the linear output unit ŷ = z, paired with mean squared error.
 * @example
 * ```ts
 * import { identity } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * identity(tensor([2])).toArray() // [2]
 * ```
 */
export const identity = (x: Input): Var => toVar('identity', x)

/**
 * The logistic sigmoid σ(z) = 1 / (1 + e⁻ᶻ), the Bernoulli output unit. A fused primitive for
 * stability: its gradient σ(1 − σ) is computed from the output, so it never forms ∞/∞.
 * @example
 * ```ts
 * import { sigmoid } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * sigmoid(tensor([0])).toArray() // [0.5]
 * ```
 */
export const sigmoid = /* @__PURE__ */ primitive({
  name: 'sigmoid',
  inputNames: X,
  forward: T.sigmoid,
  backward: (g, _x, out) => [mul(g, mul(out, sub(1, out)))],
})

/**
 * max(z, 0). Subgradient at the kink: relu′(0) = 0 (as PyTorch). A primitive for speed.
 * @example
 * ```ts
 * import { relu } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * relu(tensor([-1, 2])).toArray() // [0, 2]
 * ```
 */
export const relu = /* @__PURE__ */ primitive({
  name: 'relu',
  inputNames: X,
  forward: T.relu,
  domain: { x: 'awayFromZero' },
  backward: (g, [x]) => [reluMasked(g, x!.value)],
})

/**
 * relu's cotangent g · [x > 0] in one pass (`T.reluGrad`). Linear in g with the mask fixed by x, so
 * its own gradient is the same mask; in x it is flat almost everywhere, so x enters as a constant.
 */
function reluMasked(g: Var, x: T.Tensor): Var {
  return apply(
    {
      name: 'relu',
      forward(gv) {
        return T.reluGrad(gv, x)
      },
      backward(gg) {
        return [reluMasked(gg, x)]
      },
    },
    [g],
  )
}

/**
 * z where z > 0, else slope · z. Subgradient at 0: the slope side (z > 0 is false).
 * @example
 * ```ts
 * import { leakyRelu } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * leakyRelu(tensor([-10, 2]), 0.01).toArray() // [-0.1, 2]
 * ```
 */
export const leakyRelu = /* @__PURE__ */ withDomain(
  function leakyRelu(x: Input, slope = 0.01): Var {
    const v = toVar('leakyRelu', x)
    finite('leakyRelu', 'slope', slope)
    return where(T.greater(v.value, 0), v, mul(v, slope))
  },
  { x: 'awayFromZero' },
)

/**
 * ELU: z where z > 0, else α(eᶻ − 1). Continuous derivative for α = 1. The negative branch is
 * computed on min(z, 0), so a large positive z never yields ∞ · 0 = NaN in the gradient.
 * @example
 * ```ts
 * import { elu } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * elu(tensor([0, 1])).toArray() // [0, 1]
 * ```
 */
export const elu = /* @__PURE__ */ withDomain(
  function elu(x: Input, alpha = 1): Var {
    const v = toVar('elu', x)
    finite('elu', 'alpha', alpha)
    return where(T.greater(v.value, 0), v, mul(expm1(minimum(v, 0)), alpha))
  },
  { x: 'awayFromZero' },
)

/**
 * GELU in its tanh form, ½z(1 + tanh(√(2/π)(z + 0.044715 z³))), as PyTorch's
 * `approximate='tanh'` and JAX's default. One primitive: a single loop forward and one backward
 * (float32 uses a rational tanh within 4 float32 ulps of the exact one), whose gradient
 * differentiates again, so second derivatives work as for the composed formula.
 * @example
 * ```ts
 * import { gelu } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * gelu(tensor([0])).toArray() // [0]
 * ```
 */
export function gelu(x: Input): Var {
  return fusedGelu(toVar('gelu', x))
}

/**
 * softplus(z) = log(1 + eᶻ), a smooth relu, computed stably as max(z, 0) + log1p(e^−|z|).
 * A primitive so its gradient is the exact σ(z) everywhere, kink-free at 0.
 * @example
 * ```ts
 * import { softplus } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * softplus(tensor([0])).item() // 0.6931… (log 2)
 * ```
 */
export const softplus = /* @__PURE__ */ primitive({
  name: 'softplus',
  inputNames: X,
  forward: (z) => T.add(T.relu(z), T.log1p(T.exp(T.neg(T.abs(z))))),
  backward: (g, [z]) => [mul(g, sigmoid(z!))],
})

/**
 * log softmax(z) = z − logSumExp(z) along `axis` (the last by default), stable for any scale of z.
 * @example
 * ```ts
 * import { logSoftmax } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * logSoftmax(tensor([0, 0])).toArray() // [-0.693…, -0.693…]
 * ```
 */
export function logSoftmax(x: Input, axis = -1): Var {
  const v = toVar('logSoftmax', x)
  const a = axisOf(v.rank)('logSoftmax', 'axis', axis)
  return sub(v, logSumExp(v, { axis: a, keepdims: true }))
}

/**
 * softmax(z)ᵢ = e^zᵢ / Σⱼ e^zⱼ along `axis` (the last by default), the multinoulli output unit;
 * computed as e^(z − m) / Σ e^(z − m) with m the maximum held constant (its gradient cancels), so it
 * never overflows and equal logits give exactly equal shares (exp(logSoftmax(z)) would round
 * log Σ and lose hundreds of ulps at large z).
 * @example
 * ```ts
 * import { softmax } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * softmax(tensor([1000, 1000])).toArray() // [0.5, 0.5]
 * ```
 */
export function softmax(x: Input, axis = -1): Var {
  const v = toVar('softmax', x)
  const a = axisOf(v.rank)('softmax', 'axis', axis)
  const m = T.max(v.value, { axis: a, keepdims: true })
  const e = exp(sub(v, T.where(T.isFinite(m), m, 0)))
  return div(e, sum(e, { axis: a, keepdims: true }))
}
