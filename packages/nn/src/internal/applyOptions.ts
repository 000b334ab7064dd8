// Private: the reader of every layer's apply options.
import { boolean, optional, readOptions, withDefault, type Check } from '@gd/check'
import { checkKey, type PRNGKey } from '@gd/tensor'
import type { ApplyOptions } from '../layer.js'

const key: Check<PRNGKey> = (fn, _key, value) => checkKey(fn, value as PRNGKey)
const applySpec = { train: withDefault(boolean, false), key: optional(key) }

/** Reads a layer's apply options (`train`, `key`): a misspelt name is an error naming the valid ones. */
export function readApplyOptions(fn: string, options: unknown): ApplyOptions {
  return readOptions(fn, options, applySpec) as ApplyOptions
}

