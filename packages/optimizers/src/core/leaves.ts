import { fail, finite, func } from '@gd/check'
import { fusedKernels, type Tensor, type Tree } from '@gd/tensor'
import { bufferLike, leavesOf, mapTree } from '../internal/tree.js'

/** The storage of a float tensor; optimizer state buffers have the dtype of their parameter. */
export type FloatArray = Float32Array | Float64Array

/**
 * The elements of a float tensor, as a typed array that must not be written.
 *
 * @throws Error `<fn>: expected float32 or float64 tensors, got <dtype>` for int32 and bool (for a
 * leaf that is no tensor: `got number`, `got null`, `got Map`, ...).
 * @example
 * ```ts
 * import { floatElements } from '@gd/optimizers/extend'
 * import { tensor } from '@gd/tensor'
 * floatElements('sgd', tensor([1, 2])) // Float32Array [1, 2]
 * ```
 */
export function floatElements(fn: string, t: Tensor): FloatArray {
  return checkFloat(fn, t).data as FloatArray
}

/**
 * Throws unless `t` is a float32 or float64 tensor, naming what it is instead. A tensor is told by its
 * typed-array `storage` (not `instanceof`, which would bundle the Tensor class), so an object that
 * only looks like one, such as @gd/autograd's `Var`, is named by its class.
 */
function checkFloat(fn: string, t: Tensor): Tensor {
  const d = ArrayBuffer.isView((t as { storage?: unknown } | null)?.storage) ? t.dtype : undefined
  if (d !== 'float32' && d !== 'float64') {
    const what = d ?? (typeof t !== 'object' ? typeof t : t === null ? 'null' : t.constructor.name)
    throw new Error(`${fn}: expected float32 or float64 tensors, got ${what}`)
  }
  return t
}

/**
 * One zeroed buffer per leaf of `params` (dtype of the leaf, so float64 parameters keep float64
 * state), optionally filled with `fill`. After `await initWasm()` (or `toWasmMemory`) from
 * @gd/tensor, float32 buffers of 96 elements or more are allocated in the Wasm kernels' memory
 * (`fusedKernels().alloc`), where the fused updates run on them without copies.
 *
 * @example
 * ```ts
 * import { buffersLike } from '@gd/optimizers/extend'
 * import { tensor } from '@gd/tensor'
 * buffersLike('adam', { w: tensor([1, 2]) }) // [Float32Array [0, 0]]
 * ```
 */
export function buffersLike(fn: string, params: Tree, fill = 0): FloatArray[] {
  finite(fn, 'fill', fill)
  return leavesOf(params).map((p) => {
    floatElements(fn, p)
    const b = (p.dtype === 'float32' && fusedKernels()?.alloc(p.size)) || bufferLike(p)
    if (fill !== 0) b.fill(fill)
    return b
  })
}

/**
 * A copy of every leaf's elements, one buffer per leaf.
 *
 * @example
 * ```ts
 * import { copiesOf } from '@gd/optimizers/extend'
 * import { tensor } from '@gd/tensor'
 * copiesOf('ema', [tensor([3])]) // [Float32Array [3]]
 * ```
 */
export function copiesOf(fn: string, params: Tree): FloatArray[] {
  return leavesOf(params).map((p) => floatElements(fn, p).slice())
}

/**
 * Maps the leaves of `grads` with their index in leaf order, checking that there are `count` of them
 * and that leaf `i` has `sizes[i]` elements.
 *
 * @throws Error `<fn>: expected <n> gradient leaves, got <m>` or a size mismatch message.
 * @example
 * ```ts
 * import { mapGradientLeaves } from '@gd/optimizers/extend'
 * import { tensor } from '@gd/tensor'
 * mapGradientLeaves('demo', { a: tensor([1]) }, [1], (g, i) => g)
 * ```
 */
export function mapGradientLeaves(
  fn: string,
  grads: Tree,
  sizes: readonly number[] | null,
  f: (g: Tensor, i: number) => Tensor,
): Tree {
  if (sizes !== null && !Array.isArray(sizes)) fail(fn, 'sizes', 'an array of leaf sizes or null', sizes)
  func(fn, 'f', f)
  if (sizes !== null) checkLeafSizes(fn, leavesOf(grads), sizes)
  let i = 0
  return mapTree(grads, (g) => f(g, i++))
}

/**
 * Throws when `leaves` are not float tensors of the sizes the state was built for.
 *
 * @example
 * ```ts
 * import { checkLeafSizes } from '@gd/optimizers/extend'
 * import { tensor } from '@gd/tensor'
 * checkLeafSizes('adam', [tensor([1, 2])], [3]) // throws 'adam: leaf 0 has 2 elements but the state was built for 3'
 * ```
 */
export function checkLeafSizes(fn: string, leaves: readonly Tensor[], sizes: readonly number[]): void {
  if (!Array.isArray(leaves)) fail(fn, 'leaves', 'an array of tensors', leaves)
  if (!Array.isArray(sizes)) fail(fn, 'sizes', 'an array of leaf sizes', sizes)
  if (leaves.length !== sizes.length) {
    throw new Error(`${fn}: expected ${sizes.length} gradient leaves (as at init), got ${leaves.length}`)
  }
  leaves.forEach((g, i) => {
    if (checkFloat(fn, g).size !== sizes[i]) {
      throw new Error(`${fn}: leaf ${i} has ${g.size} elements but the state was built for ${sizes[i]}`)
    }
  })
}

/**
 * The sizes of a list of buffers.
 *
 * @example
 * ```ts
 * import { bufferSizes } from '@gd/optimizers/extend'
 * bufferSizes([new Float32Array(2), new Float64Array(5)]) // [2, 5]
 * ```
 */
export function bufferSizes(bs: readonly FloatArray[]): number[] {
  if (!Array.isArray(bs) || !bs.every((b) => b instanceof Float32Array || b instanceof Float64Array)) {
    fail('bufferSizes', 'buffers', 'an array of Float32Array or Float64Array', bs)
  }
  return bs.map((b) => b.length)
}

/**
 * The leaves of `params`, required when a transform reads parameters.
 *
 * @throws Error `<fn>: needs params, got undefined`.
 * @example
 * ```ts
 * import { paramLeaves } from '@gd/optimizers/extend'
 * import { tensor } from '@gd/tensor'
 * paramLeaves('addDecayedWeights', { w: tensor([1]) }).length // 1
 * ```
 */
export function paramLeaves(fn: string, params: Tree | undefined): Tensor[] {
  if (params === undefined) throw new Error(`${fn}: needs params, got undefined`)
  return leavesOf(params)
}
