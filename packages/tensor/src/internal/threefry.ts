/**
 * The Threefry-2x32 block function behind every draw, unchecked (internal; not re-exported).
 * @module
 */

/** Threefry's key-schedule parity constant for 32-bit words. */
const PARITY = 0x1bd11bda

/**
 * Threefry-2x32 without checks, for the loops that draw (their key is checked once); `threefry2x32`
 * in rng.ts is the checked public form.
 */
export function threefry(
  key: readonly [number, number],
  counterHi: number,
  counterLo: number,
  out: Uint32Array,
  at: number,
): void {
  const k0 = key[0] | 0
  const k1 = key[1] | 0
  const k2 = k0 ^ k1 ^ PARITY
  let x0 = (counterHi + k0) | 0
  let x1 = (counterLo + k1) | 0
  // Five groups of four rounds; a key injection after each group.
  x0 = (x0 + x1) | 0
  x1 = (x1 << 13) | (x1 >>> 19)
  x1 ^= x0
  x0 = (x0 + x1) | 0
  x1 = (x1 << 15) | (x1 >>> 17)
  x1 ^= x0
  x0 = (x0 + x1) | 0
  x1 = (x1 << 26) | (x1 >>> 6)
  x1 ^= x0
  x0 = (x0 + x1) | 0
  x1 = (x1 << 6) | (x1 >>> 26)
  x1 ^= x0
  x0 = (x0 + k1) | 0
  x1 = (x1 + k2 + 1) | 0
  x0 = (x0 + x1) | 0
  x1 = (x1 << 17) | (x1 >>> 15)
  x1 ^= x0
  x0 = (x0 + x1) | 0
  x1 = (x1 << 29) | (x1 >>> 3)
  x1 ^= x0
  x0 = (x0 + x1) | 0
  x1 = (x1 << 16) | (x1 >>> 16)
  x1 ^= x0
  x0 = (x0 + x1) | 0
  x1 = (x1 << 24) | (x1 >>> 8)
  x1 ^= x0
  x0 = (x0 + k2) | 0
  x1 = (x1 + k0 + 2) | 0
  x0 = (x0 + x1) | 0
  x1 = (x1 << 13) | (x1 >>> 19)
  x1 ^= x0
  x0 = (x0 + x1) | 0
  x1 = (x1 << 15) | (x1 >>> 17)
  x1 ^= x0
  x0 = (x0 + x1) | 0
  x1 = (x1 << 26) | (x1 >>> 6)
  x1 ^= x0
  x0 = (x0 + x1) | 0
  x1 = (x1 << 6) | (x1 >>> 26)
  x1 ^= x0
  x0 = (x0 + k0) | 0
  x1 = (x1 + k1 + 3) | 0
  x0 = (x0 + x1) | 0
  x1 = (x1 << 17) | (x1 >>> 15)
  x1 ^= x0
  x0 = (x0 + x1) | 0
  x1 = (x1 << 29) | (x1 >>> 3)
  x1 ^= x0
  x0 = (x0 + x1) | 0
  x1 = (x1 << 16) | (x1 >>> 16)
  x1 ^= x0
  x0 = (x0 + x1) | 0
  x1 = (x1 << 24) | (x1 >>> 8)
  x1 ^= x0
  x0 = (x0 + k1) | 0
  x1 = (x1 + k2 + 4) | 0
  x0 = (x0 + x1) | 0
  x1 = (x1 << 13) | (x1 >>> 19)
  x1 ^= x0
  x0 = (x0 + x1) | 0
  x1 = (x1 << 15) | (x1 >>> 17)
  x1 ^= x0
  x0 = (x0 + x1) | 0
  x1 = (x1 << 26) | (x1 >>> 6)
  x1 ^= x0
  x0 = (x0 + x1) | 0
  x1 = (x1 << 6) | (x1 >>> 26)
  x1 ^= x0
  x0 = (x0 + k2) | 0
  x1 = (x1 + k0 + 5) | 0
  out[at] = x0
  out[at + 1] = x1
}
