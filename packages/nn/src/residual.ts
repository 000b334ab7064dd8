import { add, toVar, type Input, type Var } from '@gd/autograd'
import { formatList } from '@gd/tensor/internal'
import { checkLayer } from './internal/checks.js'
import type { ApplyOptions, ApplyResult, Layer } from './layer.js'
import { configure } from './internal/described.js'

/**
 * A residual connection (He et al., 2016): y = x + f(x) for an inner layer f whose output has the
 * input's shape. Its parameters (and state, when f keeps one) are f's own, so they go to the
 * optimizers unchanged; its apply options are f's (they are passed through, and f reads them).
 *
 * @see https://arxiv.org/abs/1512.03385
 * @throws Error for an argument that is not a layer; when applied, when f's output shape differs from the input's.
 * @example
 * ```ts
 * import { linear, relu, residual, sequential } from '@gd/nn'
 * import { ones } from '@gd/tensor'
 * const block = residual(sequential(linear(4, 4), relu(), linear(4, 4)))
 * block.apply(block.init(0), ones([2, 4])).shape // [2, 4]
 * ```
 */
export function residual<P, S>(layer: Layer<P, S>): Layer<P, S> {
  checkLayer('residual', layer)
  const sum = (x: Var, fx: Var): Var => {
    const same = fx.rank === x.rank && fx.shape.every((d, i) => d === x.shape[i])
    if (!same)
      throw new Error(
        `residual: the inner layer's output shape ${formatList(fx.shape)} differs from the input's ${formatList(x.shape)}`,
      )
    return add(x, fx)
  }
  const out: Layer<P, S> = configure(
    {
      name: `residual(${layer.name})`,
      init: (key) => layer.init(key),
      apply: (params, x: Input, options?: ApplyOptions) => {
        const v = toVar('residual', x)
        return sum(v, layer.apply(params, v, options))
      },
    },
    { kind: 'residual', layer },
  )
  if (layer.initState === undefined || layer.applyWithState === undefined) return out
  const inner = layer as Required<Layer<P, S>>
  return configure(
    {
      ...out,
      initState: () => inner.initState(),
      applyWithState: (params, state, x: Input, options?: ApplyOptions): ApplyResult<S> => {
        const v = toVar('residual', x)
        const r = inner.applyWithState(params, state, v, options)
        return { output: sum(v, r.output), state: r.state }
      },
    },
    out.config!,
  )
}
