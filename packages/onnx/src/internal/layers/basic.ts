// Private: dense layers, activations and the composites (sequential, residual).
import { fail, isPlainObject } from '@gd/check'
import { float, int, string, type Attribute, type Value } from '../graph.js'
import { dims, expectInput, FN, like, paramTree, weight, type Context, type Emitter, type Site } from '../context.js'

interface LinearConfig {
  inFeatures: number
  outFeatures: number
  bias: boolean
}

/** y = x·W + b over the last axis: MatMul, then Add. */
export const linear: Emitter = (ctx, site, x) => {
  const { inFeatures, outFeatures, bias } = site.config as unknown as LinearConfig
  const last = x.shape.at(-1)
  expectInput(
    site,
    x,
    x.type === 'float32' && x.shape.length >= 2 && (typeof last !== 'number' || last === inFeatures),
    `[batch, …, ${inFeatures}] of floats`,
  )
  const tree = paramTree(site, bias ? '{ w, b }' : '{ w }')
  const w = weight(ctx, tree, 'w', [inFeatures, outFeatures], site.paramsPath)
  const b = bias ? weight(ctx, tree, 'b', [outFeatures], site.paramsPath) : undefined
  const shape = [...x.shape.slice(0, -1), outFeatures]
  const y = ctx.graph.node('MatMul', [x.name, w], {}, `${site.path}.matmul`)
  return like(x, b === undefined ? y : ctx.graph.node('Add', [y, b], {}, `${site.path}.add`), shape)
}

/** An elementwise op of one input (and its attributes), after checking the input is floats. */
function unary(op: string, attributes: (site: Site) => Record<string, Attribute> = () => ({})): Emitter {
  return (ctx, site, x) => {
    expectInput(site, x, x.type === 'float32', 'of floats')
    return like(x, ctx.graph.node(op, [x.name], attributes(site), `${site.path}.${op}`))
  }
}

export const relu = unary('Relu')
export const sigmoid = unary('Sigmoid')
export const tanh = unary('Tanh')
export const softplus = unary('Softplus')
export const leakyRelu = unary('LeakyRelu', (site) => ({ alpha: float(site.config.slope as number) }))
export const elu = unary('Elu', (site) => ({ alpha: float(site.config.alpha as number) }))
/** Inference: dropout is the identity (and so is a hand-made layer whose config is `{ kind: 'identity' }`). */
export const dropout: Emitter = (ctx, site, x) => like(x, ctx.graph.node('Identity', [x.name], {}, site.path))

/** Softmax and log-softmax over one axis, which must exist in the input. */
function overAxis(op: string): Emitter {
  return (ctx, site, x) => {
    const axis = site.config.axis as number
    const rank = x.shape.length
    expectInput(site, x, x.type === 'float32' && axis >= -rank && axis < rank, `of floats with an axis ${axis}`)
    return like(x, ctx.graph.node(op, [x.name], { axis: int(axis) }, `${site.path}.${op}`))
  }
}
export const softmax = overAxis('Softmax')
export const logSoftmax = overAxis('LogSoftmax')

/**
 * GELU in its tanh form, ½x(1 + tanh(√(2/π)(x + 0.044715x³))), as @gd's: opset 20's Gelu with
 * approximate "tanh", or the formula itself in earlier opsets.
 */
export function geluOf(ctx: Context, x: Value, hint: string): Value {
  const g = ctx.graph
  if (g.opset >= 20) return like(x, g.node('Gelu', [x.name], { approximate: string('tanh') }, hint))
  const cube = g.node('Mul', [g.node('Mul', [x.name, x.name], {}, `${hint}.square`), x.name], {}, `${hint}.cube`)
  const inner = g.node(
    'Mul',
    [
      g.node('Add', [x.name, g.node('Mul', [cube, g.scalar(0.044715)], {}, `${hint}.scaled`)], {}, `${hint}.sum`),
      g.scalar(Math.sqrt(2 / Math.PI)),
    ],
    {},
    `${hint}.inner`,
  )
  const onePlus = g.node('Add', [g.node('Tanh', [inner], {}, `${hint}.tanh`), g.scalar(1)], {}, `${hint}.onePlus`)
  return like(x, g.node('Mul', [g.node('Mul', [x.name, g.scalar(0.5)], {}, `${hint}.half`), onePlus], {}, hint))
}
export const gelu: Emitter = (ctx, site, x) => {
  expectInput(site, x, x.type === 'float32', 'of floats')
  return geluOf(ctx, x, `${site.path}.gelu`)
}

/** [batch, …] → [batch, features]: Flatten at axis 1. */
export const flatten: Emitter = (ctx, site, x) => {
  expectInput(site, x, x.type === 'float32' && x.shape.length >= 1, 'of floats')
  const rest = x.shape.slice(1)
  const features = rest.every((d) => typeof d === 'number') ? (rest as number[]).reduce((a, b) => a * b, 1) : null
  return like(x, ctx.graph.node('Flatten', [x.name], { axis: int(1) }, `${site.path}.flatten`), [x.shape[0]!, features])
}

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1)

/** [batch, …] → [batch, …shape]: Reshape to [0, …shape] (a 0 copies the input's size there: the batch). */
export const reshape: Emitter = (ctx, site, x) => {
  const shape = site.config.shape as number[]
  const rest = x.shape.slice(1)
  const size = rest.every((d) => typeof d === 'number') ? product(rest as number[]) : null
  const fixed = product(shape.filter((d) => d !== -1))
  const inferred = shape.includes(-1)
  const fits = size === null || (inferred ? size % fixed === 0 : size === fixed)
  expectInput(site, x, fits, `[batch, …] of ${inferred ? `a multiple of ${fixed}` : fixed} values per example`)
  const out = shape.map((d) => (d !== -1 ? d : size === null ? null : size / fixed))
  return like(x, ctx.graph.node('Reshape', [x.name, ctx.graph.int64s([0, ...shape])], {}, `${site.path}.reshape`), [
    x.shape[0]!,
    ...out,
  ])
}

/** A list state (or none) of `n` entries: the state of a sequential model. */
function stateList(site: Site, n: number): unknown[] {
  const { state, statePath } = site
  if (state === undefined || (isPlainObject(state) && Object.keys(state).length === 0)) return []
  if (!Array.isArray(state) || state.length !== n)
    fail(FN, statePath, `a list of ${n} states (one per layer, as initState makes)`, state)
  return state
}

/** Each layer's output is the next one's input; parameters (and state) are lists, one entry per layer. */
export const sequential: Emitter = (ctx, site, x) => {
  const layers = site.config.layers as readonly unknown[]
  const { params, paramsPath, statePath } = site
  if (!Array.isArray(params) || params.length !== layers.length) {
    fail(FN, paramsPath, `a list of ${layers.length} parameter trees (one per layer of ${site.path})`, params)
  }
  const states = stateList(site, layers.length)
  return layers.reduce<Value>(
    (h, layer, i) =>
      ctx.emit(layer, h, {
        path: `${site.path}.layers[${i}]`,
        params: params[i],
        paramsPath: `${paramsPath}[${i}]`,
        state: states[i],
        statePath: `${statePath}[${i}]`,
      }),
    x,
  )
}

/** y = x + f(x); f has the residual layer's own parameters and state. */
export const residual: Emitter = (ctx, site, x) => {
  const fx = ctx.emit(site.config.layer, x, { ...site, path: `${site.path}.layer` })
  const same =
    fx.shape.length === x.shape.length &&
    fx.shape.every((d, i) => d === x.shape[i] || typeof d !== 'number' || typeof x.shape[i] !== 'number')
  expectInput(site, x, same, `whose shape its inner layer keeps (the inner layer gives ${dims(fx.shape)})`)
  return like(x, ctx.graph.node('Add', [x.name, fx.name], {}, `${site.path}.add`))
}
