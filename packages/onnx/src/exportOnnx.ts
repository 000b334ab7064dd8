import { fail, isPlainObject, readOptions, rule, withDefault, optional, type Check } from '@gd/check'
import type { Layer } from '@gd/nn'
import { FN, type Context, type Emitter } from './internal/context.js'
import { encodeModel, Graph, type Dim, type Value } from './internal/graph.js'
import * as basic from './internal/layers/basic.js'
import * as images from './internal/layers/images.js'
import { recurrent } from './internal/layers/recurrent.js'
import * as sequences from './internal/layers/sequences.js'

/** Options of {@link exportOnnx}. */
export interface ExportOnnxOptions {
  /**
   * The shape of one example, without the batch axis (which is always dynamic, named `batch`):
   * `[784]`, `[1, 28, 28]`, or with a name for another dynamic axis, `['time', 16]`. Required.
   */
  inputShape: readonly (number | string)[]
  /**
   * The model's state, as `initState` makes it or training returns it: the running statistics of
   * its batchNorm layers, which the exported model uses as constants. Required when the model has
   * a batchNorm layer; other models may leave it out.
   */
  state?: unknown
  /** The graph input's name. Default `'input'`. */
  inputName?: string
  /** The graph output's name. Default `'output'`. */
  outputName?: string
  /**
   * Gives the graph a second input of this name: a key padding mask, bool [batch, time] with false at
   * padding, which every multiHeadAttention and transformerBlock of the model takes as @gd's apply
   * takes `{ mask }` (masked keys get a weight of exactly 0; a query with no key left gets all-zero
   * weights). Only for a model with such a layer. Default: no mask input (every position is a token).
   */
  maskName?: string
  /** The ONNX operator set, 17 to 22 (the file's IR version follows: 8, 9 from opset 19, 10 from 21). Default 17. */
  opset?: number
}

/** Every kind of layer @gd/nn makes, by its config's kind. */
const EMITTERS: Readonly<Record<string, Emitter>> = {
  linear: basic.linear,
  relu: basic.relu,
  sigmoid: basic.sigmoid,
  tanh: basic.tanh,
  leakyRelu: basic.leakyRelu,
  elu: basic.elu,
  gelu: basic.gelu,
  softplus: basic.softplus,
  softmax: basic.softmax,
  logSoftmax: basic.logSoftmax,
  dropout: basic.dropout,
  identity: basic.dropout,
  flatten: basic.flatten,
  reshape: basic.reshape,
  sequential: basic.sequential,
  residual: basic.residual,
  conv2d: images.conv2d,
  convTranspose2d: images.convTranspose2d,
  maxPool2d: images.maxPool2d,
  avgPool2d: images.avgPool2d,
  upsample2d: images.upsample2d,
  batchNorm: images.batchNorm,
  embedding: sequences.embedding,
  positionEmbedding: sequences.positionEmbedding,
  layerNorm: sequences.layerNorm,
  rmsNorm: sequences.rmsNorm,
  multiHeadAttention: sequences.multiHeadAttention,
  transformerBlock: sequences.transformerBlock,
  rnn: recurrent,
  gru: recurrent,
  lstm: recurrent,
}

const isLayer = (v: unknown): v is Layer<unknown, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Layer).apply === 'function' &&
  typeof (v as Layer).init === 'function'

const name: Check<string> = /* @__PURE__ */ rule('a non-empty string', (v) => typeof v === 'string' && v.length > 0)
const shapeCheck: Check<(number | string)[]> = (fn, key, v) => {
  const ok =
    Array.isArray(v) &&
    v.every((d) => (Number.isSafeInteger(d) && (d as number) > 0) || (typeof d === 'string' && d.length > 0))
  return ok
    ? [...v]
    : fail(fn, key, "a list of positive integers or axis names (one example's shape, without the batch axis)", v)
}
const spec = {
  inputShape: shapeCheck,
  state: /* @__PURE__ */ optional(
    /* @__PURE__ */ rule<unknown>(
      "the model's state (a list or an object, as initState makes)",
      (v) => Array.isArray(v) || isPlainObject(v),
    ),
  ),
  inputName: /* @__PURE__ */ withDefault(name, 'input'),
  outputName: /* @__PURE__ */ withDefault(name, 'output'),
  maskName: /* @__PURE__ */ optional(name),
  opset: /* @__PURE__ */ withDefault(
    /* @__PURE__ */ rule<number>(
      'an integer from 17 to 22',
      (v) => Number.isSafeInteger(v) && (v as number) >= 17 && (v as number) <= 22,
    ),
    17,
  ),
}

/**
 * Throws unless every layer of the model (inner layers included) has a config of a kind this
 * package maps, naming the first that does not: checked before anything else reads the parameters.
 */
function exportable(layer: unknown, path: string): void {
  const label = isLayer(layer) && typeof layer.name === 'string' ? layer.name : 'layer'
  const config = isLayer(layer) ? layer.config : undefined
  if (!isLayer(layer) || !isPlainObject(config) || typeof config.kind !== 'string') {
    throw new Error(
      `${FN}: cannot export ${path} ${label}: it has no config (only the layers @gd/nn's factories make describe themselves; not those made with stateless, by hand or copied with spread)`,
    )
  }
  if (!Object.hasOwn(EMITTERS, config.kind)) {
    throw new Error(
      `${FN}: cannot export ${path} ${label}: @gd/onnx has no mapping for layers of kind "${config.kind}"`,
    )
  }
  if (config.kind === 'sequential') {
    if (!Array.isArray(config.layers) || config.layers.length === 0) {
      throw new Error(
        `${FN}: cannot export ${path} ${label}: its config does not fit kind "sequential" (it has no list of layers)`,
      )
    }
    config.layers.forEach((inner, i) => exportable(inner, `${path}.layers[${i}]`))
  }
  if (config.kind === 'residual') exportable(config.layer, `${path}.layer`)
}

/** The first layer that reads the input (through sequential and residual). */
function firstKind(layer: Layer<unknown, unknown>): unknown {
  const c = layer.config
  if (c?.kind === 'sequential') return firstKind((c.layers as Layer<unknown, unknown>[])[0]!)
  if (c?.kind === 'residual') return firstKind(c.layer as Layer<unknown, unknown>)
  return c?.kind
}

/**
 * Exports an @gd/nn model with its trained parameters as an ONNX model (the bytes of an `.onnx`
 * file), to run with ONNX Runtime in browsers, Node, phones and servers. The graph has one input and
 * one output, each named (`input` and `output` by default), with a dynamic batch axis `batch`; the
 * parameters (float32 or float64, written as float32) become initializers named by their place in
 * the parameter tree (`0.w`, `2.attention.query.b`). The model runs in inference form: dropout is
 * the identity and batchNorm uses the running statistics from `options.state`.
 *
 * Every layer of @gd/nn can be exported: linear, conv2d, convTranspose2d, maxPool2d, avgPool2d,
 * upsample2d, flatten, reshape, the activations (relu, sigmoid, tanh, leakyRelu, elu, gelu in its tanh form,
 * softplus, softmax, logSoftmax), dropout, batchNorm, layerNorm, rmsNorm, embedding (the input is
 * then int32 token indices), positionEmbedding, multiHeadAttention, transformerBlock, rnn, gru
 * and lstm, and sequential and residual around them. Convolutions and pooling take a dynamic height
 * and width (named in `inputShape`), `'same'` padding included. With `maskName`, the graph has a
 * second input, a bool key padding mask [batch, time] that every attention layer takes as its apply
 * takes `{ mask }`: what a loop over the layers that gives each attention layer the mask computes
 * (sequential's own apply passes no mask). The exporter reads
 * each layer's `config` (see @gd/nn's LayerConfig); a layer without one, made with `stateless` or by
 * hand, is an error naming it. A layer made by hand that is the identity at inference (a data
 * augmentation) may say so with `config: { kind: 'identity' }`.
 *
 * @throws Error for a model that is not a layer, bad options, a layer that cannot be exported,
 * parameters or state whose structure or shapes differ from the model's, or an input shape the
 * model cannot take; each message names the layer or the parameter (`params[2].w`).
 * @example
 * ```ts
 * import { exportOnnx } from '@gd/onnx'
 * import { embedding, linear, relu, sequential, transformerBlock } from '@gd/nn'
 * const model = sequential(linear(4, 8), relu(), linear(8, 3))
 * const bytes = exportOnnx(model, model.init(0), { inputShape: [4] })
 * bytes instanceof Uint8Array // true: write it to model.onnx
 * // then, with onnxruntime-node: const session = await InferenceSession.create(bytes)
 * // (await session.run({ input: new Tensor('float32', data, [batch, 4]) })).output
 *
 * // a language model over padded batches: inputs `input` (int32 [batch, time]) and `mask` (bool [batch, time])
 * const lm = sequential(embedding(30, 16), transformerBlock(16, 2, { causal: true }), linear(16, 30))
 * exportOnnx(lm, lm.init(0), { inputShape: ['time'], maskName: 'mask' }).length > 0 // true
 * ```
 */
export function exportOnnx(model: Layer<any, any>, params: unknown, options: ExportOnnxOptions): Uint8Array {
  if (!isLayer(model)) fail(FN, 'model', 'a layer from @gd/nn (an object with init and apply functions)', model)
  const o = readOptions(FN, options, spec)
  if (o.inputName === o.outputName)
    fail(FN, 'outputName', `another name than the input's (${o.inputName})`, o.outputName)
  if (o.maskName !== undefined && (o.maskName === o.inputName || o.maskName === o.outputName))
    fail(FN, 'maskName', `another name than the input's and the output's (${o.inputName}, ${o.outputName})`, o.maskName)
  exportable(model, 'model')
  const graph = new Graph(o.opset)
  graph.fresh(o.inputName)
  graph.fresh(o.outputName)
  if (o.maskName !== undefined) graph.fresh(o.maskName)
  let mask: { input: Value; keys: string } | undefined
  const input: Value = {
    name: o.inputName,
    shape: ['batch', ...o.inputShape],
    type: firstKind(model) === 'embedding' ? 'int32' : 'float32',
  }
  const ctx: Context = {
    graph,
    emit: (layer, x, where) => {
      const { name, config } = layer as Layer<unknown, unknown>
      try {
        return EMITTERS[config!.kind]!(ctx, { ...where, name, config: config! }, x)
      } catch (e) {
        // @gd/nn's configs always fit their kind; one written by hand may not
        if (e instanceof TypeError || e instanceof RangeError) {
          throw new Error(
            `${FN}: cannot export ${where.path} ${name}: its config does not fit kind "${config!.kind}" (${e.message})`,
          )
        }
        throw e
      }
    },
    keyMask: (site, x) => {
      if (o.maskName === undefined) return undefined
      const time = x.shape[1]!
      if (mask === undefined) {
        const keys = graph.node('Unsqueeze', [o.maskName, graph.int64s([1, 2])], {}, `${o.maskName}.keys`)
        mask = { input: { name: o.maskName, shape: ['batch', time], type: 'bool' }, keys }
      } else if (mask.input.shape[1] !== time) {
        throw new Error(
          `${FN}: ${site.path} ${site.name} attends over ${time ?? 'an unknown number of'} positions, not the ${mask.input.shape[1]} of the mask input ${o.maskName} (the first attention layer's)`,
        )
      }
      return mask.keys
    },
  }
  const y = ctx.emit(model, input, { path: 'model', params, paramsPath: 'params', state: o.state, statePath: 'state' })
  if (o.maskName !== undefined && mask === undefined) {
    fail(
      FN,
      'maskName',
      'left out for a model without a multiHeadAttention or transformerBlock layer (the mask is their key padding mask)',
      o.maskName,
    )
  }
  graph.nodes.push({ op: 'Identity', name: o.outputName, inputs: [y.name], outputs: [o.outputName], attributes: {} })
  const output: Value = { name: o.outputName, shape: y.shape as Dim[], type: y.type }
  const irVersion = o.opset <= 18 ? 8 : o.opset <= 20 ? 9 : 10
  return encodeModel(graph, mask === undefined ? [input] : [input, mask.input], [output], {
    irVersion,
    opset: o.opset,
    producer: '@gd/onnx',
    graphName: model.name,
  })
}
