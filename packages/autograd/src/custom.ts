import { Var, isRecording, noGrad, toVar, type Input } from './variable.js'

/** What a {@link customGradient} function returns: its value and its own gradient rule. */
export interface CustomResult {
  /** The value. */
  value: Input
  /** Given the output cotangent, the cotangent for each input (null for none), in input order. */
  gradient: (cotangent: Var) => readonly (Input | null)[]
}

/**
 * Defines an op with a hand-written gradient: `f` computes the value (nothing inside it is
 * recorded) and returns the rule to use instead of differentiating through it. Useful for
 * numerical stability, straight-through estimators, or gradient clipping inside a model.
 *
 * @example
 * ```ts
 * import { customGradient, grad, sum } from '@gd/autograd'
 * import { sign, tensor } from '@gd/tensor'
 * // A straight-through sign: the value is sign(x), the gradient passes unchanged.
 * const steSign = customGradient((x) => ({ value: sign(x.value), gradient: (g) => [g] }))
 * grad((x: Var) => sum(steSign(x)))(tensor([-2, 3])).toArray() // [1, 1]
 * ```
 */
export function customGradient(f: (...inputs: Var[]) => CustomResult): (...inputs: Input[]) => Var {
  return (...inputs) => {
    const vars = inputs.map((x) => toVar('customGradient', x))
    const { value, gradient } = noGrad(() => f(...vars.map((v) => new Var(v.value))))
    const out = toVar('customGradient', value)
    let levels = 0
    if (isRecording()) for (const v of vars) levels |= v.levels
    if (levels === 0) return new Var(out.value, 'customGradient')
    const backward = (g: Var): (Var | null)[] => {
      const grads = gradient(g)
      if (grads.length !== vars.length) {
        throw new Error(`customGradient: gradient returned ${grads.length} cotangents, expected ${vars.length} (one per input)`)
      }
      return grads.map((x) => (x === null ? null : toVar('customGradient', x)))
    }
    return new Var(out.value, 'customGradient', vars, backward, levels)
  }
}

/**
 * The value of x, treated as a constant: no gradient flows through it.
 *
 * @example
 * ```ts
 * import { grad, mul, stopGradient, sum } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * // d/dx [x · stop(x)] = stop(x) = x
 * grad((x: Var) => sum(mul(x, stopGradient(x))))(tensor([3])).toArray() // [3]
 * ```
 */
export function stopGradient(x: Input): Var {
  return new Var(toVar('stopGradient', x).value, 'stopGradient')
}
