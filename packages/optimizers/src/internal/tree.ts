import type { Tensor, Tree } from '@gd/tensor'
import { allocate } from '@gd/tensor/internal'

// The optimizers' own walk over parameter trees. @gd/tensor's `treeMap` recognises a leaf with
// `instanceof Tensor`, and that one reference bundles the whole Tensor class (esbuild cannot drop
// unused methods) into every optimizer; this walk, `bufferLike` and `tensorLike` keep the class out
// of a bundle such as `adam` alone. Nested arrays and plain objects are structure, in the same order
// as `treeLeaves`; anything else is a leaf, checked to be a float tensor where it is read (`floatData`).

/** Applies `f` to every leaf (depth first, object keys in insertion order), returning a new tree. */
export function mapTree(tree: Tree, f: (leaf: Tensor) => Tensor): Tree {
  if (Array.isArray(tree)) return tree.map((t: Tree) => mapTree(t, f))
  if (!isStructure(tree)) return f(tree as Tensor)
  const out: Record<string, Tree> = {}
  for (const k of Object.keys(tree)) out[k] = mapTree((tree as Record<string, Tree>)[k]!, f)
  return out
}

/** The leaves of a tree, in {@link mapTree}'s order. */
export function leavesOf(tree: Tree, out: Tensor[] = []): Tensor[] {
  if (Array.isArray(tree)) for (const t of tree) leavesOf(t, out)
  else if (isStructure(tree)) for (const k of Object.keys(tree)) leavesOf((tree as Record<string, Tree>)[k]!, out)
  else out.push(tree as Tensor)
  return out
}

/** A plain object (its prototype is Object.prototype or null), walked as structure. */
export function isStructure(x: unknown): boolean {
  const proto = typeof x === 'object' && x !== null && Object.getPrototypeOf(x)
  return proto === Object.prototype || proto === null
}

/** A zeroed buffer with the dtype and size of the float tensor `t`. */
export const bufferLike = (t: Tensor): Float32Array | Float64Array =>
  t.dtype === 'float64' ? new Float64Array(t.size) : new Float32Array(t.size)

/**
 * A fresh zeroed tensor with the class, dtype and shape of the float tensor `t`: its constructor
 * is taken from `t`, so this module needs no value import of `Tensor`. Its storage comes from @gd/tensor's
 * `allocate`: inside a scope of @gd/tensor (`stepInPlace`'s, a fit step's) a float32 array is born in the scope's
 * pool in the kernels' WebAssembly memory, where the kernels write it without a copy; outside one, on the
 * JavaScript heap.
 */
export const tensorLike = (t: Tensor): Tensor =>
  new (t.constructor as typeof Tensor)(allocate(t.dtype as 'float32' | 'float64', t.size), t.shape, t.dtype)

/** A fresh zeroed array of the type and length of `a`, from @gd/tensor's `allocate` (see {@link tensorLike}). */
export const scratchLike = (a: Float32Array | Float64Array): Float32Array | Float64Array =>
  allocate(a instanceof Float64Array ? 'float64' : 'float32', a.length)

// Pairing trees by key. A state remembers the path of every leaf of the params it was built for
// (`paths`), and every tree given later (grads, params, updates) is matched to it by path, never by
// leaf order: the same keys in another order pair correctly, a missing or extra leaf is an error
// naming its path (`grads.layers[1].w`).

/** A tree's leaves and their paths, in {@link mapTree}'s order. */
export interface Flat {
  readonly leaves: Tensor[]
  readonly paths: string[]
  /** The leaves' float elements once `floatData` has read them (internal/floatData.ts), else undefined. */
  data: (Float32Array | Float64Array)[] | undefined
}

const plainKey = /^[A-Za-z_$][\w$]*$/

/** The leaves of `tree` with their paths: `w`, `layers[1].w`, `["a.b"]`; '' for a tree that is one leaf. */
export function flatten(tree: Tree): Flat {
  const known = memo !== null && typeof tree === 'object' && tree !== null ? (memo.get(tree) as Flat) : undefined
  if (known !== undefined) return known
  const flat: Flat = { leaves: [], paths: [], data: undefined }
  walkPaths(tree, '', flat)
  if (memo !== null && typeof tree === 'object' && tree !== null) memo.set(tree, flat)
  return flat
}

/** The {@link flatten} of `tree` already made during the current {@link withFlatMemo} call, else undefined. */
export const flattened = (tree: Tree): Flat | undefined =>
  memo !== null && typeof tree === 'object' && tree !== null ? (memo.get(tree) as Flat | undefined) : undefined

/** Trees flattened during the current {@link withFlatMemo} call (and {@link once}'s values), or null outside one. */
let memo: Map<object, unknown> | null = null

/**
 * Runs `fn` with each tree flattened at most once: a step's checks and its update flatten the same
 * grads and params several times. Only for a call that changes no tree's structure while it runs (a
 * step writes into leaves, never adds or removes them); the results are shared, so read-only.
 */
export function withFlatMemo<T>(fn: () => T): T {
  if (memo !== null) return fn()
  memo = new Map()
  try {
    return fn()
  } finally {
    memo = null
  }
}

/**
 * `make()`, or during a {@link withFlatMemo} call the value it gave when `owner` (a function: never a tree) last ran
 * it on the same arguments (the same objects): a step checks each transform before any writes and then runs it, and
 * the second look at the same trees and state finds what the first found. A `make` that throws is not remembered.
 */
export function once<T>(owner: object, args: readonly unknown[], make: () => T): T {
  const last = memo?.get(owner) as { args: readonly unknown[]; value: T } | undefined
  if (last?.args.every((a, i) => a === args[i])) return last.value
  const value = make()
  memo?.set(owner, { args, value })
  return value
}

// The walk of flatten, a top-level function (no closure made per call). Each path is made once and then
// found again (a model's paths are few, and the same every step): a step's trees and a state's recorded
// paths then hold the same strings, which compare at once.
function walkPaths(t: unknown, path: string, flat: Flat): void {
  if (Array.isArray(t)) {
    for (let i = 0; i < t.length; i++) walkPaths(t[i], childPath(path, i), flat)
  } else if (isStructure(t)) {
    for (const k of Object.keys(t as object)) walkPaths((t as Record<string, unknown>)[k], childPath(path, k), flat)
  } else {
    flat.leaves.push(t as Tensor)
    flat.paths.push(path)
  }
}

/** The path of item `i` or key `k` under `path`: `[1]`, `w`, `layers[1].w`, `["a.b"]`. */
function childPath(path: string, key: string | number): string {
  let children = childPaths.get(path)
  if (children === undefined) {
    if (pathCount > 4095) {
      // trees with ever new keys: the cache stays small
      childPaths.clear()
      pathCount = 0
    }
    childPaths.set(path, (children = new Map()))
  }
  let child = children.get(key)
  if (child === undefined) {
    if (typeof key === 'number') child = `${path}[${key}]`
    else if (!plainKey.test(key)) child = `${path}[${JSON.stringify(key)}]`
    else child = path === '' ? key : `${path}.${key}`
    children.set(key, child)
    pathCount++
  }
  return child
}

/** Paths made by {@link childPath}, by the parent's path, then by index (a number) or key (a string). */
const childPaths = /* @__PURE__ */ new Map<string, Map<string | number, string>>()
let pathCount = 0

/** `root` followed by `path`: `grads.layers[1].w`, `grads[0]`, `grads` for the root leaf. */
export const pathIn = (root: string, path: string): string =>
  path === '' || path[0] === '[' ? root + path : `${root}.${path}`

/**
 * For each leaf of `flat` (a tree called `root` in messages), the index of the leaf with the same
 * path in `ref` (the paths of `refName`); throws `<fn>: <root.path> is missing, <refName> has a leaf
 * there` or `<fn>: <root.path> is not in <refName>` for the first leaf that does not pair.
 */
export function pairTo(fn: string, flat: Flat, ref: readonly string[], root: string, refName: string): number[] {
  const { paths } = flat
  if (paths.length === ref.length && paths.every((p, i) => p === ref[i])) return paths.map((_, i) => i)
  const index = new Map(ref.map((p, i) => [p, i]))
  const out = paths.map((p) => {
    const i = index.get(p)
    if (i === undefined) throw new Error(`${fn}: ${pathIn(root, p)} is not in ${refName}`)
    return i
  })
  const seen = new Set(paths)
  const missing = ref.find((p) => !seen.has(p))
  if (missing !== undefined) throw new Error(`${fn}: ${pathIn(root, missing)} is missing, ${refName} has a leaf there`)
  return out
}

/**
 * The leaves of `tree` (called `root` in messages) rearranged into the order of `paths`, the leaf
 * paths a state recorded at init, and for each leaf of `tree` its index there (see {@link pairTo}).
 * A state without paths (built by hand) pairs by leaf order, after checking there are `count` leaves.
 */
export function inOrderOf(
  fn: string,
  tree: Tree,
  paths: unknown,
  root: string,
  count: number,
): { leaves: Tensor[]; order: number[] } {
  const flat = flatten(tree)
  let order: number[]
  if (Array.isArray(paths)) order = pairTo(fn, flat, paths as string[], root, 'the state')
  else if (flat.leaves.length !== count)
    throw new Error(`${fn}: expected ${count} ${root} leaves (as at init), got ${flat.leaves.length}`)
  else order = flat.leaves.map((_, i) => i)
  const leaves: Tensor[] = []
  order.forEach((k, j) => (leaves[k] = flat.leaves[j]!))
  return { leaves, order }
}
