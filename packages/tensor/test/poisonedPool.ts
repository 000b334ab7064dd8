// For tests that a kernel writes every element of a result taken unfilled from the pool: the result is made
// over blocks that an earlier scope filled with NaN and released, so an element left unwritten shows.
import { allocate } from '../src/dtype.js'
import { existingArena } from '../src/kernels/runtime/arena.js'
import { useScopes, withScope } from '../src/kernels/runtime/scope.js'
import type { Tensor } from '../src/tensor.js'

/**
 * Runs `make` in a scope (scopes on for the call) after a first scope released 6 blocks of `size` floats filled
 * with NaN into the pool; returns the result's bits and whether its storage is one of the poisoned blocks.
 */
export function overPoison(size: number, make: () => Tensor): { bits: number[]; reused: boolean } {
  const restore = useScopes(true)
  try {
    const poisoned = new Set<number>()
    withScope(
      'poison',
      () => {
        for (let i = 0; i < 6; i++) {
          const block = allocate('float32', size).fill(Number.NaN)
          // (a small size gets JavaScript arrays)
          if (existingArena()!.holds(block)) poisoned.add(block.byteOffset)
        }
      },
      () => null,
    )
    return withScope(
      'use',
      () => {
        const out = make()
        const x = out.data as Float32Array
        const reused = poisoned.has((out.storage as Float32Array).byteOffset)
        return { bits: [...new Uint32Array(x.buffer, x.byteOffset, x.length)], reused }
      },
      () => null,
    )
  } finally {
    restore()
  }
}
