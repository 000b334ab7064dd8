import { toVar, type Input, type Var } from '@gd/autograd'
import { foldIn, prngKey, splitKey } from '@gd/tensor'
import { checkLayer, readApplyOptions } from './internal/checks.js'
import { applyWithState, initState, type ApplyOptions, type ApplyResult, type Layer } from './layer.js'
import { configure } from './internal/described.js'

/**
 * Chains layers: the output of each is the input of the next. Its parameters are the list of the
 * layers' parameters, in order; `init` gives each layer its own key split from the one given, and
 * `apply` folds the layer's position into the apply key so dropout layers draw independent masks.
 *
 * When some layer keeps state (e.g. {@link batchNorm}), the chain does too: its state is the list of
 * the layers' states (`{}` for those without), made by `initState` and threaded through
 * `applyWithState`, which hands back the list of updated states. Its plain `apply` then runs each
 * layer's `apply` (batch statistics in training; inference needs `applyWithState`).
 *
 * @throws Error when called with no layers, or when `apply` gets a parameter (or state) list of
 * another length.
 * @example
 * ```ts
 * import { linear, relu, sequential } from '@gd/nn'
 * import { zeros } from '@gd/tensor'
 * const mlp = sequential(linear(784, 256), relu(), linear(256, 10))
 * const params = mlp.init(0)
 * mlp.apply(params, zeros([32, 784])).shape // [32, 10]
 * ```
 */
export function sequential<const L extends readonly Layer<any, any>[]>(...layers: L): Layer<ParamsOf<L>, unknown[]> {
  if (layers.length === 0) throw new Error('sequential: expected at least one layer, got none')
  layers.forEach((layer, i) => checkLayer('sequential', layer, `layers[${i}]`))
  const checkList = (what: string, list: unknown): void => {
    if (!Array.isArray(list) || list.length !== layers.length) {
      throw new Error(
        `sequential: expected a list of ${layers.length} ${what}, got ${Array.isArray(list) ? list.length : typeof list}`,
      )
    }
  }
  const keyOf = (options: ApplyOptions, i: number): ApplyOptions =>
    options.key === undefined ? options : { ...options, key: foldIn(options.key, i) }
  const chain: Layer<unknown[], unknown[]> = configure(
    {
      name: `sequential(${layers.map((l) => l.name).join(', ')})`,
      init: (key) => {
        const keys = splitKey(typeof key === 'number' ? prngKey(key) : key, layers.length)
        return layers.map((layer, i) => layer.init(keys[i]!))
      },
      apply: (params, x: Input, given?: ApplyOptions): Var => {
        const options = readApplyOptions('sequential', given)
        checkList('parameter trees', params)
        let h = toVar('sequential', x)
        layers.forEach((layer, i) => {
          h = layer.apply(params[i], h, keyOf(options, i))
        })
        return h
      },
    },
    { kind: 'sequential', layers },
  )
  if (layers.every((layer) => layer.applyWithState === undefined)) return chain as Layer<any, unknown[]>
  const withState: Layer<unknown[], unknown[]> = configure(
    {
      ...chain,
      initState: () => layers.map((layer) => initState(layer)),
      applyWithState: (params, state, x: Input, given?: ApplyOptions): ApplyResult<unknown[]> => {
        const options = readApplyOptions('sequential', given)
        checkList('parameter trees', params)
        checkList('states', state)
        let h = toVar('sequential', x)
        const next = layers.map((layer, i) => {
          const r = applyWithState(layer, params[i], state[i], h, keyOf(options, i))
          h = r.output
          return r.state
        })
        return { output: h, state: next }
      },
    },
    chain.config!,
  )
  return withState as Layer<any, unknown[]>
}

/**
 * The parameter trees of a list of layers, in order: what {@link sequential}'s `init` returns, a
 * tuple with each layer's own parameter type (`[LinearParams, Record<string, never>, LinearParams]`
 * for linear, relu, linear), which is a `Tree` for @gd/optimizers.
 *
 * @example
 * ```ts
 * import { linear, relu, sequential, type ParamsOf } from '@gd/nn'
 * const layers = [linear(2, 3), relu(), linear(3, 1)] as const
 * const params: ParamsOf<typeof layers> = sequential(...layers).init(0)
 * params[0].w.shape // [2, 3]
 * ```
 */
export type ParamsOf<L extends readonly Layer<any, any>[]> = {
  -readonly [K in keyof L]: L[K] extends Layer<infer P, any> ? P : never
}
