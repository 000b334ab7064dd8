// Private: what every layer's emitter is given, and the checks they share. Every check runs before
// the emitter adds anything to the graph, and the graph is thrown away when any check fails.
import { fail, isPlainObject } from '@gd/check'
import type { LayerConfig } from '@gd/nn'
import { Tensor } from '@gd/tensor'
import type { Dim, Graph, Value } from './graph.js'

/** The name every message starts with. */
export const FN = 'exportOnnx'

/** Where a layer sits in the model, and its parameters and state. */
export interface Site {
  /** The layer's own name (`linear(3 → 2)`), for messages. */
  readonly name: string
  readonly config: LayerConfig
  /** Where the layer is in the model, e.g. `model.layers[2]`. */
  readonly path: string
  readonly params: unknown
  /** Where its parameters are, e.g. `params[2]`. */
  readonly paramsPath: string
  readonly state: unknown
  /** Where its state is, e.g. `state[2]`. */
  readonly statePath: string
}

/** The graph, and a way to emit an inner layer (for sequential, residual and the transformer block). */
export interface Context {
  readonly graph: Graph
  /** Emits any layer at `site` (a layer object, checked to have a config) applied to `x`. */
  emit(layer: unknown, x: Value, site: Omit<Site, 'name' | 'config'>): Value
  /**
   * The key padding mask for an attention layer at `site` on input `x` [batch, time, dModel], as a
   * bool value [batch, 1, 1, time] (true for a real token) that broadcasts over heads and queries;
   * undefined when the export has no mask input (options.maskName).
   */
  keyMask(site: Site, x: Value): string | undefined
}

/** Maps one kind of layer to ONNX nodes: returns the layer's output value. */
export type Emitter = (ctx: Context, site: Site, x: Value) => Value

/** `[batch,28,28]`: a shape in messages. */
export const dims = (shape: readonly Dim[]): string => `[${shape.map((d) => d ?? '?').join(',')}]`

/** Throws unless the input fits the layer: `exportOnnx: model.layers[0] linear(3 → 2) expects input …, got shape [batch,4]`. */
export function expectInput(site: Site, x: Value, ok: boolean, expected: string): void {
  if (!ok) throw new Error(`${FN}: ${site.path} ${site.name} expects input ${expected}, got shape ${dims(x.shape)}`)
}

/** The layer's parameter tree, which must be a plain object (`names` lists its keys for the message). */
export function paramTree(
  site: Site,
  names: string,
  params = site.params,
  path = site.paramsPath,
): Record<string, unknown> {
  if (!isPlainObject(params)) fail(FN, path, `${site.name}'s parameters ${names}`, params)
  return params
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i])

/** `tree[key]`, a float32 or float64 Tensor of exactly `shape`, as float32 values. */
export function floatData(
  tree: Record<string, unknown>,
  key: string,
  shape: readonly number[],
  path: string,
): Float32Array {
  const t = tree[key]
  if (!(t instanceof Tensor) || (t.dtype !== 'float32' && t.dtype !== 'float64') || !sameShape(t.shape, shape)) {
    fail(FN, `${path}.${key}`, `a float32 or float64 Tensor of shape [${shape.join(',')}]`, t)
  }
  return t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as Float64Array)
}

/** The initializer name of a parameter: `params[0].attention.query` and `w` give `0.attention.query.w`. */
export function paramName(path: string, key: string): string {
  return `${path}.${key}`
    .replace(/^(params|state)\.?/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/^\./, '')
}

/** Adds `tree[key]` (checked as {@link floatData}) as an initializer and returns its name. */
export function weight(
  ctx: Context,
  tree: Record<string, unknown>,
  key: string,
  shape: readonly number[],
  path: string,
): string {
  return ctx.graph.floats(paramName(path, key), shape, floatData(tree, key, shape, path))
}

/** A float32 tensor of `shape` filled with `value` (the scale and shift of a layer without affine parameters). */
export function filled(ctx: Context, hint: string, shape: readonly number[], value: number): string {
  return ctx.graph.floats(hint, shape, new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value))
}

/** A value with the same shape and type as `x` under a new name. */
export const like = (x: Value, name: string, shape: readonly Dim[] = x.shape): Value => ({ name, shape, type: x.type })
