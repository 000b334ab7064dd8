// Private: the checks the layers share (apply options, a layer argument).
import { boolean, fail, optional, readOptions, withDefault, type Check } from '@gd/check'
import { checkKey, type PRNGKey } from '@gd/tensor'
import type { ApplyOptions, Layer } from '../layer.js'

const key: Check<PRNGKey> = (fn, _key, value) => checkKey(fn, value as PRNGKey)
const applySpec = { train: withDefault(boolean, false), key: optional(key) }

/** Reads a layer's apply options (`train`, `key`): a misspelt name is an error naming the valid ones. */
export function readApplyOptions(fn: string, options: unknown): ApplyOptions {
  return readOptions(fn, options, applySpec) as ApplyOptions
}


/** Throws unless `layer` looks like a layer: an object with init and apply functions. */
export function checkLayer(fn: string, layer: unknown, what = 'layer'): void {
  if (typeof layer !== 'object' || layer === null || typeof (layer as Layer).apply !== 'function' || typeof (layer as Layer).init !== 'function') {
    fail(fn, what, 'a layer (an object with init and apply functions)', layer)
  }
}
