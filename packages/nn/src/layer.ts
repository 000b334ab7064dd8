import type { Input, MaybeTraced, Var } from '@gd/autograd'
import { fail } from '@gd/check'
import type { PRNGKey } from '@gd/tensor'
import { checkLayer, readApplyOptions } from './internal/checks.js'

/** What every layer's `apply` is told besides its parameters and input. */
export interface ApplyOptions {
  /** Training mode: dropout is active. Default false (inference). */
  train?: boolean
  /** Randomness for this call (dropout masks); required when training a model with dropout. */
  key?: PRNGKey
}

/**
 * What a layer is, as plain data: the factory that made it (`kind`) and the arguments that shape its
 * forward pass, by their option names, defaults filled in; initializers are left out (they shape the
 * starting parameters, not the function). Composite layers hold their inner layers:
 * {@link sequential} under `layers`, {@link residual} under `layer`. Every layer @gd/nn's factories
 * make carries one; a layer made with {@link stateless} or by hand has none. Exporters read it
 * (@gd/onnx maps each kind to ONNX operators), and so can a program that prints a model. It is
 * read-only and not enumerable, so a copy made with spread (`{ ...linear(3, 2), apply: mine }`) has
 * none: the copy may compute something else, and an exporter must not take it for the original.
 *
 * @example
 * ```ts
 * import { linear, relu, sequential } from '@gd/nn'
 * linear(3, 2).config // { kind: 'linear', inFeatures: 3, outFeatures: 2, bias: true }
 * sequential(linear(3, 2), relu()).config?.layers // the two layers, each with its own config
 * ```
 */
export interface LayerConfig {
  /** The factory that made the layer: `'linear'`, `'conv2d'`, `'sequential'`, … */
  readonly kind: string
  /** The factory's arguments and options by name (`inFeatures`, `stride`, …), and inner layers. */
  readonly [argument: string]: unknown
}

/**
 * What {@link Layer.applyWithState} returns: the output and the layer's updated state.
 *
 * @example
 * ```ts
 * import { batchNorm, type ApplyResult, type BatchNormState } from '@gd/nn'
 * import { ones } from '@gd/tensor'
 * const bn = batchNorm(2)
 * const r: ApplyResult<BatchNormState> = bn.applyWithState(bn.init(0), bn.initState(), ones([4, 2]), { train: true })
 * r.output.shape // [4, 2]
 * r.state.mean.toArray() // [0.1, 0.1]
 * ```
 */
export interface ApplyResult<S> {
  /** The layer's output, traced when the parameters are. */
  output: Var
  /** The updated state: plain tensors, never traced. In inference it is the state passed in. */
  state: S
}

/**
 * A layer: `init` makes its parameter tree from a key, `apply` is a pure function of parameters and
 * input. Parameters are plain trees of tensors (an empty object for layers without any), typed `P`
 * with tensor leaves, so what `init` returns goes straight into any optimizer from @gd/optimizers
 * (a `Tree`), and `apply` takes `MaybeTraced<P>`, the same tree whose leaves may be traced values,
 * so a model composes with `valueAndGrad` from @gd/autograd without casts.
 *
 * A layer may also keep state that is not a parameter (the running statistics of {@link batchNorm}):
 * no gradient flows to it, training updates it, inference reads it. Such a layer has `initState`,
 * which makes the starting state (plain tensors), and `applyWithState(params, state, x, options)`,
 * which returns the output and the updated state, as Flax's mutable collections and Haiku's
 * `transform_with_state` do. Layers without state have neither; {@link sequential} has both exactly
 * when one of its layers does. {@link initState} and {@link applyWithState} work on every layer.
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
export interface Layer<P = unknown, S = unknown> {
  /** A short description, e.g. `linear(784 → 10)`. */
  readonly name: string
  /** What the layer is, as data ({@link LayerConfig}); absent on layers made by hand or with {@link stateless}. */
  readonly config?: LayerConfig
  /** Creates parameters from a key or an integer seed. */
  init(key: PRNGKey | number): P
  /** Runs the layer. `params` may hold tensors or (under a transform) traced values. */
  apply(params: MaybeTraced<P>, x: Input, options?: ApplyOptions): Var
  /** Creates the layer's non-trainable state; present only on layers that keep state. */
  initState?(): S
  /**
   * Runs the layer with its state and returns the output and the updated state; present only on
   * layers that keep state.
   */
  applyWithState?(params: MaybeTraced<P>, state: S, x: Input, options?: ApplyOptions): ApplyResult<S>
}

/**
 * A layer's starting non-trainable state: what its `initState` makes, or an empty object for a layer
 * without state (as parameter-free layers have `{}` for parameters).
 *
 * @example
 * ```ts
 * import { batchNorm, initState, linear, relu, sequential } from '@gd/nn'
 * initState(linear(2, 3)) // {}
 * const model = sequential(linear(2, 3), batchNorm(3), relu())
 * initState(model) // [{}, { mean: zeros([3]), variance: ones([3]) }, {}]
 * ```
 */
export function initState<S>(layer: Layer<any, S>): S | Record<string, never> {
  checkLayer('initState', layer)
  return layer.initState === undefined ? {} : layer.initState()
}

/**
 * Runs any layer with a state: a stateful layer's own `applyWithState`, or for a layer without state
 * its `apply`, handing the state back unchanged. This is how a training loop runs a model without
 * asking whether it keeps state.
 *
 * @example
 * ```ts
 * import { applyWithState, batchNorm, initState, linear, sequential } from '@gd/nn'
 * import { ones } from '@gd/tensor'
 * const model = sequential(linear(2, 3), batchNorm(3))
 * const params = model.init(0)
 * const { output, state } = applyWithState(model, params, initState(model), ones([8, 2]), { train: true })
 * output.shape // [8, 3]; state holds the updated running statistics
 * applyWithState(model, params, state, ones([1, 2])).output // inference: uses the running statistics
 * ```
 */
export function applyWithState<P, S>(
  layer: Layer<P, S>,
  params: MaybeTraced<P>,
  state: S,
  x: Input,
  options?: ApplyOptions,
): ApplyResult<S> {
  checkLayer('applyWithState', layer)
  if (layer.applyWithState !== undefined) return layer.applyWithState(params, state, x, options)
  return { output: layer.apply(params, x, options), state }
}

/**
 * Makes a parameter-free layer from a function of the input; its `apply` reads its options with
 * the shared options reader (a misspelt `train` is an error).
 * @example
 * ```ts
 * import { stateless } from '@gd/nn'
 * import { mul } from '@gd/autograd'
 * import { tensor } from '@gd/tensor'
 * stateless('double', (x) => mul(x, 2)).apply({}, tensor([1])).toArray() // [2]
 * ```
 */
export function stateless(name: string, fn: (x: Input, options: ApplyOptions) => Var): Layer<Record<string, never>> {
  if (typeof name !== 'string') fail('stateless', 'name', 'a string', name)
  if (typeof fn !== 'function') fail('stateless', 'fn', 'a function', fn)
  const bare = name.replace(/\(.*$/, '') // the name errors give: `leakyRelu`, not `leakyRelu(0.1)`
  return {
    name,
    init: () => ({}),
    apply: (_params, x, options) => fn(x, readApplyOptions(bare, options)),
  }
}
