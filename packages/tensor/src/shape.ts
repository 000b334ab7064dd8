/**
 * Shape helpers shared by every op: validation, sizes, strides and broadcasting.
 * @module
 */

/** A tensor's shape: one non-negative integer per dimension. */
export type Shape = readonly number[]

/**
 * Checks that `shape` is a list of non-negative integers and returns a frozen copy.
 *
 * @throws Error naming `op` and the offending entry.
 * @example
 * ```ts
 * import { checkShape } from '@gd/tensor'
 * checkShape('zeros', [2, 3]) // [2, 3]
 * checkShape('zeros', [2, -1]) // throws "zeros: shape must hold non-negative integers, got [2,-1]"
 * ```
 */
export function checkShape(op: string, shape: readonly number[]): Shape {
  if (!Array.isArray(shape)) {
    throw new Error(`${op}: shape must be an array of non-negative integers, got ${String(shape)}`)
  }
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new Error(`${op}: shape must hold non-negative integers, got ${fmt(shape)}`)
    }
  }
  return Object.freeze([...shape])
}

/**
 * Number of elements in a shape (1 for a scalar's `[]`).
 *
 * @example
 * ```ts
 * import { sizeOf } from '@gd/tensor'
 * sizeOf([2, 3, 4]) // 24
 * ```
 */
export function sizeOf(shape: Shape): number {
  let n = 1
  for (const d of shape) n *= d
  return n
}

/**
 * Row-major (C order) strides of a shape, in elements.
 *
 * @example
 * ```ts
 * import { stridesOf } from '@gd/tensor'
 * stridesOf([2, 3, 4]) // [12, 4, 1]
 * ```
 */
export function stridesOf(shape: Shape): number[] {
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
 * import { broadcastShapes } from '@gd/tensor'
 * broadcastShapes('add', [2, 1, 3], [4, 1]) // [2, 4, 3]
 * ```
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length)
  const out = new Array<number>(rank)
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1
    const db = b[b.length - rank + i] ?? 1
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: cannot broadcast shapes ${fmt(a)} and ${fmt(b)}`)
    }
    out[i] = da === 1 ? db : da
  }
  return out
}

/**
 * Normalizes an axis (negative counts from the end) and checks it is in range for `rank`.
 *
 * @throws Error `op: axis 3 is out of range for rank 2 (expected -2..1)`.
 * @example
 * ```ts
 * import { normalizeAxis } from '@gd/tensor'
 * normalizeAxis('sum', -1, 3) // 2
 * ```
 */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(
      `${op}: axis ${axis} is out of range for rank ${rank} (expected an integer in ${-rank}..${rank - 1})`,
    )
  }
  return axis < 0 ? axis + rank : axis
}

/**
 * Normalizes a list of axes (or all axes when `axes` is undefined), sorted and without repeats.
 *
 * @throws Error on an out-of-range or repeated axis.
 * @example
 * ```ts
 * import { normalizeAxes } from '@gd/tensor'
 * normalizeAxes('sum', [-1, 0], 3) // [0, 2]
 * ```
 */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i)
  const list = typeof axes === 'number' ? [axes] : axes
  const out = list.map((a) => normalizeAxis(op, a, rank))
  if (new Set(out).size !== out.length) {
    throw new Error(`${op}: repeated axis in ${fmt(list)}`)
  }
  return out.sort((x, y) => x - y)
}

/** Formats a shape or list compactly for error messages: `[2,3]`. */
export function fmt(list: readonly unknown[]): string {
  return `[${list.join(',')}]`
}

/**
 * A value's kind for error messages: its class name for objects (`Tensor`, `Var`, `Array`), else
 * its `typeof` (`null` for null).
 *
 * @example
 * ```ts
 * import { typeName, zeros } from '@gd/tensor'
 * typeName(zeros([1])) // 'Tensor'
 * typeName(3) // 'number'
 * ```
 */
export function typeName(x: unknown): string {
  return x === null ? 'null' : typeof x === 'object' ? ((x as object).constructor?.name ?? 'object') : typeof x
}

/** True when two shapes are equal. */
export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i])
}
