import * as T from '@gd/tensor'
import { normalizeAxes } from '@gd/tensor/internal'
import { Var, toVar, type Input } from '../variable.js'
import { add, div, log, mul, sqrt, sub, exp, square, abs } from './arithmetic.js'
import { apply } from '../primitive.js'
import { broadcastTo, sum } from './broadcast.js'
import { nonNegative, readOptions, rule, withDefault } from '@gd/check'
import { reduceOptions, reduceSpec } from '../internal/args.js'
import { reshape } from './shape.js'
import { sumOf } from '../internal/broadcast.js'
import { withDomain } from '../internal/domain.js'

export type { ReduceOptions } from '@gd/tensor'

/**
 * The mean over the given axes, composed as sum / count.
 * @example
 * ```ts
 * import { mean } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * mean(tensor([1, 2, 3])).item() // 2
 * ```
 */
export function mean(x: Input, options: T.ReduceOptions = {}): Var {
  const v = toVar('mean', x)
  const o = reduceOptions('mean', options, v.rank)
  const axes = normalizeAxes('mean', o.axis, v.rank)
  const count = axes.reduce((n, a) => n * v.shape[a]!, 1)
  // sum with the options read above (not read again); a float mean in one primitive
  if (v.dtype !== 'float32' && v.dtype !== 'float64') return div(sumOf(v, o), count)
  return sumOf(v, o, toVar('div', count, v.dtype), div) // the divisor div makes of the number (weakly typed: v's dtype)
}

function extreme(name: 'max' | 'min', x: Input, options: T.ReduceOptions): Var {
  const v = toVar(name, x)
  const o = reduceOptions(name, options, v.rank)
  const kept = v.shape.map((d, i) => (o.axis === undefined || (o.axis as number[]).includes(i) ? 1 : d))
  const forward = name === 'max' ? T.max : T.min
  return apply(
    {
      name,
      forward: (t) => forward(t, o),
      backward: (g, _inputs, out) => {
        // Ties share the cotangent equally (each of k tied elements gets g / k).
        const mask = T.cast(T.equal(v.value, T.reshape(out.value, kept)), v.dtype)
        const share = T.div(mask, T.sum(mask, { ...o, keepdims: true }))
        return [mul(broadcastTo(reshape(g, kept), v.shape), T.cast(share, v.dtype))]
      },
    },
    [v],
  )
}

/**
 * The maximum over the given axes. Subgradient at ties: tied maxima share the cotangent equally.
 * @example
 * ```ts
 * import { max } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * max(tensor([1, 3, 2])).item() // 3
 * ```
 */
export const max = /* @__PURE__ */ withDomain(
  function max(x: Input, options: T.ReduceOptions = {}): Var {
    return extreme('max', x, options)
  },
  { x: 'distinct' },
)

/**
 * The minimum over the given axes. Subgradient at ties: tied minima share the cotangent equally.
 * @example
 * ```ts
 * import { min } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * min(tensor([1, 3, 2])).item() // 1
 * ```
 */
export const min = /* @__PURE__ */ withDomain(
  function min(x: Input, options: T.ReduceOptions = {}): Var {
    return extreme('min', x, options)
  },
  { x: 'distinct' },
)

/**
 * log Σ exp(x) over the given axes, composed stably as m + log Σ exp(x − m) with m the maximum held
 * constant (its gradient cancels exactly), so the result and its gradient (a softmax) never
 * overflow.
 * @example
 * ```ts
 * import { logSumExp } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * logSumExp(tensor([1000, 1000])).item() // 1000.693…
 * ```
 */
export function logSumExp(x: Input, options: T.ReduceOptions = {}): Var {
  const v = toVar('logSumExp', x)
  const o = reduceOptions('logSumExp', options, v.rank)
  const m = T.max(v.value, { ...o, keepdims: true })
  const safe = T.where(T.isFinite(m), m, 0)
  const shifted = log(sum(exp(sub(v, safe)), { ...o, keepdims: true }))
  const out = add(shifted, safe)
  return o.keepdims ? out : reshape(out, T.sum(v.value, o).shape)
}

/**
 * Variance over the given axes (population by default; `correction: 1` for the sample variance),
 * composed as mean((x − x̄)²)·N/(N − correction).
 * @example
 * ```ts
 * import { variance } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * variance(tensor([1, 2, 3, 4])).item() // 1.25
 * ```
 */
export function variance(x: Input, options: T.VarianceOptions = {}): Var {
  return varianceOf('variance', x, options)
}

function varianceOf(fn: string, x: Input, options: T.VarianceOptions): Var {
  const v = toVar(fn, x)
  const o = readOptions(fn, options, { ...reduceSpec(v.rank), correction: withDefault(nonNegative, 0) })
  const axes = normalizeAxes(fn, o.axis, v.rank)
  const n = axes.reduce((k, a) => k * v.shape[a]!, 1)
  const centered = sub(v, mean(v, { axis: axes, keepdims: true }))
  return div(sum(square(centered), { axis: axes, keepdims: o.keepdims }), n - o.correction)
}

/**
 * Standard deviation, √variance. Its gradient is infinite where the variance is 0.
 * @example
 * ```ts
 * import { std } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * std(tensor([1, 3])).item() // 1
 * ```
 */
export const std = /* @__PURE__ */ withDomain(
  function std(x: Input, options: T.VarianceOptions = {}): Var {
    return sqrt(varianceOf('std', x, options))
  },
  { x: 'distinct' }, // never a zero variance
)

/** The norms `norm` computes. */
const ordCheck = rule<1 | 2 | typeof Infinity>('1, 2 or Infinity', (v) => v === 1 || v === 2 || v === Infinity)

/**
 * A vector norm over the given axes: ord 1 (Σ|x|), 2 (√Σx², the default) or Infinity (max|x|).
 * The 2-norm's gradient x/‖x‖ is undefined at 0; there it gives NaN, so add a small epsilon inside
 * if your inputs can be exactly zero.
 * @example
 * ```ts
 * import { norm } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * norm(tensor([3, 4])).item() // 5
 * ```
 */
export const norm = /* @__PURE__ */ withDomain(
  function norm(x: Input, options: T.NormOptions = {}): Var {
    const v = toVar('norm', x)
    const { ord, ...o } = readOptions('norm', options, { ...reduceSpec(v.rank), ord: withDefault(ordCheck, 2) })
    const reduce = o.axis === undefined ? { keepdims: o.keepdims } : { axis: o.axis, keepdims: o.keepdims }
    if (ord === 1) return sum(abs(v), reduce)
    if (ord === 2) return sqrt(sum(square(v), reduce))
    return max(abs(v), reduce)
  },
  { x: 'awayFromZero' },
)
