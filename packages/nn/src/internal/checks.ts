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
export function readApplyOptions(fn: string, options: unknown): ReadApply {
  // options read already (sequential hands its own to each layer) or none: nothing to read again
  if (options === undefined || options === NO_OPTIONS) return NO_OPTIONS
  if (typeof options === 'object' && options !== null && alreadyRead.has(options)) return options as ReadApply
  const { train, key } = readOptions(fn, options, applySpec)
  const read: ReadApply = Object.freeze(key === undefined ? { train } : { train, key })
  alreadyRead.add(read)
  return read
}

type ReadApply = { readonly train: boolean; readonly key?: PRNGKey }

/** What readApplyOptions returned: frozen, so a layer handed one takes it as it is. */
const alreadyRead = /* @__PURE__ */ new WeakSet<object>()
const NO_OPTIONS: ReadApply = /* @__PURE__ */ Object.freeze({ train: false })

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
