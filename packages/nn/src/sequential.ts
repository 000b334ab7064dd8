import { toVar, type Input, type Var } from '@gd/autograd'
import { foldIn, prngKey, splitKey, type PRNGKey } from '@gd/tensor'
import type { ApplyOptions, Layer } from './layer.js'

/**
 * Chains layers: the output of each is the input of the next. Its parameters are the list of the
 * layers' parameters, in order; `init` gives each layer its own key split from the one given, and
 * `apply` folds the layer's position into the apply key so dropout layers draw independent masks.
 *
 * @throws Error when called with no layers, or when `apply` gets a parameter list of another length.
 * @example
 * ```ts
 * import { linear, relu, sequential } from '@gd/nn'
 * import { zeros } from '@gd/tensor'
 * const mlp = sequential(linear(784, 256), relu(), linear(256, 10))
 * const params = mlp.init(0)
 * mlp.apply(params, zeros([32, 784])).shape // [32, 10]
 * ```
 */
export function sequential(...layers: Layer<any>[]): Layer<unknown[]> {
  if (layers.length === 0) throw new Error('sequential: expected at least one layer, got none')
  return {
    name: `sequential(${layers.map((l) => l.name).join(', ')})`,
    init: (key) => {
      const keys = splitKey(typeof key === 'number' ? prngKey(key) : key, layers.length) as PRNGKey[]
      return layers.map((layer, i) => layer.init(keys[i]!))
    },
    apply: (params, x: Input, options: ApplyOptions = {}): Var => {
      if (!Array.isArray(params) || params.length !== layers.length) {
        throw new Error(`sequential: expected a list of ${layers.length} parameter trees, got ${Array.isArray(params) ? params.length : typeof params}`)
      }
      let h = toVar('sequential', x)
      layers.forEach((layer, i) => {
        const key = options.key === undefined ? undefined : foldIn(options.key, i)
        h = layer.apply(params[i], h, key === undefined ? options : { ...options, key })
      })
      return h
    },
  }
}
