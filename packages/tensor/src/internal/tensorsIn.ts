import { fail, func, isPlainObject } from '@gd/check'
import type { Tensor } from '../tensor.js'

/**
 * Calls `visit` once for every distinct tensor in `tree`, a tree of plain objects and arrays nested to
 * any depth (depth first, object keys in insertion order). Each array and object is walked once, so a
 * subtree shared twice, or a cycle, is safe. Anything else (numbers, strings, typed arrays, class
 * instances) is skipped, unless `open` is given: it is then asked about every such object, and what it
 * returns is walked in its place (@gd/autograd passes a traced value's tensor this way; return
 * `undefined` to skip the object). A tensor is told by its brand, so one made by another copy of this
 * module counts too.
 *
 * The one walker of @gd's scopes: the tensors a transform returns (`withScope`), those a run keeps
 * (`fit`), and those of a result that hold traced values.
 *
 * @throws Error `tensorsIn: visit must be a function, got …` (the same for `open`), before any walk.
 * @example
 * ```ts
 * import { tensorsIn } from '@gd/tensor/internal'
 * import { tensor } from '@gd/tensor'
 * const w = tensor([1, 2])
 * const shapes: number[][] = []
 * tensorsIn({ w, again: [w], b: tensor([3]), step: 4 }, (t) => shapes.push([...t.shape]))
 * shapes // [[2], [1]]: w once, then b; the number is skipped
 * ```
 */
export function tensorsIn(tree: unknown, visit: (t: Tensor) => void, open?: (node: object) => unknown): void {
  func('tensorsIn', 'visit', visit)
  if (open !== undefined && typeof open !== 'function') fail('tensorsIn', 'open', 'a function or undefined', open)
  walk(tree, new Set<object>(), visit, open)
}

/**
 * The walk of {@link tensorsIn}, at module level: a closure made per call cost an allocation each time (and,
 * run from source through tsx, a renaming call), and the scopes walk a tree three or four times a step.
 */
function walk(
  node: unknown,
  seen: Set<object>,
  visit: (t: Tensor) => void,
  open: ((node: object) => unknown) | undefined,
): void {
  if (typeof node !== 'object' || node === null) return
  const branded = (node as { __gdTensor?: unknown }).__gdTensor === true
  // a typed array (an optimizer state's buffers) holds nothing to walk: skipped without entering it in `seen`
  if (!branded && open === undefined && ArrayBuffer.isView(node)) return
  if (seen.has(node)) return
  seen.add(node)
  if (branded) visit(node as Tensor)
  else if (Array.isArray(node)) for (let i = 0; i < node.length; i++) walk(node[i], seen, visit, open)
  else if (isPlainObject(node)) {
    for (const k of Object.keys(node)) walk((node as Record<string, unknown>)[k], seen, visit, open)
  } else if (open !== undefined) walk(open(node), seen, visit, open)
}
