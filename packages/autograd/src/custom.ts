import { formatList } from '@gd/tensor/internal'
import { complaint, func, isPlainObject } from '@gd/check'
import { input } from './internal/args.js'
import { Var, isInput, isRecording, noGrad, toVar, type Input } from './variable.js'

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
 * Pass every value the rule depends on as an input: inside nested transforms, a rule that reads a
 * traced value through its closure instead is a constant to the enclosing transforms.
 *
 * @example
 * ```ts
 * import { customGradient, grad, sum, type Var } from '@gd/autograd'
 * import { sign, tensor } from '@gd/tensor'
 * // A straight-through sign: the value is sign(x), the gradient passes unchanged.
 * const steSign = customGradient((x) => ({ value: sign(x.value), gradient: (g) => [g] }))
 * grad((x: Var) => sum(steSign(x)))(tensor([-2, 3])).toArray() // [1, 1]
 * ```
 */
export function customGradient(f: (...inputs: Var[]) => CustomResult): (...inputs: Input[]) => Var {
  func('customGradient', 'f', f)
  return (...inputs) => {
    const vars = inputs.map((x, k) => toVar('customGradient', input('customGradient', `inputs[${k}]`, x)))
    const result = noGrad(() => f(...vars.map((v) => new Var(v.value))))
    if (!isPlainObject(result) || !isInput(result.value) || typeof result.gradient !== 'function') {
      throw complaint(
        'customGradient',
        'f',
        'must return { value, gradient } with value a Tensor, a Var or a number and gradient a function',
        result,
      )
    }
    const { value, gradient } = result as CustomResult
    const out = toVar('customGradient', value)
    let levels = 0
    if (isRecording()) for (const v of vars) levels |= v.levels
    if (levels === 0) return new Var(out.value, 'customGradient')
    const backward = (g: Var): (Var | null)[] => {
      const grads: unknown = gradient(g)
      if (!Array.isArray(grads) || grads.length !== vars.length) {
        throw complaint(
          'customGradient',
          'gradient',
          `must return an array of ${vars.length} cotangent(s), one per input (null for none)`,
          grads,
        )
      }
      return grads.map((c: unknown, k) => {
        if (c === null) return null
        const cv = toVar('customGradient', input('customGradient', `the cotangent of inputs[${k}]`, c))
        const want = vars[k]!.shape
        const fits = (s: readonly number[]) => s.length === cv.rank && s.every((d, i) => d === cv.shape[i])
        if (!fits(want) && !fits(out.shape)) {
          throw complaint(
            'customGradient',
            `the cotangent of inputs[${k}]`,
            `must have the input's shape ${formatList(want)} or the output's ${formatList(out.shape)}`,
            cv.shape,
          )
        }
        return cv
      })
    }
    return new Var(out.value, 'customGradient', vars, backward, levels)
  }
}

/**
 * The value of x, treated as a constant: no gradient flows through it.
 *
 * @example
 * ```ts
 * import { grad, mul, stopGradient, sum, type Var } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * // d/dx [x · stop(x)] = stop(x) = x
 * grad((x: Var) => sum(mul(x, stopGradient(x))))(tensor([3])).toArray() // [3]
 * ```
 */
export function stopGradient(x: Input): Var {
  return new Var(toVar('stopGradient', x).value, 'stopGradient')
}
