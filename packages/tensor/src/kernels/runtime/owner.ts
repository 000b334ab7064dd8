/**
 * The two hooks through which the scopes (`./scope.ts`) reach `allocate` and the Tensor constructor,
 * in a module of their own so that a bundle which never opens a scope carries neither the scopes nor
 * their pool: both fields stay null until the first scope opens. And {@link allocateUnfilled}, the
 * allocation without zero-fill for kernels that write every element.
 * @module
 */
import { fail } from '@gd/check'

/** An arena block that a scope owns, as a tensor over it sees it. @internal */
export interface Owned {
  /** Null while the block is live; once released, the message a read of a tensor over it throws. */
  released: string | null
}

/** The hooks; null until the scopes install themselves. @internal */
export const ownership: {
  /**
   * A float32 array of `n` elements owned by the innermost open scope, or null (use the JavaScript heap);
   * zero-filled unless `fill` is false (for a caller that writes every element: `allocateUnfilled`).
   */
  alloc: ((n: number, fill?: boolean) => Float32Array | null) | null
  /** The scope block `storage` lies in, or null (a JavaScript array, or an arena array no scope owns). */
  find: ((storage: Float32Array) => Owned | null) | null
} = { alloc: null, find: null }

/**
 * Float32 storage for `size` elements that the caller promises to write in full before anything reads
 * them: inside a scope, the block comes from the pool or the arena as it is (a pooled block holds a
 * released result's values), without `allocate`'s zero-fill; anywhere else, a fresh (zeroed) array.
 * Not exported from the package. A kernel that skipped one element would leave stale values in a result,
 * so its only users are kernels that write every element, each pinned by a test that poisons the pool
 * (`owner.test.ts`): matmul's products on the Wasm gemm in overwrite mode, and the float32 results of the
 * elementwise drivers `mapUnary` and `mapBinary` (each of their paths, JavaScript or Wasm, writes every element),
 * `concat` (and `stack` through it) and `gather`, which copy every slice of their result, the contiguous copy of a
 * strided view (`data`: each of its loops, JavaScript or the Wasm gather, writes every element), and `conv2d` with
 * both gradients, whose kernels overwrite their output (each zeroes it first), and `maxPool2d` and `avgPool2d`,
 * whose forward kernels write every output.
 *
 * @example
 * ```ts
 * import { allocateUnfilled } from './owner.js'
 * const out = allocateUnfilled(4) // then every out[i] is written
 * out.fill(1) // Float32Array [1, 1, 1, 1]
 * ```
 */
export function allocateUnfilled(size: number): Float32Array {
  if (!(Number.isSafeInteger(size) && size >= 0 && size <= 2147483647))
    fail('allocateUnfilled', 'size', 'an integer in [0, 2147483647]', size)
  return (ownership.alloc !== null && ownership.alloc(size, false)) || new Float32Array(size)
}
