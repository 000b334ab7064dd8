// A new differentiable op in a few lines, as the "Extending @gd" page runs it: softsign as a
// `primitive` with its gradient rule, checked against central differences with `gradcheck` and
// `gradgradcheck`, next to a variant whose rule has a mistake in it.
import { abs, add, div, grad, gradcheck, gradgradcheck, primitive, square, sum, type Var } from '@gd/autograd'
import * as T from '@gd/tensor'

// #region op
/**
 * softsign(x) = x / (1 + |x|), a smooth squashing function like tanh with polynomial tails.
 * d/dx softsign(x) = 1 / (1 + |x|)². At x = 0 |x| has a kink, but the derivative is 1 from both
 * sides, so softsign itself is smooth there.
 */
export const softsign = primitive({
  name: 'softsign',
  forward: (x) => T.div(x, T.add(1, T.abs(x))),
  // Written with differentiable ops from @gd/autograd, so the rule has a gradient of its own.
  backward: (g, [x]) => [div(g, square(add(1, abs(x!))))],
})

/** The same op with a typical slip in its rule: the square of (1 + |x|) forgotten. */
export const softsignWrong = primitive({
  name: 'softsignWrong',
  forward: (x) => T.div(x, T.add(1, T.abs(x))),
  backward: (g, [x]) => [div(g, add(1, abs(x!)))],
})
// #endregion op

// #region check
/** Runs gradcheck and gradgradcheck on an op at random float64 points; returns what each said. */
export function check(op: (x: Var) => Var, seed = 0, n = 8): { gradcheck: string; gradgradcheck: string } {
  // Points away from 0, where central differences would straddle the kink of |x|.
  const u = T.uniform(T.prngKey(seed), [n], { low: 0.1, high: 3, dtype: 'float64' })
  const s = T.sign(T.uniform(T.prngKey(seed + 1), [n], { low: -1, high: 1, dtype: 'float64' }))
  const x = T.mul(u, s)
  const run = (f: () => true): string => {
    try {
      return f() ? 'passed' : 'failed'
    } catch (e) {
      return (e as Error).message
    }
  }
  return {
    gradcheck: run(() => gradcheck((v) => op(v), [x])),
    gradgradcheck: run(() => gradgradcheck((v) => op(v), [x])),
  }
}
// #endregion check

/** The op over [−5, 5], its gradient from `grad`, and central differences of the forward. */
export function curves(op: (x: Var) => Var, n = 201) {
  const x = T.linspace(-5, 5, n, { dtype: 'float64' })
  const value = op(x as never).value
  const slope = grad((v: Var) => sum(op(v)))(x)
  const eps = 1e-5
  const numeric = T.div(T.sub(op(T.add(x, eps) as never).value, op(T.sub(x, eps) as never).value), 2 * eps)
  return {
    x: Array.from(x.data, Number),
    series: {
      'softsign(x)': Array.from(value.data, Number),
      'd/dx from grad (the rule)': Array.from(slope.data, Number),
      'd/dx from central differences': Array.from(numeric.data, Number),
    },
  }
}

if (typeof process !== 'undefined' && process.argv[1]?.endsWith('customOp.ts')) {
  console.log('softsign', check(softsign))
  console.log('softsignWrong', check(softsignWrong))
  const c = curves(softsign)
  console.log(
    c.series['d/dx from grad (the rule)']
      .slice(95, 106)
      .map((v) => v.toFixed(4))
      .join(' '),
  )
}
