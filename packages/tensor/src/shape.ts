/**
 * Shape helpers shared by every op: validation, sizes, strides and broadcasting.
 * @module
 */
import { axes as axesCheck, axis as axisCheck, fail, isShape, nonNegativeInteger, shape as shapeCheck } from '@gd/check'

/** A tensor's shape: one non-negative integer per dimension. */
export type Shape = readonly number[]

/**
 * The most elements a tensor may hold: 2³¹ − 1 (2147483647), the largest length every engine's typed
 * arrays and a 32-bit index can reach. Shapes over it are refused before anything is allocated.
 *
 * @example
 * ```ts
 * import { MAX_ELEMENTS, zeros } from '@gd/tensor'
 * MAX_ELEMENTS // 2147483647
 * zeros([65536, 32768]) // throws "zeros: shape [65536,32768] has 2147483648 elements, more than the limit of 2147483647"
 * ```
 */
export const MAX_ELEMENTS = 2147483647

/**
 * Checks that `shape` is a list of non-negative safe integers holding at most {@link MAX_ELEMENTS}
 * elements, and returns a frozen copy.
 *
 * @throws Error naming `op`: `zeros: shape must hold non-negative integers, got [2,-1]`.
 * @example
 * ```ts
 * import { checkShape } from '@gd/tensor/internal'
 * checkShape('zeros', [2, 3]) // [2, 3]
 * checkShape('zeros', [2, -1]) // throws "zeros: shape must hold non-negative integers, got [2,-1]"
 * ```
 */
export function checkShape(op: string, shape: readonly number[], key = 'shape'): Shape {
  const s = shapeCheck(op, key, shape)
  checkSize(op, key, s)
  return Object.freeze(s)
}

/**
 * Throws unless `shape` is a list of non-negative integers (no copy, no size limit). Every shape
 * helper checks its arguments with this, on every call: a plain loop (isShape's `every` makes a
 * closure call per dimension), falling back to the shared check, which throws its message.
 */
function shapeArg(op: string, shape: unknown, key = 'shape'): void {
  if (Array.isArray(shape)) {
    let k = 0
    while (k < shape.length && Number.isSafeInteger(shape[k]) && (shape[k] as number) >= 0) k++
    if (k === shape.length) return
  }
  if (!isShape(shape)) shapeCheck(op, key, shape)
}

/** Throws unless a shape holds at most {@link MAX_ELEMENTS} elements. */
function checkSize(op: string, what: string, shape: Shape): void {
  const n = sizeOf(shape)
  if (n > MAX_ELEMENTS) {
    throw new Error(`${op}: ${what} ${formatList(shape)} has ${n} elements, more than the limit of ${MAX_ELEMENTS}`)
  }
}

/**
 * Number of elements in a shape (1 for a scalar's `[]`).
 *
 * @example
 * ```ts
 * import { sizeOf } from '@gd/tensor/internal'
 * sizeOf([2, 3, 4]) // 24
 * ```
 */
export function sizeOf(shape: Shape): number {
  shapeArg('sizeOf', shape)
  let n = 1
  for (let i = 0; i < shape.length; i++) n *= shape[i]!
  return n
}

/**
 * Row-major (C order) strides of a shape, in elements.
 *
 * @example
 * ```ts
 * import { stridesOf } from '@gd/tensor/internal'
 * stridesOf([2, 3, 4]) // [12, 4, 1]
 * ```
 */
export function stridesOf(shape: Shape): number[] {
  shapeArg('stridesOf', shape)
  return rowMajor(shape)
}

/** {@link stridesOf} of a shape checked already (the Tensor constructor's). @internal */
export function rowMajor(shape: Shape): number[] {
  const strides = new Array<number>(shape.length)
  let s = 1
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s
    s *= shape[i]!
  }
  return strides
}

/**
 * The shape two shapes broadcast to under NumPy rules: align from the right; each pair of
 * dimensions must be equal or one of them 1.
 *
 * @throws Error `op: cannot broadcast shapes [2,3] and [4]`.
 * @example
 * ```ts
 * import { broadcastShapes } from '@gd/tensor/internal'
 * broadcastShapes('add', [2, 1, 3], [4, 1]) // [2, 4, 3]
 * ```
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  shapeArg(op, a, 'a')
  shapeArg(op, b, 'b')
  const rank = Math.max(a.length, b.length)
  const out: number[] = []
  let n = 1
  const la = rank - a.length // leading dimensions a lacks (read as 1: no negative index, which V8 looks up slowly)
  const lb = rank - b.length
  for (let i = 0; i < rank; i++) {
    const da = i < la ? 1 : a[i - la]!
    const db = i < lb ? 1 : b[i - lb]!
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: cannot broadcast shapes ${formatList(a)} and ${formatList(b)}`)
    }
    const d = da === 1 ? db : da
    out.push(d)
    n *= d
  }
  // checkSize's test on the product just taken (out holds checked dimensions)
  if (n > MAX_ELEMENTS) checkSize(op, 'result shape', out)
  return out
}

/**
 * Normalizes an axis (negative counts from the end) and checks it is an integer in `[-rank, rank)`.
 *
 * @throws Error `op: axis must be an integer in [-2, 2) for a tensor of rank 2, got 3`.
 * @example
 * ```ts
 * import { normalizeAxis } from '@gd/tensor/internal'
 * normalizeAxis('sum', -1, 3) // 2
 * ```
 */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  nonNegativeInteger(op, 'rank', rank)
  // (the shared check builds its message's range per call: only a bad axis goes to it)
  if (Number.isSafeInteger(axis) && axis >= -rank && axis < rank) return axis < 0 ? axis + rank : axis
  return axisCheck(rank)(op, 'axis', axis)
}

/**
 * The axes of `perm` made non-negative when it is a permutation of the axes of a tensor of rank `rank` (each an
 * integer in [-rank, rank), each axis once), else null: a caller then runs its own checks, which say what is wrong.
 * One loop and one array, for the transposes every attention step makes; ranks above 30 always give null.
 *
 * @example
 * ```ts
 * import { permutationOf } from '@gd/tensor/internal'
 * permutationOf([0, -1, 1], 3) // [0, 2, 1]
 * permutationOf([0, 0], 2) // null
 * ```
 */
export function permutationOf(perm: unknown, rank: number): number[] | null {
  if (!Array.isArray(perm) || perm.length !== rank || rank > 30) return null
  const order: number[] = []
  let seen = 0
  for (let i = 0; i < rank; i++) {
    const a: unknown = perm[i]
    if (typeof a !== 'number' || !Number.isSafeInteger(a) || a < -rank || a >= rank) return null
    const axis = a < 0 ? a + rank : a
    if ((seen & (1 << axis)) !== 0) return null
    seen |= 1 << axis
    order.push(axis)
  }
  return order
}

/**
 * Normalizes one axis or a list of axes (or all axes when `axes` is undefined), sorted and without
 * repeats.
 *
 * @throws Error on an out-of-range or repeated axis: `sum: axis must not repeat an axis, got [0,-2]`.
 * @example
 * ```ts
 * import { normalizeAxes } from '@gd/tensor/internal'
 * normalizeAxes('sum', [-1, 0], 3) // [0, 2]
 * ```
 */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  nonNegativeInteger(op, 'rank', rank)
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i)
  return axesQuickly(axes, rank) ?? axesCheck(rank)(op, 'axis', axes)
}

/**
 * What the shared `axes(rank)` check returns for valid axes (one, or a list of distinct ones: made
 * non-negative and sorted), read with plain loops; null for anything it would refuse (a bad or repeated
 * axis, not a number or an array), so that the caller asks it and it throws its message. @internal
 */
export function axesQuickly(axes: unknown, rank: number): number[] | null {
  const list: unknown[] | null = typeof axes === 'number' ? [axes] : Array.isArray(axes) ? axes : null
  if (list === null) return null
  const out: number[] = []
  for (const a of list) {
    if (!(Number.isSafeInteger(a) && (a as number) >= -rank && (a as number) < rank)) return null
    const v = (a as number) < 0 ? (a as number) + rank : (a as number)
    // a repeat goes to the shared check, which names it
    if (out.includes(v)) return null
    out.push(v)
  }
  return out.sort((x, y) => x - y)
}

/**
 * Formats a shape or any list compactly for error messages: `[2,3]` (no spaces, items as `String` prints them).
 *
 * @example
 * ```ts
 * import { formatList } from '@gd/tensor/internal'
 * formatList([2, 3]) // '[2,3]'
 * formatList([]) // '[]'
 * ```
 */
export function formatList(list: readonly unknown[]): string {
  if (!Array.isArray(list)) fail('formatList', 'list', 'an array', list)
  return `[${list.join(',')}]`
}

/**
 * A value's kind for error messages: its class name for objects (`Tensor`, `Var`, `Array`), else
 * its `typeof` (`null` for null).
 *
 * @example
 * ```ts
 * import { zeros } from '@gd/tensor'
 * import { typeName } from '@gd/tensor/internal'
 * typeName(zeros([1])) // 'Tensor'
 * typeName(3) // 'number'
 * ```
 */
export function typeName(x: unknown): string {
  return x === null ? 'null' : typeof x === 'object' ? ((x as object).constructor?.name ?? 'object') : typeof x
}

/**
 * True when two shapes are equal.
 *
 * @example
 * ```ts
 * import { sameShape } from '@gd/tensor/internal'
 * sameShape([2, 3], [2, 3]) // true
 * sameShape([2, 3], [3, 2]) // false
 * ```
 */
export function sameShape(a: Shape, b: Shape): boolean {
  shapeArg('sameShape', a, 'a')
  shapeArg('sameShape', b, 'b')
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
