// Private: the checks the layers share (apply options, a layer argument).
import { boolean, fail, optional, readOptions, withDefault, type Check } from '@gd/check'
import { type PRNGKey } from '@gd/tensor'
import { checkKey } from '@gd/tensor/internal'

const key: Check<PRNGKey> = (fn, _key, value) => checkKey(fn, value as PRNGKey)
const applySpec = { train: withDefault(boolean, false), key: optional(key) }

/**
 * Reads a layer's apply options (`train`, `key`; layer.ts's `ApplyOptions`, not imported here so
 * the two modules form no cycle): a misspelt name is an error naming the valid ones.
 */
export function readApplyOptions(fn: string, options: unknown): { train: boolean; key?: PRNGKey } {
  const { train, key } = readOptions(fn, options, applySpec)
  return key === undefined ? { train } : { train, key }
}

/** Throws unless `layer` looks like a layer: an object with init and apply functions. */
export function checkLayer(fn: string, layer: unknown, what = 'layer'): void {
  if (
    typeof layer !== 'object' ||
    layer === null ||
    typeof (layer as { apply?: unknown }).apply !== 'function' ||
    typeof (layer as { init?: unknown }).init !== 'function'
  ) {
    fail(fn, what, 'a layer (an object with init and apply functions)', layer)
  }
}
