// Private: parameter trees to and from the dotted names of PyTorch's state_dict (`layers.0.w`).
import { isPlainObject, show } from '@gd/check'
import { Tensor } from '@gd/tensor'
import { quote } from './header.js'

/** Sets `key` on `target` as an own data property (a key `__proto__` stays a key). */
export function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/** A tensor of this copy of @gd/tensor, or of another copy (recognised by its marker). */
export function isTensor(x: unknown): x is Tensor {
  return (
    x instanceof Tensor ||
    (typeof x === 'object' && x !== null && !isPlainObject(x) && (x as { __gdTensor?: unknown }).__gdTensor === true)
  )
}

/**
 * The tensors of `tree` by dotted name, depth first (object keys in their order, array items by
 * index): `{ layers: [{ w }] }` gives `layers.0.w`. The root must be a plain object or an array;
 * every leaf a tensor; no name may come out twice (`{ 'a.b': x, a: { b: y } }`) or be `__metadata__`.
 * `what` names the tree in messages (`tree`, `options.like`).
 */
export function flatten(fn: string, what: string, tree: unknown): Map<string, Tensor> {
  if (!isPlainObject(tree) && !Array.isArray(tree)) {
    const hint = isTensor(tree) ? ' (put a single tensor in an object: { weight: t })' : ''
    throw new Error(`${fn}: ${what} must be a plain object or an array of tensors, got ${show(tree)}${hint}`)
  }
  const out = new Map<string, Tensor>()
  const seen = new Set<unknown>()
  const walk = (node: unknown, name: string): void => {
    if (isTensor(node)) {
      if (name === '__metadata__')
        throw new Error(`${fn}: ${what} has a tensor named __metadata__, a name safetensors reserves`)
      if (/[\uD800-\uDFFF]/u.test(name))
        throw new Error(`${fn}: ${what} has a name with a lone surrogate, which UTF-8 cannot hold: ${quote(name)}`)
      if (out.has(name)) throw new Error(`${fn}: ${what} gives two tensors the name ${quote(name)}`)
      out.set(name, node)
      return
    }
    const at = name === '' ? 'the root' : quote(name)
    if (!Array.isArray(node) && !isPlainObject(node))
      throw new Error(`${fn}: ${what} at ${at} must be a tensor, a plain object or an array, got ${show(node)}`)
    if (seen.has(node)) throw new Error(`${fn}: ${what} at ${at} contains itself`)
    seen.add(node)
    const keys = Array.isArray(node) ? node.map((_, i) => String(i)) : Object.keys(node)
    for (const key of keys) walk((node as Record<string, unknown>)[key], name === '' ? key : `${name}.${key}`)
    seen.delete(node)
  }
  walk(tree, '')
  return out
}

/**
 * Nested objects from dotted names: `a.b` and `a.c` give `{ a: { b, c } }`; an object whose keys are
 * exactly 0, 1, …, n − 1 becomes an array. A name that is also a group (`a` and `a.b`) cannot be
 * nested, which is an error suggesting `{ flat: true }` or `{ like }`.
 */
export function nest(fn: string, tensors: ReadonlyMap<string, Tensor>): Record<string, unknown> | unknown[] {
  const root: Record<string, unknown> = Object.create(null)
  const groups = new Set<Record<string, unknown>>([root])
  for (const [name, t] of tensors) {
    const parts = name.split('.')
    let node = root
    for (let i = 0; i < parts.length; i++) {
      const key = parts[i]!
      const last = i === parts.length - 1
      const there = Object.hasOwn(node, key) ? node[key] : undefined
      if (last ? there !== undefined : there !== undefined && !groups.has(there as Record<string, unknown>)) {
        const prefix = parts.slice(0, last ? parts.length : i + 1).join('.')
        throw new Error(
          `${fn}: the names ${quote(prefix)} and ${quote(name === prefix ? longerName(tensors, prefix) : name)} cannot both be in a nested tree; pass { flat: true } or { like }`,
        )
      }
      if (last) put(node, key, t)
      else {
        if (there === undefined) {
          const child: Record<string, unknown> = Object.create(null)
          groups.add(child)
          put(node, key, child)
        }
        node = node[key] as Record<string, unknown>
      }
    }
  }
  const finish = (node: Record<string, unknown>): Record<string, unknown> | unknown[] => {
    const keys = Object.keys(node)
    const out: Record<string, unknown> = {}
    for (const k of keys) {
      const v = node[k]
      put(out, k, groups.has(v as Record<string, unknown>) ? finish(v as Record<string, unknown>) : v)
    }
    const isList = keys.length > 0 && keys.every((k, i) => k === String(i))
    return isList ? keys.map((k) => out[k]) : out
  }
  return finish(root)
}

function longerName(tensors: ReadonlyMap<string, Tensor>, prefix: string): string {
  for (const name of tensors.keys()) if (name.startsWith(`${prefix}.`)) return name
  return prefix
}

/** The flat record `{ name: tensor }`, in the file's name order. */
export function flatRecord(tensors: ReadonlyMap<string, Tensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {}
  for (const [name, t] of tensors) put(out, name, t)
  return out
}

/** A copy of `template` (already flattened without error) with each tensor replaced by the loaded one of its name. */
export function fill(template: unknown, tensors: ReadonlyMap<string, Tensor>, name = ''): unknown {
  if (isTensor(template)) return tensors.get(name)
  const child = (key: string) => (name === '' ? key : `${name}.${key}`)
  if (Array.isArray(template)) return template.map((v, i) => fill(v, tensors, child(String(i))))
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(template as object))
    put(out, key, fill((template as Record<string, unknown>)[key], tensors, child(key)))
  return out
}
