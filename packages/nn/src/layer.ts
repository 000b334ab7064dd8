import type { Input, Var } from '@gd/autograd'
import type { PRNGKey } from '@gd/tensor'

/** What every layer's `apply` is told besides its parameters and input. */
export interface ApplyOptions {
  /** Training mode: dropout is active. Default false (inference). */
  train?: boolean
  /** Randomness for this call (dropout masks); required when training a model with dropout. */
  key?: PRNGKey
}

/**
 * A layer: `init` makes its parameter tree from a key, `apply` is a pure function of parameters and
 * input. Parameters are plain trees of tensors (an empty object for layers without any), so a model
 * composes with `valueAndGrad` from @gd/autograd and with any optimizer from @gd/optimizers.
 *
 * @example
 * ```ts
 * import { linear } from '@gd/nn'
 * import { tensor } from '@gd/tensor'
 * const layer = linear(3, 2)
 * const params = layer.init(0)
 * layer.apply(params, tensor([[1, 2, 3]])).shape // [1, 2]
 * ```
 */
export interface Layer<P = unknown> {
  /** A short description, e.g. `linear(784 → 10)`. */
  readonly name: string
  /** Creates parameters from a key or an integer seed. */
  init(key: PRNGKey | number): P
  /** Runs the layer. `params` may hold tensors or (under a transform) traced values. */
  apply(params: P, x: Input, options?: ApplyOptions): Var
}

/** Makes a parameter-free layer from a function of the input. */
export function stateless(name: string, fn: (x: Input, options: ApplyOptions) => Var): Layer<Record<string, never>> {
  return {
    name,
    init: () => ({}),
    apply: (_params, x, options = {}) => fn(x, options),
  }
}
