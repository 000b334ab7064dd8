import { abs, add, mul, square, sum, toVar, Var } from '@gd/autograd'
import { Tensor, mapStructure } from '@gd/tensor'
import { nonNegative, readOptions, withDefault, type Spec } from '@gd/check'

/** A parameter tree as a penalty sees it: tensors or traced values nested in objects and arrays. */
export type ParameterTree = Var | Tensor | readonly ParameterTree[] | { readonly [key: string]: ParameterTree }

/** Options of {@link l1Penalty} and {@link l2Penalty}. */
export interface PenaltyOptions {
  /** The coefficient λ ≥ 0 (default 1). */
  scale?: number
}

/** Options of {@link elasticNet}. */
export interface ElasticNetOptions {
  /** The L1 coefficient λ₁ ≥ 0 (default 0). */
  l1?: number
  /** The L2 coefficient λ₂ ≥ 0 (default 0). */
  l2?: number
}

const penaltySpec = { scale: /* @__PURE__ */ withDefault(nonNegative, 1) } satisfies Spec<PenaltyOptions>

const isLeaf = (x: unknown): x is Var | Tensor => x instanceof Var || x instanceof Tensor

/** Σ over every leaf of a tree of `term(leaf)` summed, as one scalar (0 for an empty tree). */
function total(fn: string, params: ParameterTree, term: (x: Var) => Var): Var {
  let acc: Var | undefined
  mapStructure(
    fn,
    isLeaf,
    (x: Var | Tensor) => {
      const v = toVar(fn, x)
      if (v.dtype !== 'float32' && v.dtype !== 'float64')
        throw new Error(`${fn}: parameters must be float32 or float64, got ${v.dtype}`)
      const s = sum(term(v))
      acc = acc === undefined ? s : add(acc, s)
    },
    params,
  )
  return acc ?? toVar(fn, 0)
}

/**
 * The L1 penalty λ·Σ|θ| over every parameter of a tree, to add to a loss: it pushes parameters to
 * exactly 0 (sparsity). Subgradient at θ = 0: 0. Pass only the subtree to penalise (often the
 * weights, not the biases).
 *
 * @throws Error for a negative scale or a tree with a leaf that is not a float tensor.
 * @example
 * ```ts
 * import { l1Penalty } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * // 0.1 · (1 + 2 + 3) = 0.6
 * l1Penalty({ w: tensor([1, -2]), layers: [tensor([3])] }, { scale: 0.1 }).item() // 0.6
 * ```
 */
export function l1Penalty(params: ParameterTree, options: PenaltyOptions = {}): Var {
  const { scale } = readOptions('l1Penalty', options, penaltySpec)
  return mul(total('l1Penalty', params, abs), scale)
}

/**
 * The L2 penalty (λ/2)·Σθ² over every parameter of a tree, to add to a loss; its gradient is λθ,
 * which keeps parameters small.
 *
 * How it differs from decoupled weight decay (`weightDecay` of AdamW in @gd/optimizers): the
 * penalty's gradient λθ joins the loss's gradient before the optimizer sees it, so an adaptive
 * optimizer (Adam, RMSprop) divides it by its running scale √v̂ like every other gradient:
 * parameters with large gradients are barely regularized. Decoupled weight decay skips the
 * gradient and subtracts η·λ·θ from the parameters directly, the same shrinking for every
 * parameter. For plain SGD the two are the same step (with λ equal to `weightDecay`); for Adam
 * they are not, and Loshchilov & Hutter found decoupled decay generalizes better.
 *
 * @see https://arxiv.org/abs/1711.05101
 * @throws Error for a negative scale or a tree with a leaf that is not a float tensor.
 * @example
 * ```ts
 * import { l2Penalty } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * // (0.1 / 2) · (1 + 4) = 0.25
 * l2Penalty({ w: tensor([1, -2]) }, { scale: 0.1 }).item() // 0.25
 * ```
 */
export function l2Penalty(params: ParameterTree, options: PenaltyOptions = {}): Var {
  const { scale } = readOptions('l2Penalty', options, penaltySpec)
  return mul(total('l2Penalty', params, square), scale / 2)
}

/**
 * The elastic-net penalty λ₁·Σ|θ| + (λ₂/2)·Σθ², the sum of {@link l1Penalty} and
 * {@link l2Penalty}: sparse like L1, stable among correlated parameters like L2.
 *
 * @throws Error for a negative coefficient or a tree with a leaf that is not a float tensor.
 * @example
 * ```ts
 * import { elasticNet } from '@gd/losses'
 * import { tensor } from '@gd/tensor'
 * // 0.1 · 3 + (0.2 / 2) · 5 = 0.8
 * elasticNet({ w: tensor([1, -2]) }, { l1: 0.1, l2: 0.2 }).item() // 0.8
 * ```
 */
export function elasticNet(params: ParameterTree, options: ElasticNetOptions = {}): Var {
  const { l1, l2 } = readOptions('elasticNet', options, {
    l1: withDefault(nonNegative, 0),
    l2: withDefault(nonNegative, 0),
  } satisfies Spec<ElasticNetOptions>)
  return add(mul(total('elasticNet', params, abs), l1), mul(total('elasticNet', params, square), l2 / 2))
}
