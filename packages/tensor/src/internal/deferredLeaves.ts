/**
 * The arrays a deferred elementwise chain (see `deferred.ts`) may read when it is finally computed, and
 * what keeps their values as they were when the chain was made. In a module of its own, without the
 * chains, so that @gd/optimizers' in-place step (through `beforeInPlaceWrite.ts`) carries only the captures.
 *
 * A chain reads only float32 arrays that @gd allocated itself, each in a buffer of its own (`tensor`,
 * the results of elementwise ops outside scopes, computed chains): no user holds them to write into, and
 * none lies in the WebAssembly memory. The one writer into such an array is an in-place optimizer step
 * (`stepInPlace` of @gd/optimizers), which calls `beforeInPlaceWrite` first: a chain that captured
 * the array then keeps a copy of its old values.
 * @module
 */
/** Elements from which a float32 elementwise result outside scopes is deferred (256 KiB); smaller ones run at once. */
export const FUSE_MIN = 65536

/** Arrays of at least FUSE_MIN floats that @gd allocated (whole buffers, never written after their op). */
const owned = new WeakSet<Float32Array>()

/**
 * The values a chain reads from one array: the array itself until an in-place write is about to change
 * it, then a copy of it as it was. Shared by every chain that captured the array before that write.
 */
export interface Captured {
  values: Float32Array
}

/** The current capture of each captured array's buffer; an in-place write retires it (see retireCapture). */
const captures = new WeakMap<ArrayBufferLike, Captured>()

/**
 * Marks `s` as an array @gd allocated and will not write again, which chains may read later, when it is
 * float32, at least FUSE_MIN long and a whole buffer of the JavaScript heap (an arena block is a view of
 * the WebAssembly memory, never marked). Returns `s`.
 */
export function markOwned<S>(s: S): S {
  if (s instanceof Float32Array && s.length >= FUSE_MIN && s.byteOffset === 0 && s.buffer.byteLength === s.byteLength)
    owned.add(s)
  return s
}

/** Whether chains may read `s` (see markOwned). */
export function isOwned(s: unknown): boolean {
  return owned.has(s as Float32Array)
}

/** The capture of the owned array `s`: made now, or the one an earlier chain made since the last write. */
export function captureOf(s: Float32Array): Captured {
  let c = captures.get(s.buffer)
  if (c === undefined) captures.set(s.buffer, (c = { values: s }))
  return c
}

/**
 * Before an in-place write into `s`: the chains that captured it keep a copy of its values as they are now,
 * and chains made from now on capture it afresh. One lookup when no chain captured it.
 */
export function retireCapture(s: Float32Array): void {
  const c = captures.get(s.buffer)
  if (c === undefined) return
  c.values = c.values.slice()
  captures.delete(s.buffer)
}
