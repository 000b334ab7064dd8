/**
 * Turning an inlined base64 module into a running instance, shared by every Wasm kernel family.
 * Each family's module needs no imports and exports its own memory.
 * @module
 */

/**
 * The part of the WebAssembly JS API used here, declared locally: the package compiles against
 * ES2022 + Node types, which leave `WebAssembly` out, and needs no DOM types for four functions.
 */
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { readonly exports: unknown }
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { readonly exports: unknown } }>
}

/** A module's exported memory, as the JavaScript side uses it. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}

/** Bytes of one Wasm memory page. */
export const PAGE = 65536

/**
 * Decodes an inlined base64 module (`atob` exists in Node ≥ 16 and in browsers).
 *
 * @example
 * ```ts
 * base64Bytes('AGFzbQ==') // Uint8Array [0, 97, 115, 109], the Wasm magic number
 * ```
 */
export function base64Bytes(text: string): Uint8Array {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/**
 * Whether this engine runs a build: WebAssembly exists and validates it (the builds use SIMD128,
 * and relaxed SIMD, opcodes, so an engine without them rejects the bytes here, not later).
 *
 * @example
 * ```ts
 * wasmSimdSupported(gemmWasmBytes()) // true on Node ≥ 16.4 and current browsers
 * ```
 */
export function wasmSimdSupported(bytes: Uint8Array): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(bytes)
}

/**
 * Compiles and instantiates a module synchronously; null when the engine cannot (no WebAssembly,
 * no SIMD, or a browser that refuses synchronous compiles on the main thread).
 *
 * @example
 * ```ts
 * const exports = instantiateSync<{ slots(): number }>(base64Bytes(optimWasmBase64))
 * ```
 */
export function instantiateSync<E>(bytes: Uint8Array): E | null {
  try {
    if (!wasmSimdSupported(bytes)) return null
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as E
  } catch {
    return null
  }
}

/**
 * Compiles and instantiates a module asynchronously (the path browsers prefer); null when the
 * engine cannot.
 *
 * @example
 * ```ts
 * const exports = await instantiate<{ slots(): number }>(base64Bytes(optimWasmBase64))
 * ```
 */
export async function instantiate<E>(bytes: Uint8Array): Promise<E | null> {
  try {
    if (!wasmSimdSupported(bytes)) return null
    return (await WebAssembly.instantiate(bytes, {})).instance.exports as E
  } catch {
    return null
  }
}

/**
 * Grows `memory` so that it holds at least `end` bytes; false when the engine refuses (past the
 * 4 GiB a 32-bit memory allows, or out of memory).
 *
 * @example
 * ```ts
 * ensureBytes(exports.memory, 1 << 20) // true: the memory now holds 1 MiB or more
 * ```
 */
export function ensureBytes(memory: WasmMemory, end: number): boolean {
  if (end <= memory.buffer.byteLength) return true
  try {
    memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE))
    return true
  } catch {
    return false
  }
}
