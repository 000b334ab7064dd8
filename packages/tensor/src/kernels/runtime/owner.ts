/**
 * The two hooks through which the scopes (`./scope.ts`) reach `allocate` and the Tensor constructor,
 * in a module of their own so that a bundle which never opens a scope carries neither the scopes nor
 * their pool: both fields stay null until the first scope opens.
 * @module
 */

/** An arena block that a scope owns, as a tensor over it sees it. @internal */
export interface Owned {
  /** Null while the block is live; once released, the message a read of a tensor over it throws. */
  released: string | null
}

/** The hooks; null until the scopes install themselves. @internal */
export const ownership: {
  /** A float32 array of `n` elements owned by the innermost open scope, or null (use the JavaScript heap). */
  alloc: ((n: number) => Float32Array | null) | null
  /** The scope block `storage` lies in, or null (a JavaScript array, or an arena array no scope owns). */
  find: ((storage: Float32Array) => Owned | null) | null
} = { alloc: null, find: null }
